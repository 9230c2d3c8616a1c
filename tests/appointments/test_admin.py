"""Patient data in the admin: masked fødselsnummer, clinic scoping, and every look logged."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Permission

from tests.factories import at, next_weekday, valid_fnr
from timebok.appointments.services.booking import PatientDetails, book_appointment
from timebok.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(clinic, staff_user):
    staff_user.user_permissions.set(Permission.objects.filter(content_type__app_label="appointments"))
    t = clinic.appointment_types.get(name="Oppfølging")
    monday = next_weekday(date.today() + timedelta(days=1), 0)
    return book_appointment(clinic=clinic, appointment_type=t, start=at(monday, 9),
                            patient=PatientDetails("Kari", "Nord", valid_fnr(), "kari@example.com"))


def test_patient_list_masks_fnr_and_logs_the_look(staff_client, booked, staff_user):
    html = staff_client.get("/admin/appointments/patient/").content.decode()
    fnr = valid_fnr()
    assert fnr not in html and fnr[:6] + "*****" in html
    entry = AuditEntry.objects.get(action="patient.list_viewed")
    assert entry.actor == staff_user and entry.data["patients"] == [booked.patient_id]


def test_patient_and_appointment_pages_log_the_look(staff_client, booked, staff_user):
    assert staff_client.get(f"/admin/appointments/patient/{booked.patient_id}/change/").status_code == 200
    assert staff_client.get(f"/admin/appointments/appointment/{booked.pk}/change/").status_code == 200
    entries = AuditEntry.objects.filter(action="patient.viewed", actor=staff_user)
    assert entries.count() == 2
    assert {e.object_id for e in entries} == {str(booked.patient_id)}


def test_other_clinics_patients_are_not_reachable(other_staff_client, other_staff_user, booked):
    other_staff_user.user_permissions.set(Permission.objects.filter(content_type__app_label="appointments"))
    assert other_staff_client.get(f"/admin/appointments/patient/{booked.patient_id}/change/").status_code in (302, 404)
    html = other_staff_client.get("/admin/appointments/patient/").content.decode()
    assert "Nord" not in html
    assert not AuditEntry.objects.filter(action="patient.viewed").exists()
