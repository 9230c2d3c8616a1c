"""The Django admin is for superusers only. A clinic's staff user, even one with is_staff and
every model permission, is sent to the admin's login for every admin page and can change
nothing there; they set the clinic up in the Timebok module instead."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from timebok.clinics.models import Closure, Practitioner

pytestmark = pytest.mark.django_db


@pytest.fixture
def permitted_staff_client(staff_client, staff_user):
    staff_user.user_permissions.set(Permission.objects.all())
    assert staff_user.is_staff and not staff_user.is_superuser
    return staff_client


def _is_denied(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("path", [
    "/admin/",
    "/admin/clinics/clinic/",
    "/admin/clinics/practitioner/",
    "/admin/clinics/practitioner/add/",
    "/admin/clinics/appointmenttype/",
    "/admin/clinics/weektemplate/",
    "/admin/clinics/closure/add/",
    "/admin/appointments/appointment/",
    "/admin/appointments/patient/",
    "/admin/notifications/outgoingmessage/",
    "/admin/core/auditentry/",
])
def test_staff_user_is_denied_every_admin_page(permitted_staff_client, path):
    assert _is_denied(permitted_staff_client.get(path)), path


def test_staff_user_cannot_change_anything_through_the_admin(permitted_staff_client, clinic):
    practitioner = clinic.practitioners.first()
    assert _is_denied(permitted_staff_client.post("/admin/clinics/practitioner/add/", {
        "clinic": clinic.pk, "name": "Ny Behandler", "online": "on", "sort_order": 0}))
    assert _is_denied(permitted_staff_client.post(f"/admin/clinics/practitioner/{practitioner.pk}/change/", {
        "clinic": clinic.pk, "name": "Kapret", "sort_order": 0}))
    assert _is_denied(permitted_staff_client.post("/admin/clinics/closure/add/", {
        "clinic": clinic.pk, "start_date": "2027-01-04", "end_date": "2027-01-05", "reason": "Snik"}))
    assert not Practitioner.objects.filter(name__in=["Ny Behandler", "Kapret"]).exists()
    assert not Closure.objects.exists()


def test_logging_in_to_the_admin_as_staff_does_not_let_them_in(anon_client, staff_user, clinic):
    response = anon_client.post("/admin/login/?next=/admin/", {"username": "resepsjon", "password": "pw-resepsjon-1"})
    assert response.status_code == 200  # the login form again, with the reason and the way to the module
    html = response.content.decode()
    assert "bare for driftsansvarlige" in html and "/timebok/logg-inn/" in html
    assert _is_denied(anon_client.get("/admin/clinics/practitioner/"))


def test_the_module_has_every_page_the_admin_had(staff_client, clinic):
    from django.urls import reverse

    for name in ("practitioners", "appointment_types", "week_templates", "closures", "settings"):
        assert staff_client.get(reverse(f"staff:{name}", kwargs={"clinic": clinic.slug})).status_code == 200
