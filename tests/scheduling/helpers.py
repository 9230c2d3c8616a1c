"""Small builders for the scheduling tests (no Django)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from timebok.scheduling import (
    Block,
    Busy,
    Closure,
    Period,
    Rules,
    ScheduleInput,
    Slot,
    Template,
)

OSLO = ZoneInfo("Europe/Oslo")
MONDAY = date(2026, 6, 1)  # ISO week 23 (odd); no holiday, no DST change nearby
ALWAYS = (Period(date(2020, 1, 1), None),)
T30 = timedelta(minutes=30)
T45 = timedelta(minutes=45)
T60 = timedelta(minutes=60)


def hm(text: str) -> time:
    return time.fromisoformat(text)


def at(day: date, text: str, tz: ZoneInfo = OSLO) -> datetime:
    return datetime.combine(day, hm(text), tzinfo=tz)


def week(
    spans: Sequence[tuple[str, str]] = (("08:00", "12:00"),),
    weekdays: Iterable[int] = range(5),
    types: Iterable[int] = (1,),
) -> tuple[Block, ...]:
    ts = frozenset(types)
    return tuple(Block(wd, hm(s), hm(e), ts) for wd in weekdays for s, e in spans)


def template(
    pid: int,
    blocks: tuple[Block, ...] | None = None,
    periods: tuple[Period, ...] = ALWAYS,
    tid: int | None = None,
) -> Template:
    return Template(
        id=pid if tid is None else tid,
        practitioner_id=pid,
        blocks=week() if blocks is None else blocks,
        periods=periods,
    )


def make_input(
    templates: Sequence[Template] = (),
    *,
    now: datetime | None = None,
    closures: Sequence[Closure] = (),
    closed_dates: Iterable[date] = (),
    busy: Sequence[Busy] = (),
    rules: Rules | None = None,
    tz: ZoneInfo = OSLO,
) -> ScheduleInput:
    return ScheduleInput(
        tz=tz,
        now=now or datetime(2026, 5, 25, 6, 0, tzinfo=tz),
        templates=list(templates) or [template(1)],
        closures=list(closures),
        closed_dates=frozenset(closed_dates),
        busy=list(busy),
        rules=rules or Rules(),
    )


def busy(pid: int, day: date, start: str, end: str, tz: ZoneInfo = OSLO) -> Busy:
    return Busy(pid, at(day, start, tz), at(day, end, tz))


def local_times(slots: Sequence[Slot]) -> list[str]:
    return [s.start.astimezone(OSLO).strftime("%H:%M") for s in slots]


def utc_times(slots: Sequence[Slot]) -> list[str]:
    return [s.start.astimezone(UTC).strftime("%H:%M") for s in slots]
