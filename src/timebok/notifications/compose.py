"""Which messages an event causes. Creates the outbox rows; the worker sends them.

A booking's rows are written inside the booking's transaction, in one multi-row INSERT,
without their text: the worker renders subject, body and .ics just before sending
(:func:`render_message`, the one function that makes a message's text). A cancellation's
rows are written after it committed, rendered then (its reason is known only then).
Creating is idempotent: a row that already exists for (appointment, kind, channel) is left
alone.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

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
    appointment: Appointment, kind: str, *, send_after: datetime, secret: str = "", sms: bool | None = None,
) -> list[OutgoingMessage]:
    """The patient's rows of one kind, not yet rendered (render_message fills them in).
    ``sms``: whether the phone is a mobile, when the caller knows it already."""
    # Only the contact given with this appointment (or entered by staff for it): never the
    # patient record's, which a later booking with the same number must not redirect.
    email, phone = appointment.email, appointment.phone
    rows = []
    if email:
        rows.append(OutgoingMessage(appointment=appointment, kind=kind, channel=Channel.EMAIL, recipient=email,
                                    link_token_encrypted=secret, send_after=send_after,
                                    sequence=appointment.sequence))
    if sms is None:
        sms = bool(phone) and is_mobile(phone)
    if sms:
        rows.append(OutgoingMessage(appointment=appointment, kind=kind, channel=Channel.SMS, recipient=phone,
                                    link_token_encrypted=secret, send_after=send_after,
                                    sequence=appointment.sequence))
    return rows


def _staff_message(appointment: Appointment, kind: str, *, now: datetime) -> list[OutgoingMessage]:
    practitioner = appointment.practitioner
    wanted = practitioner.notify_on_booking if kind == Kind.STAFF_BOOKED else practitioner.notify_on_cancellation
    if not (wanted and practitioner.email):
        return []
    return [OutgoingMessage(appointment=appointment, kind=kind, channel=Channel.EMAIL, recipient=practitioner.email,
                            send_after=now, sequence=appointment.sequence)]


def render_message(msg: OutgoingMessage, *, by_patient: bool = False, reason: str = "",
                   extra: dict[str, object] | None = None) -> None:
    """The one place a message's text is made: subject, body and .ics of ``msg`` from its
    appointment, as they are now (the worker calls it just before sending; a cancellation's
    rows are rendered when it happens, as only then its reason is known, and so are a move's,
    with the previous time in ``extra``). The personal link
    stays a placeholder, filled in when sent.

    It is also the one place that chooses the language: the patient's messages (subject, text,
    SMS, .ics, dates and prices) in the language they booked in, staff notices in bokmål."""
    staff = msg.kind in (Kind.STAFF_BOOKED, Kind.STAFF_CANCELLED)
    language = settings.LANGUAGE_CODE if staff else (msg.appointment.language or settings.LANGUAGE_CODE)
    with translation.override(language):
        _render(msg, by_patient=by_patient, reason=reason, extra=extra or {})


def _render(msg: OutgoingMessage, *, by_patient: bool, reason: str, extra: dict[str, object]) -> None:
    appointment = msg.appointment
    kind = msg.kind
    if kind in (Kind.STAFF_BOOKED, Kind.STAFF_CANCELLED):
        ctx = content.context(appointment)
        ctx["by_patient"] = by_patient
        msg.subject = content.render_subject(f"notifications/email/{kind}_subject.txt", ctx)
        msg.body = content.render_text(f"notifications/email/{kind}.txt", ctx)
        msg.ics = ""
        return
    link = content.LINK_PLACEHOLDER if msg.link_token_encrypted else None
    ctx = content.context(appointment, link=link)
    ctx.update(extra)
    if kind == Kind.CANCELLATION:
        ctx["reason"] = reason.strip().rstrip(".")
    # A reminder sent after the cancellation deadline offers the clinic's phone, not the link.
    ctx["deadline_passed"] = msg.send_after >= cancellation_deadline(appointment)
    if msg.channel == Channel.EMAIL:
        msg.subject = content.render_subject(f"notifications/email/{kind}_subject.txt", ctx)
        msg.body = content.render_text(f"notifications/email/{kind}.txt", ctx)
        msg.ics = content.build_ics(appointment, cancelled=kind == Kind.CANCELLATION, link=link)
    else:
        msg.subject = ""
        msg.body = content.render_text(f"notifications/sms/{kind}.txt", ctx).strip()
        msg.ics = ""


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


def booked_rows(appointment: Appointment, token: str | None, *, now: datetime | None = None,
                ) -> list[OutgoingMessage]:
    """Confirmation (e-mail, SMS to a mobile), the reminder, and the practitioner's notice, as
    unsaved, unrendered rows: no query, no template (the worker renders them)."""
    now = now or timezone.now()
    if not (appointment.email or appointment.phone):
        rows: list[OutgoingMessage] = []
    else:
        secret = crypto.encrypt(token) if token else ""
        sms = bool(appointment.phone) and is_mobile(appointment.phone)  # parsed once for both kinds
        rows = _patient_messages(appointment, Kind.CONFIRMATION, send_after=now, secret=secret, sms=sms)
        remind_at = reminder_time(appointment)
        # No reminder when the booking was made later than the reminder would go out.
        if remind_at is not None and now < remind_at:
            rows += _patient_messages(appointment, Kind.REMINDER, send_after=remind_at, secret=secret, sms=sms)
    if appointment.source == Appointment.Source.ONLINE:
        rows += _staff_message(appointment, Kind.STAFF_BOOKED, now=now)
    return rows


def on_booked(appointment: Appointment, token: str | None, *, now: datetime | None = None) -> list[OutgoingMessage]:
    """The same rows, for an appointment that may have them already (idempotent: a row that
    exists for (appointment, kind, channel) is left alone)."""
    return _store(booked_rows(appointment, token, now=now))


def on_cancelled(appointment: Appointment, *, by_patient: bool, now: datetime | None = None, reason: str = "",
                 ) -> list[OutgoingMessage]:
    """Drop the pending reminder, tell the patient, and the practitioner if they want it.

    With a ``reason`` (the clinic cancelled, e.g. for a closure's "Planleggingsdag") the
    patient's message says the clinic had to cancel, why, and the clinic's phone number."""
    now = now or timezone.now()
    OutgoingMessage.objects.filter(
        appointment=appointment, kind=Kind.REMINDER, status=OutgoingMessage.Status.PENDING,
    ).update(status=OutgoingMessage.Status.SKIPPED, link_token_encrypted="")
    rows = _patient_messages(appointment, Kind.CANCELLATION, send_after=now)
    rows += _staff_message(appointment, Kind.STAFF_CANCELLED, now=now)
    for row in rows:
        render_message(row, by_patient=by_patient, reason=reason)
    return _store(rows)


def _stored_secret(appointment: Appointment) -> str:
    """The personal link's token (encrypted), while a row of this appointment still holds it."""
    row = (OutgoingMessage.objects.filter(appointment=appointment).exclude(link_token_encrypted="")
           .order_by("-pk").only("link_token_encrypted").first())
    return row.link_token_encrypted if row is not None else ""


def on_moved(appointment: Appointment, *, previous_start: datetime, by_patient: bool = False,
             now: datetime | None = None) -> list[OutgoingMessage]:
    """Tell the patient the new time (calendar file: same UID, higher SEQUENCE), and move the
    reminder: the pending one is dropped and a new one is due before the new time. The change
    message is rendered now, as only now the previous time is known; the reminder by the worker."""
    from timebok.core import display

    now = now or timezone.now()
    secret = _stored_secret(appointment)
    OutgoingMessage.objects.filter(
        appointment=appointment, kind=Kind.REMINDER, status=OutgoingMessage.Status.PENDING,
    ).update(status=OutgoingMessage.Status.SKIPPED, link_token_encrypted="")
    rows = _patient_messages(appointment, Kind.CHANGE, send_after=now, secret=secret)
    with translation.override(appointment.language or settings.LANGUAGE_CODE):
        previous = display.when_text(previous_start, appointment.clinic.tz)
    for row in rows:
        render_message(row, by_patient=by_patient, extra={"previous_when": previous, "by_patient": by_patient})
    remind_at = reminder_time(appointment)
    if remind_at is not None and now < remind_at:
        rows += _patient_messages(appointment, Kind.REMINDER, send_after=remind_at, secret=secret)
    return _store(rows)
