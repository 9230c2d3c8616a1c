"""Writes of the staff module. One function per write: each owns its transaction, re-checks
its input, and records who did it in the audit log."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from timebok.appointments.models import Appointment, Patient
from timebok.clinics.models import RULE_FIELDS, TRACKING_FIELDS, Clinic, normalize_tracking_url
from timebok.clinics.services import availability_changed
from timebok.core import audit

__all__ = ["RULE_FIELDS", "TRACKING_FIELDS", "log_patient_list_access", "reveal_fnr", "update_booking_rules",
           "update_tracking_links"]


def _update_clinic(clinic: Clinic, *, actor: Any, action: audit.AuditAction, fields: tuple[str, ...],
                   values: dict[str, Any]) -> Clinic:
    unknown = set(values) - set(fields)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    with transaction.atomic(durable=True):
        locked = Clinic.objects.select_for_update().get(pk=clinic.pk)
        changes = {}
        for name, value in values.items():
            old = getattr(locked, name)
            if old != value:
                setattr(locked, name, value)
                changes[name] = [old, value]
        # Re-check with the model's own validators (the form has checked already, but the
        # API or a script may call this directly). Raises ValidationError; nothing is saved.
        locked.clean_fields(exclude=[f.name for f in Clinic._meta.fields if f.name not in values])
        if changes:
            locked.save(update_fields=list(changes))
            audit.record(action, actor=actor, clinic=locked, obj=locked, changes=changes)
            if action == audit.AuditAction.CLINIC_RULES_UPDATED:
                availability_changed(locked)
    for name in values:
        setattr(clinic, name, getattr(locked, name))
    return locked


def update_tracking_links(clinic: Clinic, *, actor: Any, search_url: str = "", booked_url: str = "") -> Clinic:
    """Set the two optional tracking links (https only; http for localhost), stored in ASCII
    form with an international host in IDNA (punycode) form."""
    values, errors = {}, {}
    for name, value in (("tracking_search_url", search_url), ("tracking_booked_url", booked_url)):
        try:
            values[name] = normalize_tracking_url(value)
        except ValidationError as exc:
            errors[name] = exc
    if errors:
        raise ValidationError(errors)
    return _update_clinic(clinic, actor=actor, action=audit.AuditAction.CLINIC_TRACKING_UPDATED,
                          fields=TRACKING_FIELDS, values=values)


def update_booking_rules(clinic: Clinic, *, actor: Any, **rules: Any) -> Clinic:
    """Set the online-booking rules: any of RULE_FIELDS."""
    return _update_clinic(clinic, actor=actor, action=audit.AuditAction.CLINIC_RULES_UPDATED, fields=RULE_FIELDS,
                          values=rules)


def log_patient_list_access(clinic: Clinic, *, actor: Any, practitioner: Any, days: Any,
                            patient_ids: list[int]) -> None:
    """Normen: staff access to patient data is logged. One entry per overview shown, naming
    the practitioner, the days and the patients on screen (ids only, no personal data)."""
    with transaction.atomic(durable=True):
        audit.record(
            audit.AuditAction.PATIENT_LIST_VIEWED, actor=actor, clinic=clinic, obj=practitioner,
            first_day=days[0].isoformat(), last_day=days[-1].isoformat(), patients=patient_ids,
        )


def reveal_fnr(subject: Appointment | Patient, *, actor: Any) -> str:
    """The full fødselsnummer of one patient, for a deliberate look by a staff user.
    Every call is logged (user, time, patient) before the number is returned."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionError("only a logged-in user may see a fødselsnummer")
    patient = subject.patient if isinstance(subject, Appointment) else subject
    if patient is None:
        raise ValidationError("the appointment has no patient")
    if not patient.clinic.staff.filter(pk=actor.pk).exists():
        raise PermissionDenied("not a staff member of this patient's clinic")
    with transaction.atomic(durable=True):
        extra = {"appointment": subject.reference} if isinstance(subject, Appointment) else {}
        audit.record(audit.AuditAction.PATIENT_FNR_REVEALED, actor=actor, clinic=patient.clinic, obj=patient, **extra)
    return patient.reveal_fnr()
