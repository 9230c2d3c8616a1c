"""Benchmark of the scheduling engine on a synthetic clinic.

10 practitioners, 3 appointment types (15/30/45 min), week templates Mon-Fri
08:00-11:30 and 12:00-16:00 (lunch break), and 6000 busy appointments spread
over 90 days, non-overlapping per practitioner (deterministic seed).  The
month measured is March 2026 (31 days, holding the DST change of 29 March)
with about 2000 of those appointments; "now" is Monday 2 March 2026 07:00.

Run: ``.venv/bin/python bench/engine_bench.py`` or ``-m bench.engine_bench`` (from the
project root); the last line printed is the result as JSON.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time as _time
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

try:
    import timebok.scheduling  # noqa: F401
except ImportError:  # run from a checkout without an installed package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from timebok.scheduling import (
    Availability,
    Block,
    Busy,
    Period,
    Rules,
    ScheduleInput,
    Template,
    day_levels,
    free_slots,
    to_int_input,
)

TZ = ZoneInfo("Europe/Oslo")
PRACTITIONERS = tuple(range(1, 11))
TYPES = {1: timedelta(minutes=15), 2: timedelta(minutes=30), 3: timedelta(minutes=45)}
FIRST_DAY = date(2026, 3, 2)
DAYS = 90
N_BUSY = 6000
MONTH = (date(2026, 3, 1), date(2026, 3, 31))
DAY = date(2026, 3, 18)
NOW = datetime(2026, 3, 2, 7, 0, tzinfo=TZ)
BLOCKS = ((time(8, 0), time(11, 30)), (time(12, 0), time(16, 0)))


def build_clinic(seed: int = 20260302, busy_tz: ZoneInfo | None = None) -> ScheduleInput:
    """The synthetic clinic; busy datetimes are UTC (as Django returns them) unless busy_tz."""
    rng = random.Random(seed)
    all_types = frozenset(TYPES)
    blocks = tuple(
        Block(wd, s, e, all_types) for wd in range(5) for s, e in BLOCKS
    )
    templates = [
        Template(id=p, practitioner_id=p, blocks=blocks, periods=(Period(date(2026, 1, 1), None),))
        for p in PRACTITIONERS
    ]
    workdays = [
        FIRST_DAY + timedelta(days=i)
        for i in range(DAYS)
        if (FIRST_DAY + timedelta(days=i)).weekday() < 5
    ]
    quarters = [  # 15-minute starts inside the blocks, as minutes after midnight
        m for s, e in BLOCKS for m in range(s.hour * 60 + s.minute, e.hour * 60 + e.minute, 15)
    ]
    taken: dict[tuple[int, date], list[tuple[int, int]]] = {}
    busy: list[Busy] = []
    while len(busy) < N_BUSY:
        pid = rng.choice(PRACTITIONERS)
        day = rng.choice(workdays)
        length = rng.choice((15, 30, 45))
        start = rng.choice(quarters)
        end = start + length
        if not any(bs <= start and end <= be for bs, be in (
            (s.hour * 60 + s.minute, e.hour * 60 + e.minute) for s, e in BLOCKS
        )):
            continue
        booked = taken.setdefault((pid, day), [])
        if any(start < b_end and b_start < end for b_start, b_end in booked):
            continue
        booked.append((start, end))
        local = datetime.combine(day, time(), tzinfo=TZ) + timedelta(minutes=start)
        s_dt = local.astimezone(busy_tz or UTC)
        busy.append(Busy(pid, s_dt, s_dt + timedelta(minutes=length)))
    return ScheduleInput(
        tz=TZ,
        now=NOW,
        templates=templates,
        closures=[],
        closed_dates=frozenset(),
        busy=busy,
        rules=Rules(notice=timedelta(hours=2), horizon_days=60),
    )


def _median_ms(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm up
    times = []
    for _ in range(repeat):
        t0 = _time.perf_counter()
        fn()
        times.append(_time.perf_counter() - t0)
    return statistics.median(times) * 1000.0


def run() -> dict[str, float]:
    """Median milliseconds of the engine's main calls on the synthetic clinic."""
    data = build_clinic()
    data_local = build_clinic(busy_tz=TZ)
    in_month = sum(1 for b in data.busy if MONTH[0] <= b.start.astimezone(TZ).date() <= MONTH[1])
    assert 1800 <= in_month <= 2300, in_month
    first, last = MONTH
    dur15 = TYPES[1]
    result: dict[str, float] = {}
    # The two numbers asked for: cold calls (every call indexes the whole
    # ScheduleInput of 6000 appointments itself), 15-minute type = most candidates.
    result["month_levels_any"] = _median_ms(lambda: day_levels(data, 1, dur15, first, last), 200)
    result["day_slots_any"] = _median_ms(lambda: free_slots(data, 1, dur15, DAY), 1000)
    for tid in (2, 3):

        def month(tid: int = tid) -> object:
            return day_levels(data, tid, TYPES[tid], first, last)

        result[f"month_levels_any_{TYPES[tid] // timedelta(minutes=1)}min"] = _median_ms(month, 200)
    result["month_levels_one_practitioner"] = _median_ms(
        lambda: day_levels(data, 1, dur15, first, last, [3]), 200
    )
    result["day_slots_one_practitioner"] = _median_ms(
        lambda: free_slots(data, 1, dur15, DAY, [3]), 1000
    )
    # The integer entry point (what the availability service gives the engine).
    data_int = to_int_input(data)
    result["month_levels_any_int"] = _median_ms(lambda: day_levels(data_int, 1, dur15, first, last), 200)
    result["day_slots_any_int"] = _median_ms(lambda: free_slots(data_int, 1, dur15, DAY), 1000)
    result["day_slots_one_practitioner_int"] = _median_ms(
        lambda: free_slots(data_int, 1, dur15, DAY, [3]), 1000
    )
    # Busy datetimes in the clinic's zone instead of UTC (slower conversions).
    result["month_levels_any_busy_local_tz"] = _median_ms(
        lambda: day_levels(data_local, 1, dur15, first, last), 200
    )
    # One Availability indexes once and answers many queries.
    result["availability_build"] = _median_ms(lambda: Availability(data), 100)
    avail = Availability(data)
    avail.day_levels(1, dur15, first, last)  # fill the lazy per-practitioner index
    result["month_levels_any_prepared"] = _median_ms(
        lambda: avail.day_levels(1, dur15, first, last), 200
    )
    result["day_slots_any_prepared"] = _median_ms(lambda: avail.free_slots(1, dur15, DAY), 1000)
    return result


if __name__ == "__main__":
    results = run()
    for name, ms in results.items():
        print(f"{name:34s} {ms:8.3f} ms")
    print(json.dumps(results))  # last line: read by bench/__main__.py
