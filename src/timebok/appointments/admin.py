from django.contrib import admin

from timebok.appointments.models import Appointment, Patient
from timebok.clinics.admin import ClinicScopedAdmin


@admin.register(Patient)
class PatientAdmin(ClinicScopedAdmin):
    list_display = ["last_name", "first_name", "masked_fnr", "email", "phone", "clinic"]
    search_fields = ["last_name", "first_name", "email"]
    fields = ["clinic", "first_name", "last_name", "email", "phone"]

    @admin.display(description="fødselsnummer")
    def masked_fnr(self, obj: Patient) -> str:
        return obj.masked_fnr

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # patients are created through bookings (the fødselsnummer is required)


@admin.register(Appointment)
class AppointmentAdmin(ClinicScopedAdmin):
    list_display = ["start", "practitioner", "appointment_type", "status", "source", "reference"]
    list_filter = ["clinic", "status", "source", "practitioner"]
    date_hierarchy = "start"
    readonly_fields = [
        "clinic", "practitioner", "appointment_type", "patient", "start", "end", "source",
        "price", "reference", "created_at", "cancelled_at", "status",
    ]
    fields = [*readonly_fields, "comment"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # appointments are created only by the booking service
