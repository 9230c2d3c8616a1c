"""The write side: booking and cancelling. The only way an appointment is created.

Two bookings of one practitioner can never overlap:
- on PostgreSQL the exclusion constraint ``appointment_no_overlap`` rejects the second
  insert, even when both transactions passed the re-check at the same moment;
- on SQLite every transaction starts with BEGIN IMMEDIATE (settings), so the re-check
  and the insert run while this connection holds the database's single write lock.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from timebok import scheduling
from timebok.appointments import signals
from timebok.appointments.errors import (
    AlreadyCancelled,
    BookingClosed,
    CancellationTooLate,
    LimitReached,
    SlotNotAvailable,
    SlotTaken,
)
from timebok.appointments.models import Appointment, Patient
from timebok.appointments.services import availability, catalog
from timebok.clinics.models import AppointmentType, Clinic, Practitioner
from timebok.core import audit, display

OVERLAP_CONSTRAINT = "appointment_no_overlap"


@dataclass(frozen=True)
class PatientDetails:
    """Validated, normalised patient input (see timebok.validation)."""

    first_name: str
    last_name: str
    fnr: str
    email: str = ""
    phone: str = ""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_patient(clinic: Clinic, details: PatientDetails) -> Patient:
    """An unsaved patient made from ``details`` (its number encrypted and hashed here, before
    the booking's transaction begins)."""
    patient = Patient(clinic=clinic, first_name=details.first_name, last_name=details.last_name,
                      email=details.email, phone=details.phone)
    patient.set_fnr(details.fnr)
    return patient


def _find_or_create_patient(clinic: Clinic, new: Patient) -> Patient:
    """The clinic's patient with this fødselsnummer, or ``new`` saved.

    An existing record is never changed here: a booking proves only that someone knows the
    number. The details given with the booking are kept on the appointment; staff may
    accept them into the record (``patients.accept_appointment_details``)."""
    # Locked (not changed): concurrent bookings of one patient then count the per-patient
    # limit one after the other.
    patient = catalog.one(Patient.objects.select_for_update().filter(clinic=clinic, fnr_hash=new.fnr_hash))
    if patient is not None:
        return patient
    # One statement, no savepoint: INSERT ... ON CONFLICT (clinic, fnr_hash) DO UPDATE SET
    # fnr_hash = the same hash, RETURNING id. A patient created by a concurrent booking since
    # the SELECT is then locked and its id returned, its record unchanged (only the hash,
    # which is the conflict's key, is "updated" to itself).
    Patient.objects.bulk_create([new], update_conflicts=True, unique_fields=["clinic", "fnr_hash"],
                                update_fields=["fnr_hash"])
    return new


def _contact(details: PatientDetails | None) -> dict[str, str]:
    if details is None:
        return {}
    return {"first_name": details.first_name, "last_name": details.last_name,
            "email": details.email, "phone": details.phone}


def _limit_error(clinic: Clinic) -> LimitReached:
    """The refusal says what the patient can do, and nothing about what is booked already."""
    phone = display.phone_text(clinic.phone)
    if phone:
        return LimitReached(_("Vi kan ikke ta imot flere bestillinger på nett fra deg nå. "
                              "Ring klinikken på %(phone)s for å bestille time.") % {"phone": phone})
    return LimitReached()


def _candidates(
    clinic: Clinic,
    appointment_type: AppointmentType,
    practitioner: Practitioner | None,
    start: datetime,
    now: datetime,
    online: bool,
) -> list[Practitioner]:
    """Practitioners, best first, that are free at exactly `start` by every rule. Only their
    day is loaded (one query); for a chosen practitioner, only theirs."""
    offered = [practitioner] if practitioner is not None else catalog.online_practitioners(clinic, appointment_type)
    if not offered:
        return []
    by_id = {p.pk: p for p in offered}
    ids = list(by_id)
    if not online:
        # Staff may book outside the week template; only overlaps are forbidden.
        end = start + appointment_type.duration
        busy = set(
            Appointment.objects.filter(
                practitioner_id__in=ids, status=Appointment.Status.BOOKED, start__lt=end, end__gt=start
            ).values_list("practitioner_id", flat=True)
        )
        return [by_id[pid] for pid in ids if pid not in busy]
    day = start.astimezone(clinic.tz).date()
    data = availability.load_input(clinic, appointment_type, ids, day, day, now=now, online=online)
    index = scheduling.Availability(availability.every_free_time(data), day, day)
    duration = appointment_type.duration
    # Ask per practitioner so "any practitioner" can fall back to a second free one.
    free = [pid for pid in ids
            if any(s.start == start for s in index.free_slots(appointment_type.pk, duration, day, [pid]))]
    if practitioner is None and len(free) > 1:
        # Prefer the engine's own choice for "any practitioner" (fewest appointments that day).
        chosen = [s.practitioner_id for s in index.free_slots(appointment_type.pk, duration, day, ids)
                  if s.start == start]
        free.sort(key=lambda pid: (pid not in chosen, pid))
    return [by_id[pid] for pid in free]


def _is_overlap_violation(exc: IntegrityError) -> bool:
    return OVERLAP_CONSTRAINT in str(exc) or "exclusion" in str(exc).lower()


def book_appointment(
    *,
    clinic: Clinic,
    appointment_type: AppointmentType,
    start: datetime,
    practitioner: Practitioner | None = None,
    patient: PatientDetails | None = None,
    comment: str = "",
    source: str = Appointment.Source.ONLINE,
    actor: Any = None,
    idempotency_key: str | None = None,
    now: datetime | None = None,
    language: str = "nb",
    any_practitioner: bool | None = None,
) -> Appointment:
    """Book one appointment, or raise a DomainError. Returns the appointment; for a new
    booking, ``appointment.manage_token`` holds the patient's personal link token.
    ``language`` ("nb" or "en") is the patient's: their messages use it.
    ``any_practitioner`` records a "Første ledige behandler" booking (default: when no
    ``practitioner`` is given), so the patient may later move it to any practitioner."""
    now = now or timezone.now()
    online = source == Appointment.Source.ONLINE
    if timezone.is_naive(start):
        raise ValueError("start must be an aware datetime")
    # Work in UTC: Python adds and compares datetimes sharing a tzinfo by wall clock, which
    # is wrong across a DST change (and would equate the two 02:30s of an October night).
    start = start.astimezone(UTC)
    if appointment_type.clinic_id != clinic.pk or (
        practitioner is not None and practitioner.clinic_id != clinic.pk
    ):
        raise SlotNotAvailable()

    if idempotency_key:
        existing = Appointment.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing

    # CPU work before the transaction, so that it holds its row locks no longer than needed.
    new_patient = _new_patient(clinic, patient) if patient is not None else None
    token = secrets.token_urlsafe(32) if patient is not None else None
    token_hash = hash_token(token) if token else None
    try:
        with transaction.atomic(durable=True):
            if online and not (clinic.online_booking and appointment_type.online and
                               (practitioner is None or practitioner.online)):
                raise BookingClosed()
            candidates = _candidates(clinic, appointment_type, practitioner, start, now, online)
            if not candidates:
                taken = Appointment.objects.filter(
                    clinic=clinic, status=Appointment.Status.BOOKED, start__lt=start + appointment_type.duration,
                    end__gt=start,
                    **({"practitioner": practitioner} if practitioner else {}),
                ).exists()
                raise SlotTaken() if taken else SlotNotAvailable()

            patient_obj = _find_or_create_patient(clinic, new_patient) if new_patient is not None else None
            if online and patient_obj is not None:
                limit = appointment_type.effective_max_future_bookings()
                if limit is not None:
                    future = Appointment.objects.filter(
                        patient=patient_obj, status=Appointment.Status.BOOKED,
                        source=Appointment.Source.ONLINE, start__gt=now,
                    ).count()
                    if future >= limit:
                        raise _limit_error(clinic)

            appointment = None
            for candidate in candidates:
                appt = Appointment(
                    clinic=clinic,
                    practitioner=candidate,
                    appointment_type=appointment_type,
                    patient=patient_obj,
                    **_contact(patient),
                    start=start,
                    end=start + appointment_type.duration,
                    source=source,
                    comment=comment.strip(),
                    language=language if language in ("nb", "en") else "nb",
                    price=appointment_type.price,
                    idempotency_key=idempotency_key or None,
                    manage_token_hash=token_hash,
                    any_practitioner=practitioner is None if any_practitioner is None else any_practitioner,
                    created_by=actor if (not online and getattr(actor, "pk", None)) else None,
                )
                if len(candidates) == 1:
                    # No one to fall back to: an overlap fails the transaction (SlotTaken below),
                    # without the round trips of a savepoint.
                    appt.save()
                    appointment = appt
                    break
                try:
                    with transaction.atomic():
                        appt.save()
                except IntegrityError as exc:
                    if _is_overlap_violation(exc):
                        continue  # taken by a concurrent booking; try the next practitioner
                    raise
                appointment = appt
                break
            if appointment is None:
                raise SlotTaken()
            audit.record(
                audit.AuditAction.APPOINTMENT_BOOKED, actor=actor, clinic=clinic, obj=appointment,
                source=source, reference=appointment.reference,
            )
            # Rows that commit with the booking (the outbox and its send tasks).
            signals.appointment_created.send(sender=Appointment, appointment=appointment, manage_token=token)
            transaction.on_commit(
                lambda: signals.appointment_booked.send(
                    sender=Appointment, appointment=appointment, manage_token=token
                )
            )
    except IntegrityError as exc:
        if idempotency_key and "idempotency_key" in str(exc):
            return Appointment.objects.get(idempotency_key=idempotency_key)
        if _is_overlap_violation(exc):
            if idempotency_key:
                mine = Appointment.objects.filter(idempotency_key=idempotency_key).first()
                if mine is not None:
                    return mine
            raise SlotTaken() from None
        raise
    except (SlotTaken, SlotNotAvailable):
        # A double click: the first request booked the time while this one waited for
        # the write lock, so the re-check now sees "taken". It is this request's own booking.
        if idempotency_key:
            mine = Appointment.objects.filter(idempotency_key=idempotency_key).first()
            if mine is not None:
                return mine
        raise
    appointment.manage_token = token  # type: ignore[attr-defined]
    return appointment


def with_alternatives(
    exc: SlotTaken | SlotNotAvailable,
    clinic: Clinic,
    appointment_type: AppointmentType,
    practitioner: Practitioner | None,
    start: datetime,
) -> SlotTaken | SlotNotAvailable:
    """Attach the nearest free times to a taken/unavailable error (outside the transaction)."""
    exc.alternatives = availability.nearest_free(clinic, appointment_type, practitioner, start)
    return exc


def cancellation_deadline(appointment: Appointment) -> datetime:
    hours = appointment.appointment_type.effective_cancellation_hours()
    return appointment.start - timedelta(hours=hours)


def cancel_appointment(
    appointment: Appointment,
    *,
    actor: Any = None,
    by_patient: bool = False,
    now: datetime | None = None,
    reason: str = "",
) -> Appointment:
    """Cancel; a patient only before the deadline. Frees the time at once.

    ``reason`` is the clinic's reason (e.g. the closure's "Planleggingsdag"); it goes into the
    audit entry and the patient's cancellation message."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        appt = Appointment.objects.select_for_update().select_related(
            "appointment_type__clinic", "clinic"
        ).get(pk=appointment.pk)
        if appt.status == Appointment.Status.CANCELLED:
            raise AlreadyCancelled()
        if by_patient and now > cancellation_deadline(appt):
            raise CancellationTooLate()
        appt.status = Appointment.Status.CANCELLED
        appt.cancelled_at = now
        appt.save(update_fields=["status", "cancelled_at"])
        audit.record(
            audit.AuditAction.APPOINTMENT_CANCELLED, actor=actor, clinic=appt.clinic, obj=appt,
            by_patient=by_patient, reference=appt.reference, **({"reason": reason} if reason else {}),
        )
        transaction.on_commit(
            lambda: signals.appointment_cancelled.send(
                sender=Appointment, appointment=appt, by_patient=by_patient, reason=reason
            )
        )
    return appt
