"""The audit log: who did what, when. Every service writes one entry per change."""

from __future__ import annotations

from typing import Any

from django.db import models

from timebok.core.models import AuditAction, AuditEntry

__all__ = ["AuditAction", "record"]


def record(action: AuditAction, *, actor: Any, clinic: Any = None, obj: models.Model | None = None,
           **data: Any) -> AuditEntry:
    """Write an audit entry. Call it inside the service's transaction.

    ``action`` must be an :class:`AuditAction` (a ValueError otherwise); ``actor`` is the
    acting user, or None for a patient or the system. ``data`` holds ids and changed
    values, never a fødselsnummer or other personal data in clear."""
    action = AuditAction(action)
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        clinic=clinic,
        actor=user,
        action=action.value,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        data=data,
    )
