"""`make loadtest`'s data: loads the bench clinic (bench/data.py) into the throwaway database
named by DATABASE_URL and prints what the load needs as JSON (the URLs' parameters, and a
file of booking bodies for distinct free times). Run with the load test's environment."""

from __future__ import annotations

import json
import random
import sys
from datetime import timedelta
from pathlib import Path


def main(bodies_path: str, count: int) -> None:
    import django

    django.setup()
    from django.utils import timezone

    from bench.data import make_bench_clinic
    from timebok.appointments.services import availability
    from timebok.clinics.demo import synthetic_fnr

    clinic = make_bench_clinic()
    short = clinic.appointment_types.get(duration_minutes=15)  # its times never overlap each other
    month = clinic.appointment_types.get(duration_minutes=30)
    today = timezone.localdate()
    day = today + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    race_day = day + timedelta(days=7)
    race = availability.free_slots(clinic, month, None, race_day)[0]
    practitioners = list(clinic.practitioners.all())
    slots = []
    d = today + timedelta(days=1)
    while len(slots) < count and d < today + timedelta(days=80):
        for p in practitioners:
            if not (d == race_day and p.pk == race.practitioner_id):  # the race's time stays free
                slots.extend(availability.free_slots(clinic, short, p, d))
        d += timedelta(days=1)
    random.Random(12).shuffle(slots)
    lines = []
    for i, s in enumerate(slots[:count]):
        fnr = synthetic_fnr(1 + i % 28, 1 + (i // 28) % 12, (i // 336) % 100)
        lines.append(json.dumps({
            "timetype": short.pk, "behandler": s.practitioner_id, "start": s.start.isoformat(),
            "fornavn": "Last", "etternavn": f"Test {i}", "fodselsnummer": fnr,
            "epost": f"last{i}@example.com", "telefon": "+4791234567",
        }))
    Path(bodies_path).write_text("\n".join(lines) + "\n", encoding="utf-8")
    first = today.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    print(json.dumps({
        "slug": clinic.slug, "month_type": month.pk, "from": first.isoformat(), "to": last.isoformat(),
        "day": day.isoformat(), "bookings": len(lines),
        "race": {"timetype": month.pk, "behandler": race.practitioner_id, "start": race.start.isoformat()},
        "race_fnrs": [synthetic_fnr(1 + i % 28, 12, 1 + i // 28) for i in range(50)],
    }))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
