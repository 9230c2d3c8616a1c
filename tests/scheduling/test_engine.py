"""Unit tests of the scheduling engine (pure Python, no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from timebok.scheduling import (
    FEW_MAX,
    Availability,
    Block,
    Busy,
    Closure,
    DayInfo,
    Period,
    Rules,
    ScheduleInput,
    Slot,
    Template,
    day_levels,
    free_slots,
    level_for,
)

from .helpers import (
    MONDAY,
    OSLO,
    T30,
    T45,
    T60,
    at,
    busy,
    hm,
    local_times,
    make_input,
    template,
    utc_times,
    week,
)

TUESDAY = MONDAY + timedelta(days=1)
SATURDAY = MONDAY + timedelta(days=5)
MORNING_30 = ["08:00", "08:30", "09:00", "09:30", "10:00", "10:30", "11:00", "11:30"]


# --------------------------------------------------------------------------- basics


def test_basic_week() -> None:
    data = make_input([template(1)])
    slots = free_slots(data, 1, T30, MONDAY)
    assert local_times(slots) == MORNING_30
    assert all(s.practitioner_id == 1 for s in slots)
    assert all(s.end - s.start == T30 for s in slots)
    for d in range(5):
        assert len(free_slots(data, 1, T30, MONDAY + timedelta(days=d))) == 8
    assert free_slots(data, 1, T30, SATURDAY) == []
    assert free_slots(data, 1, T30, SATURDAY + timedelta(days=1)) == []


def test_slots_are_aware_in_clinic_zone() -> None:
    slot = free_slots(make_input(), 1, T30, MONDAY)[0]
    assert slot == Slot(at(MONDAY, "08:00"), at(MONDAY, "08:30"), 1)
    # A fixed offset equal to the clinic zone's offset at that instant (see _slot_time).
    assert slot.start.utcoffset() == slot.start.astimezone(OSLO).utcoffset()
    assert slot.start.astimezone(OSLO).replace(tzinfo=None) == slot.start.replace(tzinfo=None)
    assert slot.start.isoformat() == "2026-06-01T08:00:00+02:00"
    assert slot.end.isoformat() == "2026-06-01T08:30:00+02:00"


def test_slot_in_repeated_autumn_hour_equals_its_instant() -> None:
    # PEP 495: a ZoneInfo datetime in the repeated hour never equals another zone's
    # datetime. Slots carry a fixed offset, so they compare as instants.

    day = date(2026, 10, 25)
    data = make_input([template(1, blocks=(Block(6, time(1), time(4), frozenset({1})),))],
                      now=datetime(2026, 10, 1, 9, tzinfo=OSLO))
    slots = free_slots(data, 1, T30, day)
    first_0230 = datetime(2026, 10, 25, 2, 30, tzinfo=OSLO)
    assert any(s.start == first_0230.astimezone(UTC) for s in slots)
    assert len({s.start for s in slots}) == len(slots)


def test_slot_must_fit_block() -> None:
    data = make_input([template(1)])
    # 45 minutes from 08:00: 08:00, 08:45, 09:30, 10:15, 11:00 (11:45 would end 12:30).
    assert local_times(free_slots(data, 1, T45, MONDAY)) == [
        "08:00", "08:45", "09:30", "10:15", "11:00",
    ]
    # A type longer than the block never fits.
    assert free_slots(data, 1, timedelta(hours=5), MONDAY) == []


def test_lunch_break() -> None:
    blocks = week([("08:00", "11:30"), ("12:00", "14:00")])
    data = make_input([template(1, blocks)])
    times = local_times(free_slots(data, 1, T45, MONDAY))
    assert times == ["08:00", "08:45", "09:30", "10:15", "12:00", "12:45"]
    lunch = (at(MONDAY, "11:30"), at(MONDAY, "12:00"))
    for s in free_slots(data, 1, T30, MONDAY):
        assert not (s.start < lunch[1] and lunch[0] < s.end)


def test_type_not_allowed_in_block() -> None:
    blocks = (
        Block(0, hm("08:00"), hm("10:00"), frozenset({1})),
        Block(0, hm("10:00"), hm("12:00"), frozenset({2, 3})),
    )
    data = make_input([template(1, blocks)])
    assert local_times(free_slots(data, 1, T60, MONDAY)) == ["08:00", "09:00"]
    assert local_times(free_slots(data, 2, T60, MONDAY)) == ["10:00", "11:00"]
    assert free_slots(data, 4, T60, MONDAY) == []


def test_block_accepts_any_iterable_of_type_ids() -> None:
    block = Block(0, hm("08:00"), hm("09:00"), {1, 2})  # type: ignore[arg-type]
    assert block.type_ids == frozenset({1, 2})
    hash(block)


def test_invalid_values_are_rejected() -> None:
    with pytest.raises(ValueError):
        Block(0, hm("10:00"), hm("10:00"), frozenset({1}))
    with pytest.raises(ValueError):
        Block(7, hm("08:00"), hm("10:00"), frozenset({1}))
    with pytest.raises(ValueError):
        Period(MONDAY, None, "weekly")
    with pytest.raises(ValueError):
        Period(MONDAY, MONDAY - timedelta(days=1))
    with pytest.raises(ValueError):
        Closure(MONDAY, MONDAY - timedelta(days=1))
    with pytest.raises(ValueError):
        Closure(MONDAY, MONDAY, hm("12:00"), hm("11:00"))
    with pytest.raises(ValueError):
        Rules(step_minutes=0)
    data = make_input()
    with pytest.raises(ValueError):
        free_slots(data, 1, timedelta(0), MONDAY)
    naive_now = make_input(now=datetime(2026, 5, 25, 6, 0))
    with pytest.raises(ValueError):
        free_slots(naive_now, 1, T30, MONDAY)


# --------------------------------------------------------------------------- templates


def test_periods_and_parity() -> None:
    odd = template(1, week([("08:00", "09:00")]), (Period(date(2026, 1, 1), None, "odd"),), tid=1)
    even = template(1, week([("14:00", "15:00")]), (Period(date(2026, 1, 1), None, "even"),), tid=2)
    data = make_input([odd, even])
    assert MONDAY.isocalendar()[1] % 2 == 1
    assert local_times(free_slots(data, 1, T30, MONDAY)) == ["08:00", "08:30"]
    next_monday = MONDAY + timedelta(days=7)
    assert local_times(free_slots(data, 1, T30, next_monday)) == ["14:00", "14:30"]


def test_period_bounds_are_inclusive() -> None:
    t = template(1, periods=(Period(TUESDAY, TUESDAY + timedelta(days=1)),))
    data = make_input([t])
    assert free_slots(data, 1, T30, MONDAY) == []
    assert len(free_slots(data, 1, T30, TUESDAY)) == 8
    assert len(free_slots(data, 1, T30, TUESDAY + timedelta(days=1))) == 8
    assert free_slots(data, 1, T30, TUESDAY + timedelta(days=2)) == []


def test_template_without_periods_never_applies() -> None:
    data = make_input([template(1, periods=())])
    assert free_slots(data, 1, T30, MONDAY) == []


def test_union_of_templates_without_duplicates() -> None:
    a = template(1, week([("08:00", "10:00")]), tid=1)
    b = template(1, week([("09:00", "11:00")]), tid=2)
    data = make_input([a, b])
    assert local_times(free_slots(data, 1, T60, MONDAY)) == ["08:00", "09:00", "10:00"]


def test_week_53_and_week_1_are_both_odd() -> None:
    t = template(1, week(weekdays=range(7)), (Period(date(2026, 1, 1), None, "odd"),))
    data = make_input([t], now=datetime(2026, 12, 20, 6, tzinfo=OSLO))
    assert date(2026, 12, 31).isocalendar()[1] == 53
    assert free_slots(data, 1, T30, date(2026, 12, 31))
    assert free_slots(data, 1, T30, date(2027, 1, 4))  # week 1
    assert not free_slots(data, 1, T30, date(2027, 1, 11))  # week 2


# --------------------------------------------------------------------------- closures


def test_closed_dates() -> None:
    data = make_input(closed_dates={MONDAY})
    assert free_slots(data, 1, T30, MONDAY) == []
    assert len(free_slots(data, 1, T30, TUESDAY)) == 8


def test_whole_day_closure_range() -> None:
    data = make_input(closures=[Closure(MONDAY, TUESDAY)])
    assert free_slots(data, 1, T30, MONDAY) == []
    assert free_slots(data, 1, T30, TUESDAY) == []
    assert len(free_slots(data, 1, T30, TUESDAY + timedelta(days=1))) == 8


def test_partial_closure_each_day_of_range() -> None:
    data = make_input(closures=[Closure(MONDAY, TUESDAY, hm("09:15"), hm("10:00"))])
    expected = ["08:00", "08:30", "10:00", "10:30", "11:00", "11:30"]
    assert local_times(free_slots(data, 1, T30, MONDAY)) == expected
    assert local_times(free_slots(data, 1, T30, TUESDAY)) == expected
    assert local_times(free_slots(data, 1, T30, TUESDAY + timedelta(days=1))) == MORNING_30


def test_partial_closure_with_open_bounds() -> None:
    until = make_input(closures=[Closure(MONDAY, MONDAY, None, hm("10:00"))])
    assert local_times(free_slots(until, 1, T30, MONDAY))[0] == "10:00"
    after = make_input(closures=[Closure(MONDAY, MONDAY, hm("10:00"), None)])
    assert local_times(free_slots(after, 1, T30, MONDAY))[-1] == "09:30"


def test_clinic_wide_versus_practitioner_closure() -> None:
    templates = [template(1), template(2)]
    own = make_input(templates, closures=[Closure(MONDAY, MONDAY, practitioner_id=1)])
    assert free_slots(own, 1, T30, MONDAY, [1]) == []
    assert len(free_slots(own, 1, T30, MONDAY, [2])) == 8
    assert {s.practitioner_id for s in free_slots(own, 1, T30, MONDAY)} == {2}

    partial = make_input(
        templates, closures=[Closure(MONDAY, MONDAY, hm("08:00"), hm("10:00"), practitioner_id=2)]
    )
    assert local_times(free_slots(partial, 1, T30, MONDAY, [2]))[0] == "10:00"
    assert local_times(free_slots(partial, 1, T30, MONDAY, [1]))[0] == "08:00"

    clinic = make_input(templates, closures=[Closure(MONDAY, MONDAY, hm("08:00"), hm("10:00"))])
    assert local_times(free_slots(clinic, 1, T30, MONDAY))[0] == "10:00"
    assert local_times(free_slots(clinic, 1, T30, MONDAY, [1]))[0] == "10:00"


def test_closure_for_other_practitioner_is_ignored() -> None:
    data = make_input(closures=[Closure(MONDAY, MONDAY, practitioner_id=99)])
    assert len(free_slots(data, 1, T30, MONDAY)) == 8


# --------------------------------------------------------------------------- busy


def test_busy_blocks_overlapping_slots_half_open() -> None:
    data = make_input(busy=[busy(1, MONDAY, "09:00", "09:45")])
    assert local_times(free_slots(data, 1, T30, MONDAY)) == [
        "08:00", "08:30", "10:00", "10:30", "11:00", "11:30",
    ]
    # An appointment ending exactly at a slot's start does not block it.
    touching = make_input(busy=[busy(1, MONDAY, "07:00", "08:00")])
    assert local_times(free_slots(touching, 1, T30, MONDAY))[0] == "08:00"


def test_busy_with_seconds_and_microseconds() -> None:
    end = at(MONDAY, "08:00") + timedelta(microseconds=1)
    data = make_input(busy=[Busy(1, at(MONDAY, "07:00"), end)])
    assert local_times(free_slots(data, 1, T30, MONDAY))[0] == "08:30"
    start = at(MONDAY, "08:30") - timedelta(seconds=1)
    data = make_input(busy=[Busy(1, start, start + timedelta(seconds=1))])
    assert local_times(free_slots(data, 1, T30, MONDAY))[:2] == ["08:30", "09:00"]


def test_busy_of_other_practitioner_and_other_days_ignored() -> None:
    data = make_input(
        busy=[
            busy(2, MONDAY, "08:00", "12:00"),
            busy(1, TUESDAY, "08:00", "12:00"),
            Busy(1, datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 1, 2, tzinfo=UTC)),
            Busy(1, datetime(2030, 1, 1, tzinfo=UTC), datetime(2030, 1, 2, tzinfo=UTC)),
        ]
    )
    assert len(free_slots(data, 1, T30, MONDAY)) == 8
    assert free_slots(data, 1, T30, TUESDAY) == []


def test_busy_in_any_time_zone() -> None:
    helsinki = ZoneInfo("Europe/Helsinki")
    data = make_input(
        busy=[
            Busy(1, datetime(2026, 6, 1, 7, 0, tzinfo=UTC), datetime(2026, 6, 1, 7, 30, tzinfo=UTC)),
            busy(1, MONDAY, "12:00", "12:30", tz=helsinki),  # 11:00 in Oslo
        ]
    )
    times = local_times(free_slots(data, 1, T30, MONDAY))
    assert "09:00" not in times and "11:00" not in times
    assert len(times) == 6


def test_overlapping_and_empty_busy() -> None:
    data = make_input(
        busy=[
            busy(1, MONDAY, "08:00", "09:00"),
            busy(1, MONDAY, "08:30", "10:00"),
            busy(1, MONDAY, "08:45", "08:50"),
            busy(1, MONDAY, "11:00", "11:00"),  # empty: blocks nothing
        ]
    )
    assert local_times(free_slots(data, 1, T30, MONDAY)) == ["10:00", "10:30", "11:00", "11:30"]


def test_long_busy_spanning_several_days() -> None:
    data = make_input(busy=[Busy(1, at(MONDAY - timedelta(days=3), "00:00"), at(TUESDAY, "09:00"))])
    assert free_slots(data, 1, T30, MONDAY) == []
    assert local_times(free_slots(data, 1, T30, TUESDAY))[0] == "09:00"


# --------------------------------------------------------------------------- rules


def test_notice() -> None:
    now = at(MONDAY, "07:10")
    data = make_input(now=now, rules=Rules(notice=timedelta(hours=2)))
    assert local_times(free_slots(data, 1, T30, MONDAY))[0] == "09:30"
    exact = make_input(now=at(MONDAY, "07:00"), rules=Rules(notice=timedelta(hours=2)))
    assert local_times(free_slots(exact, 1, T30, MONDAY))[0] == "09:00"
    # Past days and past times are never offered.
    assert free_slots(data, 1, T30, MONDAY - timedelta(days=7)) == []
    late = make_input(now=at(MONDAY, "13:00"))
    assert free_slots(late, 1, T30, MONDAY) == []


def test_horizon() -> None:
    now = at(MONDAY, "07:00")
    data = make_input(now=now, rules=Rules(horizon_days=8))
    assert free_slots(data, 1, T30, MONDAY + timedelta(days=8))
    assert free_slots(data, 1, T30, MONDAY + timedelta(days=9)) == []
    levels = day_levels(data, 1, T30, MONDAY, MONDAY + timedelta(days=14))
    assert levels[MONDAY + timedelta(days=8)].free == 8
    assert levels[MONDAY + timedelta(days=9)].free == 0
    zero = make_input(now=now, rules=Rules(horizon_days=0))
    assert free_slots(zero, 1, T30, MONDAY) and not free_slots(zero, 1, T30, TUESDAY)


def test_horizon_uses_local_today() -> None:
    # 23:30 UTC on Sunday is already Monday in Oslo.
    now = datetime(2026, 5, 31, 22, 30, tzinfo=UTC)
    data = make_input(now=now, rules=Rules(horizon_days=1))
    assert free_slots(data, 1, T30, TUESDAY)
    assert free_slots(data, 1, T30, TUESDAY + timedelta(days=1)) == []


def test_first_free_only() -> None:
    data = make_input(
        busy=[busy(1, MONDAY, "08:00", "09:00")], rules=Rules(first_free_only=True)
    )
    slots = free_slots(data, 1, T30, MONDAY)
    assert local_times(slots) == ["09:00"]
    info = day_levels(data, 1, T30, MONDAY, MONDAY)[MONDAY]
    assert info == DayInfo(MONDAY, 6, "many")


def test_first_free_only_after_collapsing() -> None:
    data = make_input(
        [template(1), template(2)],
        busy=[busy(1, MONDAY, "08:00", "08:30")],
        rules=Rules(first_free_only=True),
    )
    assert free_slots(data, 1, T30, MONDAY) == [Slot(at(MONDAY, "08:00"), at(MONDAY, "08:30"), 2)]


def test_step_minutes() -> None:
    data = make_input(rules=Rules(step_minutes=15))
    times = local_times(free_slots(data, 1, T30, MONDAY))
    assert times[:3] == ["08:00", "08:15", "08:30"]
    assert times[-1] == "11:30"
    assert len(times) == 15
    coarse = make_input(rules=Rules(step_minutes=90))
    assert local_times(free_slots(coarse, 1, T30, MONDAY)) == ["08:00", "09:30", "11:00"]


def test_step_restarts_at_each_block() -> None:
    blocks = week([("08:00", "09:00"), ("09:10", "10:10")])
    data = make_input([template(1, blocks)], rules=Rules(step_minutes=20))
    # 09:50 would end 10:20, after the second block.
    assert local_times(free_slots(data, 1, T30, MONDAY)) == ["08:00", "08:20", "09:10", "09:30"]


# --------------------------------------------------------------------------- any practitioner


def test_any_practitioner_collapses_to_one_slot_per_time() -> None:
    data = make_input([template(1), template(2), template(3, week([("10:00", "13:00")]))])
    slots = free_slots(data, 1, T30, MONDAY)
    starts = [s.start for s in slots]
    assert starts == sorted(set(starts))
    assert local_times(slots) == [*MORNING_30, "12:00", "12:30"]
    # Everybody is free with no appointments: lowest id wins; 12:xx only 3 works.
    assert [s.practitioner_id for s in slots] == [1] * 8 + [3, 3]
    assert free_slots(data, 1, T30, MONDAY, [2, 3])[0].practitioner_id == 2


def test_any_practitioner_prefers_fewest_appointments_that_day() -> None:
    data = make_input(
        [template(1), template(2), template(3)],
        busy=[
            busy(1, MONDAY, "08:00", "08:30"),
            busy(1, MONDAY, "11:00", "11:30"),
            busy(2, MONDAY, "09:00", "09:30"),
            busy(3, TUESDAY, "08:00", "12:00"),  # another day: does not count on Monday
        ],
    )
    by_time = {local_times([s])[0]: s.practitioner_id for s in free_slots(data, 1, T30, MONDAY)}
    assert by_time["08:00"] == 3
    assert by_time["09:00"] == 3
    assert by_time["10:00"] == 3
    # Only practitioner 1 and 2 are asked: 2 has fewer appointments than 1.
    two = {local_times([s])[0]: s.practitioner_id for s in free_slots(data, 1, T30, MONDAY, [1, 2])}
    assert two["08:00"] == 2 and two["09:00"] == 1 and two["10:00"] == 2


def test_any_practitioner_falls_back_when_preferred_is_busy() -> None:
    data = make_input(
        [template(1), template(2)],
        busy=[busy(1, MONDAY, "09:00", "09:30"), busy(2, MONDAY, "10:00", "10:30"),
              busy(2, MONDAY, "11:00", "11:30")],
    )
    by_time = {local_times([s])[0]: s.practitioner_id for s in free_slots(data, 1, T30, MONDAY)}
    assert by_time["09:00"] == 2  # 1 would be preferred (1 appointment vs 2) but is busy
    assert by_time["10:00"] == 1
    assert by_time["08:00"] == 1


def test_explicit_practitioner_list() -> None:
    data = make_input([template(1), template(2)], busy=[busy(1, MONDAY, "08:00", "12:00")])
    assert free_slots(data, 1, T30, MONDAY, [1]) == []
    assert {s.practitioner_id for s in free_slots(data, 1, T30, MONDAY, [2])} == {2}
    assert free_slots(data, 1, T30, MONDAY, []) == []
    assert free_slots(data, 1, T30, MONDAY, [42]) == []
    assert free_slots(data, 1, T30, MONDAY, (1, 1)) == []


# --------------------------------------------------------------------------- DST

SPRING = date(2026, 3, 29)  # Europe/Oslo: 02:00 CET -> 03:00 CEST
AUTUMN = date(2026, 10, 25)  # Europe/Oslo: 03:00 CEST -> 02:00 CET


def _dst_input(day: date, step: int | None = None) -> ScheduleInput:
    blocks = (Block(6, hm("01:00"), hm("04:00"), frozenset({1})),)
    return make_input(
        [template(1, blocks)],
        now=datetime.combine(day - timedelta(days=3), time(12), tzinfo=OSLO),
        rules=Rules(step_minutes=step),
    )


def test_dst_spring_skips_missing_hour() -> None:
    data = _dst_input(SPRING)
    slots = free_slots(data, 1, T30, SPRING)
    assert local_times(slots) == ["01:00", "01:30", "03:00", "03:30"]
    assert utc_times(slots) == ["00:00", "00:30", "01:00", "01:30"]
    assert [s.start.isoformat() for s in slots] == [
        "2026-03-29T01:00:00+01:00",
        "2026-03-29T01:30:00+01:00",
        "2026-03-29T03:00:00+02:00",
        "2026-03-29T03:30:00+02:00",
    ]
    # The 01:30 slot lasts 30 real minutes and ends at 03:00 CEST.
    assert slots[1].end.isoformat() == "2026-03-29T03:00:00+02:00"
    block_end = datetime(2026, 3, 29, 2, 0, tzinfo=UTC)  # 04:00 CEST
    for s in slots:
        # Subtracting two datetimes that share a tzinfo is wall-clock arithmetic in
        # Python (it would say 1:30 here); elapsed time needs UTC.
        assert s.end.astimezone(UTC) - s.start.astimezone(UTC) == T30
        assert s.end.astimezone(UTC) <= block_end
        assert s.start.astimezone(OSLO).hour != 2


def test_dst_spring_duration_is_elapsed_time() -> None:
    data = _dst_input(SPRING, step=30)
    two_hours = timedelta(hours=2)
    slots = free_slots(data, 1, two_hours, SPRING)
    # 01:00 CET + 2 h = 04:00 CEST: fits.  01:30 CET + 2 h = 04:30 CEST: does not.
    assert local_times(slots) == ["01:00"]
    assert slots[0].end.isoformat() == "2026-03-29T04:00:00+02:00"
    one_hour = free_slots(data, 1, T60, SPRING)
    assert local_times(one_hour) == ["01:00", "01:30", "03:00"]


def test_dst_spring_levels_match_slots() -> None:
    data = _dst_input(SPRING)
    levels = day_levels(data, 1, T30, SPRING - timedelta(days=1), SPRING + timedelta(days=1))
    assert levels[SPRING].free == 4
    assert levels[SPRING - timedelta(days=1)].free == 0


def test_dst_autumn_no_duplicates() -> None:
    data = _dst_input(AUTUMN)
    slots = free_slots(data, 1, T30, AUTUMN)
    instants = [s.start.astimezone(UTC) for s in slots]
    assert len(instants) == len(set(instants))
    assert local_times(slots) == ["01:00", "01:30", "02:00", "02:30", "03:00", "03:30"]
    assert [s.start.isoformat() for s in slots] == [
        "2026-10-25T01:00:00+02:00",
        "2026-10-25T01:30:00+02:00",
        "2026-10-25T02:00:00+02:00",  # first occurrence (fold=0)
        "2026-10-25T02:30:00+02:00",
        "2026-10-25T03:00:00+01:00",
        "2026-10-25T03:30:00+01:00",
    ]
    block_end = datetime(2026, 10, 25, 3, 0, tzinfo=UTC)  # 04:00 CET
    for s in slots:
        assert s.end.astimezone(UTC) - s.start.astimezone(UTC) == T30
        assert s.end.astimezone(UTC) <= block_end
    # 02:30 CEST + 30 min is the second 02:00 (CET).
    assert slots[3].end.isoformat() == "2026-10-25T02:00:00+01:00"


def test_dst_autumn_duration_is_elapsed_time() -> None:
    data = _dst_input(AUTUMN, step=30)
    slots = free_slots(data, 1, timedelta(hours=2), AUTUMN)
    # The block is 4 real hours long: 01:00 CEST..04:00 CET.
    assert [s.start.isoformat() for s in slots] == [
        "2026-10-25T01:00:00+02:00",
        "2026-10-25T01:30:00+02:00",
        "2026-10-25T02:00:00+02:00",
        "2026-10-25T02:30:00+02:00",
    ]
    assert slots[-1].end.isoformat() == "2026-10-25T03:30:00+01:00"


def test_dst_autumn_busy_in_second_occurrence() -> None:
    # Busy during the *second* 02:00-02:30 (CET) leaves the first one free.
    second = datetime(2026, 10, 25, 2, 0, tzinfo=OSLO, fold=1)
    assert second.utcoffset() == timedelta(hours=1)
    data = _dst_input(AUTUMN)
    data.busy = [Busy(1, second, second + T30)]
    slots = free_slots(data, 1, T30, AUTUMN)
    assert "2026-10-25T02:00:00+02:00" in [s.start.isoformat() for s in slots]
    first = datetime(2026, 10, 25, 2, 0, tzinfo=OSLO, fold=0)
    data.busy = [Busy(1, first, first + T30)]
    slots = free_slots(data, 1, T30, AUTUMN)
    assert "2026-10-25T02:00:00+02:00" not in [s.start.isoformat() for s in slots]


def test_dst_closure_inside_gap() -> None:
    # Closed 02:30-03:30 on the spring day: 02:30 does not exist, so the closure
    # starts when the clock jumps (03:00 CEST) and 01:30 CET stays free.
    data = _dst_input(SPRING)
    data.closures = [Closure(SPRING, SPRING, hm("02:30"), hm("03:30"))]
    assert local_times(free_slots(data, 1, T30, SPRING)) == ["01:00", "01:30", "03:30"]


def test_dst_autumn_closure_until_midnight() -> None:
    # The autumn day lasts 25 hours: "from 20:00" closes until the real midnight.
    blocks = (Block(6, hm("22:00"), hm("23:59"), frozenset({1})),)
    data = make_input([template(1, blocks)], now=datetime(2026, 10, 20, tzinfo=OSLO))
    assert local_times(free_slots(data, 1, T30, AUTUMN)) == ["22:00", "22:30", "23:00"]
    data.closures = [Closure(AUTUMN, AUTUMN, hm("20:00"), None)]
    assert free_slots(data, 1, T30, AUTUMN) == []
    data.closures = [Closure(AUTUMN, AUTUMN, None, hm("23:00"))]
    assert local_times(free_slots(data, 1, T30, AUTUMN)) == ["23:00"]


def test_block_ending_inside_gap() -> None:
    blocks = (Block(6, hm("01:00"), hm("02:30"), frozenset({1})),)
    data = make_input([template(1, blocks)], now=datetime(2026, 3, 25, tzinfo=OSLO))
    # The block ends when the clock jumps past 02:30, i.e. at 03:00 CEST (01:00 UTC).
    assert local_times(free_slots(data, 1, T30, SPRING)) == ["01:00", "01:30"]
    assert free_slots(data, 1, T60, SPRING)[0].end.isoformat() == "2026-03-29T03:00:00+02:00"


def test_midnight_gap_zone() -> None:
    # Brazil started DST at 00:00 -> 01:00 on 4 November 2018: midnight did not exist.
    sao_paulo = ZoneInfo("America/Sao_Paulo")
    day = date(2018, 11, 4)
    blocks = (Block(6, hm("00:00"), hm("02:00"), frozenset({1})),)
    data = make_input(
        [template(1, blocks, periods=(Period(date(2018, 1, 1), None),))],
        now=datetime(2018, 11, 1, tzinfo=sao_paulo),
        tz=sao_paulo,
    )
    slots = free_slots(data, 1, T30, day)
    assert [s.start.isoformat() for s in slots] == [
        "2018-11-04T01:00:00-02:00",
        "2018-11-04T01:30:00-02:00",
    ]
    assert day_levels(data, 1, T30, day, day)[day].free == 2


# --------------------------------------------------------------------------- levels


def test_level_for_thresholds() -> None:
    assert FEW_MAX == 3
    assert level_for(0) == "none"
    assert level_for(1) == "few"
    assert level_for(FEW_MAX) == "few"
    assert level_for(FEW_MAX + 1) == "many"
    assert level_for(100) == "many"


def test_day_levels_every_date_is_a_key() -> None:
    data = make_input(
        busy=[busy(1, MONDAY, "08:00", "10:30"), busy(1, TUESDAY, "08:00", "11:30")],
        closed_dates={MONDAY + timedelta(days=2)},
    )
    end = MONDAY + timedelta(days=6)
    levels = day_levels(data, 1, T30, MONDAY, end)
    assert list(levels) == [MONDAY + timedelta(days=i) for i in range(7)]
    assert [(i.free, i.level) for i in levels.values()] == [
        (3, "few"), (1, "few"), (0, "none"), (8, "many"), (8, "many"), (0, "none"), (0, "none"),
    ]
    assert all(isinstance(i, DayInfo) and i.day == d for d, i in levels.items())
    assert day_levels(data, 1, T30, end, MONDAY) == {}


def test_day_levels_counts_distinct_times_for_any() -> None:
    data = make_input([template(1), template(2, week([("10:00", "14:00")]))])
    levels = day_levels(data, 1, T30, MONDAY, MONDAY)
    assert levels[MONDAY].free == len(free_slots(data, 1, T30, MONDAY)) == 12
    assert day_levels(data, 1, T30, MONDAY, MONDAY, [2])[MONDAY].free == 8


def test_day_levels_outside_bookable_range() -> None:
    data = make_input(now=at(MONDAY, "07:00"), rules=Rules(horizon_days=3))
    levels = day_levels(data, 1, T30, MONDAY - timedelta(days=30), MONDAY + timedelta(days=30))
    assert len(levels) == 61
    assert sum(1 for i in levels.values() if i.free) == 4


# --------------------------------------------------------------------------- Availability


def test_availability_answers_many_queries() -> None:
    data = make_input(
        [template(1), template(2, week(types=(1, 2)))],
        busy=[busy(1, MONDAY, "08:00", "09:00")],
        closures=[Closure(TUESDAY, TUESDAY, hm("10:00"), hm("11:00"), practitioner_id=2)],
    )
    avail = Availability(data)
    end = MONDAY + timedelta(days=13)
    for type_id in (1, 2):
        for pids in (None, [1], [2], [1, 2]):
            assert avail.day_levels(type_id, T30, MONDAY, end, pids) == day_levels(
                data, type_id, T30, MONDAY, end, pids
            )
            for offset in range(14):
                day = MONDAY + timedelta(days=offset)
                assert avail.free_slots(type_id, T30, day, pids) == free_slots(
                    data, type_id, T30, day, pids
                )


def test_availability_window() -> None:
    data = make_input()
    avail = Availability(data, MONDAY, TUESDAY)
    assert avail.free_slots(1, T30, MONDAY)
    with pytest.raises(ValueError):
        avail.free_slots(1, T30, TUESDAY + timedelta(days=1))
    # Dates that can never hold a free time need no window.
    assert avail.free_slots(1, T30, date(2020, 1, 1)) == []
    assert avail.bookable_last == date(2026, 5, 25) + timedelta(days=60)


def test_no_templates() -> None:
    data = ScheduleInput(OSLO, at(MONDAY, "06:00"), [], [], frozenset(), [], Rules())
    assert free_slots(data, 1, T30, MONDAY) == []
    assert day_levels(data, 1, T30, MONDAY, TUESDAY)[MONDAY].free == 0


def test_template_ids_need_not_be_unique() -> None:
    a = Template(7, 1, week([("08:00", "09:00")]), (Period(date(2020, 1, 1), None),))
    b = Template(7, 2, week([("09:00", "10:00")]), (Period(date(2020, 1, 1), None),))
    data = make_input([a, b])
    slots = free_slots(data, 1, T30, MONDAY)
    assert [(t, s.practitioner_id) for t, s in zip(local_times(slots), slots, strict=True)] == [
        ("08:00", 1), ("08:30", 1), ("09:00", 2), ("09:30", 2),
    ]
