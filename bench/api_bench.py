"""Median server time per request of the public API's availability and slots endpoints,
and of the booking page itself, through Django's test Client in-process on a throwaway
SQLite database, after a warm-up. For the demo clinic and the 10-practitioner benchmark
clinic (bench/data.py). Run alone with `python -m bench.api_bench`.
"""

from __future__ import annotations

import json
import statistics
import time
from typing import Any

from bench.service_bench import next_month, weekday_after

WARMUP = 20
SAMPLES = 150


def _median_ms(client: Any, path: str, params: dict[str, str], samples: int = SAMPLES) -> float:
    for _ in range(WARMUP):
        response = client.get(path, params)
        assert response.status_code == 200, (path, response.status_code, response.content[:500])
    times = []
    for _ in range(samples):
        t0 = time.perf_counter()
        client.get(path, params)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def measure(clinic: Any, name: str) -> dict[str, float]:
    from django.test import Client
    from django.utils import timezone

    client = Client()
    today = timezone.localdate()
    atype = clinic.appointment_types.filter(online=True).order_by("duration_minutes").last()
    first, last = next_month(today)
    base = f"/api/v1/clinics/{clinic.slug}/"
    return {
        f"api_availability_month_any_{name}": _median_ms(
            client, base + "availability", {"timetype": str(atype.pk), "from": first.isoformat(),
                                            "to": last.isoformat()}),
        f"api_slots_day_any_{name}": _median_ms(
            client, base + "slots", {"timetype": str(atype.pk), "date": weekday_after(today, 3).isoformat()}),
        f"booking_page_{name}": _median_ms(client, f"/b/{clinic.slug}/", {"timetype": str(atype.pk)},
                                           samples=60),
    }


def run() -> dict[str, float]:
    from bench import django_env

    connection = django_env.setup()
    try:
        from bench.data import make_bench_clinic
        from timebok.clinics.demo import load_demo

        results: dict[str, float] = {}
        results.update(measure(load_demo(), "demo"))
        results.update(measure(make_bench_clinic(), "bench"))
        return results
    finally:
        django_env.teardown(connection)


if __name__ == "__main__":
    print(json.dumps(run()))
