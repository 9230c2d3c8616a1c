"""Schema changes keep existing data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


@pytest.mark.django_db(transaction=True)
def test_existing_appointments_take_their_patients_contact_details():
    before = [("appointments", "0002_no_overlap_postgres")]
    after = [("appointments", "0003_appointment_contact")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    Clinic = apps.get_model("clinics", "Clinic")
    Practitioner = apps.get_model("clinics", "Practitioner")
    AppointmentType = apps.get_model("clinics", "AppointmentType")
    Patient = apps.get_model("appointments", "Patient")
    Appointment = apps.get_model("appointments", "Appointment")
    clinic = Clinic.objects.create(slug="m", name="M")
    practitioner = Practitioner.objects.create(clinic=clinic, name="P")
    atype = AppointmentType.objects.create(clinic=clinic, name="T", duration_minutes=30)
    patient = Patient.objects.create(clinic=clinic, first_name="Kari", last_name="Nordmann", email="k@example.com",
                                     phone="+4741234567", fnr_encrypted="x", fnr_hash="h")
    start = datetime(2030, 1, 7, 9, tzinfo=UTC)
    common = {"clinic": clinic, "practitioner": practitioner, "appointment_type": atype}
    with_patient = Appointment.objects.create(**common, patient=patient, start=start, end=start + timedelta(minutes=30),
                                              reference="AAAAAAAA")
    without = Appointment.objects.create(**common, start=start + timedelta(hours=1),
                                         end=start + timedelta(hours=1, minutes=30), reference="BBBBBBBB")

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    Appointment = executor.loader.project_state(after).apps.get_model("appointments", "Appointment")
    migrated = Appointment.objects.get(pk=with_patient.pk)
    assert (migrated.first_name, migrated.last_name, migrated.email, migrated.phone) == (
        "Kari", "Nordmann", "k@example.com", "+4741234567")
    assert Appointment.objects.get(pk=without.pk).email == ""
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
