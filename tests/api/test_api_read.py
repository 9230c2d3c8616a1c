"""GET endpoints of the public API: lists, availability per day, slots."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import at, monday, practs, types

pytestmark = pytest.mark.django_db

BASE = "/api/v1/clinics/"


def test_appointment_types_lists_online_types_with_ids(anon_client, clinic):
    r = anon_client.get(f"{BASE}{clinic.slug}/appointment-types")
    assert r.status_code == 200
    data = r.json()
    assert [t["name"] for t in data] == ["Førstegangstime", "Oppfølging"]
    follow = next(t for t in data if t["name"] == "Oppfølging")
    assert follow["id"] == types(clinic)["Oppfølging"].pk
    assert follow["price_text"] == "kr 650" and follow["duration_minutes"] == 30
    assert follow["address"] == "Kirkegata 2, 3. etasje" and follow["info"] == "Ta med treningstøy."


def test_practitioners_lists_online_ones_offering_the_type(anon_client, clinic):
    t = types(clinic)["Oppfølging"]
    r = anon_client.get(f"{BASE}{clinic.slug}/practitioners", {"timetype": t.pk})
    assert [p["name"] for p in r.json()] == ["Anne Lie", "Bjørn Dahl"]
    practs(clinic)["Bjørn Dahl"].week_templates.all().delete()
    r = anon_client.get(f"{BASE}{clinic.slug}/practitioners", {"timetype": t.pk})
    assert [p["id"] for p in r.json()] == [practs(clinic)["Anne Lie"].pk]


def test_unknown_clinic_is_404_and_closed_clinic_403(anon_client, clinic):
    r = anon_client.get(f"{BASE}nope/appointment-types")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    clinic.online_booking = False
    clinic.save(update_fields=["online_booking"])
    r = anon_client.get(f"{BASE}{clinic.slug}/appointment-types")
    assert r.status_code == 403 and r.json()["code"] == "closed"


def test_availability_gives_every_day_with_count_level_and_label(anon_client, clinic):
    t = types(clinic)["Oppfølging"]
    day = monday()
    r = anon_client.get(f"{BASE}{clinic.slug}/availability",
                        {"timetype": t.pk, "from": day.isoformat(), "to": (day + timedelta(days=6)).isoformat()})
    assert r.status_code == 200
    data = r.json()
    assert data["from"] == day.isoformat() and data["behandler"] is None
    assert [d["date"] for d in data["days"]] == [(day + timedelta(days=i)).isoformat() for i in range(7)]
    mon, sun = data["days"][0], data["days"][6]
    # 08:00-11:30 and 12:00-16:00 in 30 minutes: 15 distinct start times.
    assert mon["free"] == 15 and mon["level"] == "many" and mon["label"].endswith(", mange ledige")
    assert mon["label"].startswith("mandag ")
    assert sun["free"] == 0 and sun["level"] == "none" and sun["label"].endswith("ingen ledige")


def test_availability_for_one_practitioner(anon_client, clinic):
    t = types(clinic)["Oppfølging"]
    anne = practs(clinic)["Anne Lie"]
    r = anon_client.get(f"{BASE}{clinic.slug}/availability",
                        {"timetype": t.pk, "behandler": anne.pk, "from": monday().isoformat(),
                         "to": monday().isoformat()})
    assert r.json()["behandler"] == anne.pk and r.json()["days"][0]["free"] == 15


def test_slots_have_offsets_and_practitioners(anon_client, clinic):
    t = types(clinic)["Oppfølging"]
    r = anon_client.get(f"{BASE}{clinic.slug}/slots", {"timetype": t.pk, "date": monday().isoformat()})
    assert r.status_code == 200
    slots = r.json()["slots"]
    assert len(slots) == 15
    assert slots[0]["start"] == at(monday(), 8).isoformat()
    assert slots[0]["start"][-6:] == at(monday(), 8).isoformat()[-6:]  # the clinic's offset that day
    assert slots[0]["end"] == at(monday(), 8, 30).isoformat()
    assert {s["behandler_navn"] for s in slots} <= {"Anne Lie", "Bjørn Dahl"}
    assert all(isinstance(s["behandler"], int) for s in slots)


@pytest.mark.parametrize("params", [
    {},
    {"timetype": "abc"},
    {"timetype": "0"},
    {"timetype": "99999999999999999999999999"},
    {"timetype": "1", "from": "2026-02-30"},
    {"timetype": "1", "from": "9999-12-31"},
    {"timetype": "1", "from": "0001-01-01"},
    {"timetype": "1", "to": "9999-12-31"},
    {"timetype": "1", "behandler": "x"},
    {"timetype": "1", "behandler": "-5"},
])
def test_availability_bad_input_is_422_in_norwegian(anon_client, clinic, params):
    if params.get("timetype") == "1":
        params["timetype"] = str(types(clinic)["Oppfølging"].pk)
    r = anon_client.get(f"{BASE}{clinic.slug}/availability", params)
    assert r.status_code == 422, r.content
    body = r.json()
    assert body["code"] == "invalid" and body["errors"]
    assert all(isinstance(m, str) and m for m in body["errors"].values())
    assert "Sjekk feltene" in body["message"]


def test_availability_range_rules(anon_client, clinic):
    t = types(clinic)["Oppfølging"]
    day = monday()
    r = anon_client.get(f"{BASE}{clinic.slug}/availability",
                        {"timetype": t.pk, "from": day.isoformat(), "to": (day - timedelta(days=1)).isoformat()})
    assert r.status_code == 422 and "to" in r.json()["errors"]
    r = anon_client.get(f"{BASE}{clinic.slug}/availability",
                        {"timetype": t.pk, "from": day.isoformat(), "to": (day + timedelta(days=93)).isoformat()})
    assert r.status_code == 422
    r = anon_client.get(f"{BASE}{clinic.slug}/availability",
                        {"timetype": t.pk, "from": day.isoformat(), "to": (day + timedelta(days=92)).isoformat()})
    assert r.status_code == 200 and len(r.json()["days"]) == 93


def test_unknown_or_offline_ids_are_404(anon_client, clinic, other_clinic):
    t = types(clinic)["Oppfølging"]
    for params in ({"timetype": types(clinic)["Gruppetime"].pk}, {"timetype": types(other_clinic)["Oppfølging"].pk},
                   {"timetype": t.pk, "behandler": practs(clinic)["Cecilie Ås"].pk},
                   {"timetype": t.pk, "behandler": practs(other_clinic)["Anne Lie"].pk},
                   {"timetype": 999999}):
        params.update({"date": monday().isoformat(), "from": monday().isoformat(), "to": monday().isoformat()})
        for endpoint in ("availability", "slots"):
            r = anon_client.get(f"{BASE}{clinic.slug}/{endpoint}", params)
            assert r.status_code == 404, (endpoint, params, r.content)


def test_openapi_is_published(anon_client, db):
    r = anon_client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    for p in ("/api/v1/clinics/{slug}/appointment-types", "/api/v1/clinics/{slug}/practitioners",
              "/api/v1/clinics/{slug}/availability", "/api/v1/clinics/{slug}/slots",
              "/api/v1/clinics/{slug}/bookings"):
        assert p in paths


query_values = st.one_of(st.text(max_size=30), st.integers(min_value=-(10**30), max_value=10**30).map(str),
                         st.dates().map(str))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.dictionaries(st.sampled_from(["timetype", "behandler", "from", "to", "date"]), query_values))
def test_read_endpoints_never_fail_with_500(anon_client, clinic, params):
    for endpoint in ("availability", "slots", "practitioners", "appointment-types"):
        r = anon_client.get(f"{BASE}{clinic.slug}/{endpoint}", params)
        assert r.status_code < 500, (endpoint, params, r.content)


@pytest.mark.parametrize(("endpoint", "params", "field"), [
    ("practitioners", {"timetype": "AAA"}, "timetype"),
    ("practitioners", {"timetype": ""}, "timetype"),
    ("practitioners", {"timetype": None}, "timetype"),
    ("availability", {"from": "2026-12-01", "to": ""}, "to"),
    ("availability", {"from": "2026-12-01"}, "to"),
    ("availability", {"timetype": "", "to": "2026-12-01"}, "timetype"),
    ("slots", {"date": ""}, "date"),
    ("slots", {"date": "0001-01-01"}, "date"),
    ("slots", {"date": "9999-12-31"}, "date"),
])
def test_required_and_blank_parameters_are_422(anon_client, clinic, endpoint, params, field):
    params = {k: v for k, v in {"timetype": str(types(clinic)["Oppfølging"].pk), **params}.items() if v is not None}
    r = anon_client.get(f"{BASE}{clinic.slug}/{endpoint}", params)
    assert r.status_code == 422, r.content
    assert field in r.json()["errors"]


def test_a_slug_that_is_no_slug_is_404(anon_client, db):
    for slug in ("%00", "a" * 300, "%C3%A6"):
        assert anon_client.get(f"{BASE}{slug}/appointment-types").status_code == 404


# --- Accept-Language ----------------------------------------------------------------------


def test_accept_language_en_gives_english_labels_and_messages(anon_client, clinic):
    t = types(clinic)["Oppfølging"]
    day = monday()
    r = anon_client.get(f"{BASE}{clinic.slug}/availability",
                        {"timetype": t.pk, "from": day.isoformat(), "to": day.isoformat()}, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200 and r["Content-Language"] == "en" and "Accept-Language" in r["Vary"]
    label = r.json()["days"][0]["label"]
    assert label == f"{day:%A} {day.day} {day:%B}, many available"
    types_en = anon_client.get(f"{BASE}{clinic.slug}/appointment-types", HTTP_ACCEPT_LANGUAGE="en").json()
    assert {t["price_text"] for t in types_en} == {"NOK 650", "NOK 850"}
    missing = anon_client.get(f"{BASE}finnes-ikke/appointment-types", HTTP_ACCEPT_LANGUAGE="en")
    assert missing.status_code == 404 and missing.json()["message"] == "Clinic not found."
    bad = anon_client.get(f"{BASE}{clinic.slug}/slots", {"timetype": t.pk, "date": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 422
    assert bad.json() == {"code": "invalid", "message": "Check the fields marked.",
                          "errors": {"date": "Invalid date. Use the format YYYY-MM-DD."}}


def test_without_accept_language_the_api_answers_in_bokmaal(anon_client, clinic):
    r = anon_client.get(f"{BASE}finnes-ikke/appointment-types")
    assert r.json()["message"] == "Fant ikke klinikken."
    assert r["Content-Language"] == "nb" and "Accept-Language" in r["Vary"]
    assert anon_client.get(f"{BASE}finnes-ikke/appointment-types", HTTP_ACCEPT_LANGUAGE="de").json()["message"] \
        == "Fant ikke klinikken."


def test_the_openapi_document_describes_accept_language(anon_client):
    schema = anon_client.get("/api/v1/openapi.json").json()
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            names = [(p["name"], p["in"]) for p in operation["parameters"]]
            assert ("Accept-Language", "header") in names, path
    param = next(p for p in schema["paths"]["/api/v1/clinics/{slug}/slots"]["get"]["parameters"]
                 if p["name"] == "Accept-Language")
    assert "English" in param["description"] and not param["required"]


@pytest.mark.parametrize("endpoint", ["availability", "slots"])
def test_etag_from_the_generation_and_304(anon_client, clinic, endpoint, settings, django_capture_on_commit_callbacks):
    from tests.factories import book, next_weekday

    settings.AVAILABILITY_CACHE = True
    t = types(clinic)["Oppfølging"]
    day = next_weekday(monday() + timedelta(days=7), 1)
    params = {"timetype": t.pk, "date": day.isoformat(), "from": day.isoformat(), "to": day.isoformat()}
    url = f"{BASE}{clinic.slug}/{endpoint}"
    r = anon_client.get(url, params)
    etag = r["ETag"]
    assert r.status_code == 200 and etag.startswith('"') and "Accept-Language" in r["Vary"]
    again = anon_client.get(url, params, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    assert anon_client.get(url, params, headers={"If-None-Match": '"other"'}).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        book(clinic, day=day, hour=10)
    changed = anon_client.get(url, params, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_etag_without_the_cache_follows_the_answer(anon_client, clinic, django_capture_on_commit_callbacks):
    from tests.factories import book, next_weekday

    t = types(clinic)["Oppfølging"]
    day = next_weekday(monday() + timedelta(days=7), 1)
    params = {"timetype": t.pk, "date": day.isoformat()}
    url = f"{BASE}{clinic.slug}/slots"
    etag = anon_client.get(url, params)["ETag"]
    assert anon_client.get(url, params, headers={"If-None-Match": etag}).status_code == 304
    book(clinic, day=day, hour=10)
    assert anon_client.get(url, params, headers={"If-None-Match": etag}).status_code == 200
