from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from timebok.clinics.admin import ClinicScopedAdmin
from timebok.core.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ClinicScopedAdmin):
    """Read-only; a non-superuser sees only their own clinics' entries."""

    list_display = ["created_at", "clinic", "actor", "action_label", "object_type", "object_id"]
    list_filter = ["action", "clinic"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    @admin.display(description=_("handling"), ordering="action")
    def action_label(self, obj: AuditEntry) -> str:
        return obj.action_label

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
