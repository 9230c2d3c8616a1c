"""Which writes invalidate the availability cache (services/availability_cache.py).

Hooked at the model level, so every path is covered: the services, the Django admin, the
staff pages and any later writer (moves, blocked time). After commit of a save or delete of
an appointment, closure, week template, its blocks, periods and allowed types, appointment
type, practitioner or clinic, and on ``clinics.signals.availability_changed``, the clinic's
generation is bumped. Bulk paths that send no model signal (``bulk_create``,
``QuerySet.update``) call :func:`availability_cache.bump_after_commit` themselves or send
``availability_changed``.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from timebok.appointments.models import Appointment
from timebok.appointments.services import availability_cache
from timebok.clinics import signals as clinic_signals
from timebok.clinics.models import (
    AppointmentType,
    Clinic,
    Closure,
    Practitioner,
    TemplateBlock,
    TemplatePeriod,
    WeekTemplate,
)

#: An appointment saved with only other fields (e.g. accepted contact details) frees nothing.
_APPOINTMENT_FIELDS = frozenset({"status", "start", "end", "practitioner", "practitioner_id", "clinic",
                                 "clinic_id", "appointment_type", "appointment_type_id"})


def clinic_slugs(instance: Any) -> list[str]:
    """The slug(s) of the clinic an instance belongs to (one query at most)."""
    if isinstance(instance, Clinic):
        return [instance.slug, getattr(instance, "_timebok_old_slug", instance.slug)]
    cached = instance._state.fields_cache.get("clinic")
    if cached is not None:
        return [cached.slug]
    if getattr(instance, "clinic_id", None) is not None:
        rows = Clinic.objects.filter(pk=instance.clinic_id)
    elif isinstance(instance, WeekTemplate):
        rows = Clinic.objects.filter(practitioners__pk=instance.practitioner_id)
    elif isinstance(instance, TemplateBlock | TemplatePeriod):
        rows = Clinic.objects.filter(practitioners__week_templates__pk=instance.template_id)
    else:
        return []
    return list(rows.values_list("slug", flat=True))


def _remember_slug(sender: Any, instance: Clinic, raw: bool = False, **kwargs: Any) -> None:
    """A clinic whose slug changes: the old slug's answers go too."""
    if instance.pk is not None and not raw:
        old = Clinic.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
        instance._timebok_old_slug = old or instance.slug  # type: ignore[attr-defined]


def _changed(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw:  # loaddata
        return
    update_fields = kwargs.get("update_fields")
    if sender is Appointment and update_fields and not (set(update_fields) & _APPOINTMENT_FIELDS):
        return
    availability_cache.bump_after_commit(*clinic_slugs(instance))


def _types_changed(sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any) -> None:
    if not action.startswith("post_"):
        return
    # ``instance`` is the block, or the appointment type when changed from the type's side.
    availability_cache.bump_after_commit(*clinic_slugs(instance))


def _signalled(sender: Any, clinic: Clinic, **kwargs: Any) -> None:
    availability_cache.bump(clinic.slug)  # sent after commit already


MODELS = (Appointment, AppointmentType, Clinic, Closure, Practitioner, TemplateBlock, TemplatePeriod, WeekTemplate)


def connect() -> None:
    pre_save.connect(_remember_slug, sender=Clinic, dispatch_uid="availability_cache.clinic_slug")
    for model in MODELS:
        post_save.connect(_changed, sender=model, dispatch_uid=f"availability_cache.save.{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"availability_cache.delete.{model.__name__}")
    m2m_changed.connect(_types_changed, sender=TemplateBlock.appointment_types.through,
                        dispatch_uid="availability_cache.block_types")
    clinic_signals.availability_changed.connect(_signalled, dispatch_uid="availability_cache.signal")
