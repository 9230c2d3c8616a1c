"""Setting up a clinic in the Timebok module, in a real browser at 1280 and 375 px: axe on
every page, no sideways scrolling on a phone, and the number of actions (clicks + fills +
selects + checks) a secretary needs, counted from the module's first page after login:

- a week template Mon–Fri with a lunch break: at most 15;
- a new online appointment type that patients can book, allowed in a template: at most 10;
- closing one day (with booked patients, cancelled and told): at most 5.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.axe import assert_no_axe_violations
from tests.browser.test_staff_pages import login
from timebok.appointments.models import Appointment
from timebok.appointments.services.availability import norwegian_holidays
from timebok.clinics.demo import load_demo
from timebok.clinics.models import AppointmentType, Closure, WeekTemplate
from timebok.core import display

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = ["page", "phone_page"]


class Actions:
    """Does what a user does, and counts it."""

    def __init__(self) -> None:
        self.count = 0

    def click(self, locator) -> None:
        self.count += 1
        locator.click()

    def fill(self, locator, value: str) -> None:
        self.count += 1
        locator.fill(value)

    def select(self, locator, label: str) -> None:
        self.count += 1
        locator.select_option(label=label)

    def check(self, locator) -> None:
        self.count += 1
        locator.check()


def check(pg) -> None:
    """axe finds nothing, and a phone never scrolls sideways."""
    assert_no_axe_violations(pg)
    assert pg.evaluate("document.documentElement.scrollWidth") <= pg.viewport_size["width"]


def menu(pg, name: str):
    return pg.get_by_role("navigation", name="Timebok-menyen").get_by_role("link", name=name, exact=True)


@pytest.fixture
def demo():
    return load_demo()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_every_setup_page_passes_axe(live_server, request, viewport, demo):
    pg = request.getfixturevalue(viewport)
    login(pg, live_server.url)
    practitioner = demo.practitioners.get(name="Ola Hansen")
    atype = demo.appointment_types.get(name="Gruppetrening")
    template = WeekTemplate.objects.get(practitioner=practitioner, name="Dagtid")
    closure = Closure.objects.filter(clinic=demo).first()
    base = f"{live_server.url}/timebok/demo"
    for path in ("behandlere/", "behandlere/ny/", f"behandlere/{practitioner.pk}/",
                 "timetyper/", "timetyper/ny/", f"timetyper/{atype.pk}/",
                 "ukemaler/", f"ukemaler/{template.pk}/", f"ukemaler/{template.pk}/slett/",
                 "stengt/", f"stengt/{closure.pk}/avbestill/", "innstillinger/"):
        pg.goto(f"{base}/{path}")
        assert pg.locator("html").get_attribute("lang") == "nb"
        check(pg)
    # Pages with errors next to the fields.
    pg.goto(f"{base}/ukemaler/{template.pk}/")
    pg.get_by_role("group", name="Mandag, periode 1").get_by_label("Fra").fill("25.00")
    pg.get_by_role("button", name="Lagre ukemalen").first.click()
    expect(pg.locator("#id_d0-0-fra-error")).to_contain_text("mellom 00:00 og 23:59")
    assert pg.get_by_role("group", name="Mandag, periode 1").get_by_label("Fra").input_value() == "25.00"
    check(pg)
    pg.goto(f"{base}/timetyper/ny/")
    pg.get_by_label("Navn", exact=True).fill("Akupunktur")
    pg.get_by_label("Varighet (minutter)").fill("30")
    pg.get_by_label("Kan bestilles online").check()
    pg.get_by_role("button", name="Legg til timetypen").click()
    expect(pg.locator("#id_online-error")).to_contain_text("Ingen ukemal tillater timetypen.")
    check(pg)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_week_template_mon_fri_with_lunch_break(live_server, request, viewport, demo):
    pg = request.getfixturevalue(viewport)
    login(pg, live_server.url)
    act = Actions()
    act.click(menu(pg, "Ukemaler"))
    check(pg)
    act.select(pg.get_by_label("Behandler"), "Ola Hansen, Manuellterapeut")
    act.fill(pg.get_by_label("Navn på ukemalen"), "Vinteruke")
    act.click(pg.get_by_role("button", name="Opprett ukemal"))  # from today, every week (prefilled)
    expect(pg.get_by_role("heading", level=1)).to_contain_text("Vinteruke")
    check(pg)
    morning = pg.get_by_role("group", name="Mandag, periode 1")
    act.fill(morning.get_by_label("Fra"), "8")
    act.fill(morning.get_by_label("Til"), "11.30")
    afternoon = pg.get_by_role("group", name="Mandag, periode 2")
    act.fill(afternoon.get_by_label("Fra"), "12")
    act.fill(afternoon.get_by_label("Til"), "15.30")
    act.check(pg.get_by_role("group", name="Timetyper i hele ukemalen").get_by_label("Oppfølgingstime"))
    act.click(pg.get_by_role("button", name="Kopier til alle hverdager fra mandag"))
    expect(pg.get_by_text("Ukemalen er lagret, og mandag er kopiert til alle hverdager.")).to_be_visible()
    check(pg)

    template = WeekTemplate.objects.get(name="Vinteruke")
    rows = sorted((b.weekday, f"{b.start_time:%H:%M}", f"{b.end_time:%H:%M}") for b in template.blocks.all())
    assert rows == [(d, s, e) for d in range(5) for s, e in (("08:00", "11:30"), ("12:00", "15:30"))]
    assert {t.name for b in template.blocks.all() for t in b.appointment_types.all()} == {"Oppfølgingstime"}
    assert template.periods.get().start_date == display.local_today(demo)
    assert pg.locator("#forhandsvisning .preview__day").count() == 14
    assert act.count <= 15, act.count  # 10 today


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_new_online_type_patients_can_book(live_server, request, viewport, demo):
    pg = request.getfixturevalue(viewport)
    login(pg, live_server.url)
    act = Actions()
    act.click(menu(pg, "Timetyper"))
    check(pg)
    act.click(pg.get_by_role("link", name="Ny timetype"))
    act.fill(pg.get_by_label("Navn", exact=True), "Akupunktur")
    act.fill(pg.get_by_label("Varighet (minutter)"), "30")
    act.fill(pg.get_by_label("Pris (kr)"), "600")
    act.check(pg.get_by_label("Standarduke (Kari Nordmann)"))
    act.check(pg.get_by_label("Kan bestilles online"))
    act.click(pg.get_by_role("button", name="Legg til timetypen"))
    expect(pg.get_by_text("Timetypen Akupunktur er lagt til.")).to_be_visible()
    check(pg)
    assert act.count <= 10, act.count  # 8 today

    # Patients can book it: it is on the booking page, and has free times.
    atype = AppointmentType.objects.get(clinic=demo, name="Akupunktur")
    assert atype.online
    today = display.local_today(demo)
    answer = pg.request.get(f"{live_server.url}/api/v1/clinics/demo/availability", params={
        "timetype": atype.pk, "from": today.isoformat(), "to": (today + timedelta(days=30)).isoformat()})
    assert answer.ok and sum(d["free"] for d in answer.json()["days"]) > 0
    pg.goto(f"{live_server.url}/b/demo/")
    assert "Akupunktur" in pg.get_by_label("Timetype").locator("option").all_inner_texts()


def _booked_day(clinic):
    """A coming weekday with demo patients on it, open (no holiday, no closure)."""
    today = display.local_today(clinic)
    closed = set(norwegian_holidays(today.year)) | set(norwegian_holidays(today.year + 1))
    closed |= {c.start_date for c in Closure.objects.filter(clinic=clinic)}
    for appt in Appointment.objects.filter(clinic=clinic, status="booked").order_by("start"):
        day = appt.start.astimezone(clinic.tz).date()
        if day >= today + timedelta(days=3) and day not in closed:
            return day
    raise AssertionError("the demo has no booked coming day")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_close_one_day_with_booked_patients(live_server, request, viewport, demo):
    pg = request.getfixturevalue(viewport)
    day = _booked_day(demo)
    tz = demo.tz
    booked = [a.pk for a in Appointment.objects.filter(clinic=demo, status="booked")
              if a.start.astimezone(tz).date() == day]
    login(pg, live_server.url)
    act = Actions()
    act.click(menu(pg, "Stengt"))
    check(pg)
    act.fill(pg.get_by_label("Fra dato"), day.isoformat())
    act.fill(pg.get_by_label("Årsak"), "Planleggingsdag")
    act.click(pg.get_by_role("button", name="Lagre stengt"))
    heading = pg.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(rf"^{len(booked)} bestilte? timer? i perioden$"))
    assert pg.locator("table.booked tbody tr").count() == len(booked)
    assert not Closure.objects.filter(reason="Planleggingsdag").exists()  # nothing saved before the choice
    check(pg)
    act.click(pg.get_by_role("button", name=re.compile(r"^Avbestill (alle \d+ timene|timen)")))
    expect(pg.get_by_text(f"Stengt {display.date_text(day)} (Planleggingsdag) er lagret.")).to_be_visible()
    check(pg)
    assert act.count <= 5, act.count  # 5 today

    closure = Closure.objects.get(reason="Planleggingsdag")
    assert (closure.start_date, closure.end_date, closure.practitioner_id) == (day, day, None)
    assert set(Appointment.objects.filter(pk__in=booked).values_list("status", flat=True)) == {"cancelled"}
