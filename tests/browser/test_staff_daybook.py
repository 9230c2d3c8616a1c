"""The clinic's day in a real browser, at 1280 and 375 px: axe on every page, no sideways
scrolling on a phone, and the number of actions (clicks + fills + selects + checks) a
secretary needs, counted from the page after login:

- tomorrow's bookings for all practitioners: at most 2;
- moving an appointment to another free time: at most 5;
- blocking a lunch: at most 5;
- a phone booking of a new patient: at most 12.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.test_staff_pages import login
from tests.browser.test_staff_setup import VIEWPORTS, Actions, check
from tests.factories import details, valid_fnr
from timebok.appointments.models import Appointment
from timebok.appointments.services import availability
from timebok.appointments.services.booking import book_appointment
from timebok.clinics.demo import load_demo
from timebok.core import display

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo():
    return load_demo()


def _tomorrow_for_everyone(clinic):
    """One phone booking tomorrow for every practitioner (staff may book any day)."""
    tomorrow = display.local_today(clinic) + timedelta(days=1)
    atype = clinic.appointment_types.order_by("sort_order").first()
    booked = []
    for i, practitioner in enumerate(clinic.practitioners.all()):
        start = datetime.combine(tomorrow, time(7, 0), tzinfo=clinic.tz) + timedelta(minutes=70 * i)
        booked.append(book_appointment(
            clinic=clinic, appointment_type=atype, start=start, practitioner=practitioner,
            patient=details(fnr=valid_fnr(1 + i, 3, 77), first_name=f"Morgendag{i}"),
            source=Appointment.Source.STAFF))
    return tomorrow, booked


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_tomorrows_bookings_for_all_practitioners(live_server, request, viewport, demo):
    pg = request.getfixturevalue(viewport)
    tomorrow, booked = _tomorrow_for_everyone(demo)
    login(pg, live_server.url)
    check(pg)
    act = Actions()
    act.click(pg.get_by_role("link", name="Neste dag"))
    expect(pg.get_by_role("heading", level=1)).to_contain_text(display.date_text(tomorrow))
    for appt in booked:
        expect(pg.locator(f"#time-{appt.pk}")).to_contain_text(appt.full_name)
    check(pg)
    print(f"actions: {request.node.name} {act.count}")
    assert act.count <= 2, act.count  # 1 today


def _booked_day_with_free_times(clinic):
    """A coming weekday (not tomorrow) with a free time to book and another to move to."""
    atype = clinic.appointment_types.order_by("sort_order").first()
    day = display.local_today(clinic) + timedelta(days=2)
    for _ in range(30):
        free = availability.free_slots(clinic, atype, None, day)
        if len(free) >= 4:
            return day, atype, free
        day += timedelta(days=1)
    raise AssertionError("no free day in the demo")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_move_an_appointment_to_another_free_time(live_server, request, viewport, demo):
    pg = request.getfixturevalue(viewport)
    day, atype, free = _booked_day_with_free_times(demo)
    slot = free[0]
    appt = book_appointment(clinic=demo, appointment_type=atype, start=slot.start,
                            practitioner=demo.practitioners.get(pk=slot.practitioner_id),
                            patient=details(fnr=valid_fnr(9, 9, 79), first_name="Flyttes"))
    login(pg, live_server.url)
    act = Actions()
    act.fill(pg.get_by_label("Gå til dato"), day.isoformat())
    act.click(pg.get_by_role("button", name="Vis", exact=True))
    act.click(pg.locator(f"#time-{appt.pk}").get_by_role("link", name=re.compile("^Flytt")))
    expect(pg.get_by_role("heading", level=1)).to_have_text("Flytt timen")
    check(pg)
    buttons = pg.get_by_role("list").get_by_role("button")
    target = buttons.nth(buttons.count() - 1)
    label = target.inner_text().split()[0]
    act.click(target)
    expect(pg.locator(".message--success")).to_contain_text("er flyttet til")
    expect(pg.locator(f"#time-{appt.pk}")).to_contain_text(label)
    check(pg)
    print(f"actions: {request.node.name} {act.count}")
    assert act.count <= 5, act.count  # 4 today
    moved = Appointment.objects.get(pk=appt.pk)
    assert moved.start.astimezone(demo.tz).strftime("%H:%M") == label and moved.sequence == 1


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_block_a_lunch_from_the_day_view(live_server, request, viewport, demo):
    pg = request.getfixturevalue(viewport)
    day, atype, free = _booked_day_with_free_times(demo)
    practitioner = demo.practitioners.get(pk=free[-1].practitioner_id)
    start = free[-1].start.astimezone(demo.tz)
    login(pg, live_server.url)
    pg.goto(f"{live_server.url}/timebok/demo/?dato={day.isoformat()}")  # the day, as after "Neste dag"
    check(pg)
    act = Actions()
    column = pg.get_by_role("region", name=re.compile(f"^{re.escape(practitioner.name)}"))
    act.click(column.get_by_text("Blokker tid"))
    act.fill(column.get_by_label("Fra"), start.strftime("%H.%M"))
    act.fill(column.get_by_label("Til"), (start + timedelta(minutes=30)).strftime("%H.%M"))
    check(pg)
    act.click(column.get_by_role("button", name="Lunsj"))
    expect(pg.locator(".message--success")).to_contain_text(f"{practitioner.name} er blokkert")
    expect(pg.get_by_role("region", name=re.compile(f"^{re.escape(practitioner.name)}"))).to_contain_text(
        "Blokkert: Lunsj")
    check(pg)
    print(f"actions: {request.node.name} {act.count}")
    assert act.count <= 5, act.count  # 4 today
    slots = availability.free_slots(demo, atype, practitioner, day)
    assert start not in [s.start for s in slots]


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_phone_booking_of_a_new_patient(live_server, request, viewport, demo):
    pg = request.getfixturevalue(viewport)
    day, _atype, free = _booked_day_with_free_times(demo)
    practitioner = demo.practitioners.get(pk=free[0].practitioner_id)
    login(pg, live_server.url)
    act = Actions()
    act.fill(pg.get_by_label("Gå til dato"), day.isoformat())
    act.click(pg.get_by_role("button", name="Vis", exact=True))
    column = pg.get_by_role("region", name=re.compile(f"^{re.escape(practitioner.name)}"))
    act.click(column.get_by_role("link", name=re.compile("^Ny time")).first)
    expect(pg.get_by_role("heading", level=1)).to_have_text("Ny time")
    check(pg)
    if not pg.locator("input[name=tid]:checked").count():
        act.click(pg.locator("ul.times label").first)
    act.fill(pg.get_by_label("Fornavn"), "Ringe")
    act.fill(pg.get_by_label("Etternavn"), "Inn")
    act.fill(pg.get_by_label("Fullt fødselsnummer"), valid_fnr(12, 12, 82))
    act.fill(pg.get_by_role("textbox", name=re.compile("^Telefon")), "412 34 567")
    act.fill(pg.get_by_role("textbox", name=re.compile("^E-post")), "ringe@example.com")
    act.click(pg.get_by_role("button", name="Bestill timen"))
    expect(pg.locator(".message--success")).to_contain_text("Timen er bestilt")
    appt = Appointment.objects.get(last_name="Inn")
    expect(pg.locator(f"#time-{appt.pk}")).to_contain_text("Lagt inn av Demo Resepsjon")
    expect(pg.locator(f"#time-{appt.pk}")).to_contain_text("412 34 567")
    check(pg)
    print(f"actions: {request.node.name} {act.count}")
    assert act.count <= 12, act.count  # 8 or 9 today
    assert appt.source == "staff" and appt.created_by.username == "demo"
