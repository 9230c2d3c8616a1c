"""move_appointment: staff and patients move a time; the same no-overlap guarantee as booking,
an audit entry, and a change message whose calendar file keeps the UID with a higher SEQUENCE."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.core import mail

from tests.factories import at, at_once, book, details, make_clinic, next_weekday, practs, valid_fnr
from timebok.appointments.errors import (
    AlreadyCancelled,
    AppointmentPast,
    ChangeTooLate,
    OutsideTemplate,
    SlotNotAvailable,
    SlotTaken,
    TimeClosed,
)
from timebok.appointments.models import Appointment
from timebok.appointments.services.booking import PatientDetails, book_appointment, cancel_appointment
from timebok.appointments.services.moving import move_appointment
from timebok.clinics.closures import ClosureSpec
from timebok.clinics.services import create_closure
from timebok.core.models import AuditEntry
from timebok.notifications.models import OutgoingMessage


def _day(weekday: int = 1) -> date:
    return next_weekday(date.today() + timedelta(days=3), weekday)


def _unchanged(appt: Appointment) -> None:
    fresh = Appointment.objects.get(pk=appt.pk)
    assert (fresh.start, fresh.end, fresh.practitioner_id, fresh.sequence) == (
        appt.start, appt.end, appt.practitioner_id, appt.sequence)
    assert not AuditEntry.objects.filter(action="appointment.moved").exists()


@pytest.mark.django_db
def test_staff_move_keeps_duration_raises_sequence_and_is_audited(clinic, staff_user):
    day = _day()
    appt = book(clinic, day=day, hour=10)
    bjorn = practs(clinic)["Bjørn Dahl"]
    moved = move_appointment(appt, start=at(day, 13), practitioner=bjorn, actor=staff_user)
    fresh = Appointment.objects.get(pk=appt.pk)
    assert (fresh.start, fresh.end - fresh.start, fresh.practitioner_id, fresh.sequence) == (
        at(day, 13), timedelta(minutes=30), bjorn.pk, 1)
    assert moved.reference == appt.reference
    entry = AuditEntry.objects.get(action="appointment.moved")
    assert entry.actor == staff_user and entry.data["to_practitioner"] == bjorn.pk
    assert entry.data["from_start"] == appt.start.isoformat()


@pytest.mark.django_db
def test_patient_gets_a_change_message_with_the_same_uid_and_a_higher_sequence(
        clinic, staff_user, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    day = _day()
    with django_capture_on_commit_callbacks(execute=True):
        appt = book(clinic, day=day, hour=10, patient=details(phone="+4741234567"))
    first = OutgoingMessage.objects.get(appointment=appt, kind="confirmation", channel="email")
    with django_capture_on_commit_callbacks(execute=True):
        move_appointment(appt, start=at(day, 14), actor=staff_user)
    change = OutgoingMessage.objects.get(appointment=appt, kind="change", channel="email")
    uid = next(line for line in first.ics.splitlines() if line.startswith("UID:"))
    assert uid in change.ics and "SEQUENCE:1" in change.ics and "SEQUENCE:0" in first.ics
    assert "14:00" in change.body and "10:00" in change.body and "flyttet" in change.subject.lower() + change.body
    assert "onsdag" in change.body or "tirsdag" in change.body  # Norwegian dates, never ISO
    assert day.isoformat() not in change.body
    assert OutgoingMessage.objects.filter(appointment=appt, kind="change", channel="sms").exists()
    # The reminder follows the appointment: the old one is dropped, a new one is due before 14:00.
    reminders = OutgoingMessage.objects.filter(appointment=appt, kind="reminder")
    assert {(r.status, r.sequence) for r in reminders} == {("skipped", 0), ("pending", 1)}
    due = reminders.get(status="pending", channel="email").send_after
    assert due == at(day, 14) - timedelta(hours=clinic.reminder_hours)
    # A second move gets its own message; the cancellation's SEQUENCE goes above the last move.
    with django_capture_on_commit_callbacks(execute=True):
        move_appointment(appt, start=at(day, 15), actor=staff_user)
    assert OutgoingMessage.objects.filter(appointment=appt, kind="change", channel="email").count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        cancel_appointment(appt, actor=staff_user)
    assert "SEQUENCE:3" in OutgoingMessage.objects.get(appointment=appt, kind="cancellation", channel="email").ics
    del mail.outbox[:]


@pytest.mark.django_db
def test_refusals_change_nothing(clinic, staff_user):
    day = _day()
    appt = book(clinic, day=day, hour=10)
    other = book(clinic, day=day, hour=11, patient=details(fnr=valid_fnr(2, 2, 72)))
    with pytest.raises(SlotTaken):
        move_appointment(appt, start=at(day, 11, 15), actor=staff_user, confirm_outside_template=True)
    with pytest.raises(OutsideTemplate):
        move_appointment(appt, start=at(day, 7), actor=staff_user)
    with pytest.raises(OutsideTemplate):  # the lunch break 11:30–12:00
        move_appointment(appt, start=at(day, 11, 30), actor=staff_user)
    create_closure(clinic, ClosureSpec(day, day, time(14), time(15), other.practitioner_id, "Møte"), actor=staff_user)
    with pytest.raises(TimeClosed):
        move_appointment(appt, start=at(day, 14), actor=staff_user, confirm_outside_template=True)
    with pytest.raises(SlotNotAvailable):  # into the past
        move_appointment(appt, start=at(date.today() - timedelta(days=1), 10), actor=staff_user)
    _unchanged(appt)
    cancel_appointment(other)
    with pytest.raises(AlreadyCancelled):
        move_appointment(other, start=at(day, 13), actor=staff_user)


@pytest.mark.django_db
def test_outside_the_template_only_after_confirmation(clinic, staff_user):
    day = _day()
    appt = book(clinic, day=day, hour=10)
    move_appointment(appt, start=at(day, 17), actor=staff_user, confirm_outside_template=True)
    assert Appointment.objects.get(pk=appt.pk).start == at(day, 17)
    assert AuditEntry.objects.get(action="appointment.moved").data["outside_template"] is True


@pytest.mark.django_db
def test_past_appointment_cannot_be_moved(clinic, staff_user):
    day = _day()
    appt = book(clinic, day=day, hour=10)
    with pytest.raises(AppointmentPast):
        move_appointment(appt, start=at(day + timedelta(days=7), 10), actor=staff_user,
                         now=at(day, 10, 5))
    _unchanged(appt)


@pytest.mark.django_db
def test_patient_moves_only_onto_offered_times_before_the_deadline(clinic):
    day = _day()
    appt = book(clinic, day=day, hour=10)
    with pytest.raises(SlotNotAvailable):  # not on the booking page's grid
        move_appointment(appt, start=at(day, 13, 10), by_patient=True)
    with pytest.raises(SlotNotAvailable):  # another practitioner: booked with Anne, not "first free"
        move_appointment(appt, start=at(day, 13), practitioner=practs(clinic)["Bjørn Dahl"], by_patient=True)
    with pytest.raises(ChangeTooLate):
        move_appointment(appt, start=at(day, 13), by_patient=True, now=at(day, 9))
    _unchanged(appt)
    move_appointment(appt, start=at(day, 13), by_patient=True)
    assert Appointment.objects.get(pk=appt.pk).start == at(day, 13)


@pytest.mark.django_db
def test_first_free_booking_may_move_to_another_practitioner(clinic):
    day = _day()
    appt = book(clinic, day=day, hour=10, practitioner=None)
    assert appt.any_practitioner
    other = practs(clinic)["Bjørn Dahl"] if appt.practitioner.name == "Anne Lie" else practs(clinic)["Anne Lie"]
    move_appointment(appt, start=at(day, 13), practitioner=other, by_patient=True)
    assert Appointment.objects.get(pk=appt.pk).practitioner_id == other.pk


@pytest.mark.django_db(transaction=True)
def test_move_and_online_booking_race_for_one_time_exactly_one_wins():
    """On its own connection each: a staff move onto 13:00 and an online booking of 13:00."""
    clinic = make_clinic()
    anne = clinic.practitioners.get(name="Anne Lie")
    atype = clinic.appointment_types.get(name="Oppfølging")
    day = _day(2)
    target = at(day, 13)
    for n in range(4):
        appt = book_appointment(clinic=clinic, appointment_type=atype, practitioner=anne, start=at(day, 8 + n),
                                patient=PatientDetails("Flytt", str(n), valid_fnr(1 + n, 7, 80)))
        results = at_once(
            lambda appt=appt: move_appointment(appt, start=target),
            lambda n=n: book_appointment(clinic=clinic, appointment_type=atype, practitioner=anne, start=target,
                                         patient=PatientDetails("Nett", str(n), valid_fnr(1 + n, 8, 81))),
        )
        winners = [r for r in results if isinstance(r, Appointment)]
        losers = [r for r in results if isinstance(r, SlotTaken | SlotNotAvailable)]
        assert len(winners) == 1 and len(losers) == 1, results
        assert Appointment.objects.filter(practitioner=anne, status="booked", start=target).count() == 1
        # Free the time for the next round.
        cancel_appointment(Appointment.objects.get(practitioner=anne, status="booked", start=target))
