"""The integer entry point (IntInput) against the datetime one (ScheduleInput).

The availability service gives the engine integers the database computed; tests and small
callers write dates, times and datetimes. Both must give identical answers. The integer
input here is built by this module's own arithmetic (as a database would compute it), not
by the engine's adapter, on random clinics around DST changes (Oslo, São Paulo, Lord Howe),
with partial closures and appointments crossing midnight.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from timebok.scheduling import (
    DAY_US,
    Availability,
    Busy,
    Closure,
    IntBlock,
    IntClosure,
    IntInput,
    IntPeriod,
    IntTemplate,
    Rules,
    ScheduleInput,
    day_levels,
    free_slots,
    to_int_input,
)

from .helpers import MONDAY, T30, at, busy, make_input, template
from .test_properties import ANCHORS, PROPERTY, SPAN, Scenario, scenarios

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def epoch_us(dt: datetime) -> int:
    return (dt - EPOCH) // timedelta(microseconds=1)


def wall_us(t: time) -> int:
    return ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000 + t.microsecond


def as_integers(data: ScheduleInput) -> IntInput:
    """What the database read path computes, by independent arithmetic."""
    busy: dict[int, list[tuple[int, int]]] = {}
    for b in data.busy:
        busy.setdefault(b.practitioner_id, []).append((epoch_us(b.start), epoch_us(b.end)))
    return IntInput(
        tz=data.tz,
        now=epoch_us(data.now),
        templates=[
            IntTemplate(
                t.id,
                t.practitioner_id,
                tuple(IntBlock(b.weekday, wall_us(b.start), wall_us(b.end), b.type_ids) for b in t.blocks),
                tuple(IntPeriod(p.start.toordinal(), p.end and p.end.toordinal(), p.parity) for p in t.periods),
            )
            for t in data.templates
        ],
        closures=[
            IntClosure(
                c.start_date.toordinal(),
                c.end_date.toordinal(),
                None if c.start_time is None else wall_us(c.start_time),
                None if c.end_time is None else wall_us(c.end_time),
                c.practitioner_id,
            )
            for c in data.closures
        ],
        closed_dates=frozenset(d.toordinal() for d in data.closed_dates),
        busy=busy,
        rules=data.rules,
    )


@st.composite
def around_midnight(draw: st.DrawFn, sc: Scenario) -> Busy:
    """An appointment starting late in the evening, often running past midnight."""
    tz = sc.data.tz
    day = sc.day + timedelta(days=draw(st.integers(-2, 1)))
    start = datetime.combine(day, time(22), tzinfo=tz).astimezone(UTC) + timedelta(
        minutes=draw(st.integers(0, 119)), seconds=draw(st.sampled_from((0, 0, 17))),
        microseconds=draw(st.sampled_from((0, 0, 250_000))),
    )
    end = start + timedelta(minutes=draw(st.integers(15, 10 * 60)))
    n_pract = len({t.practitioner_id for t in sc.data.templates})
    return Busy(draw(st.integers(1, n_pract)), start, end)


@st.composite
def mixed_scenarios(draw: st.DrawFn) -> Scenario:
    sc = draw(scenarios() | scenarios(dst_focus=True))
    late = draw(st.lists(around_midnight(sc), max_size=4))
    early_morning = [  # blocks from midnight, so that yesterday's late appointments matter
        dataclasses.replace(t, blocks=(*t.blocks, dataclasses.replace(t.blocks[0], start=time(0), end=time(3))))
        for t in sc.data.templates
    ] if draw(st.booleans()) else list(sc.data.templates)
    sc.data = dataclasses.replace(sc.data, busy=[*sc.data.busy, *late], templates=early_morning)
    return sc


def first_last(sc: Scenario) -> tuple[date, date]:
    return sc.anchor - timedelta(days=SPAN), sc.anchor + timedelta(days=SPAN)


@PROPERTY
@given(mixed_scenarios())
def test_integer_and_datetime_paths_agree(sc: Scenario) -> None:
    ints = as_integers(sc.data)
    first, last = first_last(sc)
    # Every day of the range, one by one (the slots, practitioners and offsets).
    day = first
    while day <= last:
        expected = free_slots(sc.data, sc.type_id, sc.duration, day, sc.practitioner_ids)
        got = free_slots(ints, sc.type_id, sc.duration, day, sc.practitioner_ids)
        assert got == expected
        assert [s.start.utcoffset() for s in got] == [s.start.utcoffset() for s in expected]
        day += timedelta(days=1)
    # The levels of the whole range in one pass.
    assert day_levels(ints, sc.type_id, sc.duration, first, last, sc.practitioner_ids) == day_levels(
        sc.data, sc.type_id, sc.duration, first, last, sc.practitioner_ids
    )


@PROPERTY
@given(mixed_scenarios())
def test_one_index_answers_like_the_datetime_path(sc: Scenario) -> None:
    ints = as_integers(sc.data)
    first, last = first_last(sc)
    by_int, by_datetime = Availability(ints, first, last), Availability(sc.data, first, last)
    for pids in (None, sc.practitioner_ids):
        assert by_int.day_levels(sc.type_id, sc.duration, first, last, pids) == by_datetime.day_levels(
            sc.type_id, sc.duration, first, last, pids
        )
        assert by_int.free_slots(sc.type_id, sc.duration, sc.day, pids) == by_datetime.free_slots(
            sc.type_id, sc.duration, sc.day, pids
        )


@PROPERTY
@given(mixed_scenarios())
def test_adapter_gives_the_same_integers(sc: Scenario) -> None:
    mine, theirs = as_integers(sc.data), to_int_input(sc.data)
    assert {k: sorted(v) for k, v in mine.busy.items()} == {k: sorted(v) for k, v in theirs.busy.items()}
    assert dataclasses.replace(mine, busy={}) == dataclasses.replace(theirs, busy={})


def test_anchors_cover_oslo_dst_days() -> None:
    assert {a for a, _ in ANCHORS["Europe/Oslo"]} >= {date(2026, 3, 29), date(2026, 10, 25)}


# --------------------------------------------------------------------------- examples


def test_busy_of_other_days_and_practitioners_is_skipped() -> None:
    data = make_input([template(1), template(2)], busy=[busy(1, MONDAY, "08:00", "09:00")])
    ints = as_integers(data)
    far = epoch_us(at(MONDAY + timedelta(days=300), "08:00"))
    ints = dataclasses.replace(ints, busy={**ints.busy, 1: [*ints.busy[1], (far, far + 1)], 99: [(far, far + 2)]})
    assert free_slots(ints, 1, T30, MONDAY, [1]) == free_slots(data, 1, T30, MONDAY, [1])
    assert day_levels(ints, 1, T30, MONDAY, MONDAY + timedelta(days=6)) == day_levels(
        data, 1, T30, MONDAY, MONDAY + timedelta(days=6)
    )


def test_practitioners_with_other_hours_are_counted_by_start_time() -> None:
    # Practitioner 2 starts a quarter later: "any" offers both grids' times.
    from .helpers import week

    data = make_input([template(1, week([("08:00", "10:00")])), template(2, week([("08:15", "10:15")]))])
    levels = day_levels(as_integers(data), 1, T30, MONDAY, MONDAY)
    assert levels[MONDAY].free == 8
    assert levels == day_levels(data, 1, T30, MONDAY, MONDAY)


def test_int_values_are_checked() -> None:
    with pytest.raises(ValueError):
        IntBlock(7, 0, 1, frozenset({1}))
    with pytest.raises(ValueError):
        IntBlock(0, 10, 10, frozenset({1}))
    with pytest.raises(ValueError):
        IntBlock(0, 0, DAY_US + 1, frozenset({1}))
    with pytest.raises(ValueError):
        IntPeriod(10, 9)
    with pytest.raises(ValueError):
        IntPeriod(10, None, "weekly")
    with pytest.raises(ValueError):
        IntClosure(10, 9)
    with pytest.raises(ValueError):
        IntClosure(10, 10, 5, 5)
    with pytest.raises(ValueError):
        IntClosure(10, 10, -1, None)
    assert IntBlock(0, 0, DAY_US, [1]).type_ids == frozenset({1})  # type: ignore[arg-type]


def test_period_parity_uses_iso_weeks() -> None:
    monday = date(2026, 6, 1)  # ISO week 23 (odd)
    odd, even = IntPeriod(0, None, "odd"), IntPeriod(0, None, "even")
    assert odd.applies(monday.toordinal(), True) and not even.applies(monday.toordinal(), True)
    assert not IntPeriod(monday.toordinal() + 1, None).applies(monday.toordinal(), True)


def test_closure_bounds_in_integers() -> None:
    data = make_input(closures=[Closure(MONDAY, MONDAY, time(9), time(10), 1)])
    ints = as_integers(data)
    assert ints.closures == [IntClosure(MONDAY.toordinal(), MONDAY.toordinal(), 9 * 3600 * 10**6, 10 * 3600 * 10**6, 1)]
    assert free_slots(ints, 1, T30, MONDAY) == free_slots(data, 1, T30, MONDAY)


def test_now_must_be_aware_in_the_datetime_input() -> None:
    data = make_input(now=datetime(2026, 5, 25, 6))
    with pytest.raises(ValueError):
        to_int_input(data)
    with pytest.raises(ValueError):
        free_slots(data, 1, T30, MONDAY)


def test_integer_input_in_another_zone() -> None:
    tz = ZoneInfo("America/Sao_Paulo")
    data = make_input([template(1)], tz=tz, now=datetime(2026, 5, 25, 6, tzinfo=tz),
                      busy=[busy(1, MONDAY, "09:00", "09:30", tz)], rules=Rules(step_minutes=15))
    assert free_slots(as_integers(data), 1, T30, MONDAY) == free_slots(data, 1, T30, MONDAY)
