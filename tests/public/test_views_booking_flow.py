"""POST /b/<clinic>/ ("Neste", "Rediger booking") and /b/<clinic>/bekreft/ ("Godkjenn og
gjennomfør"), then the receipt."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from django.test import override_settings

from tests.factories import FNR, at, book, details, monday, practs, types, valid_fnr
from tests.public.conftest import form_data
from timebok.appointments.models import Appointment, Patient
from timebok.appointments.services.booking import PatientDetails, book_appointment
from timebok.public import drafts

pytestmark = pytest.mark.django_db


def url(clinic, step: str = "") -> str:
    return f"/b/{clinic.slug}/{step}"


def token_of(html: str) -> str:
    return re.search(r'name="utkast" value="([^"]+)"', html).group(1)


def summary(client, clinic, **kw):
    r = client.post(url(clinic), form_data(clinic, **kw))
    assert r.status_code == 200, r.content.decode()[:2000]
    return r


def test_neste_shows_summary_with_masked_fnr_and_no_clear_fnr(anon_client, clinic):
    r = summary(anon_client, clinic)
    html = r.content.decode()
    assert "Oppsummering" in html
    assert FNR[:6] + "*****" in html
    assert FNR not in html  # not even in the hidden draft: it is encrypted
    for text in ("Oppfølging", "Anne Lie", "kl. 09:00–09:30", "Kirkegata 2, 3. etasje", "kr 650", "Kari",
                 "Nordmann", "kari@example.com", "412 34 567", "Vondt i kneet",
                 "Godkjenn og gjennomfør", "Rediger booking"):
        assert text in html, text
    assert Appointment.objects.count() == 0
    assert r.context["draft"].key.startswith("web:")


def test_first_free_practitioner_gets_a_named_practitioner_on_the_summary(anon_client, clinic):
    r = summary(anon_client, clinic, practitioner=None)
    assert r.context["practitioner"].name == "Anne Lie"  # fewest appointments that day, then lowest id
    assert "første ledige behandler" in r.content.decode()
    # Booked with that practitioner, and marked "first free": the patient may move it to anyone.
    anon_client.post(url(clinic, "bekreft/"), {"utkast": token_of(r.content.decode()), "handling": "godkjenn"})
    appt = Appointment.objects.get()
    assert appt.practitioner.name == "Anne Lie" and appt.any_practitioner


def test_a_chosen_practitioner_is_not_first_free(anon_client, clinic):
    r = summary(anon_client, clinic)
    anon_client.post(url(clinic, "bekreft/"), {"utkast": token_of(r.content.decode()), "handling": "godkjenn"})
    assert not Appointment.objects.get().any_practitioner


@pytest.mark.parametrize(("field", "value", "message"), [
    ("fodselsnummer", "15058512345", "Fødselsnummeret er ikke gyldig"),
    ("fodselsnummer", "1234", "Fødselsnummeret må ha 11 siffer."),
    ("fodselsnummer", "", "Fyll inn fullt fødselsnummer"),
    ("epost", "kari@", "E-postadressen er ikke gyldig."),
    ("telefon", "12", "Telefonnummeret er ikke gyldig."),
    ("fornavn", "", "Fyll inn fornavn."),
    ("etternavn", "x" * 101, "Bruk høyst 100 tegn."),
    ("kommentar", "x" * 1001, "Kommentaren kan ha høyst 1000 tegn."),
])
def test_wrong_field_gets_a_message_next_to_it_and_nothing_is_lost(anon_client, clinic, field, value, message):
    data = form_data(clinic, **{field: value})
    r = anon_client.post(url(clinic), data)
    assert r.status_code == 422
    html = r.content.decode()
    error = re.search(rf'<p class="error" id="f-{field}-error">([^<]*)</p>', html)
    assert error and message in error.group(1)
    assert f'aria-describedby="f-{field}-hint f-{field}-error"' in html or \
        f'aria-describedby="f-{field}-error"' in html
    for name in ("fornavn", "etternavn", "fodselsnummer", "epost", "telefon"):
        if name != field:
            assert f'value="{data[name]}"' in html
    assert ">Vondt i kneet</textarea>" in html or field == "kommentar"
    # The chosen time is still chosen.
    assert re.search(rf'value="{re.escape(data["tid"])}" checked', html)
    assert Appointment.objects.count() == 0


def test_synthetic_fnr_only_where_allowed(anon_client, clinic):
    tenor = valid_fnr(15, 5, 85, offset=80)
    assert anon_client.post(url(clinic), form_data(clinic, fodselsnummer=tenor)).status_code == 200
    with override_settings(ALLOW_TEST_IDENTITIES=False):
        r = anon_client.post(url(clinic), form_data(clinic, fodselsnummer=tenor))
    assert r.status_code == 422
    assert "Testnummer kan ikke brukes her." in r.content.decode()


def test_missing_or_taken_time_is_an_error_on_the_times(anon_client, clinic):
    r = anon_client.post(url(clinic), form_data(clinic, tid=""))
    assert r.status_code == 422 and "Velg et tidspunkt" in r.content.decode()
    r = anon_client.post(url(clinic), form_data(clinic, tid="not-a-time"))
    assert r.status_code == 422
    r = anon_client.post(url(clinic), form_data(clinic, hour=12, minute=0, tid=at(monday(), 11, 45).isoformat()))
    assert r.status_code == 422 and "Tidspunktet kan ikke bestilles." in r.content.decode()
    book(clinic, start=at(monday(), 9), patient=details(7))
    r = anon_client.post(url(clinic), form_data(clinic, hour=9))
    assert r.status_code == 422 and "Tidspunktet er ikke lenger ledig." in r.content.decode()


def test_honeypot_is_refused_without_booking(anon_client, clinic):
    r = anon_client.post(url(clinic), form_data(clinic, nettsted="http://spam.example"))
    assert r.status_code == 400
    assert "ble ikke sendt" in r.content.decode()


def test_godkjenn_books_and_redirects_to_the_receipt(anon_client, clinic):
    token = token_of(summary(anon_client, clinic).content.decode())
    r = anon_client.post(url(clinic, "bekreft/"), {"utkast": token, "handling": "godkjenn"})
    assert r.status_code == 302
    appt = Appointment.objects.get()
    assert appt.source == "online" and appt.practitioner.name == "Anne Lie"
    assert appt.start == at(monday(), 9) and appt.comment == "Vondt i kneet"
    assert Patient.objects.get().reveal_fnr() == FNR
    assert FNR not in r["Location"] and appt.reference not in r["Location"]
    receipt = anon_client.get(r["Location"])
    html = receipt.content.decode()
    assert receipt.status_code == 200
    for text in (appt.reference, "kl. 09:00–09:30", "Anne Lie", "Kirkegata 2, 3. etasje", "kr 650"):
        assert text in html
    assert FNR not in html and FNR[:6] not in html
    assert receipt.context["tracking_event"] == "booked"
    assert "frame-ancestors *" in receipt["Content-Security-Policy"]


def test_double_click_refresh_and_back_resubmit_book_once(anon_client, clinic):
    token = token_of(summary(anon_client, clinic).content.decode())
    locations = {anon_client.post(url(clinic, "bekreft/"), {"utkast": token, "handling": "godkjenn"})["Location"]
                 for _ in range(3)}
    assert Appointment.objects.count() == 1
    assert len(locations) == 1


def test_existing_patient_is_matched_by_fnr(anon_client, clinic):
    for hour, email in ((9, "kari@example.com"), (10, "ny@example.com")):
        token = token_of(summary(anon_client, clinic, hour=hour, epost=email).content.decode())
        receipt = anon_client.post(url(clinic, "bekreft/"), {"utkast": token, "handling": "godkjenn"}, follow=True)
        # The receipt names where this booking's confirmation went.
        assert email in receipt.content.decode()
    patient = Patient.objects.get()  # matched, and never changed by a booking
    assert patient.email == "kari@example.com" and patient.appointments.count() == 2
    assert sorted(patient.appointments.values_list("email", flat=True)) == ["kari@example.com", "ny@example.com"]


def test_rediger_booking_keeps_every_field_and_the_time(anon_client, clinic):
    data = form_data(clinic, hour=10)
    token = token_of(anon_client.post(url(clinic), data).content.decode())
    r = anon_client.post(url(clinic), {"utkast": token, "handling": "rediger"})
    assert r.status_code == 200
    html = r.content.decode()
    for name in ("fornavn", "etternavn", "fodselsnummer", "epost"):
        assert f'value="{data[name]}"' in html
    assert 'value="+4741234567"' in html  # normalised
    assert ">Vondt i kneet</textarea>" in html
    assert re.search(rf'value="{re.escape(data["tid"])}" checked', html)
    assert r.context["sel"].practitioner.name == "Anne Lie"


def test_taken_between_summary_and_confirm_offers_nearest_times(anon_client, clinic):
    token = token_of(summary(anon_client, clinic).content.decode())
    t = types(clinic)["Oppfølging"]
    book_appointment(clinic=clinic, appointment_type=t, practitioner=practs(clinic)["Anne Lie"],
                     start=at(monday(), 9), patient=PatientDetails("Ola", "Raskere", valid_fnr(2, 2, 92)))
    r = anon_client.post(url(clinic, "bekreft/"), {"utkast": token, "handling": "godkjenn"})
    assert r.status_code == 409
    html = r.content.decode()
    assert "nettopp tatt" in html
    alternatives = re.findall(r'name="tid" id="alt-\d+" value="([^"]+)"', html)
    assert alternatives and at(monday(), 9).isoformat() not in alternatives
    assert "Kari" in html  # the form is kept

    new_token = token_of(html)
    r = anon_client.post(url(clinic, "bekreft/"), {"utkast": new_token, "handling": "velg_tid",
                                                   "tid": alternatives[0]})
    assert r.status_code == 200 and "Godkjenn og gjennomfør" in r.content.decode()
    r = anon_client.post(url(clinic, "bekreft/"), {"utkast": token_of(r.content.decode()), "handling": "godkjenn"})
    assert r.status_code == 302
    mine = Appointment.objects.exclude(patient__first_name="Ola").get()
    assert mine.start == datetime.fromisoformat(alternatives[0])  # the chosen alternative


def test_limit_reached_is_explained(anon_client, clinic):
    clinic.max_future_bookings = 1
    clinic.save(update_fields=["max_future_bookings"])
    for hour in (9, 10):
        token = token_of(summary(anon_client, clinic, hour=hour).content.decode())
        r = anon_client.post(url(clinic, "bekreft/"), {"utkast": token, "handling": "godkjenn"})
    assert r.status_code == 409
    assert "Ring klinikken på 22 00 00 00 for å bestille time." in r.content.decode()
    assert Appointment.objects.count() == 1


def test_tampered_or_foreign_draft_is_refused(anon_client, clinic, other_clinic):
    token = token_of(summary(anon_client, clinic).content.decode())
    for bad in ("", "garbage", token[:-4] + "AAAA"):
        r = anon_client.post(url(clinic, "bekreft/"), {"utkast": bad, "handling": "godkjenn"})
        assert r.status_code == 200 and "utløpt" in r.content.decode()
    r = anon_client.post(url(other_clinic, "bekreft/"), {"utkast": token, "handling": "godkjenn"})
    assert "utløpt" in r.content.decode()
    assert Appointment.objects.count() == 0


def test_expired_draft_is_refused(anon_client, clinic, monkeypatch):
    token = token_of(summary(anon_client, clinic).content.decode())
    monkeypatch.setattr(drafts, "DRAFT_TTL_SECONDS", -1)
    r = anon_client.post(url(clinic, "bekreft/"), {"utkast": token, "handling": "godkjenn"})
    assert "utløpt" in r.content.decode() and Appointment.objects.count() == 0


@override_settings(BOOKING_RATE_LIMIT=2)
def test_rate_limit_gives_a_clear_429_page(anon_client, clinic):
    statuses = []
    for hour in (9, 10, 11):
        token = token_of(summary(anon_client, clinic, hour=hour).content.decode())
        statuses.append(anon_client.post(url(clinic, "bekreft/"), {"utkast": token, "handling": "godkjenn"}))
    assert [r.status_code for r in statuses] == [302, 302, 429]
    assert "For mange forsøk" in statuses[-1].content.decode()
    assert Appointment.objects.count() == 2


def test_closed_clinic_cannot_confirm(anon_client, clinic):
    token = token_of(summary(anon_client, clinic).content.decode())
    clinic.online_booking = False
    clinic.save(update_fields=["online_booking"])
    r = anon_client.post(url(clinic, "bekreft/"), {"utkast": token, "handling": "godkjenn"})
    assert r.status_code == 200 and "tar ikke imot bestillinger på nett" in r.content.decode()
    assert Appointment.objects.count() == 0


def test_receipt_needs_its_signed_token(anon_client, clinic, other_clinic):
    token = token_of(summary(anon_client, clinic).content.decode())
    location = anon_client.post(url(clinic, "bekreft/"), {"utkast": token, "handling": "godkjenn"})["Location"]
    reference = Appointment.objects.get().reference
    assert anon_client.get(url(clinic, f"kvittering/{reference}/")).status_code == 404
    assert anon_client.get(location.replace(f"/b/{clinic.slug}/", f"/b/{other_clinic.slug}/")).status_code == 404
    assert anon_client.get(location[:-3] + "xx/").status_code == 404


def test_get_on_confirm_is_not_allowed(anon_client, clinic):
    assert anon_client.get(url(clinic, "bekreft/")).status_code == 405


def test_practitioner_gone_offline_is_not_replaced_silently(anon_client, clinic):
    token = token_of(summary(anon_client, clinic).content.decode())
    anne = practs(clinic)["Anne Lie"]
    anne.online = False
    anne.save(update_fields=["online"])
    r = anon_client.post(url(clinic, "bekreft/"), {"utkast": token, "handling": "godkjenn"})
    assert r.status_code == 409 and "tar ikke imot bestillinger" in r.content.decode()
    assert Appointment.objects.count() == 0


# --- The language switch ----------------------------------------------------------------------


def _field_value(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    return match.group(1) if match else ""


def test_the_switch_on_the_booking_page_keeps_everything_typed_and_chosen(client, clinic):
    typed = form_data(clinic, hour=10, kommentar="Vondt i kneet", practitioner="Bjørn Dahl")
    r = client.post(f"/b/{clinic.slug}/", {**typed, "bytt_sprak": "en"})
    html = r.content.decode()
    assert r.status_code == 200 and r["Content-Language"] == "en"
    assert "<h1>Book an appointment</h1>" in html and "Noe må rettes" not in html  # nothing was checked yet
    for name in ("fornavn", "etternavn", "epost", "fodselsnummer"):
        assert _field_value(html, name) == typed[name], name
    assert "Vondt i kneet</textarea>" in html
    assert re.search(rf'value="{re.escape(typed["tid"])}" checked', html)  # the chosen time
    assert f'<option value="{typed["behandler"]}" selected>' in html
    assert html.count('<input type="hidden" name="lang" value="en">') == 2
    # And back: the switch offers Norsk now.
    assert 'name="bytt_sprak" value="nb"' in html and ">Norsk</button>" in html
    back = client.post(f"/b/{clinic.slug}/", {**typed, "lang": "en", "bytt_sprak": "nb"})
    assert back["Content-Language"] == "nb" and _field_value(back.content.decode(), "fornavn") == "Kari"
    assert not Appointment.objects.exists()


def test_enter_in_a_field_still_means_neste(client, clinic):
    """The switch is a submit button of the booking form placed before it: a hidden default
    button before the switch keeps implicit submission (Enter) on "Neste"."""
    html = client.get(f"/b/{clinic.slug}/").content.decode()
    default = html.index('<button type="submit" form="bestilling" hidden></button>')
    switch = html.index('name="bytt_sprak" value="en"')
    assert default < switch < html.index('id="bestilling"')


def test_the_switch_on_the_summary_keeps_the_draft(client, clinic):
    summary = client.post(f"/b/{clinic.slug}/", form_data(clinic))
    token = _field_value(summary.content.decode(), "utkast")
    r = client.post(f"/b/{clinic.slug}/bekreft/", {"utkast": token, "bytt_sprak": "en"})
    html = r.content.decode()
    assert r.status_code == 200 and "<h1>Summary</h1>" in html and "Confirm and book" in html
    assert "Kari" in html and "Vondt i kneet" in html and "NOK 650" in html
    token = _field_value(html, "utkast")
    done = client.post(f"/b/{clinic.slug}/bekreft/", {"utkast": token, "handling": "godkjenn", "lang": "en"})
    assert done.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.language == "en"
    receipt = client.get(done["Location"], HTTP_ACCEPT_LANGUAGE="nb")
    assert receipt["Content-Language"] == "en" and "Your appointment is booked" in receipt.content.decode()
    assert client.get(done["Location"] + "?lang=nb")["Content-Language"] == "nb"


def test_the_draft_remembers_the_language_when_a_form_does_not_say(client, clinic):
    summary = client.post(f"/b/{clinic.slug}/", {**form_data(clinic), "lang": "en"})
    token = _field_value(summary.content.decode(), "utkast")
    assert drafts.loads(token, clinic.slug).language == "en"
    # A POST without the language (e.g. a page cached before the switch existed): the draft's.
    edit = client.post(f"/b/{clinic.slug}/", {"utkast": token, "handling": "rediger"}, HTTP_ACCEPT_LANGUAGE="nb")
    assert edit["Content-Language"] == "en"
    done = client.post(f"/b/{clinic.slug}/bekreft/", {"utkast": token, "handling": "godkjenn"})
    assert done.status_code == 302 and Appointment.objects.get().language == "en"


def test_an_expired_draft_on_the_switch_says_so(client, clinic):
    r = client.post(f"/b/{clinic.slug}/bekreft/", {"utkast": "x", "bytt_sprak": "en"})
    assert "The booking has expired" in r.content.decode()


def test_pages_without_a_form_switch_by_link(client, clinic):
    appt = book(clinic, patient=details(4))
    html = client.get(f"/t/{appt.manage_token}/").content.decode()
    assert re.search(r'<a href="/t/[\w-]+/\?lang=en" lang="en" hreflang="en" class="lang-switch__link">English</a>',
                     html)
    assert 'href="/b/nope/?lang=en"' in client.get("/b/nope/").content.decode()
    # A page answering a POST links to the booking page, which answers GET.
    rejected = client.post(f"/b/{clinic.slug}/", form_data(clinic, nettsted="x")).content.decode()
    assert f'<a href="/b/{clinic.slug}/?lang=en" lang="en"' in rejected
