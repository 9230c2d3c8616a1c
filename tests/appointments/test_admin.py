"""Patient data in the admin (superusers only): masked fødselsnummer, every look logged,
appointments headed in the clinic's time zone, and never deleted (cancel is the only way)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.factories import at, next_weekday, valid_fnr
from timebok.appointments.models import Appointment
from timebok.appointments.services.booking import PatientDetails, book_appointment
from timebok.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("drift", password="pw-drift-1")


@pytest.fixture
def su_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def booked(clinic):
    t = clinic.appointment_types.get(name="Oppfølging")
    monday = next_weekday(date.today() + timedelta(days=1), 0)
    return book_appointment(clinic=clinic, appointment_type=t, start=at(monday, 9),
                            patient=PatientDetails("Kari", "Nord", valid_fnr(), "kari@example.com"))


def test_patient_list_masks_fnr_and_logs_the_look(su_client, booked, superuser):
    html = su_client.get("/admin/appointments/patient/").content.decode()
    fnr = valid_fnr()
    assert fnr not in html and fnr[:6] + "*****" in html
    entry = AuditEntry.objects.get(action="patient.list_viewed")
    assert entry.actor == superuser and entry.data["patients"] == [booked.patient_id]


def test_patient_and_appointment_pages_log_the_look(su_client, booked, superuser):
    assert su_client.get(f"/admin/appointments/patient/{booked.patient_id}/change/").status_code == 200
    assert su_client.get(f"/admin/appointments/appointment/{booked.pk}/change/").status_code == 200
    entries = AuditEntry.objects.filter(action="patient.viewed", actor=superuser)
    assert entries.count() == 2
    assert {e.object_id for e in entries} == {str(booked.patient_id)}


def test_appointment_heading_is_on_the_clinics_clock(su_client, booked):
    assert str(booked).endswith(" kl. 09:00")  # not 08:00 (UTC in winter) or 07:00 (summer)
    html = su_client.get(f"/admin/appointments/appointment/{booked.pk}/change/").content.decode()
    assert f"{booked.reference} " in html and "kl. 09:00" in html
    listing = su_client.get("/admin/appointments/appointment/").content.decode()
    assert "kl. 09:00–09:30" in listing


def test_appointments_cannot_be_deleted_only_cancelled(su_client, booked):
    html = su_client.get(f"/admin/appointments/appointment/{booked.pk}/change/").content.decode()
    assert "/delete/" not in html
    response = su_client.post(f"/admin/appointments/appointment/{booked.pk}/delete/", {"post": "yes"})
    assert response.status_code in (302, 403)
    assert Appointment.objects.filter(pk=booked.pk, status="booked").exists()
    listing = su_client.get("/admin/appointments/appointment/").content.decode()
    assert "delete_selected" not in listing


def test_staff_users_see_no_patient_data_in_the_admin(staff_client, booked):
    response = staff_client.get(f"/admin/appointments/patient/{booked.patient_id}/change/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert not AuditEntry.objects.filter(action="patient.viewed").exists()
