"""`make bench`: prints the median time of each measured operation.

- engine: a month of day levels for "any practitioner" and one day's free times, for a
  clinic of 10 practitioners, 3 types (15/30/45 min) and 6,000 appointments over 90 days;
- service: the same through the availability service, uncached and in-process, with the
  database (bench/service_bench.py), on SQLite and on PostgreSQL;
- booking: one booking through the service on SQLite, and on PostgreSQL;
- API: the availability and slots endpoints (bench/api_bench.py).
PostgreSQL parts run when TEST_DATABASE_URL (or a postgres DATABASE_URL) is set; set
TIMEBOK_TEST_DB_NAME to give the throwaway database a name of your own.
Each part runs in its own process so that each gets a fresh database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS_MS = {
    "month_levels_any": 10.0,
    "day_slots_any": 2.0,
    # Uncached, in-process, on the 10-practitioner clinic (issue 12).
    "service_month_levels_any_sqlite": 10.0,
    "service_day_slots_one_sqlite": 2.0,
    "service_month_levels_any_postgresql": 10.0,
    "service_day_slots_one_postgresql": 2.0,
    "api_availability_month_any_bench": 15.0,
}


def _sub(module: str, env: dict[str, str]) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-m", module], cwd=ROOT, env=env, capture_output=True, text=True,  # noqa: S603
                         check=True, timeout=1800)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    results: dict[str, float] = {}
    base_env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TEST_DATABASE_URL"}}
    base_env["PYTHONPATH"] = f"{ROOT / 'src'}:{ROOT}"
    results.update(_sub("bench.engine_bench", base_env))
    results.update(_sub("bench.service_bench", base_env))
    pg = os.environ.get("TEST_DATABASE_URL") or (
        os.environ["DATABASE_URL"] if os.environ.get("DATABASE_URL", "").startswith("postgres") else ""
    )
    if pg:
        results.update(_sub("bench.service_bench", {**base_env, "TEST_DATABASE_URL": pg}))
    results.update(_sub("bench.booking_bench", base_env))
    if pg:
        results.update(_sub("bench.booking_bench", {**base_env, "TEST_DATABASE_URL": pg}))
    else:
        print("(PostgreSQL skipped: set TEST_DATABASE_URL=postgres://... to measure the service and booking there)")
    if (ROOT / "bench" / "api_bench.py").exists():
        results.update(_sub("bench.api_bench", base_env))
    width = max(len(k) for k in results)
    print("Timebok benchmark (median, milliseconds; *_queries: queries per call)")
    for key, value in results.items():
        if key.endswith("_queries"):
            print(f"  {key:<{width}}  {value:8.0f}")
            continue
        target = TARGETS_MS.get(key)
        note = f"   target <= {target:g} ms {'OK' if value <= target else 'MISSED'}" if target else ""
        print(f"  {key:<{width}}  {value:8.3f}{note}")


if __name__ == "__main__":
    main()
