"""Book, open the personal link from the written .eml file, cancel, and see the time free again."""

from __future__ import annotations

import email
import email.policy
import re

import pytest

from tests.axe import assert_no_axe_violations
from tests.conftest import at
from tests.notifications.conftest import details, weekday_in
from timebok.appointments.services import availability
from timebok.appointments.services.booking import book_appointment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def read_eml(path) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in sorted(path.glob("*.eml"))]


def _book(clinic, start):
    # The booking page lands in another branch; until then the test books through the service
    # that the page calls.
    return book_appointment(clinic=clinic, appointment_type=clinic.appointment_types.get(name="Oppfølging"),
                            practitioner=clinic.practitioners.get(name="Anne Lie"), start=start, patient=details())


@pytest.fixture
def eml_dir(settings, tmp_path, live_server):
    settings.EMAIL_BACKEND = "timebok.notifications.mail.EmlFileBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "outbox"
    settings.SMS_FILE_PATH = tmp_path / "outbox" / "sms"
    settings.BASE_URL = live_server.url
    return tmp_path / "outbox"


def test_cancel_through_the_link_in_the_email(clinic, eml_dir, live_server, page):
    start = at(weekday_in(7), 10, 30)
    atype = clinic.appointment_types.get(name="Oppfølging")
    anne = clinic.practitioners.get(name="Anne Lie")
    _book(clinic, start)
    assert start not in [s.start for s in availability.free_slots(clinic, atype, anne, start.date())]

    [confirmation] = read_eml(eml_dir)
    assert confirmation["Subject"].startswith("Timebekreftelse")
    body = confirmation.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"(http://\S+/t/[A-Za-z0-9_-]+/)", body).group(1)
    assert link.startswith(live_server.url)
    assert any(part.get_filename() == "time.ics" for part in confirmation.iter_attachments())

    page.goto(link)
    assert page.locator("html").get_attribute("lang") == "nb"
    assert page.get_by_role("heading", name="Din time").is_visible()
    assert page.get_by_text("kl. 10:30–11:00").is_visible()
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Avbestill").click()
    page.get_by_role("heading", name="Timen er avbestilt").wait_for()
    assert page.get_by_role("status").get_by_text("tiden er ledig for andre").is_visible()
    assert page.get_by_role("button", name="Avbestill").count() == 0
    assert_no_axe_violations(page)

    # The time is free again at once.
    assert start in [s.start for s in availability.free_slots(clinic, atype, anne, start.date())]
    messages = read_eml(eml_dir)
    assert [m["Subject"].split(":")[0] for m in messages].count("Avbestilt") == 1


def test_link_page_after_the_deadline_on_a_phone(clinic, eml_dir, live_server, phone_page):
    from datetime import timedelta

    from django.utils import timezone

    from timebok.appointments.models import Appointment

    appt = _book(clinic, at(weekday_in(7), 10, 30))
    Appointment.objects.filter(pk=appt.pk).update(
        start=timezone.now() + timedelta(hours=3), end=timezone.now() + timedelta(hours=3, minutes=30))
    phone_page.goto(f"{live_server.url}/t/{appt.manage_token}/")
    assert phone_page.get_by_text("Fristen for å avbestille på nett gikk ut").is_visible()
    assert phone_page.get_by_role("link", name="+47 22 00 00 00").first.get_attribute("href") == "tel:+4722000000"
    assert phone_page.get_by_role("button", name="Avbestill").count() == 0
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    assert_no_axe_violations(phone_page)
