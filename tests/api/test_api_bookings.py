"""POST /api/v1/clinics/{slug}/bookings: 201, 409 with alternatives, 422 per field, 429."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import at, monday, practs, types, valid_fnr
from timebok.appointments.models import Appointment, Patient

pytestmark = pytest.mark.django_db

FNR = valid_fnr(15, 5, 85)


def url(clinic) -> str:
    return f"/api/v1/clinics/{clinic.slug}/bookings"


def body(clinic, **overrides):
    data = {
        "timetype": types(clinic)["Oppfølging"].pk,
        "behandler": practs(clinic)["Anne Lie"].pk,
        "start": at(monday(), 9).isoformat(),
        "fornavn": "Kari", "etternavn": "Nordmann", "fodselsnummer": FNR,
        "epost": "kari@example.com", "telefon": "+47 412 34 567", "kommentar": "Hei",
    }
    data.update(overrides)
    return data


def post(client, clinic, data, **headers):
    return client.post(url(clinic), json.dumps(data), content_type="application/json", headers=headers)


def test_books_and_returns_201_with_reference(anon_client, clinic):
    r = post(anon_client, clinic, body(clinic))
    assert r.status_code == 201, r.content
    data = r.json()
    appt = Appointment.objects.get()
    assert data["reference"] == appt.reference
    assert data["start"] == at(monday(), 9).isoformat() and data["behandler_navn"] == "Anne Lie"
    assert data["price_text"] == "kr 650" and data["address"] == "Kirkegata 2, 3. etasje"
    assert appt.source == "online" and appt.comment == "Hei"
    assert Patient.objects.get().phone == "+4741234567"


def test_first_free_practitioner_when_behandler_is_missing(anon_client, clinic):
    r = post(anon_client, clinic, body(clinic, behandler=None))
    assert r.status_code == 201
    # Both are free; the one with the fewest appointments that day, then the lowest id, gets it.
    assert r.json()["behandler_navn"] == "Anne Lie"


def test_taken_time_is_409_with_alternatives(anon_client, clinic):
    assert post(anon_client, clinic, body(clinic)).status_code == 201
    r = post(anon_client, clinic, body(clinic, fodselsnummer=valid_fnr(1, 2, 90)))
    assert r.status_code == 409
    data = r.json()
    assert data["code"] == "taken" and "tatt" in data["message"]
    assert data["alternatives"] and all(a["start"] != at(monday(), 9).isoformat() for a in data["alternatives"])
    assert all(a["behandler"] == practs(clinic)["Anne Lie"].pk for a in data["alternatives"])


def test_time_outside_the_template_is_409_not_available(anon_client, clinic):
    r = post(anon_client, clinic, body(clinic, start=at(monday(), 11, 45).isoformat()))
    assert r.status_code == 409 and r.json()["code"] == "not_available"


def test_every_wrong_field_gets_its_own_message(anon_client, clinic):
    r = post(anon_client, clinic, body(clinic, fornavn="", fodselsnummer="12345678901", epost="x@",
                                        telefon="12", kommentar="x" * 1001, timetype=999999))
    assert r.status_code == 422
    errors = r.json()["errors"]
    assert set(errors) == {"fornavn", "fodselsnummer", "epost", "telefon", "kommentar", "timetype"}
    assert errors["epost"] == "E-postadressen er ikke gyldig."
    assert errors["telefon"] == "Telefonnummeret er ikke gyldig."
    assert Appointment.objects.count() == 0


@pytest.mark.parametrize(("overrides", "field"), [
    ({"start": "2026-12-03T09:00:00"}, "start"),  # no offset
    ({"start": "i morgen"}, "start"),
    ({"start": "9999-12-31T23:59:59+00:00"}, "start"),
    ({"start": None}, "start"),
    ({"timetype": "abc"}, "timetype"),
    ({"timetype": 10**40}, "timetype"),
    ({"behandler": 10**40}, "behandler"),
    ({"behandler": -1}, "behandler"),
    ({"fornavn": 123}, "fornavn"),
    ({"fornavn": ["a"]}, "fornavn"),
    ({"etternavn": "Nord\x00mann"}, "etternavn"),
    ({"kommentar": "a\x00b"}, "kommentar"),
    ({"fodselsnummer": "1" * 10000}, "fodselsnummer"),
])
def test_wrong_types_and_values_are_422(anon_client, clinic, overrides, field):
    r = post(anon_client, clinic, body(clinic, **overrides))
    assert r.status_code == 422, r.content
    assert field in r.json()["errors"]


@pytest.mark.parametrize("raw", ["garbage", "[1, 2]", "null", "", "{", '"text"', "1e999999"])
def test_garbage_bodies_are_4xx(anon_client, clinic, raw):
    r = anon_client.post(url(clinic), raw, content_type="application/json")
    assert 400 <= r.status_code < 500
    assert r.json()["message"]


def test_unknown_clinic_404_and_closed_403(anon_client, clinic):
    assert post(anon_client, clinic.__class__(slug="nope"), body(clinic)).status_code == 404
    clinic.online_booking = False
    clinic.save(update_fields=["online_booking"])
    assert post(anon_client, clinic, body(clinic)).status_code == 403


def test_limit_reached_is_409(anon_client, clinic):
    clinic.max_future_bookings = 1
    clinic.save(update_fields=["max_future_bookings"])
    assert post(anon_client, clinic, body(clinic)).status_code == 201
    r = post(anon_client, clinic, body(clinic, start=at(monday(), 10).isoformat()))
    assert r.status_code == 409 and r.json()["code"] == "limit"


@override_settings(BOOKING_RATE_LIMIT=2)
def test_rate_limit_is_429(anon_client, clinic):
    codes = [post(anon_client, clinic, body(clinic, start=at(monday(), h).isoformat(),
                                             fodselsnummer=valid_fnr(h, 3, 80))).status_code
             for h in (9, 10, 13)]
    assert codes == [201, 201, 429]
    assert Appointment.objects.count() == 2


def test_idempotency_key_returns_the_same_booking(anon_client, clinic):
    first = post(anon_client, clinic, body(clinic), **{"Idempotency-Key": "abc"})
    again = post(anon_client, clinic, body(clinic), **{"Idempotency-Key": "abc"})
    assert first.status_code == again.status_code == 201
    assert first.json()["reference"] == again.json()["reference"]
    # Another patient with the same key gets their own booking, never someone else's.
    other = post(anon_client, clinic, body(clinic, start=at(monday(), 10).isoformat(),
                                            fodselsnummer=valid_fnr(1, 2, 90)), **{"Idempotency-Key": "abc"})
    assert other.status_code == 201 and other.json()["reference"] != first.json()["reference"]
    assert Appointment.objects.count() == 2


def test_no_csrf_token_or_cookie_is_needed(clinic):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    assert post(client, clinic, body(clinic)).status_code == 201


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(10**40), max_value=10**40) | st.floats() | st.text(max_size=40),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=6,
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.dictionaries(st.sampled_from(["timetype", "behandler", "start", "fornavn", "etternavn",
                                             "fodselsnummer", "epost", "telefon", "kommentar"]), json_values))
def test_booking_never_fails_with_500(anon_client, clinic, data):
    r = anon_client.post(url(clinic), json.dumps(data), content_type="application/json")
    assert r.status_code < 500, (data, r.content)


@pytest.mark.parametrize(("overrides", "field"), [
    ({"fornavn": "\ud800"}, "fornavn"),
    ({"etternavn": "Nord\udfffmann"}, "etternavn"),
    ({"kommentar": "\ud800"}, "kommentar"),
    ({"fornavn": "Kari\u202e"}, "fornavn"),
    ({"etternavn": "\u2067Nordmann"}, "etternavn"),
    ({"kommentar": f"fnr {FNR}"}, "kommentar"),
    ({"start": "0001-01-01T12:00:00+01:00"}, "start"),
    ({"start": "9999-12-31T23:00:00+00:00"}, "start"),
])
def test_lone_surrogates_bidi_overrides_far_times_and_an_fnr_in_the_comment_are_422(anon_client, clinic, overrides,
                                                                                    field):
    raw = json.dumps(body(clinic, **overrides))  # json.dumps writes lone surrogates as \\udxxx escapes
    r = anon_client.post(url(clinic), raw, content_type="application/json")
    assert r.status_code == 422, r.content
    assert set(r.json()["errors"]) == {field}
    assert Appointment.objects.count() == 0 and Patient.objects.count() == 0


@pytest.mark.parametrize("raw", [b"\x00", b'{"fornavn": "\x00"', b"\xff\xfe", b'{"a": 1'])
def test_unreadable_bodies_are_400(anon_client, clinic, raw):
    r = anon_client.post(url(clinic), raw, content_type="application/json")
    assert r.status_code == 400
    assert r.json()["code"] == "bad_request"


def test_a_booking_remembers_the_language_it_was_made_in(anon_client, clinic):
    from timebok.appointments.models import Appointment

    r = post(anon_client, clinic, body(clinic), **{"Accept-Language": "en"})
    assert r.status_code == 201 and r.json()["price_text"] == "NOK 650"
    assert Appointment.objects.get(reference=r.json()["reference"]).language == "en"
    taken = post(anon_client, clinic, body(clinic, fodselsnummer=valid_fnr(3, 3, 90)), **{"Accept-Language": "en"})
    assert taken.status_code == 409
    assert taken.json()["message"] == "Sorry, someone else has just taken this time. Please choose another time."
    r = post(anon_client, clinic, body(clinic, start=at(monday(), 13).isoformat(), fodselsnummer=valid_fnr(4, 4, 80)))
    assert Appointment.objects.get(reference=r.json()["reference"]).language == "nb"
