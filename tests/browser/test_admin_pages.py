"""The Django admin (superusers only) has no axe violations and is in bokmål; a clinic's
staff user is turned away at its login with the way to the Timebok module."""

from __future__ import annotations

import pytest

from tests.axe import assert_no_axe_violations
from timebok.appointments.models import Appointment
from timebok.clinics.demo import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def admin_login(page, base_url, username, password):
    page.goto(f"{base_url}/admin/login/")
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord").fill(password)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state()


def test_admin_pages_for_a_superuser_without_axe_violations(live_server, page, django_user_model):
    clinic = load_demo()
    django_user_model.objects.create_superuser("drift", password="pw-drift-1")
    practitioner = clinic.practitioners.first()
    atype = clinic.appointment_types.first()
    template = practitioner.week_templates.first()
    appointment = Appointment.objects.filter(clinic=clinic).first()
    admin_login(page, live_server.url, "drift", "pw-drift-1")
    for path in (
        "/admin/",
        "/admin/clinics/practitioner/",
        f"/admin/clinics/practitioner/{practitioner.pk}/change/",
        f"/admin/clinics/appointmenttype/{atype.pk}/change/",
        f"/admin/clinics/weektemplate/{template.pk}/change/",
        "/admin/clinics/closure/add/",
        f"/admin/clinics/clinic/{clinic.pk}/change/",
        f"/admin/appointments/appointment/{appointment.pk}/change/",
    ):
        page.goto(f"{live_server.url}{path}")
        assert page.locator("html").get_attribute("lang") == "nb", path
        assert_no_axe_violations(page)
    # The heading is the clinic's wall clock, and there is no delete.
    local = appointment.start.astimezone(clinic.tz).strftime("%H:%M")
    page.goto(f"{live_server.url}/admin/appointments/appointment/{appointment.pk}/change/")
    assert f"kl. {local}" in page.locator("#content h2").inner_text()
    assert page.get_by_role("link", name="Slett").count() == 0


def test_staff_user_is_turned_away_from_the_admin(live_server, page):
    load_demo()
    admin_login(page, live_server.url, "demo", "demo")
    assert "/admin/login/" in page.url
    assert page.get_by_text("Administrasjonen er bare for driftsansvarlige").is_visible()
    assert_no_axe_violations(page)
