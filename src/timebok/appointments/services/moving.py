"""Moving an appointment to another time (and practitioner): by staff from the day view, or
by the patient from the personal link before the cancellation deadline.

The same no-overlap guarantee as booking: on PostgreSQL the exclusion constraint
``appointment_no_overlap`` rejects an UPDATE onto a taken time even when two transactions
passed the re-check together; on SQLite the transaction starts with BEGIN IMMEDIATE, so the
re-check and the update hold the write lock together. The appointment keeps its reference
(the calendar file's UID); its ``sequence`` goes up, so the patient's calendar updates it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from timebok import scheduling
from timebok.appointments import signals
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
from timebok.appointments.services import availability
from timebok.appointments.services.booking import _is_overlap_violation, cancellation_deadline
from timebok.clinics.closures import ClosureSpec
from timebok.clinics.models import Clinic, Closure, Practitioner, TemplateBlock
from timebok.core import audit


def is_closed(clinic: Clinic, practitioner_id: int, start: datetime, end: datetime) -> bool:
    """Whether ``[start, end)`` touches a closure of the clinic or the practitioner, or a
    public holiday the clinic closes on."""
    tz = clinic.tz
    first, last = start.astimezone(tz).date(), (end - timedelta(microseconds=1)).astimezone(tz).date()
    if clinic.close_public_holidays:
        days = {first + timedelta(days=i) for i in range((last - first).days + 1)}
        if any(d in availability.norwegian_holidays(d.year) for d in days):
            return True
    closures = Closure.objects.filter(clinic=clinic, start_date__lte=last, end_date__gte=first).filter(
        Q(practitioner__isnull=True) | Q(practitioner_id=practitioner_id))
    return any(s < end and e > start for c in closures for s, e in ClosureSpec.of(c).intervals(clinic))


def in_template(clinic: Clinic, practitioner_id: int, appointment_type_id: int, start: datetime, end: datetime
                ) -> bool:
    """Whether ``[start, end)`` lies inside one of the practitioner's week-template periods
    that allows the type, on a day its arbeidsplan applies."""
    tz = clinic.tz
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    day = local_start.date()
    if local_end.date() != day:
        return False
    blocks = (TemplateBlock.objects.filter(template__practitioner_id=practitioner_id, weekday=day.weekday(),
                                           appointment_types=appointment_type_id)
              .select_related("template").prefetch_related("template__periods"))
    for block in blocks:
        periods = [scheduling.Period(p.start_date, p.end_date, p.parity) for p in block.template.periods.all()]
        if not any(p.applies(day) for p in periods):
            continue
        if block.start_time <= local_start.time() and local_end.time() <= block.end_time:
            return True
    return False


def _patient_may_take(appt: Appointment, practitioner_id: int, start: datetime, now: datetime) -> bool:
    """A patient moves only onto a time the booking page offers for the same type and
    practitioner (any practitioner, when booked as "Første ledige behandler")."""
    if not appt.clinic.online_booking or not appt.appointment_type.online:
        return False
    practitioner = None if appt.any_practitioner else appt.practitioner
    day = start.astimezone(appt.clinic.tz).date()
    data = availability.every_free_time(availability.load_input(
        appt.clinic, appt.appointment_type, None if practitioner is None else [practitioner.pk], day, day, now=now))
    slots = scheduling.free_slots(data, appt.appointment_type.pk, appt.appointment_type.duration, day,
                                  None if practitioner is None else [practitioner.pk])
    return any(s.start == start and s.practitioner_id == practitioner_id for s in slots)


def move_appointment(
    appointment: Appointment,
    *,
    start: datetime,
    practitioner: Practitioner | None = None,
    actor: Any = None,
    by_patient: bool = False,
    confirm_outside_template: bool = False,
    now: datetime | None = None,
) -> Appointment:
    """Move a booked, coming appointment to ``start`` (same duration), with ``practitioner``
    (default: the same one). Raises a DomainError and changes nothing when the appointment
    is cancelled or past, the new time is past, closed, taken, or (for staff) outside the
    week template without ``confirm_outside_template``; a patient may only take a time the
    booking page offers, before the cancellation deadline. After commit the patient gets a
    change message with the calendar file's same UID and a higher SEQUENCE."""
    now = now or timezone.now()
    if timezone.is_naive(start):
        raise ValueError("start must be an aware datetime")
    start = start.astimezone(UTC)
    try:
        with transaction.atomic(durable=True):
            # Lock the appointment row only: locking the joined clinic row too would make a
            # concurrent booking's foreign-key check wait on it, and deadlock with it.
            appt = Appointment.objects.select_for_update(of=("self",)).select_related(
                "clinic", "appointment_type__clinic", "practitioner").get(pk=appointment.pk)
            clinic = appt.clinic
            target = practitioner or appt.practitioner
            if target.clinic_id != clinic.pk:
                raise SlotNotAvailable()
            if appt.status == Appointment.Status.CANCELLED:
                raise AlreadyCancelled()
            if appt.start <= now:
                raise AppointmentPast()
            if by_patient and now > cancellation_deadline(appt):
                raise ChangeTooLate()
            if start <= now:
                raise SlotNotAvailable()
            end = start + (appt.end - appt.start)
            if start == appt.start and target.pk == appt.practitioner_id:
                return appt  # nothing to change
            if is_closed(clinic, target.pk, start, end):
                raise TimeClosed()
            if by_patient:
                if not _patient_may_take(appt, target.pk, start, now):
                    raise SlotNotAvailable()
            elif not confirm_outside_template and not in_template(clinic, target.pk, appt.appointment_type_id,
                                                                  start, end):
                raise OutsideTemplate()
            if Appointment.objects.filter(practitioner=target, status=Appointment.Status.BOOKED, start__lt=end,
                                          end__gt=start).exclude(pk=appt.pk).exists():
                raise SlotTaken()
            previous = (appt.start, appt.end, appt.practitioner_id)
            appt.start, appt.end, appt.practitioner = start, end, target
            appt.sequence += 1
            with transaction.atomic():
                appt.save(update_fields=["start", "end", "practitioner", "sequence"])
            audit.record(
                audit.AuditAction.APPOINTMENT_MOVED, actor=actor, clinic=clinic, obj=appt,
                reference=appt.reference, by_patient=by_patient, outside_template=confirm_outside_template,
                from_start=previous[0].isoformat(), from_practitioner=previous[2],
                to_start=start.isoformat(), to_practitioner=target.pk,
            )
            transaction.on_commit(lambda: signals.appointment_moved.send(
                sender=Appointment, appointment=appt, previous_start=previous[0], by_patient=by_patient))
    except IntegrityError as exc:
        if _is_overlap_violation(exc):
            raise SlotTaken() from None
        raise
    return appt
