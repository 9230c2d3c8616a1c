"""Benchmark data: a clinic of 10 practitioners, 3 appointment types (15/30/45 min) and
6,000 appointments over 90 days.

``make_bench_clinic()`` needs a configured Django with a migrated database. Appointments
are bulk-inserted for speed (the only place outside the booking service that writes
appointments, and only for benchmark data); they never overlap per practitioner.
"""

from __future__ import annotations

import itertools
import random
from datetime import date, datetime, time, timedelta
from typing import Any

BENCH_SLUG = "bench"
PRACTITIONERS = 10
APPOINTMENTS = 6000
DAYS = 90
DAY_START = time(8, 0)
DAY_END = time(16, 0)


def make_bench_clinic(*, today: date | None = None, seed: int = 20261126) -> Any:
    from django.db import transaction
    from django.utils import timezone

    from timebok.appointments.models import Appointment, new_reference
    from timebok.clinics.models import (
        AppointmentType,
        Clinic,
        Practitioner,
        TemplateBlock,
        TemplatePeriod,
        WeekTemplate,
    )

    today = today or timezone.localdate()
    rng = random.Random(seed)
    with transaction.atomic():
        clinic = Clinic.objects.create(
            slug=BENCH_SLUG, name="Benk Klinikk", address="Benkveien 1, 0001 Oslo", online_booking=True,
            min_notice_hours=2, horizon_days=DAYS, max_future_bookings=None,
        )
        types = [
            AppointmentType.objects.create(clinic=clinic, name=f"Time {m} min", duration_minutes=m, price=m * 20,
                                           online=True, sort_order=i)
            for i, m in enumerate((15, 30, 45))
        ]
        practitioners = [
            Practitioner.objects.create(clinic=clinic, name=f"Behandler {i + 1:02d}", sort_order=i)
            for i in range(PRACTITIONERS)
        ]
        for p in practitioners:
            tmpl = WeekTemplate.objects.create(practitioner=p, name="Standard")
            TemplatePeriod.objects.create(template=tmpl, start_date=today - timedelta(days=30))
            for wd in range(5):
                block = TemplateBlock.objects.create(template=tmpl, weekday=wd, start_time=DAY_START,
                                                     end_time=DAY_END)
                block.appointment_types.set(types)

        tz = clinic.tz
        workdays = [today + timedelta(days=i) for i in range(DAYS) if (today + timedelta(days=i)).weekday() < 5]
        slots_total = len(workdays) * PRACTITIONERS
        base, extra = divmod(APPOINTMENTS, slots_total)
        day_minutes = (DAY_END.hour * 60 + DAY_END.minute) - (DAY_START.hour * 60 + DAY_START.minute)
        rows = []
        n = 0
        for day in workdays:
            for p in practitioners:
                k = base + (1 if n < extra else 0)
                n += 1
                durations = [rng.choice(types) for _ in range(k)]
                while sum(t.duration_minutes for t in durations) > day_minutes:
                    durations[durations.index(max(durations, key=lambda t: t.duration_minutes))] = types[0]
                spare = (day_minutes - sum(t.duration_minutes for t in durations)) // 15
                # Spread the spare quarter-hours as gaps before each appointment.
                cuts = sorted(rng.randint(0, spare) for _ in range(k))
                gaps = [cuts[0], *(b - a for a, b in itertools.pairwise(cuts))] if k else []
                cursor = datetime.combine(day, DAY_START, tzinfo=tz)
                for atype, gap in zip(durations, gaps, strict=True):
                    cursor += timedelta(minutes=15 * gap)
                    end = cursor + atype.duration
                    rows.append(Appointment(
                        clinic=clinic, practitioner=p, appointment_type=atype, start=cursor, end=end,
                        source=Appointment.Source.STAFF, price=atype.price, reference=new_reference(),
                    ))
                    cursor = end
        Appointment.objects.bulk_create(rows, batch_size=1000)
    from django.db import connection

    if connection.vendor == "postgresql":
        # Planner statistics, as autovacuum keeps them in production (a fresh bulk load has none).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return clinic
