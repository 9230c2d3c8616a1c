"""Test-only URLs: the project's URLs plus a minimal page that plugs in the tracking pieces
exactly as the booking page does (include, CSP hosts, Referrer-Policy)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template import engines
from django.urls import path

from timebok.clinics.models import Clinic
from timebok.insights.tracking import apply_tracking_headers
from timebok.urls import urlpatterns as project_urlpatterns

PAGE = """{% load static %}<!doctype html><html lang="nb"><head><meta charset="utf-8">
<title>Bestill time</title></head><body><main><h1>Bestill time</h1>
<p><a href="?event=search">Søk</a> <a href="?event=booked&amp;key=A1">Kvittering</a></p>
{% include "insights/_tracking.html" %}</main></body></html>"""


def page(request: HttpRequest, slug: str) -> HttpResponse:
    clinic = get_object_or_404(Clinic, slug=slug)
    html = engines["django"].from_string(PAGE).render({
        "clinic": clinic,
        "tracking_event": request.GET.get("event", ""),
        "tracking_event_key": request.GET.get("key", ""),
    }, request)
    return apply_tracking_headers(HttpResponse(html), clinic)


urlpatterns = [*project_urlpatterns, path("test-tracking/<slug:slug>/", page)]
