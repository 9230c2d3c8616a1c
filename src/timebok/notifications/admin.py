"""The outbox in the admin: read-only, limited to the user's clinics. Lets the operator see
what went out, what is waiting (reminders) and what failed."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from timebok.clinics.admin import ClinicScopedAdmin
from timebok.notifications.models import OutgoingMessage


@admin.register(OutgoingMessage)
class OutgoingMessageAdmin(ClinicScopedAdmin):
    clinic_path = "appointment__clinic"
    list_display = ["send_after", "kind", "channel", "status", "attempts", "sent_at", "appointment"]
    list_filter = ["status", "kind", "channel"]
    date_hierarchy = "send_after"
    fields = ["appointment", "kind", "channel", "recipient", "status", "send_after", "attempts", "sent_at",
              "last_error", "subject", "body"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
