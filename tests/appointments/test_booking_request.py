"""prepare_booking and submit: one check of a booking request for the page, the API and staff.

The first-free-only policy: with "Vis bare første ledige time hver dag" on, a patient can book
online only the time the booking page offers (the day's first free time for the chosen
practitioner, or across practitioners for "Første ledige behandler"). Staff are not bound.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.factories import FNR, at, book, details, monday, practs, types
from tests.public.conftest import form_data
from timebok.appointments.models import Appointment
from timebok.appointments.services.booking_request import BookingRequestInvalid, prepare_booking, submit

pytestmark = pytest.mark.django_db

PATIENT = {"fornavn": "Kari", "etternavn": "Nordmann", "fodselsnummer": FNR, "epost": "kari@example.com",
           "telefon": "412 34 567", "kommentar": ""}


def prepare(clinic, hour=9, minute=0, practitioner="Anne Lie", **kw):
    kw.setdefault("timetype", types(clinic)["Oppfølging"].pk)
    kw.setdefault("patient", PATIENT)
    behandler = practs(clinic)[practitioner].pk if practitioner else None
    return prepare_booking(clinic, behandler=behandler, start=at(monday(), hour, minute).isoformat(), **kw)


def first_free_only(clinic):
    clinic.first_free_only = True
    clinic.save(update_fields=["first_free_only"])


def test_a_valid_request_is_checked_and_books(clinic):
    request = prepare(clinic)
    assert request.slot.start == at(monday(), 9) and request.slot.practitioner_id == practs(clinic)["Anne Lie"].pk
    assert request.patient.phone == "+4741234567"
    appointment = submit(request)
    assert appointment.start == at(monday(), 9) and appointment.practitioner.name == "Anne Lie"


def test_every_wrong_field_is_reported_at_once(clinic):
    with pytest.raises(BookingRequestInvalid) as caught:
        prepare_booking(clinic, timetype="999999", behandler="x", start="i morgen",
                        patient={**PATIENT, "fornavn": "", "epost": "x@"})
    assert set(caught.value.errors) == {"timetype", "behandler", "start", "fornavn", "epost"}
    assert caught.value.http_status == 422 and not caught.value.conflict


@pytest.mark.parametrize("start", ["9999-12-31T23:00:00+00:00", "0001-01-01T12:00:00+01:00"])
def test_times_outside_the_years_are_a_field_message(clinic, start):
    with pytest.raises(BookingRequestInvalid) as caught:
        prepare_booking(clinic, timetype=types(clinic)["Oppfølging"].pk, start=start, patient=PATIENT)
    assert caught.value.errors == {"start": "Tidspunktet er for langt unna i tid."}


def test_a_taken_time_is_a_conflict_with_alternatives(clinic):
    book(clinic, start=at(monday(), 9), patient=details(5))
    with pytest.raises(BookingRequestInvalid) as caught:
        prepare(clinic)
    exc = caught.value
    assert exc.conflict == "taken" and exc.http_status == 409 and exc.code == "taken"
    assert at(monday(), 9) not in [s.start for s in exc.alternatives]
    assert [s.start for s in exc.alternatives] == [at(monday(), h, m) for h, m in
                                                   ((8, 0), (8, 30), (9, 30), (10, 0), (10, 30))]


def test_first_free_only_books_only_the_offered_time(clinic):
    first_free_only(clinic)
    with pytest.raises(BookingRequestInvalid) as caught:
        prepare(clinic, hour=10)
    exc = caught.value
    assert exc.conflict == "not_available"
    assert exc.errors == {"start": "Klinikken tar bare imot bestillinger på dagens første ledige time. "
                                   "Velg en av de ledige timene."}
    # The offered times: the first free time of each day, from that day on.
    offered = [s.start for s in exc.alternatives]
    assert offered[0] == at(monday(), 8) and len(offered) == 5
    assert all(s.time() == at(monday(), 8).time() for s in offered)
    assert len({s.date() for s in offered}) == 5
    assert prepare(clinic, hour=8).slot.start == at(monday(), 8)


def test_first_free_only_for_any_practitioner_is_the_first_across_practitioners(clinic):
    first_free_only(clinic)
    book(clinic, start=at(monday(), 8), patient=details(5), practitioner="Anne Lie")
    # Bjørn is still free at 08:00: that is the day's first free time for "any practitioner".
    request = prepare(clinic, hour=8, practitioner=None)
    assert request.slot.practitioner_id == practs(clinic)["Bjørn Dahl"].pk
    with pytest.raises(BookingRequestInvalid):
        prepare(clinic, hour=8, minute=30, practitioner=None)
    # Anne's own first free time is 08:30.
    assert prepare(clinic, hour=8, minute=30).slot.start == at(monday(), 8, 30)


def test_staff_are_not_bound_by_the_online_rules(clinic):
    first_free_only(clinic)
    gruppe = types(clinic)["Gruppetime"]  # not online
    request = prepare(clinic, hour=17, timetype=gruppe.pk, practitioner="Cecilie Ås",  # offline, outside template
                      source=Appointment.Source.STAFF)
    assert request.slot.start == at(monday(), 17)
    assert submit(request).source == Appointment.Source.STAFF
    with pytest.raises(BookingRequestInvalid) as caught:
        prepare(clinic, hour=17, minute=30, timetype=gruppe.pk, practitioner="Cecilie Ås",
                source=Appointment.Source.STAFF)
    assert caught.value.conflict == "taken"
    with pytest.raises(BookingRequestInvalid) as caught:
        prepare(clinic, practitioner=None, source=Appointment.Source.STAFF)
    assert caught.value.errors == {"behandler": "Velg en behandler."}


def test_a_replayed_request_returns_its_booking(clinic):
    first = submit(prepare(clinic, idempotency_key="web:abc"), idempotency_key="web:abc")
    again = submit(prepare(clinic, idempotency_key="web:abc"), idempotency_key="web:abc")
    assert first.pk == again.pk and Appointment.objects.count() == 1


# --- The page and the API give the same answer ----------------------------------------------


def api_post(client, clinic, hour):
    body = {"timetype": types(clinic)["Oppfølging"].pk, "behandler": practs(clinic)["Anne Lie"].pk,
            "start": at(monday(), hour).isoformat(), **{k: v for k, v in PATIENT.items() if v}}
    return client.post(f"/api/v1/clinics/{clinic.slug}/bookings", json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("first_free", [False, True])
def test_the_page_and_the_api_agree_on_a_time_that_is_not_the_first_free(anon_client, clinic, first_free):
    if first_free:
        first_free_only(clinic)
    page = anon_client.post(f"/b/{clinic.slug}/", form_data(clinic, hour=10))
    api = api_post(anon_client, clinic, 10)
    if first_free:
        message = "Klinikken tar bare imot bestillinger på dagens første ledige time."
        assert page.status_code == 422 and message in page.content.decode()
        assert re.search(r'<p class="error" id="tid-error">[^<]*første ledige time', page.content.decode())
        assert api.status_code == 409 and api.json()["code"] == "not_available"
        assert message in api.json()["message"]
        assert api.json()["alternatives"][0]["start"] == at(monday(), 8).isoformat()
        assert Appointment.objects.count() == 0
    else:
        assert page.status_code == 200 and "Oppsummering" in page.content.decode()
        assert api.status_code == 201


def test_the_page_and_the_api_both_book_the_offered_first_free_time(anon_client, clinic):
    first_free_only(clinic)
    page = anon_client.post(f"/b/{clinic.slug}/", form_data(clinic, hour=8))
    assert page.status_code == 200 and "Oppsummering" in page.content.decode()
    assert api_post(anon_client, clinic, 8).status_code == 201
