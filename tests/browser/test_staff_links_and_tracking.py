"""End to end with the real booking page: the demo staff user generates links and opens them
through "Klikk for å åpne lenken"; the clinic's tracking links fire exactly as specified
through a complete booking (nothing before consent, one search hit, one booked hit, no
personal data) and never after "Avslå"."""

from __future__ import annotations

import re

import pytest

from tests.axe import assert_no_axe_violations
from tests.browser.test_booking_flow import FNR, choose_first_time, fill_details, open_page, settled
from tests.browser.test_staff_pages import login
from timebok.appointments.models import Appointment
from timebok.clinics.demo import load_demo
from timebok.clinics.models import AppointmentType, WeekTemplate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEARCH = "https://tracker.example/pixel?id=AW-1&ev=sok"
BOOKED = "https://tracker.example/pixel?id=AW-1&ev=bestilt"
GIF = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")
# What the patient types, and the type's name: none of it may reach the tracker.
PERSONAL = [FNR, FNR[:6], "Kari", "Nordmann", "kari@example.com", "kari%40example.com", "41234567",
            "Vondt", "Oppf", "konsultasjon", "kontroll"]


@pytest.fixture
def demo():
    return load_demo()


def open_link(page, choice_locator):
    choice_locator.check()
    page.get_by_role("button", name="Lag lenke").click()
    with page.expect_popup() as popup_info:
        page.get_by_role("link", name=re.compile("Klikk for å åpne lenken")).click()
    popup = popup_info.value
    popup.wait_for_load_state()
    return popup


def test_generated_links_open_the_booking_page_with_the_preselection(live_server, page, demo):
    login(page, live_server.url)
    page.goto(f"{live_server.url}/timebok/demo/innstillinger/")

    follow = AppointmentType.objects.get(clinic=demo, name="Oppfølgingstime")
    popup = open_link(page, page.locator(f"#lenke-t{follow.pk}"))
    assert popup.url == f"{live_server.url}/b/demo/?timetype={follow.pk}"
    assert popup.get_by_label("Timetype").input_value() == str(follow.pk)
    assert "Oppfølgingstime" in popup.locator("#timetype option:checked").inner_text()
    popup.close()

    tmpl = WeekTemplate.objects.get(practitioner__clinic=demo, name="Onsdag kveld")
    popup = open_link(page, page.get_by_label("Ukemal «Onsdag kveld»"))
    assert popup.url == f"{live_server.url}/b/demo/?ukemal={tmpl.pk}"
    options = [o.strip() for o in popup.get_by_label("Timetype").locator("option").all_inner_texts()]
    assert sorted(options) == ["Kort kontroll", "Oppfølgingstime"]  # all the template's types, only those
    assert popup.get_by_label("Behandler").input_value() == str(tmpl.practitioner_id)
    popup.close()


def set_tracking_links(page, base_url):
    """As the demo staff user, through Innstillinger."""
    login(page, base_url)
    page.goto(f"{base_url}/timebok/demo/innstillinger/")
    page.get_by_label("Sporingslenke for brukersøk på bestillingssiden").fill(SEARCH)
    page.get_by_label("Sporingslenke for gjennomførte bestillinger").fill(BOOKED)
    page.get_by_role("button", name="Lagre sporingslenker").click()
    page.get_by_text("Sporingslenkene er lagret.").wait_for()


def patient_page(browser):
    context = browser.new_context(locale="nb-NO", viewport={"width": 1280, "height": 900})
    return context, context.new_page()


def intercept(pg) -> list[dict]:
    seen: list[dict] = []

    def handle(route, request):
        seen.append({"url": request.url, "headers": dict(request.headers)})
        route.fulfill(status=200, content_type="image/gif", body=GIF)

    pg.route("https://tracker.example/**", handle)
    return seen


def book_through_the_page(pg) -> None:
    pg.get_by_label("Timetype").select_option(label="Oppfølgingstime")
    settled(pg)
    days = pg.get_by_role("button", name=re.compile(r", (mange|få) ledige$"))
    days.last.click()
    settled(pg)
    choose_first_time(pg)
    fill_details(pg)
    pg.get_by_role("button", name="Neste", exact=True).click()
    pg.get_by_role("heading", name="Oppsummering").wait_for()
    pg.get_by_role("button", name="Godkjenn og gjennomfør").click()
    pg.get_by_role("heading", name="Timen er bestilt").wait_for()


def ready(pg) -> None:
    pg.locator("#tb-tracking[data-state=ready]").wait_for(state="attached")


def sent(pg) -> str:
    return pg.locator("#tb-tracking").get_attribute("data-sent") or ""


def test_tracking_fires_once_each_after_consent_without_personal_data(live_server, page, browser, demo):
    set_tracking_links(page, live_server.url)
    context, pg = patient_page(browser)
    try:
        hits = intercept(pg)
        open_page(pg, live_server, demo)
        banner = pg.get_by_role("region", name="Sporing")
        assert banner.is_visible()
        assert_no_axe_violations(pg)  # the banner on the booking page
        pg.get_by_label("Timetype").select_option(label="Kort kontroll")  # a search, but no consent yet
        settled(pg)
        assert sent(pg) == "" and hits == []

        with pg.expect_request(SEARCH):
            pg.get_by_role("button", name="Godta").click()
        assert [h["url"] for h in hits] == [SEARCH]  # the search made before consent, now allowed

        with pg.expect_request(BOOKED):
            book_through_the_page(pg)  # more searches, then the receipt
        pg.reload()  # a reloaded receipt does not count twice
        ready(pg)
        assert sent(pg) == ""
        assert [h["url"] for h in hits] == [SEARCH, BOOKED]
        assert Appointment.objects.filter(source="online").count() == 1

        for hit in hits:
            assert "referer" not in {k.lower() for k in hit["headers"]}
            text = hit["url"] + " " + " ".join(f"{k}: {v}" for k, v in hit["headers"].items())
            for secret in PERSONAL:
                assert secret.lower() not in text.lower(), secret
            assert Appointment.objects.get(source="online").reference not in text
    finally:
        context.close()


def test_no_tracking_request_after_avslaa(live_server, page, browser, demo):
    set_tracking_links(page, live_server.url)
    context, pg = patient_page(browser)
    try:
        hits = intercept(pg)
        open_page(pg, live_server, demo)
        pg.get_by_role("button", name="Avslå").click()
        book_through_the_page(pg)
        ready(pg)
        assert sent(pg) == "" and hits == []
        assert not pg.get_by_role("region", name="Sporing").is_visible()  # the choice is remembered
    finally:
        context.close()


def test_banner_on_a_phone(live_server, phone_page, demo):
    demo.tracking_search_url = SEARCH
    demo.save()
    open_page(phone_page, live_server, demo)
    banner = phone_page.get_by_role("region", name="Sporing")
    assert banner.is_visible()
    # At the top of the page, where it is seen, and above (never over) the booking form.
    box = banner.bounding_box()
    assert box["y"] < 812 and box["y"] + box["height"] <= phone_page.locator("main").bounding_box()["y"]
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_no_axe_violations(phone_page)
