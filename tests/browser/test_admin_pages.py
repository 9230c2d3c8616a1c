"""The master-data pages staff use (the clinic-scoped admin) have no axe violations."""

from __future__ import annotations

import pytest

from tests.axe import assert_no_axe_violations
from timebok.clinics.demo import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_master_data_pages_without_axe_violations(live_server, page):
    clinic = load_demo()
    practitioner = clinic.practitioners.first()
    atype = clinic.appointment_types.first()
    template = practitioner.week_templates.first()
    page.goto(f"{live_server.url}/timebok/logg-inn/")
    page.get_by_label("Brukernavn").fill("demo")
    page.get_by_label("Passord").fill("demo")
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url("**/oversikt/**")
    for path in (
        "/admin/",
        "/admin/clinics/practitioner/",
        f"/admin/clinics/practitioner/{practitioner.pk}/change/",
        f"/admin/clinics/appointmenttype/{atype.pk}/change/",
        f"/admin/clinics/weektemplate/{template.pk}/change/",
        "/admin/clinics/weektemplate/add/",
        "/admin/clinics/closure/add/",
        f"/admin/clinics/clinic/{clinic.pk}/change/",
    ):
        page.goto(f"{live_server.url}{path}")
        assert page.locator("html").get_attribute("lang") == "nb", path
        assert_no_axe_violations(page)
