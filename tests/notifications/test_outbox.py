"""Sending is idempotent: a row is claimed once, re-claimed only when a worker died,
retried with back-off on temporary errors, and given up on permanent ones."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tests.notifications import failing_mail
from timebok.notifications import compose, outbox
from timebok.notifications.models import OutgoingMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(book, monkeypatch):
    """A booking whose confirmations were written to the outbox but not sent yet."""
    from timebok.notifications import tasks

    monkeypatch.setattr(tasks, "enqueue_now", lambda ids: None)
    appt = book()
    rows = list(OutgoingMessage.objects.filter(kind="confirmation"))
    assert [r.status for r in rows] == ["pending", "pending"] and mail.outbox == []
    return appt, rows


def test_processing_twice_sends_once(pending):
    _, rows = pending
    email = next(r for r in rows if r.channel == "email")
    assert outbox.process(email.pk) == "sent"
    assert outbox.process(email.pk) == ""
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.status == "sent" and email.sent_at and email.attempts == 1


def test_sweeping_twice_sends_once(pending, outbox_dirs):
    from tests.notifications.conftest import sms_files

    assert outbox.sweep() == {"sent": 2}
    assert outbox.sweep() == {}
    assert len(mail.outbox) == 1 and len(sms_files(outbox_dirs)) == 1


def test_creating_the_messages_twice_creates_no_duplicates(pending):
    appt, _ = pending
    assert compose.on_booked(appt, appt.manage_token) == []
    assert OutgoingMessage.objects.filter(appointment=appt).count() == 4


def test_crash_between_claim_and_send_is_recovered_once(pending):
    """A worker claims the row and dies before sending: the row waits in 'sending'; the sweep
    leaves it alone while the claim is fresh and sends it once it is stale."""
    _, rows = pending
    email = next(r for r in rows if r.channel == "email")
    now = timezone.now()
    assert outbox.claim(email.pk, now) is not None  # ... and then the process is killed
    assert outbox.sweep(now=now + timedelta(minutes=1)) == {"sent": 1}  # only the SMS
    assert mail.outbox == []
    later = now + outbox.stale_after() + timedelta(seconds=1)
    assert outbox.sweep(now=later) == {"sent": 1}
    assert outbox.sweep(now=later + timedelta(minutes=30)) == {}
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.status == "sent" and email.attempts == 2


def test_a_stale_worker_finishing_late_does_not_overwrite_the_new_claim(pending):
    _, rows = pending
    email = next(r for r in rows if r.channel == "email")
    now = timezone.now()
    first = outbox.claim(email.pk, now)
    second = outbox.claim(email.pk, now + outbox.stale_after() + timedelta(seconds=1))
    assert first is not None and second is not None
    outbox._finish(first, status="failed")  # the old claim no longer holds the row
    email.refresh_from_db()
    assert email.status == "sending"


def test_only_the_first_of_repeated_claims_wins(pending):
    _, rows = pending
    email = next(r for r in rows if r.channel == "email")
    now = timezone.now()
    results = [outbox.claim(email.pk, now) for _ in range(3)]
    assert sum(r is not None for r in results) == 1


def test_temporary_error_is_retried_with_backoff(pending, settings):
    _, rows = pending
    email = next(r for r in rows if r.channel == "email")
    settings.EMAIL_BACKEND = "tests.notifications.failing_mail.FlakyBackend"
    failing_mail.state["failures_left"] = 1
    now = timezone.now()
    assert outbox.process(email.pk, now=now) == "pending"
    email.refresh_from_db()
    assert email.status == "pending" and email.send_after == now + timedelta(minutes=1)
    assert "ConnectionRefusedError" in email.last_error and email.link_token_encrypted
    assert outbox.sweep(now=now + timedelta(seconds=30)) == {"sent": 1}  # SMS only
    assert outbox.sweep(now=now + timedelta(minutes=1)) == {"sent": 1}
    assert len(mail.outbox) == 1


def test_gives_up_after_max_attempts(pending, settings):
    _, rows = pending
    email = next(r for r in rows if r.channel == "email")
    settings.EMAIL_BACKEND = "tests.notifications.failing_mail.DownBackend"
    now = timezone.now()
    for _ in range(outbox.MAX_ATTEMPTS):
        now += timedelta(hours=1)
        outbox.process(email.pk, now=now)
    email.refresh_from_db()
    assert email.status == "failed" and email.attempts == outbox.MAX_ATTEMPTS
    assert email.link_token_encrypted == ""


def test_permanent_sms_error_fails_at_once(pending, monkeypatch):
    from timebok.notifications import sms

    _, rows = pending
    text = next(r for r in rows if r.channel == "sms")

    def rejected(to, body):
        raise sms.SmsError("HTTP 400", permanent=True)

    monkeypatch.setattr(sms, "send_sms", rejected)
    assert outbox.process(text.pk) == "failed"


def test_backoff_grows_and_is_capped():
    assert [outbox.backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4, 7, 20)] == [1, 2, 4, 8, 60, 60]


def test_a_failing_receiver_never_breaks_the_booking(clinic, outbox_dirs, monkeypatch,
                                                     django_capture_on_commit_callbacks):
    from tests.factories import at, details, weekday_in
    from timebok.appointments.services.booking import book_appointment

    def boom(*a, **kw):
        raise RuntimeError("template missing")

    monkeypatch.setattr(compose, "booked_rows", boom)
    with django_capture_on_commit_callbacks(execute=True):
        appt = book_appointment(clinic=clinic, appointment_type=clinic.appointment_types.get(name="Oppfølging"),
                                start=at(weekday_in(7), 10), patient=details())
    assert appt.pk and appt.status == "booked"


def test_muted_block_creates_no_messages(book):
    from timebok.notifications.mute import muted

    with muted():
        book()
    assert not OutgoingMessage.objects.exists()


@pytest.mark.django_db(transaction=True)  # real commits, so the signals fire inside the muted block
def test_loading_the_demo_clinic_sends_nothing(outbox_dirs):
    from timebok.appointments.models import Appointment
    from timebok.clinics.demo import load_demo

    load_demo()
    assert Appointment.objects.exists()
    assert not OutgoingMessage.objects.exists() and mail.outbox == []
