"""The patient's booking flow as explicit steps, in the spirit of pretix's checkout flow.

    choose  -> details -> summary -> confirm -> receipt

| step    | URL                          | method, "handling"  | does                                         |
|---------|------------------------------|---------------------|----------------------------------------------|
| choose  | /b/<clinic>/                 | GET                 | type, practitioner, day, time and the form   |
|         |                              | POST "rediger"      | the same page again from the draft           |
| details | /b/<clinic>/                 | POST "neste"        | checks everything (prepare_booking) -> summary |
| summary | /b/<clinic>/bekreft/         | POST "velg_tid"     | another time after a conflict -> summary     |
| confirm | /b/<clinic>/bekreft/         | POST "godkjenn"     | books (submit) -> redirect to the receipt    |
| receipt | /b/<clinic>/kvittering/<t>/  | GET                 | the booked appointment                       |

The state between the steps is the encrypted draft (drafts.py) in the hidden field
``utkast``: no session, no cookie. :func:`dispatch` is the one entry point: it loads the
clinic (or answers 404 / "closed"), picks the step and lets it answer. The rules live in
the domain (timebok.appointments.services.booking_request); the steps only adapt them to
pages.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import cached_property
from typing import Any, ClassVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from timebok.appointments.errors import DomainError, SlotNotAvailable, SlotTaken
from timebok.appointments.models import Appointment
from timebok.appointments.patient_fields import FIELD_NAMES, PATIENT_FIELDS
from timebok.appointments.services import availability_cache, catalog
from timebok.appointments.services.booking import cancellation_deadline
from timebok.appointments.services.booking_request import (
    BookingRequest,
    BookingRequestInvalid,
    prepare_booking,
    submit,
)
from timebok.clinics.models import AppointmentType, Clinic, Practitioner
from timebok.core import display, language
from timebok.core.ratelimit import booking_allowed
from timebok.insights import counts
from timebok.insights.tracking import apply_tracking_headers
from timebok.public import drafts, selection
from timebok.validation.fnr import mask_fnr

HONEYPOT = "nettsted"
EXPIRED = gettext_lazy("Bestillingen er utløpt. Fyll inn skjemaet på nytt.")


# --- The request through the flow --------------------------------------------------------


class Flow:
    """One request through the flow: the clinic, the draft (the flow's state), and what a
    step loaded, so that nothing is loaded twice."""

    def __init__(self, request: HttpRequest, clinic: Clinic, **kwargs: str) -> None:
        self.request = request
        self.clinic = clinic
        self.kwargs = kwargs

    @cached_property
    def draft(self) -> drafts.Draft | None:
        draft = drafts.loads(self.request.POST.get("utkast"), self.clinic.slug)
        if draft is not None and draft.language:
            language.use_stored(self.request, draft.language)  # unless chosen in this request
        return draft

    @cached_property
    def practitioner_names(self) -> dict[int, str]:
        return dict(self.clinic.practitioners.values_list("pk", "name"))

    def render(self, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
        return render_public(self.request, template, {"clinic": self.clinic, **context}, status)


def render_public(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    response = render(request, f"public/{template}", context, status=status)
    if context.get("clinic") is not None:
        # The consent-based tracking (insights/_tracking.html): only the clinic's tracking hosts.
        apply_tracking_headers(response, context["clinic"])
    return response


# --- What the pages show -------------------------------------------------------------------


def field_rows(values: dict[str, str], errors: dict[str, str]) -> list[dict[str, Any]]:
    """The form's rows, from the one declaration of the patient's fields."""
    rows = []
    for spec in PATIENT_FIELDS:
        error = errors.get(spec.name, "")
        ids = [f"f-{spec.name}-hint"] if spec.hint else []
        if error:
            ids.append(f"f-{spec.name}-error")
        rows.append({
            "name": spec.name, "label": spec.label, "value": values.get(spec.name, ""), "error": error,
            "type": spec.input_type, "textarea": spec.textarea, "required": spec.required,
            "maxlength": spec.max_length, "autocomplete": spec.autocomplete, "inputmode": spec.inputmode,
            "hint": spec.hint or "", "describedby": " ".join(ids),
        })
    return rows


#: Where a message in the error summary links to.
_ANCHORS = {"tid": "tider", "start": "tider", "timetype": "timetype", "behandler": "behandler", "ukemal": "timetype"}


def render_page(flow: Flow, params: Any, *, values: dict[str, str] | None = None,
                errors: dict[str, str] | None = None, chosen_start: str = "", notices: list[Any] | None = None,
                status: int = 200, search: bool = False, editing: bool = False,
                now: datetime | None = None) -> HttpResponse:
    """The choose step's page: type, practitioner, calendar, times and the patient's form."""
    clinic = flow.clinic
    sel = selection.build_selection(clinic, params, now=now)
    errors = dict(errors or {})
    if "start" in errors:
        errors["tid"] = errors.pop("start")
    context = {
        "sel": sel,
        "errors": errors,
        "error_links": [(_ANCHORS.get(name, f"f-{name}"), message) for name, message in errors.items()],
        "field_rows": field_rows(values or {}, errors),
        "chosen_start": chosen_start,
        "editing": editing,
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
    if sel.types:  # the switch re-renders this page from the form, keeping what was typed
        context.update(lang_form="bestilling", lang_default_button=True,
                       lang_action=reverse("public:booking", kwargs={"slug": clinic.slug}))
    return flow.render("booking.html", context, status=status)


def render_summary(flow: Flow, draft: drafts.Draft, *, appointment_type: AppointmentType | None = None,
                   practitioner: Practitioner | None = None, error: str = "", alternatives: list[Any] | None = None,
                   status: int = 200) -> HttpResponse:
    """The summary of a draft, with the nearest free times after a conflict."""
    clinic = flow.clinic
    atype = appointment_type or catalog.online_type(clinic, draft.timetype)
    if practitioner is None or practitioner.pk != draft.practitioner:
        practitioner = clinic.practitioners.filter(pk=draft.practitioner).first()
    if atype is None or practitioner is None:
        return render_page(flow, {}, notices=[_("Timetypen eller behandleren kan ikke lenger bestilles. "
                                                 "Velg på nytt.")])
    start = draft.start_dt
    fields = draft.fields()
    names = flow.practitioner_names
    draft.language = translation.get_language() or language.DEFAULT  # the summary's language travels on
    context = {
        "draft": draft,
        "patient": fields,
        "token": drafts.dumps(draft),
        "appointment_type": atype,
        "practitioner": practitioner,
        "any_practitioner": draft.behandler is None,
        "when": display.when_text(start, clinic.tz, start + atype.duration),
        "place": display.place_text(atype),
        "price_text": display.price_text(atype.price),
        "masked_fnr": mask_fnr(fields["fodselsnummer"]),
        "phone_text": display.phone_text(fields["telefon"]),
        "error": error,
        "alternatives": [
            {"value": s.start.isoformat(), "text": display.when_text(s.start, clinic.tz, s.end),
             "practitioner": names.get(s.practitioner_id, "")}
            for s in (alternatives or [])
        ],
        # The switch posts the draft and shows this summary again in the other language.
        "lang_form": "rediger-form", "lang_action": reverse("public:confirm", kwargs={"slug": clinic.slug}),
    }
    return flow.render("summary.html", context, status=status)


def _draft_for(request: BookingRequest, *, ukemal: int | None, key: str = "") -> drafts.Draft:
    details = request.patient
    return drafts.Draft(
        clinic=request.clinic.slug, timetype=request.appointment_type.pk,
        behandler=request.practitioner.pk if request.practitioner else None,
        practitioner=request.slot.practitioner_id, start=request.slot.start.isoformat(),
        patient={"fornavn": details.first_name, "etternavn": details.last_name, "fodselsnummer": details.fnr,
                 "epost": details.email, "telefon": details.phone, "kommentar": request.comment},
        ukemal=ukemal, key=key or drafts.new_key(), language=translation.get_language() or language.DEFAULT,
    )


def _draft_params(clinic: Clinic, draft: drafts.Draft) -> dict[str, str]:
    params = {"timetype": str(draft.timetype), "behandler": str(draft.behandler or ""),
              "dato": display.local_date(draft.start_dt, clinic).isoformat()}
    if draft.ukemal:
        params["ukemal"] = str(draft.ukemal)
    return params


# --- The steps ----------------------------------------------------------------------------


class Step:
    """One step: the URL it answers on, the method and the form's "handling" values."""

    name: ClassVar[str]
    url_name: ClassVar[str]
    method: ClassVar[str]
    actions: ClassVar[tuple[str, ...]] = ()  # () = any other value (the step's default)

    def handle(self, flow: Flow) -> HttpResponse:
        raise NotImplementedError


class Choose(Step):
    """The booking page: choose a type, practitioner, day and time; fill in the form."""

    name = "choose"
    url_name = "booking"
    method = "GET"

    def handle(self, flow: Flow) -> HttpResponse:
        request = flow.request
        has_choice = _has_choice(request)
        counts.record_booking_page_view(request, flow.clinic, has_choice=has_choice)
        # A search is a choice made on the page, not the pre-selection of the link they came with.
        entry = getattr(request, "timebok_page_entry", None)
        if entry is None or request.method == "POST":
            return render_page(flow, request.GET, search=counts.is_search(request, has_choice))
        response = render_page(flow, request.GET, search=counts.is_search(request, has_choice), now=entry.now)
        if response.status_code == 200:
            availability_cache.store(entry, response.content, clinic=flow.clinic.pk, tz=flow.clinic.timezone,
                                     csp=getattr(response, "csp_extra", None) or {})
        return response


_CHOICES = ("timetype", "behandler", "dato", "maned")
_PAGE_PARAMS = ("timetype", "behandler", "ukemal", "dato", "maned")


def _has_choice(request: HttpRequest) -> bool:
    return any(k in request.GET for k in _CHOICES)


def cached_choose_page(request: HttpRequest, slug: str) -> HttpResponse | None:
    """The booking page (GET) from the availability cache, without the database: the page's
    HTML for these query parameters, language and minute. A visit or search is still counted
    (counts.count_quickly). On a miss, the entry is left on the request for Choose to fill."""
    has_choice = _has_choice(request)
    new_visit = counts.is_new_visit(request)
    search = has_choice and not new_visit
    params = tuple(request.GET.get(k) for k in _PAGE_PARAMS)
    # A language chosen with ?lang= is carried by the page's links and forms; one the browser
    # chose is not: two different pages in the same language.
    chosen = bool(getattr(request, "language_chosen", False))
    entry = availability_cache.lookup("page", slug, (params, search, chosen))
    if not entry.hit:
        request.timebok_page_entry = entry  # type: ignore[attr-defined]
        return None
    if new_visit or has_choice:
        counts.count_quickly(entry.meta["clinic"], entry.meta["tz"], "visits" if new_visit else "searches")
    response = HttpResponse(entry.body)
    response.csp_extra = entry.meta["csp"]  # type: ignore[attr-defined]
    return response


class Edit(Choose):
    """"Rediger booking": the booking page again, with every field and the chosen time kept."""

    name = "edit"
    method = "POST"
    actions = ("rediger",)

    def handle(self, flow: Flow) -> HttpResponse:
        draft = flow.draft
        if draft is None:
            return render_page(flow, {}, notices=[EXPIRED])
        return render_page(flow, _draft_params(flow.clinic, draft), values=draft.fields(),
                           chosen_start=draft.start, editing=True)


class SwitchLanguage(Choose):
    """The language switch on the booking page: the same page in the other language (the
    middleware has switched it), with everything typed and chosen kept."""

    name = "switch"
    method = "POST"
    actions = ("sprak",)

    def handle(self, flow: Flow) -> HttpResponse:
        post = flow.request.POST
        values = {name: str(post.get(name, "")) for name in FIELD_NAMES}
        return render_page(flow, post, values=values, chosen_start=str(post.get("tid", "")))


class Details(Step):
    """"Neste": check the whole request; the summary, or the page again with the messages."""

    name = "details"
    url_name = "booking"
    method = "POST"

    def handle(self, flow: Flow) -> HttpResponse:
        post = flow.request.POST
        if post.get(HONEYPOT):
            return flow.render("rejected.html", {}, status=400)
        values = {name: str(post.get(name, "")) for name in FIELD_NAMES}
        try:
            booking = prepare_booking(flow.clinic, timetype=post.get("timetype"), behandler=post.get("behandler"),
                                      ukemal=post.get("ukemal"), start=post.get("tid"), patient=values)
        except BookingRequestInvalid as exc:
            params = post.copy()
            chosen = "" if "start" in exc.errors else str(post.get("tid", ""))
            if chosen and not catalog.parse_date(params.get("dato")):
                params["dato"] = display.local_date(catalog.parse_start(chosen), flow.clinic).isoformat()
            return render_page(flow, params, values=values, errors=exc.errors, chosen_start=chosen, status=422)
        draft = _draft_for(booking, ukemal=booking.template.pk if booking.template else None)
        return render_summary(flow, draft, appointment_type=booking.appointment_type,
                              practitioner=booking.practitioner)


class Summary(Step):
    """After a conflict: choose one of the nearest free times, and see the summary again."""

    name = "summary"
    url_name = "confirm"
    method = "POST"
    actions = ("velg_tid",)

    def handle(self, flow: Flow) -> HttpResponse:
        draft = flow.draft
        if draft is None:
            return render_page(flow, {}, notices=[EXPIRED])
        try:
            booking = prepare_booking(flow.clinic, timetype=draft.timetype, behandler=draft.behandler,
                                      ukemal=draft.ukemal, start=flow.request.POST.get("tid"), patient=draft.fields())
        except BookingRequestInvalid as exc:
            return render_summary(flow, draft, error=_("Velg en av de ledige timene."),
                                  alternatives=exc.alternatives, status=422)
        return render_summary(flow, _draft_for(booking, ukemal=draft.ukemal),
                              appointment_type=booking.appointment_type)


class SwitchSummaryLanguage(Step):
    """The language switch on the summary: the same summary in the other language."""

    name = "switch_summary"
    url_name = "confirm"
    method = "POST"
    actions = ("sprak",)

    def handle(self, flow: Flow) -> HttpResponse:
        draft = flow.draft
        if draft is None:
            return render_page(flow, {}, notices=[EXPIRED])
        return render_summary(flow, draft)


class Confirm(Step):
    """"Godkjenn og gjennomfør": book, then redirect to the receipt."""

    name = "confirm"
    url_name = "confirm"
    method = "POST"

    def handle(self, flow: Flow) -> HttpResponse:
        clinic = flow.clinic
        draft = flow.draft
        if draft is None:
            return render_page(flow, {}, notices=[EXPIRED])
        if not booking_allowed(flow.request):
            response = flow.render("rate_limited.html", {}, status=429)
            response["Retry-After"] = str(settings.BOOKING_RATE_WINDOW_SECONDS)
            return response
        try:
            booking = prepare_booking(clinic, timetype=draft.timetype, behandler=draft.behandler, ukemal=draft.ukemal,
                                      start=draft.start, patient=draft.fields(), idempotency_key=draft.key,
                                      language=translation.get_language() or language.DEFAULT)
        except BookingRequestInvalid as exc:
            if exc.conflict:
                return render_summary(flow, draft, error=str(exc.message), alternatives=exc.alternatives,
                                      status=409)
            # The type or practitioner is gone, or the draft was made under other rules: the
            # page again, with everything kept and the messages next to the fields.
            return render_page(flow, _draft_params(clinic, draft), values=draft.fields(), errors=exc.errors,
                               status=409)
        practitioner = clinic.practitioners.filter(pk=draft.practitioner, online=True).first()
        if practitioner is None:  # went offline since the summary; never book someone else silently
            return render_summary(flow, draft, appointment_type=booking.appointment_type, status=409,
                                  error=_("Behandleren tar ikke imot bestillinger på nett nå. Trykk «Rediger "
                                          "booking» og velg en annen behandler eller tid."))
        try:
            appointment = submit(booking, practitioner=practitioner, idempotency_key=draft.key)
        except (SlotTaken, SlotNotAvailable) as exc:
            return render_summary(flow, draft, appointment_type=booking.appointment_type, practitioner=practitioner,
                                  error=str(exc.message), alternatives=exc.alternatives, status=409)
        except DomainError as exc:
            return render_summary(flow, draft, appointment_type=booking.appointment_type, practitioner=practitioner,
                                  error=str(exc.message), status=exc.http_status)
        token = drafts.receipt_token(appointment.reference)
        return redirect(reverse("public:receipt", kwargs={"slug": clinic.slug, "token": token}), permanent=False)


class Receipt(Step):
    """The booked (or since cancelled) appointment, behind a signed token."""

    name = "receipt"
    url_name = "receipt"
    method = "GET"

    def handle(self, flow: Flow) -> HttpResponse:
        token = flow.kwargs.get("token", "")
        reference = drafts.receipt_reference(token)
        appointment = None
        if reference:
            appointment = (Appointment.objects.select_related("appointment_type", "practitioner", "patient")
                           .filter(clinic=flow.clinic, reference=reference).first())
        if appointment is None:
            return render_public(flow.request, "not_found.html", {}, status=404)
        language.use_stored(flow.request, appointment.language)
        tz = flow.clinic.tz
        context = {
            "appointment": appointment,
            "when": display.when_text(appointment.start, tz, appointment.end),
            "place": display.place_text(appointment.appointment_type),
            "price_text": display.price_text(appointment.price),
            "deadline": display.when_text(cancellation_deadline(appointment), tz),
            # Where the confirmation went (the contact given with the booking).
            "email": appointment.email,
            "tracking_event": "booked" if appointment.is_booked else "",
            # Lets the tracking script fire once per booking, also when the receipt is reloaded.
            "tracking_event_key": hashlib.sha256(token.encode()).hexdigest()[:16],
        }
        return flow.render("receipt.html", context)


#: The flow, in order. :func:`dispatch` picks the first step that answers the request.
STEPS: tuple[Step, ...] = (Choose(), Edit(), SwitchLanguage(), Details(), Summary(), SwitchSummaryLanguage(), Confirm(),
                           Receipt())


def find_step(url_name: str, method: str, action: str) -> Step | None:
    method = "GET" if method == "HEAD" else method
    candidates = [s for s in STEPS if s.url_name == url_name and s.method == method]
    for step in candidates:
        if action in step.actions:
            return step
    return next((s for s in candidates if not s.actions), None)


def dispatch(request: HttpRequest, slug: str, url_name: str, **kwargs: str) -> HttpResponse:
    """The flow's one entry point: the clinic (or 404 / "closed"), then the step. The booking
    page's GET is served from the availability cache when it can."""
    if url_name == "booking" and request.method in ("GET", "HEAD"):
        cached = cached_choose_page(request, slug)
        if cached is not None:
            return cached
    clinic = catalog.get_clinic(slug)
    if clinic is None:
        return render_public(request, "not_found.html", {}, status=404)
    action = "sprak" if language.SWITCH_FIELD in request.POST else str(request.POST.get("handling", ""))
    step = find_step(url_name, request.method or "GET", action)
    if step is None:
        return render_public(request, "not_found.html", {}, status=404)
    if not clinic.online_booking and not isinstance(step, Receipt):
        return render_public(request, "closed.html", {"clinic": clinic})
    return step.handle(Flow(request, clinic, **kwargs))
