"""A patient who reads no Norwegian books in English on a phone (375 px), with axe on every
step: the switch keeps what they typed, and the confirmation e-mail and .ics are English."""

from __future__ import annotations

import re

import icalendar
import pytest
from django.core import mail

from tests.browser.test_booking_flow import FNR, check, choose_first_time, fill_details, open_page, settled
from tests.factories import make_clinic
from timebok.appointments.models import Appointment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_books_in_english_on_a_phone_switching_language_mid_form(live_server, phone_page):
    pg = phone_page
    clinic = make_clinic()
    open_page(pg, live_server, clinic)  # the browser says nb-NO: the page opens in bokmål
    assert pg.locator("html").get_attribute("lang") == "nb"
    pg.get_by_label("Timetype").select_option(label="Oppfølging")
    pg.get_by_label("Behandler").select_option(label="Anne Lie, Fysioterapeut")
    settled(pg)
    pg.get_by_role("button", name=re.compile(r", mange ledige$")).last.click()
    start = choose_first_time(pg)
    fill_details(pg)

    # Mid-form: switch to English. Nothing typed or chosen is lost.
    pg.get_by_role("button", name="English").click()
    pg.get_by_role("heading", name="Book an appointment").wait_for()
    pg.locator("html.js").wait_for(state="attached")
    assert pg.locator("html").get_attribute("lang") == "en"
    assert pg.get_by_label("First name").input_value() == "Kari"
    assert pg.get_by_label("Last name").input_value() == "Nordmann"
    assert pg.get_by_label("Full national identity number").input_value() == FNR
    assert pg.get_by_label("Email").input_value() == "kari@example.com"
    assert pg.get_by_label("Phone").input_value() == "412 34 567"
    assert pg.get_by_label("Comment").input_value() == "Vondt i kneet"
    assert pg.locator("#time-list input:checked").get_attribute("value") == start
    assert pg.get_by_label("Appointment type").input_value() == str(clinic.appointment_types.get(name="Oppfølging").pk)
    assert "NOK 650" in pg.locator("#info-price").inner_text()
    check(pg)
    # The calendar's spoken day names come from the API in English too.
    pg.get_by_role("button", name="Next month").click()
    settled(pg)
    assert pg.get_by_role("button", name=re.compile(r"^\w+day \d{1,2} \w+, (many|few|none) available$")).count()
    pg.get_by_role("button", name="Previous month").click()
    settled(pg)
    check(pg)

    # Enter in a field means "Next" (the switch does not take over the form's default button).
    pg.get_by_label("Last name").press("Enter")
    pg.get_by_role("heading", name="Summary").wait_for()
    body = pg.locator("main").inner_text()
    assert "Oppfølging" in body and "Anne Lie" in body and "NOK 650" in body and " at " in body
    check(pg)
    pg.get_by_role("button", name="Confirm and book").click()

    pg.get_by_role("heading", name="Your appointment is booked").wait_for()
    check(pg)
    appointment = Appointment.objects.get()
    assert appointment.language == "en" and appointment.reference in pg.locator("main").inner_text()

    message = next(m for m in mail.outbox if m.to == ["kari@example.com"])
    assert message.subject.startswith("Appointment confirmation: ") and " at " in message.subject
    assert "Hello Kari," in message.body and "Price: NOK 650" in message.body
    assert "Hei" not in message.body and "kr 650" not in message.body
    name, ics, _mime = message.attachments[0]
    assert name == "time.ics"
    event = next(iter(icalendar.Calendar.from_ical(str(ics)).walk("VEVENT")))
    assert str(event["summary"]) == "Oppfølging at Fysio Sentrum"
    assert "Practitioner: Anne Lie" in str(event["description"])

    # Back to Norwegian on the receipt: a link, and the page follows.
    pg.get_by_role("link", name="Norsk").click()
    pg.get_by_role("heading", name="Timen er bestilt").wait_for()
    check(pg)
