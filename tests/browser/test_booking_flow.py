"""The patient's booking in a real browser (chromium) at 1280 and 375 px, with axe on
every step and no horizontal scrolling on the phone."""

from __future__ import annotations

import re
from datetime import datetime, time

import pytest

from tests.axe import assert_no_axe_violations
from tests.factories import make_clinic, valid_fnr
from timebok.appointments.models import Appointment, Patient
from timebok.appointments.services.booking import PatientDetails, book_appointment
from timebok.clinics.models import AppointmentType, TemplateBlock, TemplatePeriod, WeekTemplate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FNR = valid_fnr(15, 5, 85)
VIEWPORTS = ["page", "phone_page"]


def check(pg) -> None:
    """axe finds nothing, and a phone never scrolls sideways."""
    assert_no_axe_violations(pg)
    width = pg.viewport_size["width"]
    assert pg.evaluate("document.documentElement.scrollWidth") <= width


def fill_details(pg, fnr: str = FNR) -> None:
    pg.get_by_label("Fornavn").fill("Kari")
    pg.get_by_label("Etternavn").fill("Nordmann")
    pg.get_by_label("Kommentar").fill("Vondt i kneet")
    pg.get_by_label("Fullt fødselsnummer").fill(fnr)
    pg.get_by_label("E-post").fill("kari@example.com")
    pg.get_by_label("Telefon").fill("412 34 567")


def settled(pg) -> None:
    """Wait until the page's JavaScript has no request on its way."""
    pg.locator("[aria-busy=true]").first.wait_for(state="detached")


def choose_first_time(pg) -> str:
    settled(pg)
    label = pg.locator("#time-list label").first
    label.wait_for()
    label.click()
    return pg.locator("#time-list input:checked").get_attribute("value")


def open_page(pg, live_server, clinic, query: str = "") -> None:
    pg.goto(f"{live_server.url}/b/{clinic.slug}/{query}")
    pg.locator("html.js").wait_for(state="attached")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_new_patient_books_a_time(live_server, request, viewport):
    pg = request.getfixturevalue(viewport)
    clinic = make_clinic()
    open_page(pg, live_server, clinic)
    check(pg)

    pg.get_by_label("Timetype").select_option(label="Oppfølging")
    pg.get_by_label("Behandler").select_option(label="Anne Lie, Fysioterapeut")
    expect_text(pg.locator("#info-price"), "kr 650")
    settled(pg)
    # Choose the last day of the shown month that has many free times.
    days = pg.get_by_role("button", name=re.compile(r", mange ledige$"))
    days.last.click()
    assert days.last.get_attribute("aria-pressed") == "true"
    settled(pg)
    start = choose_first_time(pg)
    fill_details(pg)
    check(pg)
    pg.get_by_role("button", name="Neste", exact=True).click()

    pg.get_by_role("heading", name="Oppsummering").wait_for()
    body = pg.locator("main").inner_text()
    assert "Anne Lie" in body and "Oppfølging" in body and "kr 650" in body
    assert FNR[:6] + "*****" in body and FNR not in pg.content()
    assert FNR not in pg.url
    check(pg)
    pg.get_by_role("button", name="Godkjenn og gjennomfør").click()

    pg.get_by_role("heading", name="Timen er bestilt").wait_for()
    appt = Appointment.objects.get()
    assert appt.start == datetime.fromisoformat(start)
    assert appt.reference in pg.locator("main").inner_text()
    assert Patient.objects.get().first_name == "Kari"
    assert FNR not in pg.url
    check(pg)


def expect_text(locator, text: str) -> None:
    from playwright.sync_api import expect

    expect(locator).to_have_text(text)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_edit_path_keeps_everything(live_server, request, viewport):
    pg = request.getfixturevalue(viewport)
    clinic = make_clinic()
    open_page(pg, live_server, clinic)
    start = choose_first_time(pg)
    fill_details(pg)
    pg.get_by_role("button", name="Neste", exact=True).click()
    pg.get_by_role("button", name="Rediger booking").click()

    pg.get_by_role("heading", name="Bestill time").wait_for()
    pg.locator("#f-fornavn:focus").wait_for()  # focus on the first field
    assert pg.get_by_label("Fornavn").input_value() == "Kari"
    assert pg.get_by_label("Fullt fødselsnummer").input_value() == FNR
    assert pg.get_by_label("Kommentar").input_value() == "Vondt i kneet"
    assert pg.locator("#time-list input:checked").get_attribute("value") == start
    check(pg)
    pg.get_by_label("Fornavn").fill("Karianne")
    pg.get_by_role("button", name="Neste", exact=True).click()
    assert "Karianne" in pg.locator("main").inner_text()
    pg.get_by_role("button", name="Godkjenn og gjennomfør").click()
    pg.get_by_role("heading", name="Timen er bestilt").wait_for()
    assert Patient.objects.get().first_name == "Karianne"


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_invalid_fnr_is_explained_and_nothing_is_lost(live_server, request, viewport):
    pg = request.getfixturevalue(viewport)
    clinic = make_clinic()
    open_page(pg, live_server, clinic)
    start = choose_first_time(pg)
    fill_details(pg, fnr="15058512345")
    pg.get_by_role("button", name="Neste", exact=True).click()

    error = pg.locator("#f-fodselsnummer-error")
    error.wait_for()
    assert "Fødselsnummeret er ikke gyldig" in error.inner_text()
    assert pg.get_by_role("alert").is_visible()
    field = pg.get_by_label("Fullt fødselsnummer")
    assert field.get_attribute("aria-invalid") == "true"
    assert field.input_value() == "15058512345"
    assert pg.get_by_label("E-post").input_value() == "kari@example.com"
    assert pg.locator("#time-list input:checked").get_attribute("value") == start
    check(pg)
    field.fill(FNR)
    pg.get_by_role("button", name="Neste", exact=True).click()
    pg.get_by_role("heading", name="Oppsummering").wait_for()
    assert Appointment.objects.count() == 0


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_time_taken_before_confirm_offers_nearest_times(live_server, request, viewport):
    pg = request.getfixturevalue(viewport)
    clinic = make_clinic()
    open_page(pg, live_server, clinic)
    pg.get_by_label("Behandler").select_option(label="Anne Lie, Fysioterapeut")
    start = choose_first_time(pg)
    fill_details(pg)
    pg.get_by_role("button", name="Neste", exact=True).click()
    pg.get_by_role("heading", name="Oppsummering").wait_for()

    # Someone else gets the time meanwhile.
    atype = AppointmentType.objects.get(clinic=clinic, name="Førstegangstime")
    book_appointment(clinic=clinic, appointment_type=atype, practitioner=clinic.practitioners.get(name="Anne Lie"),
                     start=datetime.fromisoformat(start), patient=PatientDetails("Ola", "Raskere", valid_fnr(2, 2, 92)))
    pg.get_by_role("button", name="Godkjenn og gjennomfør").click()

    alert = pg.get_by_role("alert")
    alert.wait_for()
    assert "nettopp tatt" in alert.inner_text()
    assert "Kari" in pg.locator("main").inner_text()  # the form is kept
    check(pg)
    pg.get_by_role("button", name="Velg denne timen").click()
    pg.get_by_role("button", name="Godkjenn og gjennomfør").click()
    pg.get_by_role("heading", name="Timen er bestilt").wait_for()
    mine = Appointment.objects.get(patient__first_name="Kari")
    assert mine.start != datetime.fromisoformat(start)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_week_template_link_preselects_its_types(live_server, request, viewport):
    pg = request.getfixturevalue(viewport)
    clinic = make_clinic()
    extra = AppointmentType.objects.create(clinic=clinic, name="Kort kontroll", duration_minutes=15, price=300,
                                         online=True)
    anne = clinic.practitioners.get(name="Anne Lie")
    tmpl = WeekTemplate.objects.create(practitioner=anne, name="Kveld")
    TemplatePeriod.objects.create(template=tmpl, start_date=datetime.now().date())
    for wd in range(5):
        block = TemplateBlock.objects.create(template=tmpl, weekday=wd, start_time=time(17), end_time=time(19))
        block.appointment_types.set(clinic.appointment_types.filter(name__in=["Oppfølging", "Førstegangstime"]))
    TemplateBlock.objects.create(template=WeekTemplate.objects.get(practitioner=anne, name="Uke Anne Lie"),
                                 weekday=5, start_time=time(10), end_time=time(12)).appointment_types.set([extra])

    open_page(pg, live_server, clinic, f"?ukemal={tmpl.pk}")
    options = pg.get_by_label("Timetype").locator("option").all_inner_texts()
    assert [o.strip() for o in options] == ["Førstegangstime", "Oppfølging"]
    assert pg.get_by_label("Behandler").input_value() == str(anne.pk)
    check(pg)
    pg.get_by_label("Timetype").select_option(label="Oppfølging")
    settled(pg)
    assert f"ukemal={tmpl.pk}" in pg.url
    # Only the template's practitioner and its evening times, also after a choice on the page.
    assert [o.strip() for o in pg.get_by_label("Behandler").locator("option").all_inner_texts()] == [
        "Anne Lie, Fysioterapeut"]
    times = [t.strip()[:5] for t in pg.locator("#time-list label").all_inner_texts()]
    assert times and all("17:00" <= t < "19:00" for t in times), times
    start = choose_first_time(pg)
    fill_details(pg)
    pg.get_by_role("button", name="Neste", exact=True).click()
    pg.get_by_role("button", name="Godkjenn og gjennomfør").click()
    pg.get_by_role("heading", name="Timen er bestilt").wait_for()
    appt = Appointment.objects.get()
    assert appt.appointment_type.name == "Oppfølging" and appt.practitioner == anne
    assert appt.start == datetime.fromisoformat(start)
    assert appt.start.astimezone(clinic.tz).hour in (17, 18)


def test_month_navigation_and_days_update_in_place(live_server, page):
    clinic = make_clinic()
    open_page(page, live_server, clinic)
    page.evaluate("window.__marker = 1")
    page.get_by_role("button", name="Neste måned").click()
    settled(page)
    page.get_by_role("button", name=re.compile(r", mange ledige$")).first.click()
    settled(page)
    page.locator("#time-list label").first.wait_for()
    assert page.evaluate("window.__marker") == 1  # no reload
    status = page.locator("#times-status").inner_text()
    assert "ledige timer" in status
    page.get_by_role("button", name="Forrige måned").click()
    settled(page)
    assert page.evaluate("window.__marker") == 1
    assert_no_axe_violations(page)


def test_booking_works_without_javascript(live_server, browser):
    clinic = make_clinic()
    context = browser.new_context(locale="nb-NO", java_script_enabled=False)
    pg = context.new_page()
    try:
        pg.goto(f"{live_server.url}/b/{clinic.slug}/")
        pg.get_by_label("Timetype").select_option(label="Oppfølging")
        pg.get_by_role("button", name="Vis ledige dager").click()
        pg.get_by_role("button", name=re.compile(r", mange ledige$")).last.click()
        choose_first_time(pg)
        fill_details(pg)
        pg.get_by_role("button", name="Neste", exact=True).click()
        pg.get_by_role("button", name="Godkjenn og gjennomfør").click()
        pg.get_by_role("heading", name="Timen er bestilt").wait_for()
        assert Appointment.objects.get().appointment_type.name == "Oppfølging"
    finally:
        context.close()


def test_calendar_at_320_px_with_200_percent_text(live_server, browser):
    clinic = make_clinic()
    context = browser.new_context(locale="nb-NO", viewport={"width": 320, "height": 700})
    pg = context.new_page()
    try:
        open_page(pg, live_server, clinic)
        pg.evaluate("document.documentElement.style.fontSize = '200%'")  # the browser's text size at 200 %
        overflowing = pg.evaluate("""() => [...document.querySelectorAll('#cal-body button.day')]
            .filter(b => b.scrollWidth > b.clientWidth + 1 || b.querySelector('.num').getBoundingClientRect().right
                         > b.getBoundingClientRect().right + 1)
            .map(b => b.value)""")
        assert overflowing == []
        assert pg.evaluate("document.documentElement.scrollWidth") <= 320
        disabled = pg.locator("#prev-month")
        assert disabled.is_disabled()
        style = disabled.evaluate("b => getComputedStyle(b).borderStyle")
        assert style == "dashed"  # a disabled month looks unlike the enabled one
    finally:
        context.close()


def test_without_javascript_a_chosen_day_lands_on_the_times(live_server, browser):
    clinic = make_clinic()
    context = browser.new_context(locale="nb-NO", java_script_enabled=False, viewport={"width": 375, "height": 812})
    pg = context.new_page()
    try:
        pg.goto(f"{live_server.url}/b/{clinic.slug}/")
        pg.get_by_role("button", name=re.compile(r", mange ledige$")).last.click()
        pg.locator("#time-list label").first.wait_for()
        assert pg.url.endswith("#tider")
        pg.get_by_role("button", name="Neste måned").click()
        pg.locator("#month-title").wait_for()
        assert pg.url.endswith("#kalender")
    finally:
        context.close()
