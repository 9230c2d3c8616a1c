"""Small helpers the set-up views share."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest


def add_errors(form: Any, exc: ValidationError) -> None:
    """A service's ValidationError onto the form: next to the field it names, else on top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def direction(request: HttpRequest) -> str | None:
    """"up"/"down" from a reorder button (retning=opp|ned), else None."""
    return {"opp": "up", "ned": "down"}.get(request.POST.get("retning", ""))
