"""Property tests: random templates, closures, appointments, rules and "now".

Days are drawn around DST transitions of three zones (Oslo; São Paulo, whose
2018 change skipped midnight; Lord Howe Island, with a 30-minute shift) and
around a plain week in UTC.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timebok.scheduling import (
    Block,
    Busy,
    Closure,
    Period,
    Rules,
    ScheduleInput,
    Slot,
    Template,
    day_levels,
    free_slots,
    level_for,
)

from . import oracle

# Dates around DST transitions, with the local minute where the clock jumps.
ANCHORS: dict[str, tuple[tuple[date, int], ...]] = {
    "Europe/Oslo": (
        (date(2026, 3, 29), 2 * 60),  # 02:00 -> 03:00
        (date(2026, 10, 25), 2 * 60),  # 03:00 -> 02:00
        (date(2026, 6, 3), 12 * 60),  # no transition
    ),
    "America/Sao_Paulo": (
        (date(2018, 11, 4), 0),  # 00:00 -> 01:00: midnight does not exist
        (date(2019, 2, 16), 23 * 60),  # 24:00 -> 23:00 on the 16th
    ),
    "Australia/Lord_Howe": (
        (date(2026, 4, 5), 90),  # 02:00 -> 01:30
        (date(2026, 10, 4), 2 * 60),  # 02:00 -> 02:30
    ),
    "UTC": ((date(2026, 1, 7), 12 * 60),),
}
DST_ANCHORS = [(zone, a) for zone, anchors in ANCHORS.items() for a in anchors if zone != "UTC"]
SPAN = 3  # query days are anchor - SPAN .. anchor + SPAN
TYPES = (1, 2)
LAST_MINUTE = 23 * 60 + 59

# TIMEBOK_HYPOTHESIS_EXAMPLES=5000 for a longer hunt.
PROPERTY = settings(
    max_examples=int(os.environ.get("TIMEBOK_HYPOTHESIS_EXAMPLES", "120")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@dataclass
class Scenario:
    data: ScheduleInput
    anchor: date
    day: date
    type_id: int
    duration: timedelta
    practitioner_ids: list[int] | None

    @property
    def days(self) -> tuple[date, date]:
        return self.anchor - timedelta(days=SPAN), self.anchor + timedelta(days=SPAN)


def minute_time(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def wall_minutes(hot: int) -> st.SearchStrategy[int]:
    """Local minutes of the day, often close to the DST jump at `hot`."""
    near = st.integers(max(0, hot - 150), min(hot + 60, LAST_MINUTE - 5))
    return st.integers(0, LAST_MINUTE - 5) | near | near


@st.composite
def blocks(draw: st.DrawFn, day: date, hot: int) -> Block:
    start = draw(wall_minutes(hot))
    end = min(start + draw(st.integers(5, 8 * 60)), LAST_MINUTE)
    return Block(
        weekday=draw(st.just(day.weekday()) | st.integers(0, 6)),
        start=minute_time(start),
        end=minute_time(end),
        type_ids=draw(st.frozensets(st.sampled_from(TYPES), min_size=1)),
    )


@st.composite
def periods(draw: st.DrawFn, anchor: date) -> Period:
    start = anchor + timedelta(days=draw(st.integers(-10, -SPAN) | st.integers(-10, SPAN)))
    end = draw(st.none() | st.none() | st.integers(0, 8).map(lambda n: start + timedelta(days=n)))
    return Period(start, end, draw(st.sampled_from(("all", "all", "all", "odd", "even"))))


@st.composite
def closures(draw: st.DrawFn, anchor: date, hot: int, n_pract: int) -> Closure:
    start = anchor + timedelta(days=draw(st.integers(-SPAN - 1, SPAN)))
    end = start + timedelta(days=draw(st.integers(0, 2)))
    pid = draw(st.none() | st.integers(1, n_pract))
    kind = draw(st.sampled_from(("whole", "range", "range", "from", "until")))
    if kind == "whole":
        return Closure(start, end, practitioner_id=pid)
    a = draw(wall_minutes(hot))
    b = min(a + draw(st.integers(5, 6 * 60)), LAST_MINUTE)
    if kind == "from":
        return Closure(start, end, minute_time(a), None, pid)
    if kind == "until":
        return Closure(start, end, None, minute_time(b), pid)
    return Closure(start, end, minute_time(a), minute_time(b), pid)


@st.composite
def busies(draw: st.DrawFn, day: date, hot: int, tz: ZoneInfo, n_pract: int) -> Busy:
    """Mostly on `day`, sometimes on the days around it."""
    midnight = datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)
    around = st.integers(-(2 * SPAN + 1) * 1440, (2 * SPAN + 1) * 1440)
    start = midnight + timedelta(minutes=draw(wall_minutes(hot) | around))
    end = start + timedelta(minutes=draw(st.integers(1, 4 * 60)))
    zone = draw(st.sampled_from((UTC, tz)))
    return Busy(draw(st.integers(1, n_pract)), start.astimezone(zone), end.astimezone(zone))


@st.composite
def scenarios(draw: st.DrawFn, dst_focus: bool = False) -> Scenario:
    """A random clinic.  With dst_focus, the day asked about is a DST day and the
    blocks sit near the jump."""
    if dst_focus:
        zone, (anchor, hot) = draw(st.sampled_from(DST_ANCHORS))
    else:
        zone = draw(st.sampled_from(sorted(ANCHORS)))
        anchor, hot = draw(st.sampled_from(ANCHORS[zone]))
    tz = ZoneInfo(zone)
    day = anchor if dst_focus else anchor + timedelta(days=draw(st.just(0) | st.integers(-3, 3)))
    n_pract = draw(st.integers(1, 3))
    # Practitioners often share blocks, so that "any practitioner" has to choose.
    shared = draw(st.lists(blocks(day, hot), min_size=1, max_size=3))
    block_choice = st.sampled_from(shared) | blocks(day, hot)
    templates: list[Template] = []
    for pid in range(1, n_pract + 1):
        for _ in range(draw(st.integers(1, 2))):
            templates.append(
                Template(
                    id=len(templates) + 1,
                    practitioner_id=pid,
                    blocks=tuple(draw(st.lists(block_choice, min_size=1, max_size=5))),
                    periods=tuple(draw(st.lists(periods(anchor), min_size=1, max_size=2))),
                )
            )
    midnight = datetime.combine(anchor, time(), tzinfo=tz).astimezone(UTC)
    early = st.integers(-6 * 1440, -SPAN * 1440)
    now = midnight + timedelta(
        minutes=draw(early if dst_focus else early | st.integers(-6 * 1440, 2 * 1440))
    )
    rules = Rules(
        notice=timedelta(minutes=draw(st.sampled_from((0, 0, 30, 120, 24 * 60)))),
        horizon_days=draw(st.integers(8, 10) | st.integers(0, 10)) if not dst_focus else 10,
        first_free_only=draw(st.booleans()),
        step_minutes=draw(st.sampled_from((None, None, 5, 10, 15, 20, 25, 30, 45))),
    )
    data = ScheduleInput(
        tz=tz,
        now=now.astimezone(draw(st.sampled_from((UTC, tz)))),
        templates=templates,
        closures=draw(st.lists(closures(anchor, hot, n_pract), max_size=3)),
        closed_dates=frozenset(
            anchor + timedelta(days=n)
            for n in draw(st.lists(st.integers(-SPAN, SPAN), max_size=1))
        ),
        busy=draw(st.lists(busies(day, hot, tz, n_pract), max_size=10)),
        rules=rules,
    )
    pids = draw(
        st.none()
        | st.lists(st.integers(1, n_pract), min_size=1, max_size=1)
        | st.lists(st.integers(1, n_pract), min_size=2, max_size=3)
    )
    return Scenario(
        data=data,
        anchor=anchor,
        day=day,
        type_id=draw(st.sampled_from(TYPES)),
        duration=timedelta(minutes=draw(st.sampled_from((10, 15, 20, 30, 45, 60, 90, 120)))),
        practitioner_ids=pids,
    )


def any_scenario() -> st.SearchStrategy[Scenario]:
    return scenarios() | scenarios(dst_focus=True)


def without_first_free_only(data: ScheduleInput) -> ScheduleInput:
    return dataclasses.replace(data, rules=dataclasses.replace(data.rules, first_free_only=False))


def slots_of(sc: Scenario, data: ScheduleInput | None = None) -> list[Slot]:
    return free_slots(
        data or sc.data, sc.type_id, sc.duration, sc.day, sc.practitioner_ids
    )


def utc(dt: datetime) -> datetime:
    return dt.astimezone(UTC)


# --------------------------------------------------------------------------- properties


@PROPERTY
@given(any_scenario())
def test_matches_reference_implementation(sc: Scenario) -> None:
    expected = oracle.expected_slots(
        sc.data, sc.type_id, sc.duration, sc.day, sc.practitioner_ids
    )
    got = [(utc(s.start), s.practitioner_id) for s in slots_of(sc)]
    if sc.data.rules.first_free_only:
        expected = expected[:1]
    assert got == expected


@PROPERTY
@given(any_scenario())
def test_slots_are_well_formed(sc: Scenario) -> None:
    slots = slots_of(sc, without_first_free_only(sc.data))
    starts = [utc(s.start) for s in slots]
    assert starts == sorted(set(starts)), "sorted, one slot per start time"
    for s in slots:
        for t in (s.start, s.end):  # local wall time with that instant's fixed offset
            assert t.astimezone(sc.data.tz).replace(tzinfo=None) == t.replace(tzinfo=None)
        assert utc(s.end) - utc(s.start) == sc.duration
        assert s.start.astimezone(sc.data.tz).date() == sc.day
        if sc.practitioner_ids is not None:
            assert s.practitioner_id in sc.practitioner_ids


@PROPERTY
@given(any_scenario())
def test_no_slot_overlaps_busy_or_closure(sc: Scenario) -> None:
    data = sc.data
    for s in slots_of(sc):
        pid = s.practitioner_id
        for b in data.busy:
            if b.practitioner_id == pid:
                assert not oracle.overlaps(utc(s.start), utc(s.end), utc(b.start), utc(b.end))
        assert not oracle.whole_day_closed(data, pid, sc.day)
        for c0, c1 in oracle.closed_intervals(data, pid, sc.day):
            assert not oracle.overlaps(utc(s.start), utc(s.end), c0, c1)


@PROPERTY
@given(any_scenario())
def test_every_slot_lies_in_an_applying_block_that_allows_the_type(sc: Scenario) -> None:
    tz = sc.data.tz
    step = timedelta(minutes=sc.data.rules.step_minutes or 0) or sc.duration
    for s in slots_of(sc):
        wall = s.start.astimezone(tz).replace(tzinfo=None)
        # The start is a real wall time, used in its first occurrence.
        assert oracle.exists(wall, tz) and oracle.instant(wall, tz) == utc(s.start)
        inside = False
        for block in oracle.applying_blocks(sc.data, s.practitioner_id, sc.day, sc.type_id):
            b_start = oracle.local_naive(sc.day, block.start)
            b_end = oracle.local_naive(sc.day, block.end)
            on_grid = b_start <= wall < b_end and (wall - b_start) % step == timedelta(0)
            fits = utc(s.end) <= oracle.bound(b_end, tz)
            inside = inside or (on_grid and fits)
        assert inside, s


@PROPERTY
@given(any_scenario())
def test_notice_and_horizon_hold(sc: Scenario) -> None:
    data = sc.data
    today = data.now.astimezone(data.tz).date()
    last = today + timedelta(days=data.rules.horizon_days)
    for s in slots_of(sc):
        assert utc(s.start) >= utc(data.now) + data.rules.notice
        assert s.start.astimezone(data.tz).date() <= last
    first, end = sc.days
    for day, info in day_levels(data, sc.type_id, sc.duration, first, end).items():
        if day > last:
            assert info.free == 0


@PROPERTY
@given(any_scenario(), st.data())
def test_adding_busy_never_adds_a_free_slot(sc: Scenario, extra: st.DataObject) -> None:
    data = without_first_free_only(sc.data)
    n_pract = len({t.practitioner_id for t in data.templates})
    hot = dict(ANCHORS[str(data.tz)])[sc.anchor]
    more = extra.draw(st.lists(busies(sc.day, hot, data.tz, n_pract), min_size=1, max_size=3))
    busier = dataclasses.replace(data, busy=[*data.busy, *more])
    before = slots_of(sc, data)
    after = slots_of(sc, busier)
    if sc.practitioner_ids is not None and len(set(sc.practitioner_ids)) == 1:
        assert {(utc(s.start), s.practitioner_id) for s in after} <= {
            (utc(s.start), s.practitioner_id) for s in before
        }
    else:
        assert {utc(s.start) for s in after} <= {utc(s.start) for s in before}


@PROPERTY
@given(any_scenario())
def test_day_levels_agree_with_free_slots(sc: Scenario) -> None:
    first, last = sc.days
    levels = day_levels(
        sc.data, sc.type_id, sc.duration, first, last, sc.practitioner_ids
    )
    plain = without_first_free_only(sc.data)
    assert list(levels) == [first + timedelta(days=i) for i in range(2 * SPAN + 1)]
    for day, info in levels.items():
        n = len(free_slots(plain, sc.type_id, sc.duration, day, sc.practitioner_ids))
        assert info.day == day
        assert info.free == n
        assert info.level == level_for(n)
        if sc.data.rules.first_free_only:
            shown = free_slots(sc.data, sc.type_id, sc.duration, day, sc.practitioner_ids)
            assert len(shown) == min(n, 1)


@PROPERTY
@given(any_scenario())
def test_any_practitioner_is_union_of_single_queries(sc: Scenario) -> None:
    data = without_first_free_only(sc.data)
    pids: Sequence[int] = sc.practitioner_ids or sorted({t.practitioner_id for t in data.templates})
    singles = {
        pid: {utc(s.start) for s in free_slots(data, sc.type_id, sc.duration, sc.day, [pid])}
        for pid in set(pids)
    }
    collapsed = free_slots(data, sc.type_id, sc.duration, sc.day, pids)
    assert {utc(s.start) for s in collapsed} == set().union(*singles.values())
    for s in collapsed:
        assert utc(s.start) in singles[s.practitioner_id]
