"""The booking service: the only way an appointment is created."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.utils import timezone

from tests.factories import OSLO, at, details, monday, next_weekday, practs, types
from timebok.appointments.errors import (
    AlreadyCancelled,
    BookingClosed,
    CancellationTooLate,
    LimitReached,
    SlotNotAvailable,
    SlotTaken,
)
from timebok.appointments.models import Appointment, Patient
from timebok.appointments.services import availability
from timebok.appointments.services.booking import (
    book_appointment,
    cancel_appointment,
    hash_token,
    with_alternatives,
)
from timebok.core.models import AuditEntry

pytestmark = pytest.mark.django_db(transaction=False)


def test_books_a_free_time_and_creates_patient(clinic):
    t = types(clinic)["Oppfølging"]
    p = practs(clinic)["Anne Lie"]
    appt = book_appointment(clinic=clinic, appointment_type=t, practitioner=p,
                            start=at(monday(), 9), patient=details(), comment=" Vondt i kneet ")
    assert appt.pk and appt.status == "booked" and appt.source == "online"
    assert appt.end - appt.start == timedelta(minutes=30)
    assert appt.comment == "Vondt i kneet"
    assert appt.price == 650
    assert len(appt.reference) == 8
    assert appt.manage_token and appt.manage_token_hash == hash_token(appt.manage_token)
    pat = Patient.objects.get()
    assert pat.reveal_fnr() == details().fnr
    assert details().fnr not in pat.fnr_encrypted
    assert AuditEntry.objects.filter(action="appointment.booked", object_id=str(appt.pk)).exists()


def test_existing_patient_is_matched_and_never_changed_by_a_booking(clinic):
    t = types(clinic)["Oppfølging"]
    p = practs(clinic)["Anne Lie"]
    first = book_appointment(clinic=clinic, appointment_type=t, practitioner=p, start=at(monday(), 9),
                             patient=details())
    second = book_appointment(clinic=clinic, appointment_type=t, practitioner=p, start=at(monday(), 10),
                              patient=details(first_name="Karianne", email="ny@example.com", phone="+4799999999"))
    pat = Patient.objects.get()
    assert (pat.first_name, pat.email, pat.phone) == ("Kari", "kari0@example.com", "+4741234567")
    assert pat.appointments.count() == 2
    # Each appointment keeps what was given with it.
    assert (first.first_name, first.email, first.phone) == ("Kari", "kari0@example.com", "+4741234567")
    assert (second.first_name, second.email, second.phone) == ("Karianne", "ny@example.com", "+4799999999")
    assert first.differing_details() == []
    assert second.differing_details() == ["first_name", "email", "phone"]


def test_same_fnr_in_another_clinic_is_another_patient(clinic, other_clinic):
    for c in (clinic, other_clinic):
        book_appointment(clinic=c, appointment_type=types(c)["Oppfølging"],
                         practitioner=practs(c)["Anne Lie"], start=at(monday(), 9), patient=details())
    assert Patient.objects.count() == 2


def test_taken_time_raises_taken_and_overlap_too(clinic):
    # 45-minute starts step by the duration from the block start: 08:00, 08:45, 09:30 ...
    t = types(clinic)["Førstegangstime"]
    p = practs(clinic)["Anne Lie"]
    book_appointment(clinic=clinic, appointment_type=t, practitioner=p, start=at(monday(), 8, 45),
                     patient=details())
    with pytest.raises(SlotTaken):
        book_appointment(clinic=clinic, appointment_type=t, practitioner=p, start=at(monday(), 8, 45),
                         patient=details(1))
    with pytest.raises(SlotTaken):  # 30-minute time inside the 45-minute appointment
        book_appointment(clinic=clinic, appointment_type=types(clinic)["Oppfølging"], practitioner=p,
                         start=at(monday(), 9), patient=details(1))
    assert Appointment.objects.count() == 1


def test_any_practitioner_falls_back_to_another_free_one(clinic):
    t = types(clinic)["Oppfølging"]
    a = book_appointment(clinic=clinic, appointment_type=t, start=at(monday(), 9), patient=details(0))
    b = book_appointment(clinic=clinic, appointment_type=t, start=at(monday(), 9), patient=details(1))
    assert {a.practitioner.name, b.practitioner.name} == {"Anne Lie", "Bjørn Dahl"}
    with pytest.raises(SlotTaken):  # the third practitioner is not online
        book_appointment(clinic=clinic, appointment_type=t, start=at(monday(), 9), patient=details(2))


def test_outside_template_or_lunch_is_not_available(clinic):
    t = types(clinic)["Oppfølging"]
    p = practs(clinic)["Anne Lie"]
    for start in (at(monday(), 11, 30), at(monday(), 7), at(monday() + timedelta(days=5), 9)):
        with pytest.raises(SlotNotAvailable):
            book_appointment(clinic=clinic, appointment_type=t, practitioner=p, start=start,
                             patient=details())


def test_online_switches(clinic):
    t = types(clinic)
    p = practs(clinic)
    start = at(monday(), 9)
    with pytest.raises(BookingClosed):
        book_appointment(clinic=clinic, appointment_type=t["Gruppetime"], practitioner=p["Anne Lie"],
                         start=start, patient=details())
    with pytest.raises(BookingClosed):
        book_appointment(clinic=clinic, appointment_type=t["Oppfølging"], practitioner=p["Cecilie Ås"],
                         start=start, patient=details())
    clinic.online_booking = False
    clinic.save(update_fields=["online_booking"])
    with pytest.raises(BookingClosed):
        book_appointment(clinic=clinic, appointment_type=t["Oppfølging"], practitioner=p["Anne Lie"],
                         start=start, patient=details())
    # Staff may still book the offline type and practitioner.
    appt = book_appointment(clinic=clinic, appointment_type=t["Gruppetime"], practitioner=p["Cecilie Ås"],
                            start=start, patient=details(), source=Appointment.Source.STAFF)
    assert appt.source == "staff"


def test_notice_and_horizon(clinic):
    t = types(clinic)["Oppfølging"]
    p = practs(clinic)["Anne Lie"]
    day = monday()
    now = at(day, 8)  # notice is 2 hours
    with pytest.raises(SlotNotAvailable):
        book_appointment(clinic=clinic, appointment_type=t, practitioner=p, start=at(day, 9),
                         patient=details(), now=now)
    assert book_appointment(clinic=clinic, appointment_type=t, practitioner=p, start=at(day, 10),
                            patient=details(), now=now)
    far = next_weekday(date.today() + timedelta(days=61), 0)
    with pytest.raises(SlotNotAvailable):
        book_appointment(clinic=clinic, appointment_type=t, practitioner=p, start=at(far, 9),
                         patient=details(1))
    t.horizon_days = 120  # the type overrides the clinic
    t.save(update_fields=["horizon_days"])
    assert book_appointment(clinic=clinic, appointment_type=t, practitioner=p, start=at(far, 9),
                            patient=details(1))


def test_max_future_bookings_strictest_wins(clinic):
    t = types(clinic)["Oppfølging"]
    p = practs(clinic)["Anne Lie"]
    t.max_future_bookings = 2
    t.save(update_fields=["max_future_bookings"])
    for hour in (9, 10):
        book_appointment(clinic=clinic, appointment_type=t, practitioner=p, start=at(monday(), hour),
                         patient=details())
    with pytest.raises(LimitReached):
        book_appointment(clinic=clinic, appointment_type=t, practitioner=p, start=at(monday(), 13),
                         patient=details())
    assert Appointment.objects.count() == 2


def test_idempotency_key_gives_one_appointment(clinic):
    t = types(clinic)["Oppfølging"]
    p = practs(clinic)["Anne Lie"]
    kw = dict(clinic=clinic, appointment_type=t, practitioner=p, start=at(monday(), 9),
              patient=details(), idempotency_key="abc123")
    a = book_appointment(**kw)
    b = book_appointment(**kw)
    assert a.pk == b.pk and Appointment.objects.count() == 1


def test_cancel_frees_the_time_and_respects_deadline(clinic):
    t = types(clinic)["Oppfølging"]
    p = practs(clinic)["Anne Lie"]
    day = monday()
    appt = book_appointment(clinic=clinic, appointment_type=t, practitioner=p, start=at(day, 9),
                            patient=details())
    before = [s.start for s in availability.free_slots(clinic, t, p, day)]
    assert at(day, 9) not in before
    with pytest.raises(CancellationTooLate):
        cancel_appointment(appt, by_patient=True, now=at(day, 9) - timedelta(hours=23))
    cancel_appointment(appt, by_patient=True, now=at(day, 9) - timedelta(hours=25))
    with pytest.raises(AlreadyCancelled):
        cancel_appointment(appt)
    after = [s.start for s in availability.free_slots(clinic, t, p, day)]
    assert at(day, 9) in after
    # and it can be booked again
    assert book_appointment(clinic=clinic, appointment_type=t, practitioner=p, start=at(day, 9),
                            patient=details(1))


def test_alternatives_are_nearest_free_times(clinic):
    t = types(clinic)["Oppfølging"]
    p = practs(clinic)["Anne Lie"]
    day = monday()
    book_appointment(clinic=clinic, appointment_type=t, practitioner=p, start=at(day, 9), patient=details())
    exc = with_alternatives(SlotTaken(), clinic, t, p, at(day, 9))
    starts = [s.start for s in exc.alternatives]
    # The five free times nearest to 09:00 on that day, in order.
    assert starts == [at(day, 8), at(day, 8, 30), at(day, 9, 30), at(day, 10), at(day, 10, 30)]


def test_foreign_type_or_practitioner_is_refused(clinic, other_clinic):
    with pytest.raises(SlotNotAvailable):
        book_appointment(clinic=clinic, appointment_type=types(other_clinic)["Oppfølging"],
                         start=at(monday(), 9), patient=details())
    with pytest.raises(SlotNotAvailable):
        book_appointment(clinic=clinic, appointment_type=types(clinic)["Oppfølging"],
                         practitioner=practs(other_clinic)["Anne Lie"], start=at(monday(), 9),
                         patient=details())


def test_holiday_is_closed(clinic):
    # 17 May is a public holiday; pick the next one on a weekday.
    year = timezone.localdate().year
    day = next(d for d in (date(y, 5, 17) for y in range(year, year + 8))
               if d.weekday() < 5 and d > date.today())
    t = types(clinic)["Oppfølging"]
    levels = availability.day_levels(clinic, t, None, day, day, now=at(day - timedelta(days=30), 9))
    assert levels[day].level == "none"
    clinic.close_public_holidays = False
    clinic.save(update_fields=["close_public_holidays"])
    levels = availability.day_levels(clinic, t, None, day, day, now=at(day - timedelta(days=30), 9))
    assert levels[day].free > 0


def _night_template(clinic, day):
    from timebok.clinics.models import TemplateBlock, TemplatePeriod, WeekTemplate

    p = practs(clinic)["Anne Lie"]
    tmpl = WeekTemplate.objects.create(practitioner=p, name="Natt")
    TemplatePeriod.objects.create(template=tmpl, start_date=day, end_date=day)
    block = TemplateBlock.objects.create(template=tmpl, weekday=day.weekday(), start_time=time(1),
                                         end_time=time(4))
    block.appointment_types.set([types(clinic)["Oppfølging"]])
    clinic.horizon_days = 730
    clinic.save(update_fields=["horizon_days"])
    return p


def test_spring_dst_night_books_real_thirty_minutes(clinic):
    day = date(2028, 3, 26)  # clocks go from 02:00 to 03:00 (2027: Easter Sunday, closed)
    p = _night_template(clinic, day)
    t = types(clinic)["Oppfølging"]
    starts = [s.start for s in availability.free_slots(clinic, t, p, day, now=at(date(2028, 3, 1), 9))]
    assert all(s.astimezone(OSLO).hour != 2 for s in starts)
    appt = book_appointment(clinic=clinic, appointment_type=t, practitioner=p, start=at(day, 1, 30),
                            patient=details(), now=at(date(2028, 3, 1), 9))
    assert appt.end - appt.start == timedelta(minutes=30)
    assert appt.end.astimezone(OSLO).time() == time(3, 0)


def test_autumn_dst_night_has_no_second_0230(clinic):
    day = date(2027, 10, 31)  # 02:00-03:00 happens twice
    p = _night_template(clinic, day)
    t = types(clinic)["Oppfølging"]
    now = at(date(2027, 10, 1), 9)
    starts = [s.start for s in availability.free_slots(clinic, t, p, day, now=now)]
    assert len(starts) == len(set(starts))
    first = datetime(2027, 10, 31, 2, 30, tzinfo=OSLO)
    second = datetime(2027, 10, 31, 2, 30, fold=1, tzinfo=OSLO)
    assert first.astimezone(UTC) != second.astimezone(UTC)
    appt = book_appointment(clinic=clinic, appointment_type=t, practitioner=p, start=first,
                            patient=details(), now=now)
    assert appt.end - appt.start == timedelta(minutes=30)
    with pytest.raises((SlotTaken, SlotNotAvailable)):
        book_appointment(clinic=clinic, appointment_type=t, practitioner=p, start=second,
                         patient=details(1), now=now)


def test_first_free_only_shows_one_time_but_rechecks_and_alternatives_see_all(clinic):
    clinic.first_free_only = True
    clinic.save(update_fields=["first_free_only"])
    t = types(clinic)["Oppfølging"]
    p = practs(clinic)["Anne Lie"]
    day = monday()
    assert [s.start for s in availability.free_slots(clinic, t, p, day)] == [at(day, 8)]
    # A later time is still free, so a booking made just as the page showed 08:00 is not refused.
    appt = book_appointment(clinic=clinic, appointment_type=t, practitioner=p, start=at(day, 10), patient=details())
    exc = with_alternatives(SlotTaken(), clinic, t, p, appt.start)
    assert len(exc.alternatives) == 5
    assert at(day, 10) not in [s.start for s in exc.alternatives]
