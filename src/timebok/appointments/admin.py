from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from timebok.appointments.models import Appointment, Patient
from timebok.clinics.admin import ClinicScopedAdmin
from timebok.core import audit, display


def _log_list(request: HttpRequest, response: HttpResponse, patient_of: Any) -> None:
    """Normen: log which patients a staff user had on screen (ids only)."""
    changelist = getattr(response, "context_data", {}).get("cl") if hasattr(response, "context_data") else None
    if changelist is None:
        return
    by_clinic: dict[Any, list[int]] = {}
    for obj in changelist.result_list:
        patient = patient_of(obj)
        if patient is not None:
            by_clinic.setdefault(patient.clinic, []).append(patient.pk)
    for clinic, ids in by_clinic.items():
        audit.record(audit.AuditAction.PATIENT_LIST_VIEWED, actor=request.user, clinic=clinic, via="admin",
                     patients=sorted(set(ids)))


@admin.register(Patient)
class PatientAdmin(ClinicScopedAdmin):
    list_display = ["last_name", "first_name", "masked_fnr", "email", "phone_text", "clinic"]
    search_fields = ["last_name", "first_name", "email"]
    fields = ["clinic", "first_name", "last_name", "email", "phone"]

    @admin.display(description="fødselsnummer")
    def masked_fnr(self, obj: Patient) -> str:
        return obj.masked_fnr

    @admin.display(description=_("telefon"), ordering="phone")
    def phone_text(self, obj: Patient) -> str:
        """"412 34 567": the national format of every page."""
        return display.phone_text(obj.phone)

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # patients are created through bookings (the fødselsnummer is required)

    def change_view(self, request, object_id, form_url="", extra_context=None):  # type: ignore[no-untyped-def]
        response = super().change_view(request, object_id, form_url, extra_context)
        patient = self.get_object(request, object_id)
        if patient is not None and response.status_code == 200:
            audit.record(audit.AuditAction.PATIENT_VIEWED, actor=request.user, clinic=patient.clinic, obj=patient,
                         via="admin")
        return response

    def changelist_view(self, request, extra_context=None):  # type: ignore[no-untyped-def]
        response = super().changelist_view(request, extra_context)
        _log_list(request, response, lambda p: p)
        return response


@admin.register(Appointment)
class AppointmentAdmin(ClinicScopedAdmin):
    """Read-only apart from the comment. Never deleted: cancelling (in the Timebok module,
    through cancel_appointment) is the only way an appointment ends."""

    list_display = ["local_start", "practitioner", "appointment_type", "status", "source", "reference"]
    list_filter = ["clinic", "status", "source", "practitioner"]
    date_hierarchy = "start"
    readonly_fields = [
        "clinic", "practitioner", "appointment_type", "patient", "first_name", "last_name", "email", "phone",
        "start", "end", "source", "created_by", "any_practitioner", "sequence",
        "price", "reference", "created_at", "cancelled_at", "status",
    ]
    fields = [*readonly_fields, "comment"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # appointments are created only by the booking service

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # cancel instead: the patient is told, the time is freed, the audit log says who

    @admin.display(description=_("tid"), ordering="start")
    def local_start(self, obj: Appointment) -> str:
        """On the clinic's clock, not the server's."""
        return display.when_text(obj.start, obj.clinic.tz, obj.end)

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("clinic", "practitioner", "appointment_type")

    def change_view(self, request, object_id, form_url="", extra_context=None):  # type: ignore[no-untyped-def]
        response = super().change_view(request, object_id, form_url, extra_context)
        appointment = self.get_object(request, object_id)
        if appointment is not None and appointment.patient is not None and response.status_code == 200:
            audit.record(audit.AuditAction.PATIENT_VIEWED, actor=request.user, clinic=appointment.clinic,
                         obj=appointment.patient, via="admin", appointment=appointment.reference)
        return response

    def changelist_view(self, request, extra_context=None):  # type: ignore[no-untyped-def]
        response = super().changelist_view(request, extra_context)
        _log_list(request, response, lambda a: a.patient)
        return response
