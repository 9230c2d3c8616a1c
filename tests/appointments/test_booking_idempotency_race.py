"""A double click: several requests with one idempotency key at the same moment, each on
its own connection, all get the same single appointment (never "taken")."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.appointments.test_booking_concurrency import race
from tests.factories import at, make_clinic, next_weekday
from timebok.appointments.models import Appointment


@pytest.mark.django_db(transaction=True)
def test_same_idempotency_key_at_once_gives_one_appointment_to_all():
    clinic = make_clinic()
    practitioner = clinic.practitioners.get(name="Anne Lie")
    start = at(next_weekday(date.today() + timedelta(days=2), 1), 10)
    results = race(clinic, practitioner, start, 6, idempotency_key="double-click-key")
    assert all(isinstance(r, Appointment) for r in results), results
    assert len({r.pk for r in results}) == 1  # type: ignore[attr-defined]
    assert Appointment.objects.count() == 1
