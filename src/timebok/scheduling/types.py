"""Value types of the scheduling engine.

Everything here is plain Python (no Django). Wall-clock values are in the
clinic's local time zone. The input comes in two equivalent forms:

* :class:`ScheduleInput`: ``time``, ``date`` and aware ``datetime`` objects,
  convenient to write by hand (tests, small callers);
* :class:`IntInput`: integers only, as a database can compute them, so the hot
  read path builds no object per appointment: instants are microseconds since
  the Unix epoch (UTC), wall times are microseconds after local midnight, and
  dates are proleptic Gregorian ordinals (``date.toordinal()``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

__all__ = [
    "DAY_US",
    "FEW_MAX",
    "PARITIES",
    "Block",
    "Busy",
    "Closure",
    "DayInfo",
    "IntBlock",
    "IntClosure",
    "IntInput",
    "IntPeriod",
    "IntTemplate",
    "Period",
    "Rules",
    "ScheduleInput",
    "Slot",
    "Template",
    "level_for",
]

#: A day with 1..FEW_MAX free start times is "few" (red); more is "many" (green).
FEW_MAX = 3

#: Allowed values of :attr:`Period.parity`.
PARITIES = ("all", "odd", "even")

#: Microseconds in a day: integer wall times lie in ``[0, DAY_US]``.
DAY_US = 86_400_000_000


def level_for(free: int) -> str:
    """Availability level of a day: ``0 -> "none"``, ``1..FEW_MAX -> "few"``, more ``-> "many"``."""
    if free <= 0:
        return "none"
    if free <= FEW_MAX:
        return "few"
    return "many"


def _check_naive(value: time, what: str) -> None:
    if value.tzinfo is not None:
        raise ValueError(f"{what} must be a naive local wall-clock time")


@dataclass(frozen=True, slots=True)
class Block:
    """One block of a week template, in the clinic's local wall time."""

    weekday: int  # 0=Monday .. 6=Sunday
    start: time
    end: time  # end > start, same day
    type_ids: frozenset[int]  # appointment types bookable in this block

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0..6, got {self.weekday!r}")
        _check_naive(self.start, "Block.start")
        _check_naive(self.end, "Block.end")
        if not self.end > self.start:
            raise ValueError(f"Block end {self.end} must be after start {self.start}")
        if not isinstance(self.type_ids, frozenset):
            object.__setattr__(self, "type_ids", frozenset(self.type_ids))


@dataclass(frozen=True, slots=True)
class Period:
    """Arbeidsplan: the dates (and ISO-week parity) on which a template applies."""

    start: date
    end: date | None  # inclusive; None = open-ended
    parity: str = "all"  # "all" | "odd" | "even" (ISO week number parity)

    def __post_init__(self) -> None:
        if self.parity not in PARITIES:
            raise ValueError(f"parity must be one of {PARITIES}, got {self.parity!r}")
        if self.end is not None and self.end < self.start:
            raise ValueError(f"Period end {self.end} is before start {self.start}")

    def applies(self, day: date) -> bool:
        """True if this period covers ``day``.

        Parity is the parity of the ISO week number, so week 53 and the
        following week 1 are both "odd".
        """
        if day < self.start or (self.end is not None and day > self.end):
            return False
        if self.parity == "all":
            return True
        odd = day.isocalendar()[1] % 2 == 1
        return odd if self.parity == "odd" else not odd


@dataclass(frozen=True, slots=True)
class Template:
    """Ukemal: a practitioner's weekly pattern, used on the dates of its periods."""

    id: int
    practitioner_id: int
    blocks: tuple[Block, ...]
    periods: tuple[Period, ...]  # empty = applies never

    def __post_init__(self) -> None:
        if not isinstance(self.blocks, tuple):
            object.__setattr__(self, "blocks", tuple(self.blocks))
        if not isinstance(self.periods, tuple):
            object.__setattr__(self, "periods", tuple(self.periods))

    def applies(self, day: date) -> bool:
        """True if any period of this template covers ``day``."""
        return any(p.applies(day) for p in self.periods)


@dataclass(frozen=True, slots=True)
class Closure:
    """Stengt: closed on each date from start_date to end_date inclusive.

    Both times None closes whole days.  Otherwise the local wall-clock range
    ``[start_time, end_time)`` is closed on each of those days; a missing
    start_time means from midnight, a missing end_time means until the next
    midnight.  ``practitioner_id=None`` closes the whole clinic.
    """

    start_date: date
    end_date: date
    start_time: time | None = None
    end_time: time | None = None
    practitioner_id: int | None = None

    def __post_init__(self) -> None:
        if self.end_date < self.start_date:
            raise ValueError(
                f"Closure end_date {self.end_date} is before start_date {self.start_date}"
            )
        if self.start_time is not None:
            _check_naive(self.start_time, "Closure.start_time")
        if self.end_time is not None:
            _check_naive(self.end_time, "Closure.end_time")
        start, end = self.start_time, self.end_time
        if start is not None and end is not None and not end > start:
            raise ValueError(f"Closure end_time {end} must be after start_time {start}")

    @property
    def whole_day(self) -> bool:
        return self.start_time is None and self.end_time is None


@dataclass(frozen=True, slots=True)
class Busy:
    """An existing non-cancelled appointment (half-open ``[start, end)``)."""

    practitioner_id: int
    start: datetime  # aware
    end: datetime  # aware


@dataclass(frozen=True, slots=True)
class Rules:
    """Booking rules already resolved for one appointment type."""

    notice: timedelta = timedelta(0)  # a slot must start >= now + notice
    horizon_days: int = 60  # a slot's local date must be <= local today + horizon_days
    first_free_only: bool = False  # show only the first free time of each day
    step_minutes: int | None = None  # spacing of candidate starts; None = the type's duration

    def __post_init__(self) -> None:
        if self.step_minutes is not None and self.step_minutes <= 0:
            raise ValueError(f"step_minutes must be positive, got {self.step_minutes!r}")


@dataclass(frozen=True, slots=True)
class Slot:
    """A free time: aware instants in the clinic's time zone."""

    start: datetime
    end: datetime
    practitioner_id: int


@dataclass(frozen=True, slots=True)
class DayInfo:
    """Availability of one day for the calendar."""

    day: date
    free: int  # free start times the patient would see (before first_free_only)
    level: str  # "none" | "few" | "many"


@dataclass
class ScheduleInput:
    """Everything the engine needs for one clinic, fetched by the caller.

    ``busy`` may hold appointments outside the dates asked about; they are
    skipped cheaply.  Treat an instance as read-only while an
    :class:`~timebok.scheduling.engine.Availability` built from it is in use.
    """

    tz: ZoneInfo
    now: datetime  # aware
    templates: Sequence[Template]
    closures: Sequence[Closure]
    closed_dates: frozenset[date]  # clinic-wide whole-day closures (public holidays)
    busy: Sequence[Busy]
    rules: Rules


# --------------------------------------------------------------------------- integer input


def _check_wall(value: int, what: str) -> None:
    if not 0 <= value <= DAY_US:
        raise ValueError(f"{what} must be microseconds after midnight (0..{DAY_US}), got {value!r}")


@dataclass(frozen=True, slots=True)
class IntBlock:
    """:class:`Block` in integers: wall times in microseconds after local midnight."""

    weekday: int  # 0=Monday .. 6=Sunday
    start: int
    end: int  # end > start, same day
    type_ids: frozenset[int]

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0..6, got {self.weekday!r}")
        _check_wall(self.start, "IntBlock.start")
        _check_wall(self.end, "IntBlock.end")
        if not self.end > self.start:
            raise ValueError(f"IntBlock end {self.end} must be after start {self.start}")
        if not isinstance(self.type_ids, frozenset):
            object.__setattr__(self, "type_ids", frozenset(self.type_ids))


@dataclass(frozen=True, slots=True)
class IntPeriod:
    """:class:`Period` in integers: dates as ordinals (``date.toordinal()``)."""

    start: int
    end: int | None  # inclusive; None = open-ended
    parity: str = "all"  # "all" | "odd" | "even" (ISO week number parity)

    def __post_init__(self) -> None:
        if self.parity not in PARITIES:
            raise ValueError(f"parity must be one of {PARITIES}, got {self.parity!r}")
        if self.end is not None and self.end < self.start:
            raise ValueError(f"IntPeriod end {self.end} is before start {self.start}")

    def applies(self, ordinal: int, odd_week: bool) -> bool:
        """True if this period covers day ``ordinal``, whose ISO week number is odd or not."""
        if ordinal < self.start or (self.end is not None and ordinal > self.end):
            return False
        return self.parity == "all" or odd_week == (self.parity == "odd")


@dataclass(frozen=True, slots=True)
class IntTemplate:
    """:class:`Template` in integers."""

    id: int
    practitioner_id: int
    blocks: tuple[IntBlock, ...]
    periods: tuple[IntPeriod, ...]  # empty = applies never

    def __post_init__(self) -> None:
        if not isinstance(self.blocks, tuple):
            object.__setattr__(self, "blocks", tuple(self.blocks))
        if not isinstance(self.periods, tuple):
            object.__setattr__(self, "periods", tuple(self.periods))

    def applies(self, ordinal: int, odd_week: bool) -> bool:
        """True if any period of this template covers day ``ordinal``."""
        return any(p.applies(ordinal, odd_week) for p in self.periods)


@dataclass(frozen=True, slots=True)
class IntClosure:
    """:class:`Closure` in integers: dates as ordinals, wall times in microseconds
    after local midnight (``None`` means the same as in :class:`Closure`)."""

    start_date: int
    end_date: int
    start_time: int | None = None
    end_time: int | None = None
    practitioner_id: int | None = None

    def __post_init__(self) -> None:
        if self.end_date < self.start_date:
            raise ValueError(
                f"IntClosure end_date {self.end_date} is before start_date {self.start_date}"
            )
        if self.start_time is not None:
            _check_wall(self.start_time, "IntClosure.start_time")
        if self.end_time is not None:
            _check_wall(self.end_time, "IntClosure.end_time")
        start, end = self.start_time, self.end_time
        if start is not None and end is not None and not end > start:
            raise ValueError(f"IntClosure end_time {end} must be after start_time {start}")


@dataclass
class IntInput:
    """:class:`ScheduleInput` in integers, as a database can compute it.

    ``busy`` maps a practitioner id to the ``(start, end)`` of their booked
    appointments, half-open, in microseconds since the Unix epoch, in any order
    (sorted by start is fastest); those outside the dates asked about cost only
    their sorting. ``closed_dates`` are ordinals. Treat an instance as read-only while an ``Availability`` built
    from it is in use.
    """

    tz: ZoneInfo
    now: int  # microseconds since the Unix epoch
    templates: Sequence[IntTemplate]
    closures: Sequence[IntClosure]
    closed_dates: frozenset[int]
    busy: Mapping[int, Sequence[tuple[int, int]]]
    rules: Rules
