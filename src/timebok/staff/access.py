"""Which clinics a user may see: those whose staff they belong to. Anything else is a 404."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from timebok.clinics.models import Clinic


def user_clinics(user: Any) -> QuerySet[Clinic]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Clinic.objects.none()
    return Clinic.objects.filter(staff=user)


def clinic_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Login required; the URL's ``clinic`` slug is replaced by the Clinic, or 404 when the
    user is not on its staff. Responses are never cached (patient data)."""

    @login_required
    @functools.wraps(view)
    def wrapper(request: HttpRequest, clinic: str, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = get_object_or_404(user_clinics(request.user), slug=clinic)
        response = view(request, obj, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        return response

    return wrapper
