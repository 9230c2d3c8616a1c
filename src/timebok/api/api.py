"""The public JSON API (django-ninja), mounted at /api/v1/; OpenAPI at /api/v1/openapi.json.

The booking page's JavaScript uses the GET endpoints. ``POST .../bookings`` books like
the page does, through the booking service.

CSRF: the API uses no cookies, sessions or other ambient credentials, so a cross-site
request can do nothing that the sender could not do directly; Django's CSRF check is not
applied (django-ninja checks CSRF only for cookie-based auth). Booking is rate-limited per
client IP (timebok.core.ratelimit, in the shared cache) and answers 429 beyond the limit.
An optional ``Idempotency-Key`` header makes a retried POST return the same booking.

Errors are JSON ``{"code", "message", "errors"}``: 404 unknown clinic/type/practitioner,
403 online booking off, 409 taken (with ``alternatives``) or limit reached, 422 a
message per wrong field, 429 too many attempts.

Language: messages and labels (day labels, prices) are bokmål, or English with
``Accept-Language: en`` (timebok.core.language); answers carry ``Vary: Accept-Language``. A
booking remembers the language it was made in, and the patient's messages use it.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Status
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from timebok.api.schemas import (
    AppointmentTypeOut,
    AvailabilityOut,
    AvailabilityQuery,
    BookingIn,
    BookingOut,
    ConflictOut,
    ErrorOut,
    PractitionerOut,
    PractitionersQuery,
    SlotsOut,
    SlotsQuery,
)
from timebok.appointments.errors import BookingClosed, DomainError, SlotNotAvailable, SlotTaken
from timebok.appointments.services import availability, availability_cache, catalog
from timebok.appointments.services.booking_request import BookingRequestInvalid, prepare_booking, submit
from timebok.clinics.models import AppointmentType, Clinic, Practitioner, WeekTemplate
from timebok.core import display
from timebok.core.ratelimit import booking_allowed
from timebok.insights import counts
from timebok.validation.fnr import normalize_fnr


class TimebokAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """The published schema, with what ninja cannot say: a clinic's slug is a slug (any
        other value answers 404)."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for param in operation.get("parameters", []):
                    if param["name"] == "slug" and param["in"] == "path":
                        param["schema"].update(pattern=catalog.SLUG_PATTERN, maxLength=catalog.SLUG_MAX_LENGTH)
                        param["description"] = "Klinikkens kortnavn, som i /b/<kortnavn>/."
                operation.setdefault("parameters", []).append(ACCEPT_LANGUAGE)
        return schema


#: Documented on every operation: the language of messages and labels.
ACCEPT_LANGUAGE = {
    "name": "Accept-Language", "in": "header", "required": False,
    "description": ("Språket i meldinger og etiketter: bokmål (standard) eller engelsk. "
                    "The language of messages and labels: `en` gives English (e.g. 4xx messages, "
                    "day labels, prices as \"NOK 650\"); anything else gives bokmål. A booking "
                    "remembers its language for the patient's e-mail and SMS. Answers carry "
                    "`Vary: Accept-Language`."),
    "schema": {"type": "string", "examples": ["en", "nb"]},
}


api = TimebokAPI(
    title="Timebok",
    version="1",
    description=("Offentlig API for timebestilling uten innlogging. Public API for booking without login; "
                 "send `Accept-Language: en` for English messages and labels."),
    urls_namespace="api",
    docs_url=None,
)

class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, errors: dict[str, str] | None = None,
                 **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors or {}
        self.extra = extra


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    body = {"code": exc.code, "message": exc.message, "errors": exc.errors, **exc.extra}
    response = api.create_response(request, body, status=exc.status)
    if exc.status == 429:
        response["Retry-After"] = "60"
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:
        body = {"code": "bad_request", "message": _("Kunne ikke lese forespørselen. Send JSON i UTF-8."),
                "errors": {"body": _("Send bestillingen som et JSON-objekt.")}}
    else:
        body = {"code": "error", "message": _("Forespørselen kunne ikke behandles."), "errors": {}}
    return api.create_response(request, body, status=exc.status_code)


def _field_message(field: str) -> str:
    if field in ("timetype",):
        return _("Velg en gyldig timetype.")
    if field == "behandler":
        return _("Velg en gyldig behandler, eller ingen for første ledige behandler.")
    if field in ("from", "from_", "to", "date"):
        return _("Ugyldig dato. Bruk formatet ÅÅÅÅ-MM-DD.")
    if field == "start":
        return _("Ugyldig tidspunkt. Bruk ISO 8601 med tidssone, f.eks. 2026-12-03T09:00:00+01:00.")
    if field in ("fornavn", "etternavn", "fodselsnummer", "epost", "telefon", "kommentar"):
        return _("Ugyldig verdi. Skriv feltet som tekst.")
    return _("Send bestillingen som et JSON-objekt.")


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, str] = {}
    for err in exc.errors:
        loc = [part for part in err.get("loc", ()) if isinstance(part, str)]
        names = [p for p in loc if p not in ("query", "body", "path", "payload", "q")]
        field = names[0] if names else "body"
        if field == "from_":
            field = "from"
        if err.get("type") == "missing" and field in ("timetype", "to", "date"):
            message = _("Velg en timetype.") if field == "timetype" else _("Oppgi en dato (ÅÅÅÅ-MM-DD).")
            errors.setdefault(field, message)
        errors.setdefault(field, _field_message(field))
    body = {"code": "invalid", "message": _("Sjekk feltene som er merket."), "errors": errors}
    return api.create_response(request, body, status=422)


def _clinic(slug: str) -> Clinic:
    clinic = catalog.get_clinic(slug)
    if clinic is None:
        raise ApiError(404, "not_found", _("Fant ikke klinikken."))
    if not clinic.online_booking:
        raise ApiError(403, BookingClosed.code, str(BookingClosed.default_message))
    return clinic


def _type(clinic: Clinic, type_id: int) -> AppointmentType:
    atype = catalog.online_type(clinic, type_id)
    if atype is None:
        raise ApiError(404, "not_found", _("Fant ikke timetypen, eller den kan ikke bestilles på nett."))
    return atype


def _practitioner(clinic: Clinic, pid: int | None, atype: AppointmentType) -> Practitioner | None:
    if pid is None:
        return None
    practitioner = catalog.online_practitioner(clinic, pid, atype)
    if practitioner is None:
        raise ApiError(404, "not_found",
                       _("Fant ikke behandleren, eller behandleren tilbyr ikke timetypen på nett."))
    return practitioner


def _template(clinic: Clinic, template_id: int | None, atype: AppointmentType,
              practitioner: Practitioner | None = None) -> WeekTemplate | None:
    """The week template of a ukemal link (its times only), or None without one. 404 for a
    template patients cannot book through, one that does not allow the type, or one of
    another practitioner than ``behandler``."""
    if template_id is None:
        return None
    template = catalog.online_week_template(clinic, template_id, atype)
    if template is None or (practitioner is not None and practitioner.pk != template.practitioner_id):
        raise ApiError(404, "not_found",
                       _("Fant ikke ukemalen, eller den kan ikke bestilles på nett for denne timetypen."))
    return template


def _check_date(clinic: Clinic, value: date, field: str) -> None:
    if not catalog.within_window(clinic, value):
        raise ApiError(422, "invalid", _("Sjekk feltene som er merket."),
                       {field: _("Datoen er for langt unna i tid.")})


def _slot_out(slot: Any, names: dict[int, str]) -> dict[str, Any]:
    return {"start": slot.start, "end": slot.end, "behandler": slot.practitioner_id,
            "behandler_navn": names.get(slot.practitioner_id, "")}


def _names(clinic: Clinic) -> dict[int, str]:
    return dict(clinic.practitioners.values_list("pk", "name"))


@api.get("/clinics/{slug}/appointment-types", response={200: list[AppointmentTypeOut], 403: ErrorOut, 404: ErrorOut},
         summary="Timetyper som kan bestilles på nett")
def appointment_types(request: HttpRequest, slug: str) -> Any:
    clinic = _clinic(slug)
    return [
        {"id": t.pk, "name": t.name, "duration_minutes": t.duration_minutes, "price": t.price,
         "price_text": display.price_text(t.price), "info": t.info_text,
         "address": display.place_text(t)}
        for t in catalog.online_types(clinic)
    ]


@api.get("/clinics/{slug}/practitioners",
         response={200: list[PractitionerOut], 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
         summary="Behandlere som tar imot bestillinger på nett")
def practitioners(request: HttpRequest, slug: str, q: Query[PractitionersQuery]) -> Any:
    clinic = _clinic(slug)
    atype = _type(clinic, q.timetype)
    template = _template(clinic, q.ukemal, atype)
    return [{"id": p.pk, "name": p.name, "title": p.title}
            for p in catalog.online_practitioners(clinic, atype)
            if template is None or p.pk == template.practitioner_id]


def _cached_answer(request: HttpRequest, entry: availability_cache.Entry) -> HttpResponse:
    """A ready JSON answer from the availability cache (or just stored there): with an ETag from
    the clinic's generation; ``If-None-Match`` with it answers 304 without a body."""
    etag = entry.etag
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(entry.body, content_type=api.get_content_type())
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"  # a browser may keep it, and asks again with If-None-Match
    patch_vary_headers(response, ["Accept-Language"])
    return response


def _render(request: HttpRequest, schema: Any, data: dict[str, Any]) -> bytes:
    """The JSON django-ninja would send for ``data`` under the response ``schema``."""
    dumped = schema.model_validate(data).model_dump(by_alias=True)
    content = api.renderer.render(request, dumped, response_status=200)
    return content.encode() if isinstance(content, str) else bytes(content)


@api.get("/clinics/{slug}/availability", by_alias=True,
         response={200: AvailabilityOut, 304: None, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
         summary="Ledige timer per dag (antall og nivå)")
def day_availability(request: HttpRequest, slug: str, q: Query[AvailabilityQuery]) -> Any:
    """Served from the availability cache when it can; ``ETag``/``If-None-Match`` (304)."""
    entry = availability_cache.lookup("levels", slug, (q.timetype, q.behandler, q.ukemal, q.from_, q.to))
    if entry.hit:
        return _cached_answer(request, entry)
    clinic = _clinic(slug)
    atype = _type(clinic, q.timetype)
    practitioner = _practitioner(clinic, q.behandler, atype)
    template = _template(clinic, q.ukemal, atype, practitioner)
    now = entry.now
    today = display.local_today(clinic, now)
    start = q.from_ or today
    _check_date(clinic, start, "from")
    _check_date(clinic, q.to, "to")
    end = q.to
    if end < start:
        raise ApiError(422, "invalid", _("Sjekk feltene som er merket."),
                       {"to": _("Til-datoen kan ikke være før fra-datoen.")})
    if (end - start).days >= catalog.MAX_RANGE_DAYS:
        raise ApiError(422, "invalid", _("Sjekk feltene som er merket."),
                       {"to": _("Spør om høyst %(days)s dager om gangen.") % {"days": catalog.MAX_RANGE_DAYS}})
    levels = availability.day_levels(clinic, atype, practitioner, start, end, now=now, template=template)
    data = {
        "timetype": atype.pk, "behandler": practitioner.pk if practitioner else None,
        "from": start, "to": end, "first_bookable": today,
        "last_bookable": catalog.bookable_last_day(clinic, atype, now),
        "days": [{"date": d, "free": info.free, "level": info.level, "label": display.day_label(d, info.level)}
                 for d, info in sorted(levels.items())],
    }
    availability_cache.store(entry, _render(request, AvailabilityOut, data), clinic=clinic.pk, tz=clinic.timezone)
    return _cached_answer(request, entry)


@api.get("/clinics/{slug}/slots", response={200: SlotsOut, 304: None, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
         summary="Ledige tider en dag, hver med behandler")
def slots(request: HttpRequest, slug: str, q: Query[SlotsQuery]) -> Any:
    """Served from the availability cache when it can; ``ETag``/``If-None-Match`` (304)."""
    entry = availability_cache.lookup("slots", slug, (q.timetype, q.behandler, q.ukemal, q.date))
    if entry.hit:
        # The visitor chose a type, practitioner or day (built-in counts).
        counts.count_quickly(entry.meta["clinic"], entry.meta["tz"], "searches")
        return _cached_answer(request, entry)
    clinic = _clinic(slug)
    atype = _type(clinic, q.timetype)
    practitioner = _practitioner(clinic, q.behandler, atype)
    template = _template(clinic, q.ukemal, atype, practitioner)
    _check_date(clinic, q.date, "date")
    found = availability.free_slots(clinic, atype, practitioner, q.date, now=entry.now, template=template)
    counts.count_quickly(clinic.pk, clinic.timezone, "searches")
    names = _names(clinic)
    data = {"date": q.date, "timetype": atype.pk, "behandler": practitioner.pk if practitioner else None,
            "slots": [_slot_out(s, names) for s in found]}
    availability_cache.store(entry, _render(request, SlotsOut, data), clinic=clinic.pk, tz=clinic.timezone)
    return _cached_answer(request, entry)


def _wrong_types(data: dict[str, Any]) -> dict[str, str]:
    """JSON types the schema does not allow: ids are numbers, the start time is text."""
    errors = {}
    for name in ("timetype", "behandler", "ukemal"):
        value = data.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            errors[name] = _field_message(name)
    if data.get("start") is not None and not isinstance(data["start"], str):
        errors["start"] = _field_message("start")
    return errors


def _idempotency_key(request: HttpRequest, clinic: Clinic, fnr: str) -> str | None:
    header = request.headers.get("Idempotency-Key", "").strip()
    if not header:
        return None
    # Scoped to the clinic and the patient, so one client's key can never return
    # another patient's booking.
    digest = hashlib.sha256(f"{clinic.pk}\x00{fnr}\x00{header[:200]}".encode("utf-8", "surrogatepass")).hexdigest()
    return f"api:{digest[:56]}"


@api.post("/clinics/{slug}/bookings",
          response={201: BookingOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ConflictOut, 422: ErrorOut,
                    429: ErrorOut},
          summary="Bestill en time")
def create_booking(request: HttpRequest, slug: str, payload: BookingIn) -> Any:
    clinic = _clinic(slug)
    if not booking_allowed(request):
        raise ApiError(429, "rate_limited",
                       _("For mange bestillingsforsøk fra denne adressen. Vent litt og prøv igjen."))
    data = payload.dict()
    wrong = _wrong_types(data)
    if wrong:
        raise ApiError(422, "invalid", _("Sjekk feltene som er merket."), wrong)
    fnr = data.get("fodselsnummer")
    key = _idempotency_key(request, clinic, normalize_fnr(fnr) if isinstance(fnr, str) else "")
    try:
        booking = prepare_booking(clinic, timetype=data["timetype"], behandler=data["behandler"],
                                  ukemal=data["ukemal"], start=data["start"], patient=data, idempotency_key=key,
                                  language=translation.get_language() or "nb", defer_free_check=True)
        appointment = submit(booking, idempotency_key=key)
    except BookingRequestInvalid as exc:
        if exc.conflict:
            raise ApiError(409, exc.code, str(exc.message), exc.errors,
                           alternatives=[_slot_out(s, _names(clinic)) for s in exc.alternatives]) from None
        raise ApiError(422, "invalid", str(exc.message), exc.errors) from None
    except (SlotTaken, SlotNotAvailable) as exc:
        raise ApiError(409, exc.code, str(exc.message), {"start": str(exc.message)},
                       alternatives=[_slot_out(s, _names(clinic)) for s in exc.alternatives]) from None
    except DomainError as exc:
        raise ApiError(exc.http_status, exc.code, str(exc.message)) from None
    atype = booking.appointment_type
    return Status(201, {
        "reference": appointment.reference,
        "start": timezone.localtime(appointment.start, clinic.tz),
        "end": timezone.localtime(appointment.end, clinic.tz),
        "timetype": atype.pk, "timetype_navn": atype.name,
        "behandler": appointment.practitioner_id, "behandler_navn": appointment.practitioner.name,
        "price": appointment.price, "price_text": display.price_text(appointment.price),
        "address": display.place_text(atype),
    })
