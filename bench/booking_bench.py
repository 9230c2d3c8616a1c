"""Median time of one booking through the booking service (the whole transaction:
re-check with the engine, patient upsert, insert, audit entry), and of one whole
``POST /api/v1/clinics/<slug>/bookings`` through Django's test client (the request path
`make loadtest` drives: look-ups, checks, the booking, its outbox rows and task rows).

Run in its own process per database: `python -m bench.booking_bench` (SQLite), or with
TEST_DATABASE_URL=postgres://... for PostgreSQL.
"""

from __future__ import annotations

import json
import statistics
import time
from typing import Any


def _api_ms(clinic: Any, atype: Any, slots: list[Any], samples: int) -> tuple[float, float]:
    """Median wall time, and the mean CPU time of this process (the app's share: a shared
    machine moves the wall time more than the CPU time) per booking."""
    from django.test import Client

    from timebok.clinics.demo import synthetic_fnr

    client = Client()
    url = f"/api/v1/clinics/{clinic.slug}/bookings"
    times = []
    cpu = 0.0
    for i, slot in enumerate(slots[:samples + 5]):
        body = json.dumps({
            "timetype": atype.pk, "behandler": slot.practitioner_id, "start": slot.start.isoformat(),
            "fornavn": "Api", "etternavn": f"Pasient{i}",
            "fodselsnummer": synthetic_fnr(1 + i % 28, 1 + i % 12, 10 + i % 40),
            "epost": f"api{i}@example.com", "telefon": "+4791234567",
        })
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.post(url, body, content_type="application/json")
        times.append((time.perf_counter() - t0) * 1000)
        if i >= 5:
            cpu += (time.process_time() - c0) * 1000
        assert response.status_code == 201, (response.status_code, response.content[:300])
    return statistics.median(times[5:]), cpu / len(times[5:])


def run(samples: int = 60) -> dict[str, float]:
    import os

    from bench import django_env

    os.environ.setdefault("TIMEBOK_ALLOW_TEST_IDENTITIES", "1")  # the API bookings use synthetic numbers
    os.environ.setdefault("TIMEBOK_BOOKING_RATE_LIMIT", "100000000")  # one client address books them all

    connection = django_env.setup()
    try:
        from datetime import date, timedelta

        from timebok.appointments.services import availability
        from timebok.appointments.services.booking import PatientDetails, book_appointment
        from timebok.clinics.demo import load_demo, synthetic_fnr

        clinic = load_demo()
        atype = clinic.appointment_types.get(name="Kort kontroll")
        slots = []
        day = date.today() + timedelta(days=1)
        while len(slots) < 2 * (samples + 5) and day < date.today() + timedelta(days=60):
            slots.extend(availability.free_slots(clinic, atype, None, day))
            day += timedelta(days=1)
        times = []
        for i, slot in enumerate(slots[: samples + 5]):
            patient = PatientDetails("Bench", f"Pasient{i}", synthetic_fnr(1 + i % 28, 1 + i % 12, 50 + i % 40),
                                     "bench@example.com", "+4791234567")
            t0 = time.perf_counter()
            book_appointment(clinic=clinic, appointment_type=atype, start=slot.start, patient=patient)
            times.append((time.perf_counter() - t0) * 1000)
        vendor = connection.vendor  # type: ignore[attr-defined]
        api_wall, api_cpu = _api_ms(clinic, atype, slots[samples + 5:], samples)
        return {f"booking_{vendor}_ms": statistics.median(times[5:]), f"api_booking_{vendor}_ms": api_wall,
                f"api_booking_{vendor}_cpu_ms": api_cpu}
    finally:
        django_env.teardown(connection)


if __name__ == "__main__":
    print(json.dumps(run()))
