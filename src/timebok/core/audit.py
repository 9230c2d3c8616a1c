from __future__ import annotations

from typing import Any

from django.db import models

from timebok.core.models import AuditEntry


def record(action: str, *, actor: Any = None, clinic: Any = None, obj: models.Model | None = None,
           **data: Any) -> AuditEntry:
    """Write an audit entry. Call it inside the service's transaction."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        clinic=clinic,
        actor=user,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        data=data,
    )
