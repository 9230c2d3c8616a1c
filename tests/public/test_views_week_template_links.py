"""Booking links the link generator makes (issue 10): the page's default type, a link to a
type with no free times, and a ukemal link that shows only its week template's times, on the
page, in the API and when booking."""

from __future__ import annotations

import json
from datetime import time, timedelta

import pytest

from tests.factories import FNR, at, monday, practs, types
from tests.public.conftest import form_data
from timebok.appointments.models import Appointment
from timebok.appointments.services.booking_request import BookingRequestInvalid, prepare_booking
from timebok.clinics.models import AppointmentType, TemplateBlock, TemplatePeriod, WeekTemplate

pytestmark = pytest.mark.django_db

API = "/api/v1/clinics/"


def url(clinic) -> str:
    return f"/b/{clinic.slug}/"


@pytest.fixture
def evening(clinic):
    """Anne's "Onsdag kveld": Wednesdays 17:00–19:00, Oppfølging only, from next Monday."""
    anne = practs(clinic)["Anne Lie"]
    tmpl = WeekTemplate.objects.create(practitioner=anne, name="Onsdag kveld")
    TemplatePeriod.objects.create(template=tmpl, start_date=monday())
    block = TemplateBlock.objects.create(template=tmpl, weekday=2, start_time=time(17), end_time=time(19))
    block.appointment_types.set([types(clinic)["Oppfølging"]])
    return tmpl


def wednesday():
    return monday() + timedelta(days=2)


# --- The default type -----------------------------------------------------------------------

def test_the_page_opens_on_the_first_type_in_the_clinics_order_that_has_free_times(anon_client, clinic):
    # A new first type: online and allowed in a template, but its arbeidsplan has ended.
    anne = practs(clinic)["Anne Lie"]
    first = AppointmentType.objects.create(clinic=clinic, name="Akupunktur", duration_minutes=30, price=600,
                                           online=True, sort_order=0)
    old = WeekTemplate.objects.create(practitioner=anne, name="I fjor")
    TemplatePeriod.objects.create(template=old, start_date=monday() - timedelta(days=400),
                                  end_date=monday() - timedelta(days=300))
    TemplateBlock.objects.create(template=old, weekday=0, start_time=time(8), end_time=time(9)) \
        .appointment_types.set([first])
    r = anon_client.get(url(clinic))
    sel = r.context["sel"]
    assert [t.name for t in sel.types] == ["Akupunktur", "Førstegangstime", "Oppfølging"]
    assert sel.appointment_type.name == "Førstegangstime"
    assert sel.first_free is not None and sel.slots
    assert not [n for n in sel.notices if "ingen ledige timer" in str(n)]


def test_a_type_no_practitioner_offers_is_never_listed_nor_the_default(anon_client, clinic):
    AppointmentType.objects.create(clinic=clinic, name="Akupunktur", duration_minutes=30, online=True, sort_order=0)
    # Offered only by Cecilie, who has no online timebok.
    ghost = AppointmentType.objects.create(clinic=clinic, name="Svimmelhet", duration_minutes=30, online=True,
                                           sort_order=0)
    cecilie_block = TemplateBlock.objects.filter(template__practitioner__name="Cecilie Ås").first()
    cecilie_block.appointment_types.add(ghost)
    sel = anon_client.get(url(clinic)).context["sel"]
    assert [t.name for t in sel.types] == ["Førstegangstime", "Oppfølging"]
    assert sel.appointment_type.name == "Førstegangstime"
    api = anon_client.get(f"{API}{clinic.slug}/appointment-types").json()
    assert [t["name"] for t in api] == ["Førstegangstime", "Oppfølging"]
    # Its availability answers plainly, never a 500.
    r = anon_client.get(f"{API}{clinic.slug}/availability", {"timetype": ghost.pk, "to": monday().isoformat()})
    assert r.status_code == 200 and all(d["free"] == 0 for d in r.json()["days"])


def test_a_linked_type_without_free_times_says_so_with_the_clinics_phone(anon_client, clinic):
    follow = types(clinic)["Oppfølging"]
    TemplatePeriod.objects.filter(template__practitioner__clinic=clinic).update(
        end_date=monday() - timedelta(days=60), start_date=monday() - timedelta(days=90))
    r = anon_client.get(url(clinic), {"timetype": follow.pk})
    html = r.content.decode()
    assert r.context["sel"].appointment_type == follow
    assert "Det er ingen ledige timer for «Oppfølging» på nett nå. Ring klinikken på 22 00 00 00 for å " \
           "bestille time." in html
    status = html[html.index('id="times-status"'):]
    assert status[:status.index("</p>")].endswith(">Ingen ledige timer å velge.")
    # Without a type in the link, and nothing free anywhere: the same plain words.
    html = anon_client.get(url(clinic)).content.decode()
    assert "Det er ingen ledige timer på nett nå. Ring klinikken på 22 00 00 00 for å bestille time." in html


# --- A ukemal link ---------------------------------------------------------------------------

def test_a_ukemal_link_shows_only_its_templates_days_and_times(anon_client, clinic, evening):
    r = anon_client.get(url(clinic), {"ukemal": evening.pk})
    sel = r.context["sel"]
    assert [t.name for t in sel.types] == ["Oppfølging"]
    assert sel.practitioner == evening.practitioner and [p.name for p in sel.practitioners] == ["Anne Lie"]
    assert "Første ledige behandler" not in r.content.decode()
    # Opens on its first free day: a Wednesday, with evening times only.
    assert sel.day.weekday() == 2 and sel.day >= monday()
    local = [s.start.astimezone(clinic.tz).time() for s in sel.slots]
    assert local == [time(17), time(17, 30), time(18), time(18, 30)]
    free_days = {c.day for week in sel.weeks for c in week if c.selectable}
    assert free_days and {d.weekday() for d in free_days} == {2}
    # Monday, in the everyday template, is not offered through this link.
    r = anon_client.get(url(clinic), {"ukemal": evening.pk, "dato": monday().isoformat()})
    assert r.context["sel"].day.weekday() == 2


def test_a_ukemal_link_cannot_book_a_time_outside_its_template(anon_client, clinic, evening):
    anne = practs(clinic)["Anne Lie"]
    outside = form_data(clinic, hour=9, ukemal=str(evening.pk))  # Monday 09:00, free in the everyday template
    r = anon_client.post(url(clinic), outside)
    assert r.status_code == 422
    assert "Velg en av de ledige timene" in r.content.decode()
    inside = form_data(clinic, hour=17, ukemal=str(evening.pk), dato=wednesday().isoformat(),
                       tid=at(wednesday(), 17).isoformat())
    r = anon_client.post(url(clinic), inside)
    assert r.status_code == 200 and "Oppsummering" in r.content.decode()
    token = r.context["token"]
    r = anon_client.post(f"{url(clinic)}bekreft/", {"utkast": token, "handling": "godkjenn"})
    assert r.status_code == 302
    appt = Appointment.objects.get()
    assert appt.practitioner == anne and appt.start == at(wednesday(), 17)


def test_the_booking_request_holds_the_template(clinic, evening):
    patient = {"fornavn": "Kari", "etternavn": "Nordmann", "fodselsnummer": FNR, "epost": "kari@example.com",
               "telefon": "41234567", "kommentar": ""}
    follow = types(clinic)["Oppfølging"]
    with pytest.raises(BookingRequestInvalid) as caught:
        prepare_booking(clinic, timetype=follow.pk, ukemal=evening.pk, start=at(monday(), 9), patient=patient)
    assert caught.value.conflict == "not_available"
    assert caught.value.alternatives
    assert {s.start.astimezone(clinic.tz).weekday() for s in caught.value.alternatives} == {2}
    booking = prepare_booking(clinic, timetype=follow.pk, ukemal=evening.pk, start=at(wednesday(), 18),
                              patient=patient)
    assert booking.template == evening and booking.slot.practitioner_id == evening.practitioner_id
    # Another practitioner than the template's, or a type it does not allow: refused.
    bjorn = practs(clinic)["Bjørn Dahl"]
    for kw in ({"behandler": bjorn.pk}, {"timetype": types(clinic)["Førstegangstime"].pk}):
        args = {"timetype": follow.pk, "ukemal": evening.pk, "start": at(wednesday(), 18), "patient": patient, **kw}
        with pytest.raises(BookingRequestInvalid) as caught:
            prepare_booking(clinic, **args)
        assert "ukemal" in caught.value.errors


def test_the_api_takes_the_ukemal_too(anon_client, clinic, evening):
    follow = types(clinic)["Oppfølging"]
    anne, bjorn = practs(clinic)["Anne Lie"], practs(clinic)["Bjørn Dahl"]
    base = f"{API}{clinic.slug}/"
    got = anon_client.get(f"{base}practitioners", {"timetype": follow.pk, "ukemal": evening.pk}).json()
    assert [p["id"] for p in got] == [anne.pk]
    days = anon_client.get(f"{base}availability", {"timetype": follow.pk, "ukemal": evening.pk,
                                                   "from": monday().isoformat(),
                                                   "to": (monday() + timedelta(days=6)).isoformat()}).json()["days"]
    assert [d["free"] for d in days] == [0, 0, 4, 0, 0, 0, 0]
    slots = anon_client.get(f"{base}slots", {"timetype": follow.pk, "ukemal": evening.pk,
                                             "date": monday().isoformat()}).json()["slots"]
    assert slots == []
    for params in ({"behandler": bjorn.pk}, {"timetype": types(clinic)["Førstegangstime"].pk},
                   {"ukemal": 999999}):
        query = {"timetype": follow.pk, "ukemal": evening.pk, "date": wednesday().isoformat(), **params}
        assert anon_client.get(f"{base}slots", query).status_code == 404
    assert anon_client.get(f"{base}slots", {"timetype": follow.pk, "ukemal": "", "date": wednesday().isoformat()}
                           ).status_code == 422
    body = {"timetype": follow.pk, "ukemal": evening.pk, "start": at(monday(), 9).isoformat(), "fornavn": "Kari",
            "etternavn": "Nordmann", "fodselsnummer": FNR, "epost": "kari@example.com", "telefon": "41234567"}
    r = anon_client.post(f"{base}bookings", json.dumps(body), content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "not_available"
    assert all(a["start"].startswith(wednesday().isoformat()) or a["behandler"] == anne.pk
               for a in r.json()["alternatives"])
    body["start"] = at(wednesday(), 17, 30).isoformat()
    r = anon_client.post(f"{base}bookings", json.dumps(body), content_type="application/json")
    assert r.status_code == 201 and r.json()["behandler"] == anne.pk
