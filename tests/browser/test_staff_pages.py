"""The staff module in a browser: log in as the demo user, the overview, Innstillinger and
the booking-link generator; axe on both pages; no horizontal scrolling at 375 px."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.axe import assert_no_axe_violations
from tests.factories import details, valid_fnr
from timebok.appointments.models import Appointment
from timebok.appointments.services import availability
from timebok.appointments.services.booking import book_appointment
from timebok.clinics.demo import load_demo
from timebok.clinics.models import AppointmentType, WeekTemplate
from timebok.core.display import local_today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo():
    return load_demo()


def login(page, base_url):
    """Log in as the demo staff user (demo/demo, created by load_demo)."""
    page.goto(f"{base_url}/timebok/logg-inn/")
    page.get_by_label("Brukernavn").fill("demo")
    page.get_by_label("Passord").fill("demo")
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state()


def test_demo_user_logs_in_and_sees_the_overview(live_server, page, demo):
    login(page, live_server.url)
    assert page.url.endswith("/timebok/demo/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Timebok")
    # A day with appointments, in one practitioner's week view.
    appt = Appointment.objects.filter(clinic=demo, status="booked").order_by("start").first()
    page.goto(f"{live_server.url}/timebok/demo/oversikt/")
    page.get_by_label("Behandler").select_option(str(appt.practitioner_id))
    page.get_by_label("Dato").fill(appt.start.astimezone(demo.tz).date().isoformat())
    page.get_by_label("Uke").check()
    page.get_by_role("button", name="Vis", exact=True).click()
    assert page.locator(f"#time-{appt.pk}").is_visible()
    assert_no_axe_violations(page)

    # Reveal one number: the full 11 digits appear for that patient.
    page.locator(f"#time-{appt.pk}").get_by_role("button", name=re.compile("Vis fødselsnummer")).click()
    assert re.search(r"\b\d{11}\b", page.locator(f"#time-{appt.pk} .fnr").inner_text())
    assert_no_axe_violations(page)


def test_innstillinger_link_generator(live_server, page, demo):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    login(page, live_server.url)
    page.get_by_role("link", name="Innstillinger").click()
    assert page.get_by_role("heading", name="Innstillinger", level=1).is_visible()
    assert page.get_by_label("Sporingslenke for brukersøk på bestillingssiden").is_visible()
    assert page.get_by_label("Sporingslenke for gjennomførte bestillinger").is_visible()
    assert_no_axe_violations(page)

    # A type, for any practitioner.
    first = AppointmentType.objects.get(clinic=demo, name="Førstegangskonsultasjon")
    page.locator(f"#lenke-t{first.pk}").check()
    page.get_by_role("button", name="Lag lenke").click()
    expected = f"{live_server.url}/b/demo/?timetype={first.pk}"
    assert page.get_by_label("Lenke", exact=True).input_value() == expected
    assert page.locator(".qr svg").is_visible()
    page.get_by_role("button", name="Kopier lenken").click()
    expect(page.locator(".copy-status")).to_have_text("Kopiert.")
    assert page.evaluate("navigator.clipboard.readText()") == expected
    assert_no_axe_violations(page)
    with page.expect_popup() as popup_info:
        page.get_by_role("link", name=re.compile("Klikk for å åpne lenken")).click()
    popup = popup_info.value
    assert popup.url == expected
    popup.close()

    # A week template.
    tmpl = WeekTemplate.objects.get(practitioner__clinic=demo, name="Onsdag kveld")
    page.get_by_label("Ukemal «Onsdag kveld»").check()
    page.get_by_role("button", name="Lag lenke").click()
    expected = f"{live_server.url}/b/demo/?ukemal={tmpl.pk}"
    assert page.get_by_label("Lenke", exact=True).input_value() == expected
    with page.expect_popup() as popup_info:
        page.get_by_role("link", name=re.compile("Klikk for å åpne lenken")).click()
    assert popup_info.value.url == expected


def test_tracking_link_validation_in_the_browser(live_server, page, demo):
    login(page, live_server.url)
    page.goto(f"{live_server.url}/timebok/demo/innstillinger/")
    field = page.get_by_label("Sporingslenke for brukersøk på bestillingssiden")
    field.fill("http://tracker.example/s")
    page.get_by_role("button", name="Lagre sporingslenker").click()
    field = page.get_by_label("Sporingslenke for brukersøk på bestillingssiden")
    assert field.input_value() == "http://tracker.example/s"
    assert field.get_attribute("aria-invalid") == "true"
    assert "https://" in page.locator("#id_tracking_search_url-error").inner_text()
    assert_no_axe_violations(page)


@pytest.mark.parametrize("path", ["", "oversikt/", "innstillinger/?lenke=t1"])
def test_no_horizontal_scrolling_on_a_phone(live_server, phone_page, demo, path):
    login(phone_page, live_server.url)
    phone_page.goto(f"{live_server.url}/timebok/demo/{path}")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375


@pytest.mark.parametrize("pg", ["page", "phone_page"])
def test_details_that_differ_from_the_record_are_flagged_and_accepted(live_server, demo, pg, request):
    """Two online bookings with one fødselsnummer and different details: the second is
    flagged with both versions (axe-clean, at 1280 and 375 px), and accepting updates the record."""
    page = request.getfixturevalue(pg)
    atype = AppointmentType.objects.get(clinic=demo, name="Oppfølgingstime")
    free = None
    day = local_today(demo) + timedelta(days=3)
    while free is None or len(free) < 2:
        day += timedelta(days=1)
        free = availability.free_slots(demo, atype, None, day)
    fnr = valid_fnr(1, 2, 73)
    book_appointment(clinic=demo, appointment_type=atype, start=free[0].start,
                     practitioner=demo.practitioners.get(pk=free[0].practitioner_id), patient=details(fnr=fnr))
    second = book_appointment(clinic=demo, appointment_type=atype, start=free[1].start,
                              practitioner=demo.practitioners.get(pk=free[1].practitioner_id),
                              patient=details(fnr=fnr, first_name="Karianne", email="annen@example.com"))
    login(page, live_server.url)
    page.goto(f"{live_server.url}/timebok/demo/oversikt/")
    page.get_by_label("Behandler").select_option(str(second.practitioner_id))
    page.get_by_label("Dato").fill(day.isoformat())
    page.get_by_role("button", name="Vis", exact=True).click()
    box = page.locator(f"#time-{second.pk} .differs")
    expect(box).to_contain_text("Oppgitte opplysninger avviker fra pasientkortet")
    expect(box).to_contain_text("annen@example.com")
    assert_no_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    box.get_by_role("button", name=re.compile("Oppdater pasientkortet")).click()
    expect(page.get_by_text("Pasientkortet er oppdatert")).to_be_visible()
    expect(page.locator(f"#time-{second.pk} .differs")).to_have_count(0)
    second.patient.refresh_from_db()
    assert (second.patient.first_name, second.patient.email) == ("Karianne", "annen@example.com")


@pytest.mark.parametrize("pg", ["page", "phone_page"])
def test_a_user_chooses_english_in_min_profil(live_server, demo, pg, request):
    page = request.getfixturevalue(pg)
    login(page, live_server.url)
    page.get_by_role("link", name="Min profil").click()
    page.get_by_role("heading", name="Min profil").wait_for()
    assert_no_axe_violations(page)
    page.get_by_label("English").check()
    page.get_by_role("button", name="Lagre").click()
    page.get_by_role("heading", name="My profile").wait_for()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Your profile has been saved." in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    assert_no_axe_violations(page)
    page.goto(f"{live_server.url}/timebok/demo/innstillinger/?lenke=t{demo.appointment_types.first().pk}&sprak=en")
    page.get_by_role("heading", name="Settings").wait_for()
    assert "lang=en" in page.locator("#link-url").input_value()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    assert_no_axe_violations(page)
