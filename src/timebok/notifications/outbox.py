"""Sending the outbox: claim a row, send it, mark it sent. Safe to run twice.

claim() is one conditional UPDATE (pending and due -> sending, or sending but stale
-> sending again), so only one worker ever holds a row. A worker that dies between
claim and send leaves the row in "sending"; after stale_after() the sweep claims it
again (OUTBOX_STALE_SECONDS, 10 minutes by default; longer than EMAIL_TIMEOUT and
SMS_HTTP_TIMEOUT), so the message is not lost. The only window for a duplicate is a crash after
the mail server or SMS gateway accepted the message and before the row is marked
sent; a normal restart (SIGTERM) lets db_worker finish the running task first.
E-mails carry a Message-ID derived from the row, so a duplicate would be recognisable.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import F, Q
from django.utils import timezone

from timebok.appointments.models import Appointment
from timebok.core import crypto
from timebok.notifications import compose, content, sms
from timebok.notifications.models import OutgoingMessage

logger = logging.getLogger(__name__)

Status = OutgoingMessage.Status
MAX_ATTEMPTS = 8


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, … minutes, at most an hour."""
    return timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))


def stale_after() -> timedelta:
    return timedelta(seconds=settings.OUTBOX_STALE_SECONDS)


def _due(now: datetime) -> Q:
    return Q(status=Status.PENDING, send_after__lte=now) | Q(status=Status.SENDING, claimed_at__lt=now - stale_after())


def claim(message_id: int, now: datetime) -> OutgoingMessage | None:
    updated = OutgoingMessage.objects.filter(_due(now), pk=message_id).update(
        status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1,
    )
    if not updated:
        return None
    return OutgoingMessage.objects.select_related(
        "appointment__clinic", "appointment__appointment_type", "appointment__practitioner",
    ).get(pk=message_id)


def _finish(msg: OutgoingMessage, **fields: object) -> None:
    # Only if we still hold the claim (a stale re-claim by another worker wins).
    OutgoingMessage.objects.filter(pk=msg.pk, status=Status.SENDING, claimed_at=msg.claimed_at).update(**fields)


def _link(msg: OutgoingMessage) -> str | None:
    if not msg.link_token_encrypted:
        return None
    return content.manage_url(crypto.decrypt(msg.link_token_encrypted))


def _message_id(msg: OutgoingMessage) -> str:
    """Derived from the row, so a re-send after a crash carries the same Message-ID."""
    host = urlsplit(settings.BASE_URL).hostname or "timebok.localhost"
    return f"<timebok.{msg.pk}.{msg.kind}.{msg.appointment.reference}@{host}>"


def _send_email(msg: OutgoingMessage, link: str | None) -> None:
    body = content.fill_link(msg.body, link) if link else msg.body
    clinic = msg.appointment.clinic
    email = EmailMessage(
        subject=msg.subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[msg.recipient],
        reply_to=[clinic.email] if clinic.email else None,
        headers={"Message-ID": _message_id(msg), "Auto-Submitted": "auto-generated"},
        connection=get_connection(fail_silently=False),
    )
    if msg.ics:
        ics = content.fill_ics_link(msg.ics, link) if link else msg.ics
        method = "CANCEL" if "METHOD:CANCEL" in ics else "PUBLISH"
        email.attach("time.ics", ics, f"text/calendar; method={method}")
    email.send()


def _send_sms(msg: OutgoingMessage, link: str | None) -> None:
    text = content.fill_link(msg.body, link) if link else msg.body
    sms.send_sms(msg.recipient, text)


def _obsolete(msg: OutgoingMessage, now: datetime) -> bool:
    """A reminder for an appointment that is cancelled or already begun is not sent."""
    if msg.kind != OutgoingMessage.Kind.REMINDER:
        return False
    appt = msg.appointment
    return appt.status != Appointment.Status.BOOKED or appt.start <= now


def process(message_id: int, *, now: datetime | None = None) -> str:
    """Claim and send one message. Returns the resulting status, or "" if not claimed."""
    now = now or timezone.now()
    msg = claim(message_id, now)
    if msg is None:
        return ""
    if _obsolete(msg, now):
        _finish(msg, status=Status.SKIPPED, link_token_encrypted="")
        return Status.SKIPPED
    rendered: dict[str, object] = {}
    try:
        if not msg.body:  # a booking's rows are rendered here, by the worker
            compose.render_message(msg)
            rendered = {"subject": msg.subject, "body": msg.body, "ics": msg.ics}
        link = _link(msg)
        if msg.channel == OutgoingMessage.Channel.EMAIL:
            _send_email(msg, link)
        else:
            _send_sms(msg, link)
    except Exception as exc:
        permanent = getattr(exc, "permanent", False) or msg.attempts >= MAX_ATTEMPTS
        error = f"{type(exc).__name__}: {exc}"[:300]
        # Log the row, never the recipient or the text.
        logger.warning("outgoing message %s (%s/%s) failed, attempt %s: %s",
                       msg.pk, msg.kind, msg.channel, msg.attempts, type(exc).__name__)
        if permanent:
            _finish(msg, status=Status.FAILED, last_error=error, link_token_encrypted="", **rendered)
            return Status.FAILED
        _finish(msg, status=Status.PENDING, last_error=error, send_after=now + backoff(msg.attempts))
        return Status.PENDING
    _finish(msg, status=Status.SENT, sent_at=timezone.now(), last_error="", link_token_encrypted="", **rendered)
    return Status.SENT


def due_ids(now: datetime, limit: int = 500) -> list[int]:
    return list(OutgoingMessage.objects.filter(_due(now)).order_by("send_after", "pk")
                .values_list("pk", flat=True)[:limit])


def sweep(*, now: datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Send everything that is due (and re-claim rows a dead worker left behind)."""
    counts: dict[str, int] = {}
    for pk in due_ids(now or timezone.now(), limit):
        status = process(pk, now=now)
        if status:
            counts[status] = counts.get(status, 0) + 1
    return counts
