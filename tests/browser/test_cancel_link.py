"""Book on the booking page, open the personal link from the written .eml file, cancel,
and see the time free again in the slots API and on the booking page."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import datetime, timedelta

import pytest

from tests.axe import assert_no_axe_violations
from tests.browser.test_booking_flow import choose_first_time, fill_details, open_page, settled
from tests.factories import at, details, weekday_in
from timebok.appointments.models import Appointment
from timebok.appointments.services.booking import book_appointment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def read_eml(path) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in sorted(path.glob("*.eml"))]


@pytest.fixture
def eml_dir(settings, tmp_path, live_server):
    settings.EMAIL_BACKEND = "timebok.notifications.mail.EmlFileBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "outbox"
    settings.SMS_FILE_PATH = tmp_path / "outbox" / "sms"
    settings.BASE_URL = live_server.url
    return tmp_path / "outbox"


def free_starts(page, live_server, clinic, appt_type_id: int, practitioner_id: int, day) -> list[datetime]:
    r = page.request.get(f"{live_server.url}/api/v1/clinics/{clinic.slug}/slots"
                         f"?timetype={appt_type_id}&behandler={practitioner_id}&date={day.isoformat()}")
    assert r.ok
    return [datetime.fromisoformat(s["start"]) for s in r.json()["slots"]]


def test_book_on_the_page_then_cancel_through_the_link_in_the_email(clinic, eml_dir, live_server, page):
    open_page(page, live_server, clinic)
    page.get_by_label("Timetype").select_option(label="Oppfølging")
    page.get_by_label("Behandler").select_option(label="Anne Lie, Fysioterapeut")
    settled(page)
    page.get_by_role("button", name=re.compile(r", mange ledige$")).last.click()
    settled(page)
    start = datetime.fromisoformat(choose_first_time(page))
    fill_details(page)
    page.get_by_role("button", name="Neste", exact=True).click()
    page.get_by_role("button", name="Godkjenn og gjennomfør").click()
    page.get_by_role("heading", name="Timen er bestilt").wait_for()

    appt = Appointment.objects.get()
    day = start.astimezone(clinic.tz).date()
    assert start not in free_starts(page, live_server, clinic, appt.appointment_type_id, appt.practitioner_id, day)

    [confirmation] = read_eml(eml_dir)
    assert confirmation["Subject"].startswith("Timebekreftelse")
    body = confirmation.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"(http://\S+/t/[A-Za-z0-9_-]+/)", body).group(1)
    assert link.startswith(live_server.url)
    assert any(part.get_filename() == "time.ics" for part in confirmation.iter_attachments())

    page.goto(link)
    assert page.locator("html").get_attribute("lang") == "nb"
    assert page.get_by_role("heading", name="Din time").is_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Avbestill").click()
    page.get_by_role("heading", name="Vil du avbestille timen?").wait_for()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Ja, avbestill timen").click()
    page.get_by_role("heading", name="Timen er avbestilt").wait_for()
    assert page.get_by_role("status").get_by_text("tiden er ledig for andre").is_visible()
    assert page.get_by_role("link", name="Avbestill").count() == 0
    assert_no_axe_violations(page)

    # The time is free again at once: in the API, and on the booking page.
    assert start in free_starts(page, live_server, clinic, appt.appointment_type_id, appt.practitioner_id, day)
    subjects = [m["Subject"] for m in read_eml(eml_dir)]
    assert sum(s.startswith("Avbestilt") for s in subjects) == 1


def test_link_page_after_the_deadline_on_a_phone(clinic, eml_dir, live_server, phone_page):
    from django.utils import timezone

    appt = book_appointment(clinic=clinic, appointment_type=clinic.appointment_types.get(name="Oppfølging"),
                            practitioner=clinic.practitioners.get(name="Anne Lie"), start=at(weekday_in(7), 10, 30),
                            patient=details())
    Appointment.objects.filter(pk=appt.pk).update(
        start=timezone.now() + timedelta(hours=3), end=timezone.now() + timedelta(hours=3, minutes=30))
    phone_page.goto(f"{live_server.url}/t/{appt.manage_token}/")
    assert phone_page.get_by_text("Fristen for å avbestille på nett gikk ut").is_visible()
    assert phone_page.get_by_role("link", name="22 00 00 00").first.get_attribute("href") == "tel:+4722000000"
    assert phone_page.get_by_role("link", name="Avbestill").count() == 0
    assert phone_page.get_by_role("link", name="Endre time").count() == 0
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_no_axe_violations(phone_page)


@pytest.mark.parametrize("viewport", ["page", "phone_page"])
def test_change_the_time_through_the_link(clinic, eml_dir, live_server, request, viewport):
    pg = request.getfixturevalue(viewport)
    appt = book_appointment(clinic=clinic, appointment_type=clinic.appointment_types.get(name="Oppfølging"),
                            practitioner=clinic.practitioners.get(name="Anne Lie"), start=at(weekday_in(7), 10, 30),
                            patient=details())
    pg.goto(f"{live_server.url}/t/{appt.manage_token}/")
    pg.get_by_role("link", name="Endre time").click()
    pg.get_by_role("heading", name="Velg ny tid").wait_for()
    assert_no_axe_violations(pg)
    assert pg.evaluate("document.documentElement.scrollWidth") <= pg.viewport_size["width"]
    button = pg.locator(".change-times button").last
    label = button.inner_text().split()[0]
    button.click()
    pg.get_by_role("status").get_by_text("Timen er flyttet").wait_for()
    assert_no_axe_violations(pg)
    moved = Appointment.objects.get(pk=appt.pk)
    assert moved.start.astimezone(clinic.tz).strftime("%H:%M") == label and moved.sequence == 1
