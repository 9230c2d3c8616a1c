"""Which messages an event causes. Creates the outbox rows; the worker sends them.

Called by the signal receivers after the booking or cancellation has committed.
Creating is idempotent: a row that already exists for (appointment, kind, channel)
is left alone.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from timebok.appointments.models import Appointment
from timebok.appointments.services.booking import cancellation_deadline
from timebok.core import crypto
from timebok.notifications import content
from timebok.notifications.models import OutgoingMessage
from timebok.validation.contact import is_mobile

Kind = OutgoingMessage.Kind
Channel = OutgoingMessage.Channel


def reminder_time(appointment: Appointment) -> datetime | None:
    hours = appointment.clinic.reminder_hours
    if not hours:
        return None
    return appointment.start - timedelta(hours=hours)


def _patient_messages(
    appointment: Appointment, kind: str, *, send_after: datetime, token: str | None, cancelled: bool = False,
    extra: dict[str, object] | None = None,
) -> list[OutgoingMessage]:
    # Only the contact given with this appointment (or entered by staff for it): never the
    # patient record's, which a later booking with the same number must not redirect.
    email, phone = appointment.email, appointment.phone
    if not (email or phone):
        return []
    link = content.LINK_PLACEHOLDER if token else None
    ctx = content.context(appointment, link=link)
    ctx.update(extra or {})
    # A reminder sent after the cancellation deadline offers the clinic's phone, not the link.
    ctx["deadline_passed"] = send_after >= cancellation_deadline(appointment)
    secret = crypto.encrypt(token) if token else ""
    rows = []
    if email:
        rows.append(OutgoingMessage(
            appointment=appointment, kind=kind, channel=Channel.EMAIL, recipient=email,
            subject=content.render_subject(f"notifications/email/{kind}_subject.txt", ctx),
            body=content.render_text(f"notifications/email/{kind}.txt", ctx),
            ics=content.build_ics(appointment, cancelled=cancelled, link=link),
            link_token_encrypted=secret, send_after=send_after, sequence=appointment.sequence,
        ))
    if phone and is_mobile(phone):
        rows.append(OutgoingMessage(
            appointment=appointment, kind=kind, channel=Channel.SMS, recipient=phone,
            body=content.render_text(f"notifications/sms/{kind}.txt", ctx).strip(),
            link_token_encrypted=secret, send_after=send_after, sequence=appointment.sequence,
        ))
    return rows


def _staff_message(appointment: Appointment, kind: str, *, now: datetime, by_patient: bool = False,
                   ) -> list[OutgoingMessage]:
    practitioner = appointment.practitioner
    wanted = practitioner.notify_on_booking if kind == Kind.STAFF_BOOKED else practitioner.notify_on_cancellation
    if not (wanted and practitioner.email):
        return []
    ctx = content.context(appointment)
    ctx["by_patient"] = by_patient
    return [OutgoingMessage(
        appointment=appointment, kind=kind, channel=Channel.EMAIL, recipient=practitioner.email,
        subject=content.render_subject(f"notifications/email/{kind}_subject.txt", ctx),
        body=content.render_text(f"notifications/email/{kind}.txt", ctx),
        send_after=now, sequence=appointment.sequence,
    )]


def _store(rows: list[OutgoingMessage]) -> list[OutgoingMessage]:
    created = []
    with transaction.atomic():
        for row in rows:
            try:
                with transaction.atomic():
                    row.save()
            except IntegrityError:
                continue  # already there: this event was handled before
            created.append(row)
    return created


def on_booked(appointment: Appointment, token: str | None, *, now: datetime | None = None) -> list[OutgoingMessage]:
    """Confirmation (e-mail, SMS to a mobile), the reminder, and the practitioner's notice."""
    now = now or timezone.now()
    rows = _patient_messages(appointment, Kind.CONFIRMATION, send_after=now, token=token)
    remind_at = reminder_time(appointment)
    # No reminder when the booking was made later than the reminder would go out.
    if remind_at is not None and now < remind_at:
        rows += _patient_messages(appointment, Kind.REMINDER, send_after=remind_at, token=token)
    if appointment.source == Appointment.Source.ONLINE:
        rows += _staff_message(appointment, Kind.STAFF_BOOKED, now=now)
    return _store(rows)


def on_cancelled(appointment: Appointment, *, by_patient: bool, now: datetime | None = None, reason: str = "",
                 ) -> list[OutgoingMessage]:
    """Drop the pending reminder, tell the patient, and the practitioner if they want it.

    With a ``reason`` (the clinic cancelled, e.g. for a closure's "Planleggingsdag") the
    patient's message says the clinic had to cancel, why, and the clinic's phone number."""
    now = now or timezone.now()
    OutgoingMessage.objects.filter(
        appointment=appointment, kind=Kind.REMINDER, status=OutgoingMessage.Status.PENDING,
    ).update(status=OutgoingMessage.Status.SKIPPED, link_token_encrypted="")
    rows = _patient_messages(appointment, Kind.CANCELLATION, send_after=now, token=None, cancelled=True,
                             extra={"reason": reason.strip().rstrip(".")})
    rows += _staff_message(appointment, Kind.STAFF_CANCELLED, now=now, by_patient=by_patient)
    return _store(rows)


def _stored_token(appointment: Appointment) -> str | None:
    """The personal link's token, while an unsent row of this appointment still holds it."""
    row = (OutgoingMessage.objects.filter(appointment=appointment).exclude(link_token_encrypted="")
           .order_by("-pk").first())
    return crypto.decrypt(row.link_token_encrypted) if row is not None else None


def on_moved(appointment: Appointment, *, previous_start: datetime, by_patient: bool = False,
             now: datetime | None = None) -> list[OutgoingMessage]:
    """Tell the patient the new time (calendar file: same UID, higher SEQUENCE), and move the
    reminder: the pending one is dropped and a new one is due before the new time."""
    now = now or timezone.now()
    token = _stored_token(appointment)
    OutgoingMessage.objects.filter(
        appointment=appointment, kind=Kind.REMINDER, status=OutgoingMessage.Status.PENDING,
    ).update(status=OutgoingMessage.Status.SKIPPED, link_token_encrypted="")
    from timebok.core import display

    previous = display.when_text(previous_start, appointment.clinic.tz)
    rows = _patient_messages(appointment, Kind.CHANGE, send_after=now, token=token,
                             extra={"previous_when": previous, "by_patient": by_patient})
    remind_at = reminder_time(appointment)
    if remind_at is not None and now < remind_at:
        rows += _patient_messages(appointment, Kind.REMINDER, send_after=remind_at, token=token)
    return _store(rows)
