"""Master data through the clinic-scoped admin, as a normal staff user (is_staff, model
permissions, not superuser): own clinic only, and nothing can be attached to another clinic."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from timebok.clinics.models import AppointmentType, Closure, Practitioner, WeekTemplate

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(staff_client, staff_user):
    staff_user.user_permissions.set(Permission.objects.filter(content_type__app_label="clinics"))
    assert not staff_user.is_superuser
    return staff_client


def test_lists_only_own_clinic(admin_client, clinic, other_clinic):
    for model in ("practitioner", "appointmenttype", "weektemplate", "closure"):
        response = admin_client.get(f"/admin/clinics/{model}/")
        assert response.status_code == 200, model
        assert "Annen Klinikk" not in response.content.decode()
    html = admin_client.get("/admin/clinics/appointmenttype/").content.decode()
    assert "Oppfølging" in html


def test_adds_practitioner_to_own_clinic(admin_client, clinic):
    response = admin_client.post("/admin/clinics/practitioner/add/", {
        "clinic": clinic.pk, "name": "Ny Behandler", "title": "", "online": "on", "sort_order": 0})
    assert response.status_code == 302
    assert Practitioner.objects.get(name="Ny Behandler").clinic == clinic


@pytest.mark.parametrize(("path", "data"), [
    ("practitioner", {"name": "Snik", "sort_order": 0}),
    ("appointmenttype", {"name": "Snik", "duration_minutes": 30, "sort_order": 0}),
    ("closure", {"start_date": "2027-01-04", "end_date": "2027-01-05", "reason": "Snik"}),
])
def test_cannot_attach_rows_to_another_clinic(admin_client, other_clinic, path, data):
    response = admin_client.post(f"/admin/clinics/{path}/add/", {**data, "clinic": other_clinic.pk})
    assert response.status_code == 200
    assert "Velg et gyldig valg" in response.content.decode()
    assert not other_clinic.practitioners.filter(name="Snik").exists()
    assert not AppointmentType.objects.filter(name="Snik").exists()
    assert not Closure.objects.filter(reason="Snik").exists()


def test_cannot_use_another_clinics_practitioner(admin_client, clinic, other_clinic):
    foreign = other_clinic.practitioners.first()
    response = admin_client.post("/admin/clinics/closure/add/", {
        "clinic": clinic.pk, "practitioner": foreign.pk, "start_date": "2027-01-04", "end_date": "2027-01-05",
        "reason": "Snik"})
    assert response.status_code == 200 and not Closure.objects.exists()
    response = admin_client.post("/admin/clinics/weektemplate/add/", {
        "practitioner": foreign.pk, "name": "Snik",
        "blocks-TOTAL_FORMS": 0, "blocks-INITIAL_FORMS": 0, "blocks-MIN_NUM_FORMS": 0, "blocks-MAX_NUM_FORMS": 1000,
        "periods-TOTAL_FORMS": 0, "periods-INITIAL_FORMS": 0, "periods-MIN_NUM_FORMS": 0,
        "periods-MAX_NUM_FORMS": 1000})
    assert response.status_code == 200 and not WeekTemplate.objects.filter(name="Snik").exists()


def test_cannot_open_or_change_another_clinics_rows(admin_client, other_clinic):
    foreign = other_clinic.practitioners.first()
    assert admin_client.get(f"/admin/clinics/practitioner/{foreign.pk}/change/").status_code in (302, 404)
    admin_client.post(f"/admin/clinics/practitioner/{foreign.pk}/change/", {
        "clinic": other_clinic.pk, "name": "Kapret", "sort_order": 0})
    foreign.refresh_from_db()
    assert foreign.name != "Kapret"


def test_rules_and_tracking_are_changed_in_innstillinger_not_in_the_admin(admin_client, clinic):
    html = admin_client.get(f"/admin/clinics/clinic/{clinic.pk}/change/").content.decode()
    assert 'name="name"' in html
    assert 'name="tracking_search_url"' not in html and 'name="horizon_days"' not in html
    admin_client.post(f"/admin/clinics/clinic/{clinic.pk}/change/", {
        "name": clinic.name, "address": "", "phone": "", "email": "", "timezone": "Europe/Oslo",
        "close_public_holidays": "on", "reminder_hours": 48, "slot_step_minutes": "",
        "tracking_search_url": "https://sneaky.example/", "horizon_days": 5})
    clinic.refresh_from_db()
    assert clinic.tracking_search_url == "" and clinic.horizon_days == 60


def test_audit_log_in_the_admin_is_scoped_too(staff_client, staff_user, clinic, other_clinic, other_staff_user):
    from timebok.core import audit

    staff_user.user_permissions.set(Permission.objects.filter(codename="view_auditentry"))
    audit.record(audit.AuditAction.CLINIC_RULES_UPDATED, actor=staff_user, clinic=clinic, obj=clinic)
    audit.record(audit.AuditAction.PATIENT_FNR_REVEALED, actor=other_staff_user, clinic=other_clinic, obj=other_clinic)
    html = staff_client.get("/admin/core/auditentry/").content.decode()
    assert "regler for bestilling på nett endret" in html and "fødselsnummer vist" not in html
