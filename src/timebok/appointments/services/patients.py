"""Writes to the patient record by staff.

Bookings never change an existing record (see ``booking._find_or_create_patient``); when the
details given with an appointment differ from the record, staff see it and may accept them.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from timebok.appointments.errors import NothingToAccept
from timebok.appointments.models import CONTACT_FIELDS, Appointment, Patient
from timebok.core import audit


def accept_appointment_details(appointment: Appointment, *, actor: Any) -> Patient:
    """Copy the name, e-mail and phone given with ``appointment`` into its patient record.

    The acting user must be staff of the appointment's clinic. The audit entry names the
    fields that changed, never their values."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionError("only a logged-in user may change a patient record")
    with transaction.atomic(durable=True):
        appt = Appointment.objects.select_related("clinic").get(pk=appointment.pk)
        if not appt.clinic.staff.filter(pk=actor.pk).exists():
            raise PermissionError("not a staff member of this appointment's clinic")
        if appt.patient_id is None:
            raise NothingToAccept()
        patient = Patient.objects.select_for_update().get(pk=appt.patient_id)
        changed = [f for f in CONTACT_FIELDS if getattr(appt, f) and getattr(appt, f) != getattr(patient, f)]
        if not changed:
            raise NothingToAccept()
        for field in changed:
            setattr(patient, field, getattr(appt, field))
        patient.save(update_fields=[*changed, "updated_at"])
        audit.record(audit.AuditAction.PATIENT_DETAILS_ACCEPTED, actor=actor, clinic=appt.clinic, obj=patient,
                     appointment=appt.reference, fields=changed)
    return patient
