"""The patient's booking pages: /b/<clinic>/ (choose and fill in), the summary, the receipt.

Plain GET/POST forms that work without JavaScript; static/timebok/booking.js enhances the
page through the public API. No session or cookie is needed (see drafts.py), so the pages
work inside an iframe on the clinic's website; they may be framed by any site.

CSRF: the POST views are exempt. They act on no session or cookie, so a forged cross-site
POST can do nothing that its sender could not do by posting directly; "Godkjenn" needs an
encrypted draft that only "Neste" makes, and booking is rate-limited per client IP.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from timebok.appointments.errors import DomainError, SlotNotAvailable, SlotTaken
from timebok.appointments.models import Appointment
from timebok.appointments.services.booking import book_appointment, with_alternatives
from timebok.clinics.models import Clinic
from timebok.core import display
from timebok.core.ratelimit import booking_allowed
from timebok.public import drafts, selection
from timebok.public.patient_input import clean_patient
from timebok.staff import stats
from timebok.staff.tracking import apply_tracking_headers
from timebok.validation.fnr import mask_fnr

HONEYPOT = "nettsted"
FIELDS = ("fornavn", "etternavn", "kommentar", "fodselsnummer", "epost", "telefon")


def _field_rows(values: dict[str, str], errors: dict[str, str]) -> list[dict[str, Any]]:
    specs = [
        ("fornavn", _("Fornavn"), {"autocomplete": "given-name", "maxlength": 100}),
        ("etternavn", _("Etternavn"), {"autocomplete": "family-name", "maxlength": 100}),
        ("kommentar", _("Kommentar"), {"textarea": True, "required": False, "maxlength": 1000,
                                       "hint": _("Valgfritt. Behandleren ser kommentaren.")}),
        ("fodselsnummer", _("Fullt fødselsnummer"), {"inputmode": "numeric", "autocomplete": "off", "maxlength": 20,
                                                     "hint": _("11 siffer. Fødselsnummer eller D-nummer.")}),
        ("epost", _("E-post"), {"type": "email", "autocomplete": "email", "maxlength": 254}),
        ("telefon", _("Telefon"), {"type": "tel", "autocomplete": "tel", "maxlength": 40}),
    ]
    rows = []
    for name, label, extra in specs:
        row: dict[str, Any] = {"name": name, "label": label, "value": values.get(name, ""),
                               "error": errors.get(name, ""), "type": "text", "required": True, **extra}
        ids = [f"f-{name}-hint"] if row.get("hint") else []
        if row["error"]:
            ids.append(f"f-{name}-error")
        row["describedby"] = " ".join(ids)
        rows.append(row)
    return rows


def embeddable(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Allow any site to frame the page (the clinic's website embeds it)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response.csp_frame_ancestors = ["*"]  # type: ignore[attr-defined]
        return response

    return xframe_options_exempt(wrapper)


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    response = render(request, f"public/{template}", context, status=status)
    if context.get("clinic") is not None:
        # The consent-based tracking (staff/_tracking.html): only the clinic's tracking hosts.
        apply_tracking_headers(response, context["clinic"])
    return response


def _clinic_or_page(request: HttpRequest, slug: str) -> Clinic | HttpResponse:
    clinic = selection.get_clinic(slug)
    if clinic is None:
        return _render(request, "not_found.html", {}, status=404)
    if not clinic.online_booking:
        return _render(request, "closed.html", {"clinic": clinic})
    return clinic


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if settings.DEMO and Clinic.objects.filter(slug="demo").exists():
        return redirect("public:booking", slug="demo")
    return _render(request, "home.html", {})


def _page(request: HttpRequest, clinic: Clinic, params: Any, *, values: dict[str, str] | None = None,
          errors: dict[str, str] | None = None, chosen_start: str = "", notices: list[str] | None = None,
          status: int = 200, search: bool = False) -> HttpResponse:
    sel = selection.build_selection(clinic, params)
    errors = {k: (errors or {})[k] for k in ("tid", *FIELDS) if k in (errors or {})}
    context = {
        "clinic": clinic,
        "sel": sel,
        "errors": errors or {},
        "field_rows": _field_rows(values or {}, errors or {}),
        "chosen_start": chosen_start,
        "notices": [*(notices or []), *sel.notices],
        "slot_rows": [
            {"value": s.start.isoformat(), "time": display.time_text(s.start, clinic.tz),
             "practitioner": sel.practitioner_name(s.practitioner_id)}
            for s in sel.slots
        ],
        "day_name": display.day_text(sel.day) if sel.day else "",
        "price_text": display.price_text(sel.appointment_type.price) if sel.appointment_type else "",
        "place": display.place_text(sel.appointment_type) if sel.appointment_type else "",
        "type_rows": [
            {"type": t, "price_text": display.price_text(t.price), "place": display.place_text(t)}
            for t in sel.types
        ],
        "tracking_event": "search" if search else "",
        "api_base": reverse("api:openapi-json").rsplit("/", 1)[0] + "/",
    }
    return _render(request, "booking.html", context, status=status)


@embeddable
@csrf_exempt
@require_http_methods(["GET", "POST"])
def booking_page(request: HttpRequest, slug: str) -> HttpResponse:
    found = _clinic_or_page(request, slug)
    if isinstance(found, HttpResponse):
        return found
    clinic = found
    if request.method == "GET":
        has_choice = any(k in request.GET for k in ("timetype", "behandler", "dato", "maned"))
        stats.record_booking_page_view(request, clinic, has_choice=has_choice)
        # A search is a choice made on the page, not the pre-selection of the link they came with.
        return _page(request, clinic, request.GET, search=stats.is_search(request, has_choice))
    if request.POST.get("handling") == "rediger":
        return _edit(request, clinic)
    return _next(request, clinic)


def _edit(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    """"Rediger booking": back to the page with every field and the chosen time kept."""
    draft = drafts.loads(request.POST.get("utkast"), clinic.slug)
    if draft is None:
        return _page(request, clinic, {}, notices=[_("Bestillingen er utløpt. Fyll inn skjemaet på nytt.")])
    start = draft.start_dt
    params = {"timetype": str(draft.timetype), "behandler": str(draft.behandler or ""),
              "dato": display.local_date(start, clinic).isoformat()}
    if draft.ukemal:
        params["ukemal"] = str(draft.ukemal)
    return _page(request, clinic, params, values=draft.fields(), chosen_start=start.isoformat())


def _parse_start(value: Any) -> datetime | None:
    text = str(value or "").strip()
    if not text or len(text) > 40:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return None if timezone.is_naive(moment) else moment


def _next(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    """"Neste": check everything; show the summary, or the page again with messages."""
    post = request.POST
    values = {name: str(post.get(name, "")) for name in FIELDS}
    if post.get(HONEYPOT):
        return _render(request, "rejected.html", {"clinic": clinic}, status=400)
    sel = selection.build_selection(clinic, post)
    details, _comment, errors = clean_patient(values)
    start = _parse_start(post.get("tid"))
    slot = None
    if sel.appointment_type is None:
        errors["tid"] = _("Velg en timetype.")
    elif start is None:
        errors["tid"] = _("Velg et tidspunkt under «Tilgjengelige timer».")
    else:
        slot = selection.find_slot(clinic, sel.appointment_type, sel.practitioner, start)
        if slot is None:
            errors["tid"] = _("Tidspunktet er ikke lenger ledig. Velg en annen tid.")
    if errors or details is None or slot is None or sel.appointment_type is None:
        params = post.copy()
        if start is not None and "dato" not in params:
            params["dato"] = display.local_date(start, clinic).isoformat()
        return _page(request, clinic, params, values=values, errors=errors,
                     chosen_start=start.isoformat() if start and slot else "", status=422)
    # Keep the normalised values: the summary shows what will be stored.
    values.update(fodselsnummer=details.fnr, epost=details.email, telefon=details.phone)
    draft = drafts.Draft(
        clinic=clinic.slug, timetype=sel.appointment_type.pk,
        behandler=sel.practitioner.pk if sel.practitioner else None,
        practitioner=slot.practitioner_id, start=slot.start.isoformat(),
        ukemal=sel.week_template.pk if sel.week_template else None, key=drafts.new_key(), **values,
    )
    return _summary(request, clinic, draft)


def _summary(request: HttpRequest, clinic: Clinic, draft: drafts.Draft, *, error: str = "",
             alternatives: list[Any] | None = None, status: int = 200) -> HttpResponse:
    atype = selection.online_type(clinic, draft.timetype)
    practitioner = clinic.practitioners.filter(pk=draft.practitioner).first()
    if atype is None or practitioner is None:
        return _page(request, clinic, {}, notices=[_("Timetypen eller behandleren kan ikke lenger bestilles. "
                                                      "Velg på nytt.")])
    start = draft.start_dt
    end = start + atype.duration
    names = dict(clinic.practitioners.values_list("pk", "name"))
    context = {
        "clinic": clinic,
        "draft": draft,
        "token": drafts.dumps(draft),
        "appointment_type": atype,
        "practitioner": practitioner,
        "any_practitioner": draft.behandler is None,
        "when": display.when_text(start, clinic.tz, end),
        "place": display.place_text(atype),
        "price_text": display.price_text(atype.price),
        "masked_fnr": mask_fnr(draft.fodselsnummer),
        "phone_text": display.phone_text(draft.telefon),
        "error": error,
        "alternatives": [
            {"value": s.start.isoformat(), "text": display.when_text(s.start, clinic.tz, s.end),
             "practitioner": names.get(s.practitioner_id, "")}
            for s in (alternatives or [])
        ],
    }
    return _render(request, "summary.html", context, status=status)


@embeddable
@csrf_exempt
@require_POST
def confirm(request: HttpRequest, slug: str) -> HttpResponse:
    """"Godkjenn og gjennomfør" (or choosing one of the nearest free times after a conflict)."""
    found = _clinic_or_page(request, slug)
    if isinstance(found, HttpResponse):
        return found
    clinic = found
    draft = drafts.loads(request.POST.get("utkast"), clinic.slug)
    if draft is None:
        return _page(request, clinic, {}, notices=[_("Bestillingen er utløpt. Fyll inn skjemaet på nytt.")])
    atype = selection.online_type(clinic, draft.timetype)
    if atype is None:
        return _page(request, clinic, {}, notices=[_("Timetypen kan ikke lenger bestilles. Velg på nytt.")])
    chosen = selection.online_practitioner(clinic, draft.behandler, atype) if draft.behandler else None

    if request.POST.get("handling") == "velg_tid":
        start = _parse_start(request.POST.get("tid"))
        slot = selection.find_slot(clinic, atype, chosen, start) if start else None
        if slot is None:
            return _summary(request, clinic, draft, error=_("Velg en av de ledige timene."), status=422)
        draft.start = slot.start.isoformat()
        draft.practitioner = slot.practitioner_id
        draft.key = drafts.new_key()
        return _summary(request, clinic, draft)

    if not booking_allowed(request):
        response = _render(request, "rate_limited.html", {"clinic": clinic}, status=429)
        response["Retry-After"] = str(settings.BOOKING_RATE_WINDOW_SECONDS)
        return response

    details, comment, errors = clean_patient(draft.fields())
    if errors or details is None:  # cannot happen for a draft made by _next; never book it unchecked
        return _edit(request, clinic)
    practitioner = clinic.practitioners.filter(pk=draft.practitioner, online=True).first()
    start = draft.start_dt
    if practitioner is None:  # went offline since the summary; never book someone else silently
        return _summary(request, clinic, draft, status=409,
                        error=_("Behandleren tar ikke imot bestillinger på nett nå. Trykk «Rediger booking» "
                                "og velg en annen behandler eller tid."))
    try:
        appointment = book_appointment(
            clinic=clinic, appointment_type=atype, practitioner=practitioner, start=start,
            patient=details, comment=comment, idempotency_key=draft.key,
        )
    except (SlotTaken, SlotNotAvailable) as exc:
        with_alternatives(exc, clinic, atype, chosen, start)
        return _summary(request, clinic, draft, error=str(exc.message), alternatives=exc.alternatives,
                        status=409)
    except DomainError as exc:
        return _summary(request, clinic, draft, error=str(exc.message), status=exc.http_status)
    url = reverse("public:receipt", kwargs={"slug": clinic.slug, "token": drafts.receipt_token(appointment.reference)})
    return redirect(url, permanent=False)


@embeddable
@require_GET
def receipt(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    clinic = selection.get_clinic(slug)
    reference = drafts.receipt_reference(token)
    appointment = None
    if clinic is not None and reference:
        appointment = (Appointment.objects.select_related("appointment_type", "practitioner")
                       .filter(clinic=clinic, reference=reference).first())
    if clinic is None or appointment is None:
        return _render(request, "not_found.html", {}, status=404)
    context = {
        "clinic": clinic,
        "appointment": appointment,
        "when": display.when_text(appointment.start, clinic.tz, appointment.end),
        "place": display.place_text(appointment.appointment_type),
        "price_text": display.price_text(appointment.price),
        "tracking_event": "booked" if appointment.is_booked else "",
        # Lets the tracking script fire once per booking, also when the receipt is reloaded.
        "tracking_event_key": hashlib.sha256(token.encode()).hexdigest()[:16],
    }
    return _render(request, "receipt.html", context)
