"""The reminder: N hours before (per clinic, 48 by default, 0 = off), none when booked
later than that, never for a cancelled appointment."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tests.factories import at, weekday_in
from tests.notifications.conftest import sms_files
from timebok.notifications import outbox
from timebok.notifications.models import OutgoingMessage

pytestmark = pytest.mark.django_db


def reminders():
    return OutgoingMessage.objects.filter(kind="reminder")


def test_reminder_is_scheduled_48_hours_before(book):
    appt = book(start=at(weekday_in(7), 10, 30))
    assert reminders().count() == 2  # e-mail and SMS
    assert {r.send_after for r in reminders()} == {appt.start - timedelta(hours=48)}
    assert {r.status for r in reminders()} == {"pending"}


def test_reminder_hours_per_clinic(clinic, book):
    clinic.reminder_hours = 24
    clinic.save(update_fields=["reminder_hours"])
    appt = book()
    assert {r.send_after for r in reminders()} == {appt.start - timedelta(hours=24)}


def test_reminder_off(clinic, book):
    clinic.reminder_hours = 0
    clinic.save(update_fields=["reminder_hours"])
    book()
    assert not reminders().exists()


def _soon(hours: float):
    return (timezone.now() + timedelta(hours=hours)).replace(second=0, microsecond=0)


def test_no_reminder_when_booked_later_than_the_reminder_time(book):
    # Staff may book at any time (no week template), which makes "47 hours from now" easy.
    book(start=_soon(47), source="staff")
    assert not reminders().exists()
    assert OutgoingMessage.objects.filter(kind="confirmation").count() == 2


def test_reminder_when_booked_just_before_the_reminder_time(book):
    book(start=_soon(49), source="staff")
    assert reminders().count() == 2


def test_sweep_sends_the_reminder_when_due_and_only_once(book, outbox_dirs):
    appt = book()
    mail.outbox.clear()
    due = appt.start - timedelta(hours=48)
    assert outbox.sweep(now=due - timedelta(minutes=1)) == {}
    assert mail.outbox == []
    assert outbox.sweep(now=due) == {"sent": 2}
    assert outbox.sweep(now=due + timedelta(minutes=5)) == {}
    [m] = mail.outbox
    assert m.subject.startswith("Påminnelse: time ")
    assert f"/t/{appt.manage_token}/" in m.body
    assert "Du kan avbestille på nett fram til" in m.body
    assert any(s.split("\n\n", 1)[1].startswith("Påminnelse:") for s in sms_files(outbox_dirs))
    assert all(r.status == "sent" and r.link_token_encrypted == "" for r in reminders())


def test_cancelled_appointment_gets_no_reminder(book, cancel):
    appt = book()
    cancel(appt, by_patient=True)
    assert {r.status for r in reminders()} == {"skipped"}
    assert all(r.link_token_encrypted == "" for r in reminders())
    mail.outbox.clear()
    outbox.sweep(now=appt.start - timedelta(hours=47))
    assert mail.outbox == []


def test_reminder_is_skipped_if_cancelled_after_it_was_claimed_for_sending(book):
    """A race: the appointment is cancelled between the sweep's query and the send."""
    from timebok.appointments.models import Appointment

    appt = book()
    Appointment.objects.filter(pk=appt.pk).update(status="cancelled")  # as if cancelled a moment ago
    mail.outbox.clear()
    outbox.sweep(now=appt.start - timedelta(hours=47))
    assert mail.outbox == []
    assert {r.status for r in reminders()} == {"skipped"}


def test_reminder_for_a_past_appointment_is_not_sent(book):
    appt = book()
    mail.outbox.clear()
    outbox.sweep(now=appt.start + timedelta(minutes=1))
    assert mail.outbox == []
    assert timezone.now() < appt.start


def test_reminder_after_the_cancellation_deadline_gives_the_phone_instead(clinic, book, outbox_dirs):
    clinic.reminder_hours = 12  # the deadline is 24 hours before
    clinic.save(update_fields=["reminder_hours"])
    appt = book()
    mail.outbox.clear()
    outbox.sweep(now=appt.start - timedelta(hours=12))
    [m] = mail.outbox
    assert "Fristen for å avbestille på nett gikk ut" in m.body
    assert "ring klinikken på 22 00 00 00" in m.body
    [text] = [s for s in sms_files(outbox_dirs) if "Påminnelse" in s]
    assert "ring 22 00 00 00" in text and "avbestill innen" not in text
