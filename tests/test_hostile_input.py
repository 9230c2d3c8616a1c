"""No input gives a 500: every URL pattern of the project (found by walking the URL resolver),
GET and POST, with hostile values in the path, the query and the body, as an anonymous
visitor, as the clinic's staff, as another clinic's staff and as a superuser.

Two passes:
* **all at once**: every parameter the project knows carries the same hostile value, on
  every pattern, for every user;
* **one at a time**: on the project's own pages and endpoints, every parameter the view
  reads gets a hostile value while the others are valid, so the hostile value gets past the
  first check and reaches the code behind it.

Failures in the public booking pages (``/b/``) and the JSON API (``/api/``) are being fixed
elsewhere; they are listed in KNOWN_PUBLIC_API_FAILURES, and the test fails both on a new one
and on a listed one that no longer fails, so the list can't silently rot. Every other 5xx
fails the test.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import quote

import pytest
from django.contrib import admin
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import book, details, next_weekday, valid_fnr

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Hostile:
    label: str
    query: str  # already percent-encoded for a URL or a form body
    text: str  # as a Python string, for JSON bodies


HOSTILE = [
    Hostile("date-max", "9999-12-31", "9999-12-31"),
    Hostile("date-min", "0001-01-01", "0001-01-01"),
    Hostile("datetime-max", "9999-12-31T23%3A00%3A00%2B00%3A00", "9999-12-31T23:00:00+00:00"),
    Hostile("datetime-min", "0001-01-01T12%3A00%3A00%2B01%3A00", "0001-01-01T12:00:00+01:00"),
    Hostile("surrogate", "%ED%A0%80", "\ud800"),
    Hostile("nul", "%00", "\x00"),
    Hostile("long", "x" * 2000, "x" * 2000),
    Hostile("non-numeric", "abc", "abc"),
    Hostile("negative", "-1", "-1"),
    Hostile("huge-int", "99999999999999999999999", "99999999999999999999999"),
    Hostile("crlf", "%0D%0ASet-Cookie%3A%20x%3D1", "\r\nSet-Cookie: x=1"),
]
BY_LABEL = {h.label: h for h in HOSTILE}

# Every query/form parameter a view of the project reads (admin parameters are added from
# the registered ModelAdmins below).
PARAMS = [
    "timetype", "behandler", "ukemal", "dato", "maned", "visning", "tid", "handling", "utkast", "nettsted",
    "fornavn", "etternavn", "fodselsnummer", "epost", "telefon", "kommentar", "from", "to", "date", "start",
    "event", "key", "avbestilt", "lenke", "username", "password", "next", "tracking_search_url",
    "tracking_booked_url", "online_booking", "min_notice_hours", "horizon_days", "cancellation_hours",
    "max_future_bookings", "first_free_only", "slot_step_minutes", "close_public_holidays", "reminder_hours",
    "q", "o", "p", "e", "all", "_popup", "_to_field", "_changelist_filters", "app_label", "model_name",
    "field_name", "term", "language", "post",
]

# --- Known failures in public/ and api/ (owned by the helper rewriting them) ---------------
# (database vendor or "*", method, route, parameter or "*" (all at once) or "path", value label)
KNOWN_PUBLIC_API_FAILURES: set[tuple[str, str, str, str, str]] = set()


# --- The URL patterns ------------------------------------------------------------------------

def patterns() -> list[str]:
    """Every URL pattern as a route string, e.g. "timebok/<slug:clinic>/oversikt/"."""
    def walk(entries: list[URLPattern | URLResolver], prefix: str) -> Iterator[str]:
        for entry in entries:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + str(entry.pattern))
            else:
                yield prefix + str(entry.pattern)
    return list(dict.fromkeys(walk(get_resolver().url_patterns, "")))


def _regex_example(route: str, values: dict[str, str]) -> str:
    """A concrete path for a RegexPattern route (the admin's app list and catch-all)."""
    import re

    route = route.replace("^", "").replace("$", "")

    def group(match: re.Match[str]) -> str:
        name, body = match.group(1), match.group(2)
        if name in values:
            return values[name]
        return body.split("|")[0] if body != ".*" else "nope/"
    return re.sub(r"\(\?P<(\w+)>([^)]*)\)", group, route)


def concrete(route: str, values: dict[str, str]) -> str:
    """Fill a route's parameters: values by name, else the converter's default in DEFAULTS."""
    import re

    if "(?P<" in route:
        return "/" + _regex_example(route, values)

    def param(match: re.Match[str]) -> str:
        converter, name = match.group(1) or "str", match.group(2)
        return values.get(name, values.get(f"<{converter}>", "1"))
    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", param, route)


# --- The world the requests run in -------------------------------------------------------------

@pytest.fixture
def world(clinic, other_clinic, staff_user, other_staff_user, django_user_model, settings):  # type: ignore[no-untyped-def]
    # No rate limit may stop a request before the hostile value reaches the code behind it.
    settings.BOOKING_RATE_LIMIT = settings.LOGIN_RATE_LIMIT = settings.LOGIN_IP_RATE_LIMIT = 10**9
    settings.MANAGE_LINK_RATE_LIMIT = 10**9
    from django.contrib.contenttypes.models import ContentType

    from timebok.core.models import AuditAction, AuditEntry

    appointment = book(clinic)
    book(other_clinic, patient=details(fnr=valid_fnr(3, 4, 90)))
    AuditEntry.objects.create(clinic=clinic, action=AuditAction.PATIENT_VIEWED, data={})
    superuser = django_user_model.objects.create_superuser("rot", password="pw-rot-1")
    day = next_weekday(date.today(), 1)
    atype = clinic.appointment_types.get(name="Oppfølging")
    practitioner = clinic.practitioners.get(name="Anne Lie")
    template = practitioner.week_templates.first() if hasattr(practitioner, "week_templates") else None
    # A free time, as the API offers it, so that a booking request gets as far as booking.
    slots = Client().get(f"/api/v1/clinics/{clinic.slug}/slots",
                         {"timetype": atype.pk, "behandler": practitioner.pk, "date": day.isoformat()}).json()
    free = slots["slots"][0]["start"]
    baseline = {
        "timetype": str(atype.pk), "behandler": str(practitioner.pk), "ukemal": str(template.pk if template else 1),
        "dato": day.isoformat(), "maned": day.strftime("%Y-%m"), "visning": "dag",
        "tid": free, "handling": "neste", "fornavn": "Kari", "etternavn": "Nordmann",
        "fodselsnummer": valid_fnr(), "epost": "kari@example.com", "telefon": "+4791234567", "kommentar": "Hei",
        "from": day.isoformat(), "to": (day + timedelta(days=7)).isoformat(), "date": day.isoformat(),
        "start": free, "lenke": f"t{atype.pk}", "username": "resepsjon",
        "password": "feil", "tracking_search_url": "https://t.example/s", "tracking_booked_url": "",
        "online_booking": "on", "min_notice_hours": "2", "horizon_days": "60", "cancellation_hours": "24",
        "max_future_bookings": "3", "slot_step_minutes": "0", "reminder_hours": "48",
        "fra": "12", "til": "13", "arsak": "Lunsj", "annen_arsak": "", "utenfor": "", "annen_tid": "",
        "sok": "Kari", "pasient": "", "varsle": "on", "tilbake": "dag",
    }
    path_values = {"clinic": clinic.slug, "slug": clinic.slug, "pk": str(appointment.pk), "token": "x" * 43,
                   "content_type_id": str(ContentType.objects.get_for_model(type(appointment)).pk),
                   "object_id": str(appointment.pk), "id": str(staff_user.pk), "url": "nope/",
                   "app_label": "clinics"}
    clients = {"anon": Client(raise_request_exception=False)}
    for role, user in (("staff", staff_user), ("other", other_staff_user), ("superuser", superuser)):
        clients[role] = Client(raise_request_exception=False)
        clients[role].force_login(user)
    return {"baseline": baseline, "path": path_values, "clients": clients}


def admin_params() -> list[str]:
    names: set[str] = set()
    for model, model_admin in admin.site._registry.items():
        for f in model_admin.list_filter:
            if isinstance(f, str):
                names |= {f"{f}__exact", f"{f}__id__exact", f"{f}__isnull", f"{f}__gte", f"{f}__lt"}
        if model_admin.date_hierarchy:
            names |= {f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")}
        names |= {f.name for f in model._meta.get_fields() if getattr(f, "concrete", False)}
    return sorted(names)


# --- Running requests --------------------------------------------------------------------------

@dataclass(frozen=True)
class Failure:
    method: str
    route: str
    param: str
    label: str
    role: str
    error: str

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.method, self.route, self.param, self.label)


def _error(response) -> str:  # type: ignore[no-untyped-def]
    info = getattr(response, "exc_info", None)
    return f"{info[0].__name__}: {str(info[1])[:120]}" if info else f"HTTP {response.status_code}"


def _send(client: Client, method: str, path: str, query: str, body: str, json_body: str | None):  # type: ignore[no-untyped-def]
    url = f"{path}?{query}" if query else path
    if method == "GET":
        return client.get(url)
    if json_body is not None:
        return client.post(url, data=json_body, content_type="application/json")
    return client.post(url, data=body, content_type="application/x-www-form-urlencoded")


def _is_api(route: str) -> bool:
    return route.startswith("api/")


def _run(world, requests) -> list[Failure]:  # type: ignore[no-untyped-def]
    failures = []
    quiet = logging.getLogger("django.request")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # the 500s found are reported below, not as tracebacks
    try:
        for role, method, route, param, label, path, query, body, json_body in requests:
            # Each request starts from the same data: a booking made by one does not make the
            # next one stop early at "taken" or "limit reached".
            savepoint = transaction.savepoint()
            response = _send(world["clients"][role], method, path, query, body, json_body)
            transaction.savepoint_rollback(savepoint)
            if response.status_code >= 500:
                failures.append(Failure(method, route, param, label, role, _error(response)))
    finally:
        quiet.setLevel(level)
    return failures


def _json(values: dict[str, str]) -> str:
    return json.dumps(values)


def all_at_once(world, role: str):  # type: ignore[no-untyped-def]
    names = PARAMS + admin_params()
    for route in patterns():
        for hostile in HOSTILE:
            path = concrete(route, world["path"])
            query = "&".join(f"{quote(n)}={hostile.query}" for n in names)
            json_body = _json(dict.fromkeys(names, hostile.text)) if _is_api(route) else None
            for method in ("GET", "POST"):
                yield role, method, route, "*", hostile.label, path, query, query, json_body
            # the same value in every path parameter
            if "<" in route or "(?P<" in route:
                raw_path = concrete(route, {**{k: hostile.query for k in world["path"]},
                                            **{f"<{c}>": hostile.query for c in ("str", "path", "int", "slug")}})
                for method in ("GET", "POST"):
                    yield role, method, route, "path", hostile.label, raw_path, "", "", None


# Which parameters each of the project's own views reads (by route prefix).
OWN_PARAMS = {
    "timebok/<slug:clinic>/": ["dato"],
    "timebok/<slug:clinic>/ny-time/": ["timetype", "behandler", "dato", "tid", "annen_tid", "utenfor", "sok",
                                       "pasient", "fornavn", "etternavn", "fodselsnummer", "epost", "telefon",
                                       "kommentar", "varsle"],
    "timebok/<slug:clinic>/blokker/": ["behandler", "dato", "fra", "til", "arsak", "annen_arsak"],
    "timebok/<slug:clinic>/oversikt/": ["behandler", "dato", "visning"],
    "timebok/<slug:clinic>/timer/<int:pk>/fodselsnummer/": ["behandler", "dato", "visning"],
    "timebok/<slug:clinic>/timer/<int:pk>/avbestill/": ["behandler", "dato", "visning", "tilbake"],
    "timebok/<slug:clinic>/timer/<int:pk>/flytt/": ["dato", "behandler", "tid", "utenfor"],
    "timebok/<slug:clinic>/innstillinger/": ["lenke", "sprak"],
    "timebok/<slug:clinic>/innstillinger/sporing/": ["tracking_search_url", "tracking_booked_url"],
    "timebok/<slug:clinic>/innstillinger/regler/": ["online_booking", "min_notice_hours", "horizon_days",
                                                    "cancellation_hours", "max_future_bookings",
                                                    "slot_step_minutes", "reminder_hours"],
    "timebok/<slug:clinic>/innstillinger/qr.svg": ["lenke", "sprak"],
    "timebok/logg-inn/": ["username", "password", "next"],
    "timebok/min-profil/": ["language"],
    "b/<slug:slug>/": ["timetype", "behandler", "ukemal", "dato", "maned", "tid", "handling", "fornavn",
                       "etternavn", "fodselsnummer", "epost", "telefon", "kommentar", "lang", "bytt_sprak"],
    "b/<slug:slug>/bekreft/": ["handling", "tid", "utkast", "lang", "bytt_sprak"],
    "api/v1/clinics/<slug>/practitioners": ["timetype", "ukemal"],
    "api/v1/clinics/<slug>/availability": ["timetype", "behandler", "ukemal", "from", "to"],
    "api/v1/clinics/<slug>/slots": ["timetype", "behandler", "ukemal", "date"],
    "api/v1/clinics/<slug>/bookings": ["timetype", "behandler", "ukemal", "start", "fornavn", "etternavn",
                                       "fodselsnummer", "epost", "telefon", "kommentar"],
    "t/<str:token>/": ["avbestilt", "endret", "handling", "dato", "tid", "lang"],
}


def one_at_a_time(world, role: str):  # type: ignore[no-untyped-def]
    baseline = world["baseline"]
    for route, names in OWN_PARAMS.items():
        path = concrete(route, world["path"])
        for name in names:
            for hostile in HOSTILE:
                values = {n: baseline.get(n, "") for n in names}
                query = "&".join(f"{quote(n)}={quote(v)}" for n, v in values.items() if n != name)
                query += f"&{quote(name)}={hostile.query}"
                json_body = _json({**values, name: hostile.text}) if _is_api(route) else None
                for method in ("GET", "POST"):
                    yield role, method, route, name, hostile.label, path, query, query, json_body


def check(failures: list[Failure], vendor: str) -> None:
    """Outside /b/ and /api/: no failure at all. Inside: exactly the known ones."""
    own = [f for f in failures if not f.route.startswith(("b/", "api/"))]
    assert own == [], "5xx outside public/ and api/:\n" + "\n".join(map(str, own))
    known = {k[1:] for k in KNOWN_PUBLIC_API_FAILURES if k[0] in ("*", vendor)}
    new = {f for f in failures if f.key not in known}
    assert not new, "New 5xx in public/ or api/ (add to KNOWN_PUBLIC_API_FAILURES and report):\n" + "\n".join(
        sorted(map(str, new)))


@pytest.mark.parametrize("role", ["anon", "staff", "other", "superuser"])
def test_no_5xx_with_every_value_in_every_parameter(world, role):
    check(_run(world, all_at_once(world, role)), connection.vendor)


@pytest.mark.parametrize("role", ["anon", "staff"])
def test_no_5xx_with_one_hostile_parameter_at_a_time(world, role):
    check(_run(world, one_at_a_time(world, role)), connection.vendor)


def test_known_public_api_failures_still_fail(world):
    """When one of these is fixed, remove it from KNOWN_PUBLIC_API_FAILURES."""
    vendor = connection.vendor
    known = sorted(k for k in KNOWN_PUBLIC_API_FAILURES if k[0] in ("*", vendor))
    still = []
    for _vendor, method, route, param, label in known:
        hostile = BY_LABEL[label]
        if param == "*":
            requests = [r for r in all_at_once(world, "anon") if r[1:5] == (method, route, "*", label)]
        elif param == "path":
            requests = [r for r in all_at_once(world, "anon") if r[1:5] == (method, route, "path", label)]
        else:
            requests = [r for r in one_at_a_time(world, "anon") if r[1:5] == (method, route, param, hostile.label)]
        assert requests, (method, route, param, label)
        if _run(world, requests):
            still.append((method, route, param, label))
    fixed = sorted(set((k[1:]) for k in known) - set(still))
    assert not fixed, "Fixed now; remove from KNOWN_PUBLIC_API_FAILURES:\n" + "\n".join(map(str, fixed))


def test_the_harness_knows_the_projects_routes():
    """OWN_PARAMS names real routes (so a renamed route can't drop out of the harness), and
    the walk finds the project's pages, the API and the admin."""
    routes = patterns()
    assert set(OWN_PARAMS) <= set(routes)
    for expected in ("timebok/<slug:clinic>/oversikt/", "b/<slug:slug>/", "api/v1/clinics/<slug>/bookings",
                     "t/<str:token>/", "admin/clinics/clinic/<path:object_id>/change/"):
        assert expected in routes
