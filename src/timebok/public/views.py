"""The patient's booking pages: thin adapters from URLs to the booking flow (flow.py).

Plain GET/POST forms that work without JavaScript; static/timebok/booking.js enhances the
page through the public API. No session or cookie is needed (see drafts.py), so the pages
work inside an iframe on the clinic's website; they may be framed by any site.

CSRF: the POST views are exempt. They act on no session or cookie, so a forged cross-site
POST can do nothing that its sender could not do by posting directly; "Godkjenn" needs an
encrypted draft that only "Neste" makes, and booking is rate-limited per client IP.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from timebok.clinics.models import Clinic
from timebok.public import flow


def embeddable(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Allow any site to frame the page (the clinic's website embeds it)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response.csp_frame_ancestors = ["*"]  # type: ignore[attr-defined]
        return response

    return xframe_options_exempt(wrapper)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if settings.DEMO and Clinic.objects.filter(slug="demo").exists():
        return redirect("public:booking", slug="demo")
    return flow.render_public(request, "home.html", {})


@embeddable
@csrf_exempt
@require_http_methods(["GET", "POST"])
def booking_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The choose step (GET, or "Rediger booking") and the details step ("Neste")."""
    return flow.dispatch(request, slug, "booking")


@embeddable
@csrf_exempt
@require_POST
def confirm(request: HttpRequest, slug: str) -> HttpResponse:
    """"Godkjenn og gjennomfør", or choosing one of the nearest free times after a conflict."""
    return flow.dispatch(request, slug, "confirm")


@embeddable
@require_GET
def receipt(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    return flow.dispatch(request, slug, "receipt", token=token)
