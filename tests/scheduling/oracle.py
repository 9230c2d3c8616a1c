"""A slow, obviously-correct reference of the engine's rules, for the property tests.

It converts every wall time through zoneinfo on its own and shares no code
with the engine beyond the value types.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from timebok.scheduling import Block, ScheduleInput, Template

MINUTE = timedelta(minutes=1)


def local_naive(day: date, t: time | timedelta) -> datetime:
    offset = t if isinstance(t, timedelta) else datetime.combine(date.min, t) - datetime.min
    return datetime.combine(day, time()) + offset


def exists(naive: datetime, tz: tzinfo) -> bool:
    aware = naive.replace(tzinfo=tz)
    return aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == naive


def instant(naive: datetime, tz: tzinfo) -> datetime:
    """First occurrence of an existing wall time, in UTC."""
    assert exists(naive, tz)
    return naive.replace(tzinfo=tz, fold=0).astimezone(UTC)


def bound(naive: datetime, tz: tzinfo) -> datetime:
    """First instant whose wall clock reads >= naive (naive may lie in a DST gap).

    Walks minute by minute out of a gap; fine for zones whose transitions
    fall on whole minutes.
    """
    probe = naive
    while not exists(probe, tz):
        probe += MINUTE
    if probe == naive:
        return instant(naive, tz)
    # The gap ends at `probe` wall time: its first instant is the transition.
    return instant(probe.replace(second=0, microsecond=0), tz)


def iso_odd(day: date) -> bool:
    return day.isocalendar()[1] % 2 == 1


def template_applies(t: Template, day: date) -> bool:
    for p in t.periods:
        if day < p.start or (p.end is not None and day > p.end):
            continue
        if p.parity == "all" or (p.parity == "odd") == iso_odd(day):
            return True
    return False


def applying_blocks(data: ScheduleInput, pid: int, day: date, type_id: int) -> list[Block]:
    return [
        b
        for t in data.templates
        if t.practitioner_id == pid and template_applies(t, day)
        for b in t.blocks
        if b.weekday == day.weekday() and type_id in b.type_ids
    ]


def whole_day_closed(data: ScheduleInput, pid: int, day: date) -> bool:
    if day in data.closed_dates:
        return True
    return any(
        c.start_time is None
        and c.end_time is None
        and c.start_date <= day <= c.end_date
        and c.practitioner_id in (None, pid)
        for c in data.closures
    )


def closed_intervals(data: ScheduleInput, pid: int, day: date) -> list[tuple[datetime, datetime]]:
    """Partial closures of `pid` (and the clinic) on the days around `day`, as UTC instants."""
    tz = data.tz
    out = []
    for d in (day - timedelta(days=1), day, day + timedelta(days=1)):
        for c in data.closures:
            if c.start_time is None and c.end_time is None:
                continue
            if c.practitioner_id not in (None, pid) or not c.start_date <= d <= c.end_date:
                continue
            s = bound(local_naive(d, c.start_time or time()), tz)
            if c.end_time is None:
                e = bound(local_naive(d + timedelta(days=1), time()), tz)
            else:
                e = bound(local_naive(d, c.end_time), tz)
            out.append((s, e))
    return out


def overlaps(a0: datetime, a1: datetime, b0: datetime, b1: datetime) -> bool:
    return a0 < b1 and b0 < a1


def practitioner_starts(
    data: ScheduleInput, type_id: int, duration: timedelta, day: date, pid: int
) -> set[datetime]:
    """Free start instants (UTC) of one practitioner on one local day."""
    tz = data.tz
    rules = data.rules
    today = data.now.astimezone(tz).date()
    if day > today + timedelta(days=rules.horizon_days) or whole_day_closed(data, pid, day):
        return set()
    earliest = data.now + rules.notice
    step = timedelta(minutes=rules.step_minutes) if rules.step_minutes else duration
    blocked = closed_intervals(data, pid, day)
    blocked += [(b.start, b.end) for b in data.busy if b.practitioner_id == pid]
    found: set[datetime] = set()
    for block in applying_blocks(data, pid, day, type_id):
        block_end = bound(local_naive(day, block.end), tz)
        w = local_naive(day, block.start)
        while w < local_naive(day, block.end):
            if exists(w, tz):
                s = instant(w, tz)
                e = s + duration
                if (
                    e <= block_end
                    and s >= earliest
                    and not any(overlaps(s, e, b0, b1) for b0, b1 in blocked)
                ):
                    found.add(s)
            w += step
    return found


def all_practitioners(data: ScheduleInput) -> list[int]:
    return sorted({t.practitioner_id for t in data.templates})


def busy_count(data: ScheduleInput, pid: int, day: date) -> int:
    lo = bound(local_naive(day, time()), data.tz)
    hi = bound(local_naive(day + timedelta(days=1), time()), data.tz)
    return sum(1 for b in data.busy if b.practitioner_id == pid and lo <= b.start < hi)


def expected_slots(
    data: ScheduleInput,
    type_id: int,
    duration: timedelta,
    day: date,
    practitioner_ids: Collection[int] | None = None,
) -> list[tuple[datetime, int]]:
    """(UTC start, practitioner) pairs free_slots should return, ignoring first_free_only."""
    pids = all_practitioners(data) if practitioner_ids is None else sorted(set(practitioner_ids))
    by_start: dict[datetime, list[int]] = {}
    for pid in pids:
        for s in practitioner_starts(data, type_id, duration, day, pid):
            by_start.setdefault(s, []).append(pid)
    return [
        (s, min(cands, key=lambda p: (busy_count(data, p, day), p)))
        for s, cands in sorted(by_start.items())
    ]
