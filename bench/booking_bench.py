"""Median time of one booking through the booking service (the whole transaction:
re-check with the engine, patient upsert, insert, audit entry).

Run in its own process per database: `python -m bench.booking_bench` (SQLite), or with
TEST_DATABASE_URL=postgres://... for PostgreSQL.
"""

from __future__ import annotations

import json
import statistics
import time


def run(samples: int = 60) -> dict[str, float]:
    from bench import django_env

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
        while len(slots) < samples + 5 and day < date.today() + timedelta(days=60):
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
        return {f"booking_{vendor}_ms": statistics.median(times[5:])}
    finally:
        django_env.teardown(connection)


if __name__ == "__main__":
    print(json.dumps(run()))
