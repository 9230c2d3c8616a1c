"""Writes of the clinic's master data: practitioners, appointment types, week templates with
their arbeidsplan, and closures. The staff pages (and later the day view) call these; views
never write models themselves.

Every function is one write: it owns its transaction (``durable=True``), re-checks what must
hold (model validation, the same clinic, no overlapping blocks, …) and raises Django's
ValidationError (field name -> message) before anything is saved, records an audit entry
with the acting user and what changed, and after commit tells the availability layer that
free times may have changed (:func:`availability_changed`, the one hook for a cache).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from timebok.appointments.errors import AlreadyCancelled, DomainError
from timebok.appointments.models import Appointment
from timebok.appointments.services.booking import cancel_appointment
from timebok.clinics import readiness, signals
from timebok.clinics.closures import ClosureSpec, covered_appointments
from timebok.clinics.models import (
    AppointmentType,
    Clinic,
    Closure,
    Practitioner,
    TemplateBlock,
    TemplatePeriod,
    WeekTemplate,
)
from timebok.clinics.validation import BlockSpec, overlapping_blocks, types_that_fit_nowhere
from timebok.core import audit, display

PRACTITIONER_FIELDS = ("name", "title", "online", "email", "notify_on_booking", "notify_on_cancellation")
TYPE_FIELDS = (
    "name", "duration_minutes", "price", "info_text", "address", "online", "sensitive",
    "min_notice_hours", "horizon_days", "cancellation_hours", "max_future_bookings",
)
Direction = Literal["up", "down"]


def availability_changed(clinic: Clinic, practitioner_ids: Iterable[int] | None = None) -> None:
    """After commit, announce that free times of the clinic (or of these practitioners) may
    have changed. Call it inside the write's transaction; an availability cache listens to
    ``timebok.clinics.signals.availability_changed``."""
    ids = None if practitioner_ids is None else sorted(set(practitioner_ids))
    transaction.on_commit(
        lambda: signals.availability_changed.send(sender=Clinic, clinic=clinic, practitioner_ids=ids)
    )


def _plain(value: Any) -> Any:
    """A value as the audit log's JSON can hold it."""
    if isinstance(value, date | time | datetime):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    return value


def _check_names(values: Mapping[str, Any], allowed: Sequence[str]) -> None:
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")


def _apply(obj: models.Model, values: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Set the values on obj; return {field: [old, new]} of what changed."""
    changes = {}
    for name, value in values.items():
        old = getattr(obj, name)
        if old != value:
            setattr(obj, name, value)
            changes[name] = [_plain(old), _plain(value)]
    return changes


def _lock_clinic(clinic: Clinic) -> Clinic:
    """Serialises the clinic's master-data writes (sort order, closures) on both databases."""
    return Clinic.objects.select_for_update().get(pk=clinic.pk)


def _next_sort_order(qs: models.QuerySet[Any]) -> int:
    return (qs.aggregate(m=Max("sort_order"))["m"] or 0) + 1


def _move(qs: models.QuerySet[Any], obj: Any, direction: Direction) -> list[int] | None:
    """Swap obj with its neighbour in (sort_order, name) order and renumber 1..n.
    Returns the new order of ids, or None when obj is already first/last."""
    items = list(qs.select_for_update().order_by("sort_order", "name", "pk"))
    index = next(i for i, item in enumerate(items) if item.pk == obj.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(items):
        return None
    items[index], items[other] = items[other], items[index]
    for number, item in enumerate(items, start=1):
        if item.sort_order != number:
            item.sort_order = number
            item.save(update_fields=["sort_order"])
    return [item.pk for item in items]


# --- Practitioners -------------------------------------------------------------------------


def create_practitioner(clinic: Clinic, *, actor: Any, **values: Any) -> Practitioner:
    """Add a practitioner at the end of the clinic's order."""
    _check_names(values, PRACTITIONER_FIELDS)
    with transaction.atomic(durable=True):
        _lock_clinic(clinic)
        practitioner = Practitioner(clinic=clinic, **values)
        practitioner.sort_order = _next_sort_order(clinic.practitioners.all())
        practitioner.full_clean()
        practitioner.save()
        audit.record(audit.AuditAction.PRACTITIONER_CREATED, actor=actor, clinic=clinic, obj=practitioner,
                     values={k: _plain(v) for k, v in values.items()})
        availability_changed(clinic, [practitioner.pk])
    return practitioner


def update_practitioner(practitioner: Practitioner, *, actor: Any, **values: Any) -> Practitioner:
    """Change name, title, online timebok and e-mail notifications."""
    _check_names(values, PRACTITIONER_FIELDS)
    with transaction.atomic(durable=True):
        locked = Practitioner.objects.select_for_update().select_related("clinic").get(pk=practitioner.pk)
        changes = _apply(locked, values)
        locked.full_clean()
        if changes:
            locked.save(update_fields=list(changes))
            audit.record(audit.AuditAction.PRACTITIONER_UPDATED, actor=actor, clinic=locked.clinic, obj=locked,
                         changes=changes)
            availability_changed(locked.clinic, [locked.pk])
    return locked


def move_practitioner(practitioner: Practitioner, *, actor: Any, direction: Direction) -> bool:
    """One step up or down in the clinic's order (the booking page and the overview follow it).
    False when there is nowhere to move."""
    with transaction.atomic(durable=True):
        clinic = _lock_clinic(practitioner.clinic)
        order = _move(clinic.practitioners.all(), practitioner, direction)
        if order is None:
            return False
        audit.record(audit.AuditAction.PRACTITIONER_REORDERED, actor=actor, clinic=clinic, obj=practitioner,
                     direction=direction, order=order)
        availability_changed(clinic)
    return True


# --- Appointment types ---------------------------------------------------------------------


def _set_template_types(atype: AppointmentType, templates: Mapping[int, bool]) -> dict[str, list[int]]:
    """Allow (True) or disallow (False) the type in every block of these templates."""
    if not templates:
        return {}
    own = dict(WeekTemplate.objects.filter(practitioner__clinic_id=atype.clinic_id, pk__in=list(templates))
               .values_list("pk", "practitioner_id"))
    foreign = set(templates) - set(own)
    if foreign:
        raise ValidationError({"templates": _("Velg ukemaler fra listen.")})
    through = TemplateBlock.appointment_types.through
    added, removed = [], []
    for template_id, allow in sorted(templates.items()):
        blocks = list(TemplateBlock.objects.filter(template_id=template_id).values_list("pk", flat=True))
        have = set(through.objects.filter(templateblock_id__in=blocks, appointmenttype=atype)
                   .values_list("templateblock_id", flat=True))
        if allow:
            missing = [b for b in blocks if b not in have]
            through.objects.bulk_create([through(templateblock_id=b, appointmenttype_id=atype.pk) for b in missing])
            if missing:
                added.append(template_id)
        elif have:
            through.objects.filter(templateblock_id__in=have, appointmenttype=atype).delete()
            removed.append(template_id)
    return {k: v for k, v in (("templates_allowed", added), ("templates_removed", removed)) if v}


def _recheck_type(atype: AppointmentType, *, switched_online: bool) -> None:
    """Duration against the blocks that allow it, and: no switch to online while patients
    could not book it anyway (no online practitioner's live template allows it)."""
    atype.clean()
    if switched_online:
        setup = readiness.Setup.load(atype.clinic, display.local_today(atype.clinic))
        missing = setup.type_missing(atype.pk)
        if missing:
            raise ValidationError({"online": " ".join([
                _("Timetypen kan ikke slås på for online bestilling ennå:"), *missing,
                _("Tillat den i en ukemal til en behandler med online timebok, og prøv igjen."),
            ])})


def create_appointment_type(clinic: Clinic, *, actor: Any, templates: Collection[int] = (),
                            **values: Any) -> AppointmentType:
    """Add a type at the end of the clinic's order, allowed in every block of ``templates``.
    It is offline unless ``online=True`` is given and a template makes it bookable."""
    _check_names(values, TYPE_FIELDS)
    with transaction.atomic(durable=True):
        _lock_clinic(clinic)
        atype = AppointmentType(clinic=clinic, **values)
        atype.sort_order = _next_sort_order(clinic.appointment_types.all())
        atype.clean_fields()
        atype.save()
        template_changes = _set_template_types(atype, dict.fromkeys(templates, True))
        _recheck_type(atype, switched_online=atype.online)
        audit.record(audit.AuditAction.APPOINTMENT_TYPE_CREATED, actor=actor, clinic=clinic, obj=atype,
                     values={k: _plain(v) for k, v in values.items()}, **template_changes)
        availability_changed(clinic)
    return atype


def update_appointment_type(atype: AppointmentType, *, actor: Any, templates: Mapping[int, bool] | None = None,
                            **values: Any) -> AppointmentType:
    """Change a type; ``templates`` maps template id -> allowed in the whole template (True)
    or in none of it (False); templates not named are left as they are."""
    _check_names(values, TYPE_FIELDS)
    with transaction.atomic(durable=True):
        locked = AppointmentType.objects.select_for_update().select_related("clinic").get(pk=atype.pk)
        was_online = locked.online
        changes: dict[str, Any] = _apply(locked, values)
        locked.clean_fields(exclude=["clinic"])
        if changes:
            locked.save(update_fields=list(changes))
        changes.update(_set_template_types(locked, templates or {}))
        _recheck_type(locked, switched_online=locked.online and not was_online)
        if changes:
            audit.record(audit.AuditAction.APPOINTMENT_TYPE_UPDATED, actor=actor, clinic=locked.clinic, obj=locked,
                         changes=changes)
            availability_changed(locked.clinic)
    return locked


def move_appointment_type(atype: AppointmentType, *, actor: Any, direction: Direction) -> bool:
    """One step up or down in the clinic's order of types."""
    with transaction.atomic(durable=True):
        clinic = _lock_clinic(atype.clinic)
        order = _move(clinic.appointment_types.all(), atype, direction)
        if order is None:
            return False
        audit.record(audit.AuditAction.APPOINTMENT_TYPE_REORDERED, actor=actor, clinic=clinic, obj=atype,
                     direction=direction, order=order)
        availability_changed(clinic)
    return True


# --- Week templates ------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodSpec:
    """One arbeidsplan row: from, to (None = until further notice), which weeks."""

    start_date: date
    end_date: date | None = None
    parity: str = "all"


def _blocks_text(specs: Iterable[BlockSpec]) -> list[list[Any]]:
    return [[b.weekday, f"{b.start:%H:%M}", f"{b.end:%H:%M}", sorted(b.type_ids)]
            for b in sorted(specs, key=lambda b: (b.weekday, b.start))]


def _periods_text(specs: Iterable[PeriodSpec]) -> list[list[Any]]:
    return [[p.start_date.isoformat(), p.end_date.isoformat() if p.end_date else None, p.parity]
            for p in sorted(specs, key=lambda p: (p.start_date, p.end_date or date.max, p.parity))]


def _check_periods(periods: Sequence[PeriodSpec]) -> None:
    parities = {value for value, _label in TemplatePeriod.PARITY_CHOICES}
    for p in periods:
        if p.parity not in parities:
            raise ValidationError(_("Velg hvilke uker arbeidsplanen gjelder."))
        if p.end_date is not None and p.end_date < p.start_date:
            raise ValidationError(_("Til-datoen kan ikke være før fra-datoen."))


def create_week_template(practitioner: Practitioner, *, actor: Any, name: str,
                         periods: Sequence[PeriodSpec] = ()) -> WeekTemplate:
    """A new, empty template for the practitioner, with its first arbeidsplan."""
    _check_periods(periods)
    with transaction.atomic(durable=True):
        locked = Practitioner.objects.select_for_update().select_related("clinic").get(pk=practitioner.pk)
        template = WeekTemplate(practitioner=locked, name=name.strip())
        template.full_clean()
        template.save()
        TemplatePeriod.objects.bulk_create(
            [TemplatePeriod(template=template, start_date=p.start_date, end_date=p.end_date, parity=p.parity)
             for p in periods])
        audit.record(audit.AuditAction.WEEK_TEMPLATE_CREATED, actor=actor, clinic=locked.clinic, obj=template,
                     name=template.name, practitioner=locked.pk, periods=_periods_text(periods))
        availability_changed(locked.clinic, [locked.pk])
    return template


def update_week_template(template: WeekTemplate, *, actor: Any, name: str, blocks: Sequence[BlockSpec],
                         periods: Sequence[PeriodSpec]) -> WeekTemplate:
    """Replace the template's name, its working periods (blocks, each with the types it
    allows) and its arbeidsplan, all at once. Appointments are never moved or deleted."""
    _check_periods(periods)
    with transaction.atomic(durable=True):
        locked = WeekTemplate.objects.select_for_update().select_related("practitioner__clinic").get(pk=template.pk)
        clinic = locked.practitioner.clinic
        errors = [
            _("Perioden %(start)s–%(end)s må slutte etter at den starter.") % {
                "start": f"{b.start:%H:%M}", "end": f"{b.end:%H:%M}"}
            for b in blocks if b.end <= b.start
        ]
        if errors:
            raise ValidationError(errors)
        type_ids = {t for b in blocks for t in b.type_ids}
        if len(AppointmentType.objects.filter(clinic=clinic, pk__in=type_ids)) != len(type_ids):
            raise ValidationError(_("Velg timetyper fra listen."))
        errors = overlapping_blocks(blocks) + types_that_fit_nowhere(blocks, template_id=locked.pk,
                                                                      clinic_id=clinic.pk)
        if errors:
            raise ValidationError(errors)
        changes = _apply(locked, {"name": name.strip()})
        locked.full_clean()
        if changes:
            locked.save(update_fields=list(changes))

        old_blocks = [BlockSpec(b.weekday, b.start_time, b.end_time, frozenset(t.pk for t in b.appointment_types.all()))
                      for b in locked.blocks.prefetch_related("appointment_types")]
        if _blocks_text(old_blocks) != _blocks_text(blocks):
            locked.blocks.all().delete()
            through = TemplateBlock.appointment_types.through
            for spec in sorted(blocks, key=lambda b: (b.weekday, b.start)):
                block = TemplateBlock.objects.create(template=locked, weekday=spec.weekday, start_time=spec.start,
                                                     end_time=spec.end)
                through.objects.bulk_create([through(templateblock_id=block.pk, appointmenttype_id=t)
                                             for t in sorted(spec.type_ids)])
            changes["blocks"] = [_blocks_text(old_blocks), _blocks_text(blocks)]

        old_periods = [PeriodSpec(p.start_date, p.end_date, p.parity) for p in locked.periods.all()]
        if _periods_text(old_periods) != _periods_text(periods):
            locked.periods.all().delete()
            TemplatePeriod.objects.bulk_create(
                [TemplatePeriod(template=locked, start_date=p.start_date, end_date=p.end_date, parity=p.parity)
                 for p in periods])
            changes["periods"] = [_periods_text(old_periods), _periods_text(periods)]

        if changes:
            audit.record(audit.AuditAction.WEEK_TEMPLATE_UPDATED, actor=actor, clinic=clinic, obj=locked,
                         changes=changes)
            availability_changed(clinic, [locked.practitioner_id])
    return locked


def delete_week_template(template: WeekTemplate, *, actor: Any) -> None:
    """Remove a template with its blocks and arbeidsplan. Booked appointments stay."""
    with transaction.atomic(durable=True):
        locked = WeekTemplate.objects.select_for_update().select_related("practitioner__clinic").get(pk=template.pk)
        clinic = locked.practitioner.clinic
        audit.record(audit.AuditAction.WEEK_TEMPLATE_DELETED, actor=actor, clinic=clinic, obj=locked,
                     name=locked.name, practitioner=locked.practitioner_id)
        locked.delete()
        availability_changed(clinic, [template.practitioner_id])


# --- Closures ------------------------------------------------------------------------------


class ClosureHasBookings(DomainError):
    """The closure covers booked appointments that staff have not been shown (or the set
    changed since). Nothing was saved; show ``appointments`` and ask: keep or cancel them."""

    code = "closure_has_bookings"
    default_message = gettext_lazy("Det er bestilte timer i perioden. Velg om de skal beholdes eller avbestilles.")
    http_status = 409

    def __init__(self, appointments: list[Appointment], *, changed: bool = False) -> None:
        message = (gettext_lazy("Timene i perioden er endret siden du så dem. Se over listen på nytt.")
                   if changed else None)
        super().__init__(message)
        self.appointments = appointments
        self.changed = changed


@dataclass
class ClosureResult:
    closures: list[Closure]
    appointments: list[Appointment]  # booked in the closed time when it was saved
    cancelled: list[Appointment] = field(default_factory=list)


def default_reason(spec: ClosureSpec) -> str:
    """What a cancellation message says when staff gave no reason."""
    if spec.practitioner_id is None:
        return _("Klinikken er stengt")
    return _("Behandleren er ikke til stede")


def _check_covered(clinic: Clinic, specs: Sequence[ClosureSpec], shown: Collection[int]) -> list[Appointment]:
    covered = covered_appointments(clinic, specs)
    if {a.pk for a in covered} != set(shown):
        raise ClosureHasBookings(covered, changed=bool(shown))
    return covered


def _cancel_all(appointments: Sequence[Appointment], *, actor: Any, reasons: Mapping[int, str],
                now: datetime | None) -> list[Appointment]:
    """Each through cancel_appointment: its own transaction, audit entry and message."""
    cancelled = []
    for appointment in appointments:
        try:
            cancelled.append(cancel_appointment(appointment, actor=actor, reason=reasons[appointment.pk], now=now))
        except AlreadyCancelled:
            continue  # the patient cancelled it meanwhile
    return cancelled


def _reasons(appointments: Sequence[Appointment], specs: Sequence[ClosureSpec], clinic: Clinic) -> dict[int, str]:
    """The reason each covered appointment's patient is told: its closure's, or a default."""
    out = {}
    for a in appointments:
        spec = next(s for s in specs if (s.practitioner_id in (None, a.practitioner_id))
                    and any(a.start < e and a.end > st for st, e in s.intervals(clinic)))
        out[a.pk] = spec.reason or default_reason(spec)
    return out


def create_closures(clinic: Clinic, specs: Sequence[ClosureSpec], *, actor: Any, shown: Collection[int] = (),
                    cancel_booked: bool = False, now: datetime | None = None) -> ClosureResult:
    """Close the clinic (or a practitioner) on these dates/times.

    Booked appointments in the closed time must have been shown to the user first: the
    call succeeds only when ``shown`` is exactly the set of booked appointments the
    closures cover (empty when there are none); otherwise ClosureHasBookings is raised with
    the current list and nothing is saved. With ``cancel_booked`` those appointments are
    then cancelled through cancel_appointment, each patient told the reason and the
    clinic's phone; without it they are kept.

    The closures are committed first, so no new online booking can take the closed time
    while the cancellations run; each cancellation is its own transaction (as every
    cancellation is), and one the patient made meanwhile is skipped."""
    if not specs:
        raise ValueError("no closure given")
    with transaction.atomic(durable=True):
        _lock_clinic(clinic)
        practitioner_ids = {s.practitioner_id for s in specs} - {None}
        if len(Practitioner.objects.filter(clinic=clinic, pk__in=practitioner_ids)) != len(practitioner_ids):
            raise ValidationError({"practitioner": _("Velg en behandler fra listen.")})
        closures = []
        for spec in specs:
            closure = Closure(clinic=clinic, practitioner_id=spec.practitioner_id, start_date=spec.start_date,
                              end_date=spec.end_date, start_time=spec.start_time, end_time=spec.end_time,
                              reason=spec.reason.strip())
            closure.full_clean()
            closures.append(closure)
        covered = _check_covered(clinic, specs, shown)
        for closure in closures:
            closure.save()
            audit.record(audit.AuditAction.CLOSURE_CREATED, actor=actor, clinic=clinic, obj=closure,
                         start_date=_plain(closure.start_date), end_date=_plain(closure.end_date),
                         start_time=_plain(closure.start_time), end_time=_plain(closure.end_time),
                         practitioner=closure.practitioner_id, reason=closure.reason,
                         booked=[a.pk for a in covered], cancel_booked=cancel_booked)
        ids = None if any(s.practitioner_id is None for s in specs) else practitioner_ids
        availability_changed(clinic, ids)
    cancelled = []
    if cancel_booked and covered:
        cancelled = _cancel_all(covered, actor=actor, reasons=_reasons(covered, specs, clinic), now=now)
    return ClosureResult(closures, covered, cancelled)


def create_closure(clinic: Clinic, spec: ClosureSpec, *, actor: Any, shown: Collection[int] = (),
                   cancel_booked: bool = False, now: datetime | None = None) -> ClosureResult:
    """One closure; see create_closures."""
    return create_closures(clinic, [spec], actor=actor, shown=shown, cancel_booked=cancel_booked, now=now)


def cancel_booked_in_closure(closure: Closure, *, actor: Any, shown: Collection[int],
                             now: datetime | None = None) -> list[Appointment]:
    """Cancel the appointments still booked in an existing closure (kept when it was saved,
    or booked by staff since), after staff have seen exactly these. Each through
    cancel_appointment, with the closure's reason and the clinic's phone in the message."""
    spec = ClosureSpec.of(closure)
    covered = _check_covered(closure.clinic, [spec], shown)
    return _cancel_all(covered, actor=actor, reasons=dict.fromkeys((a.pk for a in covered),
                                                                   spec.reason or default_reason(spec)), now=now)


def delete_closure(closure: Closure, *, actor: Any) -> None:
    """Open the time again (cancelled appointments stay cancelled)."""
    with transaction.atomic(durable=True):
        clinic = _lock_clinic(closure.clinic)
        locked = Closure.objects.select_for_update().get(pk=closure.pk, clinic=clinic)
        audit.record(audit.AuditAction.CLOSURE_DELETED, actor=actor, clinic=clinic, obj=locked,
                     start_date=_plain(locked.start_date), end_date=_plain(locked.end_date),
                     start_time=_plain(locked.start_time), end_time=_plain(locked.end_time),
                     practitioner=locked.practitioner_id, reason=locked.reason)
        pid = locked.practitioner_id
        locked.delete()
        availability_changed(clinic, None if pid is None else [pid])

