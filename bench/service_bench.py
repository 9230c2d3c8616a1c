"""Median time of the availability service, uncached and in-process, on the
10-practitioner benchmark clinic (bench/data.py, 6,000 appointments): database queries,
loading and the engine together, as the API and the booking page call it.

Run in its own process per database: `python -m bench.service_bench` (SQLite), or with
TEST_DATABASE_URL=postgres://... (and TIMEBOK_TEST_DB_NAME for a database of your own)
for PostgreSQL. The last line printed is the result as JSON.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

WARMUP = 10


def _median_ms(fn: Callable[[], object], samples: int) -> float:
    for _ in range(WARMUP):
        fn()
    times = []
    for _ in range(samples):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def next_month(today: date) -> tuple[date, date]:
    first = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return first, last


def weekday_after(today: date, days: int) -> date:
    d = today + timedelta(days=days)
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return d


def _queries(fn: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def measure(clinic: Any, vendor: str, samples: int = 100) -> dict[str, float]:
    from django.utils import timezone

    from timebok.appointments.services import availability

    today = timezone.localdate()
    first, last = next_month(today)
    day = weekday_after(today, 7)
    shortest = clinic.appointment_types.order_by("duration_minutes").first()  # most candidate starts
    longest = clinic.appointment_types.order_by("duration_minutes").last()
    one = clinic.practitioners.order_by("sort_order").first()
    calls: dict[str, Callable[[], object]] = {
        # The two targets: "any practitioner" month, one practitioner's day.
        "month_levels_any": lambda: availability.day_levels(clinic, shortest, None, first, last),
        "day_slots_one": lambda: availability.free_slots(clinic, shortest, one, day),
        "month_levels_any_45min": lambda: availability.day_levels(clinic, longest, None, first, last),
        "month_levels_one": lambda: availability.day_levels(clinic, shortest, one, first, last),
        "day_slots_any": lambda: availability.free_slots(clinic, shortest, None, day),
    }
    results: dict[str, float] = {}
    for name, fn in calls.items():
        results[f"service_{name}_{vendor}"] = _median_ms(fn, samples)
        results[f"service_{name}_{vendor}_queries"] = _queries(fn)
    return results


def run() -> dict[str, float]:
    from bench import django_env

    connection = django_env.setup()
    try:
        from bench.data import make_bench_clinic

        return measure(make_bench_clinic(), connection.vendor)  # type: ignore[attr-defined]
    finally:
        django_env.teardown(connection)


if __name__ == "__main__":
    print(json.dumps(run()))
