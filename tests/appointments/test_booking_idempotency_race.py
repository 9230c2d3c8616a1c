"""A double click: several requests with one idempotency key at the same moment, each on
its own connection, all get the same single appointment (never "taken")."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from django.db import connections

from tests.conftest import at, make_clinic, next_weekday, valid_fnr
from timebok.appointments.models import Appointment
from timebok.appointments.services.booking import PatientDetails, book_appointment


@pytest.mark.django_db(transaction=True)
def test_same_idempotency_key_at_once_gives_one_appointment_to_all():
    clinic = make_clinic()
    atype = clinic.appointment_types.get(name="Oppfølging")
    practitioner = clinic.practitioners.get(name="Anne Lie")
    start = at(next_weekday(date.today() + timedelta(days=2), 1), 10)
    n = 6
    barrier = threading.Barrier(n)
    results: list[object] = [None] * n

    def worker(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = book_appointment(
                clinic=clinic, appointment_type=atype, practitioner=practitioner, start=start,
                patient=PatientDetails("Kari", "Klikk", valid_fnr(3, 4, 88), "k@example.com"),
                idempotency_key="double-click-key",
            )
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert all(isinstance(r, Appointment) for r in results), results
    assert len({r.pk for r in results}) == 1  # type: ignore[attr-defined]
    assert Appointment.objects.count() == 1
