"""Calibration views for `make loadtest` (bench/loadtest.py), routed only with
``TIMEBOK_LOADTEST=1`` (never in production; the URLs do not exist otherwise).

- bare: a JsonResponse through the whole middleware stack: the ceiling of any request;
- cached read: one ORM look-up of the clinic by slug and one cache GET of ready JSON bytes:
  the best a cached answer can do on this machine;
- write: one transaction with 2 reads and 8 single-row inserts (rows of the throwaway
  database's audit log), about what a booking writes.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from timebok.clinics.models import Clinic, Practitioner
from timebok.core.models import AuditEntry

READY = b'{"days": [' + b", ".join(b'{"date": "2026-12-%02d", "free": 12, "level": "many"}' % d
                                   for d in range(1, 32)) + b"]}"


@require_GET
def bare(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"ok": True})


@require_GET
def cached_read(request: HttpRequest, slug: str) -> HttpResponse:
    clinic = Clinic.objects.filter(slug=slug).first()
    if clinic is None:
        raise Http404("no such clinic")
    body = cache.get(f"loadtest:ready:{clinic.pk}")
    if body is None:
        body = READY
        cache.set(f"loadtest:ready:{clinic.pk}", body, timeout=3600)
    return HttpResponse(body, content_type="application/json")


@csrf_exempt
@require_POST
def write(request: HttpRequest, slug: str) -> HttpResponse:
    with transaction.atomic():
        clinic = Clinic.objects.filter(slug=slug).first()
        if clinic is None:
            raise Http404("no such clinic")
        practitioner = Practitioner.objects.filter(clinic=clinic).first()
        for i in range(8):
            AuditEntry.objects.create(clinic=clinic, action="loadtest.write", object_type="loadtest",
                                      object_id=str(practitioner.pk if practitioner else i), data={"i": i})
    return JsonResponse({"ok": True}, status=201)
