"""Free-time computation.

Internally every instant is an ``int`` of microseconds since the Unix epoch
(UTC), so comparisons are exact and never trip over ``fold`` (two aware
datetimes sharing a tzinfo compare by wall clock, ignoring fold).

Wall-clock to instant conversion is done once per *day*: a day whose UTC
offset is the same at its midnight and at the next midnight (both folds) is
"simple", and a wall time ``w`` on it is the instant ``base + w``.  Only days
with a DST transition ("complex" days) convert each wall time through the
time zone, with a round trip through UTC to find times that do not exist.
A zone with two transitions inside one local day that cancel out would be
misread as simple; no zone in tzdata does that.

Wall-time conventions on complex days:

* a candidate start that does not exist (spring gap) gives no slot;
* an ambiguous wall time (autumn repeat) means its first occurrence (fold=0);
* a block end or closure bound that does not exist means the first instant
  whose wall clock reads at or after it (the end of the gap).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Collection, Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

from .types import Busy, DayInfo, ScheduleInput, Slot, Template, level_for

__all__ = ["Availability", "day_levels", "free_slots"]

_UTC = UTC
_EPOCH = datetime(1970, 1, 1, tzinfo=_UTC)
_US = timedelta(microseconds=1)
_SEC_US = 1_000_000
_DAY_US = 86_400 * _SEC_US
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_ONE_DAY = timedelta(days=1)


def _to_us(dt: datetime) -> int:
    """Aware datetime -> microseconds since the epoch (exact)."""
    return (dt - _EPOCH) // _US


def _from_us(us: int, tz: tzinfo) -> datetime:
    """Microseconds since the epoch -> aware datetime in ``tz``."""
    return (_EPOCH + timedelta(microseconds=us)).astimezone(tz)


_FIXED: dict[timedelta, timezone] = {}


def _slot_time(us: int, tz: tzinfo) -> datetime:
    """A slot's instant in ``tz``'s local time, but carrying a fixed-offset tzinfo.

    With a ZoneInfo attached, Python compares and subtracts datetimes that share it by
    wall clock, and PEP 495 makes an instant in the repeated autumn hour unequal to
    every datetime of another zone. A fixed offset has neither trap: the slot compares,
    hashes and subtracts as the instant it is, and isoformat() still shows the local
    offset (+01:00 / +02:00).
    """
    local = _from_us(us, tz)
    offset = local.utcoffset()
    assert offset is not None
    fixed = _FIXED.get(offset)
    if fixed is None:
        fixed = _FIXED.setdefault(offset, timezone(offset))
    return local.replace(tzinfo=fixed)


def _time_us(t: time) -> int:
    return ((t.hour * 60 + t.minute) * 60 + t.second) * _SEC_US + t.microsecond


def _naive_midnight_us(day: date) -> int:
    return (day.toordinal() - _EPOCH_ORDINAL) * _DAY_US


def _wall_lookup(tz: tzinfo, day: date, wall_us: int) -> tuple[int, bool]:
    """Map a local wall time (microseconds after midnight of ``day``) to an instant.

    Returns ``(instant, exists)``.  An existing wall time maps to its first
    occurrence (fold=0).  A wall time in a DST gap maps to the first instant
    whose wall clock reads at or after it, with ``exists=False``.
    """
    naive = datetime.combine(day, time()) + timedelta(microseconds=wall_us)
    u0 = _to_us(naive.replace(tzinfo=tz))
    if _from_us(u0, tz).replace(tzinfo=None) == naive:
        return u0, True
    u1 = _to_us(naive.replace(tzinfo=tz, fold=1))
    lo, hi = min(u0, u1), max(u0, u1)

    def wall(u: int) -> datetime:
        return _from_us(u, tz).replace(tzinfo=None)

    if not (wall(lo) < naive <= wall(hi)):  # not a plain gap; keep PEP 495's answer
        return u0, False
    while hi - lo > 1:  # invariant: wall(lo) < naive <= wall(hi)
        mid = (lo + hi) // 2
        if wall(mid) < naive:
            lo = mid
        else:
            hi = mid
    return hi, False


def _merge(intervals: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Union of half-open intervals as sorted, disjoint (starts, ends)."""
    intervals.sort()
    starts: list[int] = []
    ends: list[int] = []
    for s, e in intervals:
        if e <= s:
            continue
        if ends and s <= ends[-1]:
            if e > ends[-1]:
                ends[-1] = e
        else:
            starts.append(s)
            ends.append(e)
    return starts, ends


class _Grid:
    """Candidate starts of one (weekday, set of applying templates) for one query."""

    __slots__ = ("full", "simple")

    def __init__(self, bounds: Iterable[tuple[int, int]], step_us: int, dur_us: int) -> None:
        best: dict[int, int] = {}
        for b_start, b_end in bounds:
            s = b_start
            while s < b_end:
                if best.get(s, -1) < b_end:
                    best[s] = b_end
                s += step_us
        #: (wall start, wall end of the longest block generating it), for DST days.
        self.full: list[tuple[int, int]] = sorted(best.items())
        #: wall starts that fit their block on a day without a DST transition.
        self.simple: list[int] = [s for s, e in self.full if s + dur_us <= e]


class _Query:
    """Per (type, duration, step) caches shared by all days and practitioners."""

    __slots__ = ("dur_us", "grids", "step_us", "template_bounds", "type_id")

    def __init__(self, type_id: int, dur_us: int, step_us: int) -> None:
        self.type_id = type_id
        self.dur_us = dur_us
        self.step_us = step_us
        self.template_bounds: dict[int, list[list[tuple[int, int]]]] = {}
        self.grids: dict[tuple[int, tuple[int, ...]], _Grid] = {}

    def grid(self, templates: Sequence[Template], weekday: int, applying: tuple[int, ...]) -> _Grid:
        key = (weekday, applying)
        grid = self.grids.get(key)
        if grid is None:
            bounds: list[tuple[int, int]] = []
            for idx in applying:
                per_weekday = self.template_bounds.get(idx)
                if per_weekday is None:
                    per_weekday = [[] for _ in range(7)]
                    for b in templates[idx].blocks:
                        if self.type_id in b.type_ids:
                            per_weekday[b.weekday].append((_time_us(b.start), _time_us(b.end)))
                    self.template_bounds[idx] = per_weekday
                bounds.extend(per_weekday[weekday])
            grid = _Grid(bounds, self.step_us, self.dur_us)
            self.grids[key] = grid
        return grid


class _Practitioner:
    """One practitioner's indexed data over the window."""

    __slots__ = ("blocked_ends", "blocked_starts", "busy_per_day", "closed_days")

    def __init__(
        self,
        blocked_starts: list[int],
        blocked_ends: list[int],
        closed_days: frozenset[int],
        busy_per_day: dict[int, int],
    ) -> None:
        self.blocked_starts = blocked_starts
        self.blocked_ends = blocked_ends
        self.closed_days = closed_days
        self.busy_per_day = busy_per_day


class Availability:
    """Indexed view of a :class:`ScheduleInput` for answering many queries.

    Built once, it answers :meth:`free_slots` and :meth:`day_levels` for any
    type, duration and practitioner set without re-reading the input: busy
    intervals are filtered to the window, converted to integers, merged with
    partial closures and sorted per practitioner (lazily, on first use);
    closures are indexed per date; templates per weekday.

    The window is ``[start, end]`` clipped to the bookable dates (from the
    local date of ``now + notice`` to local today + ``horizon_days``);
    ``None`` means the whole bookable range.  Asking about a bookable date
    outside ``[start, end]`` raises ``ValueError``; a date outside the
    bookable range simply has no free time.

    The input must not be changed while the instance is in use.
    """

    def __init__(
        self, data: ScheduleInput, start: date | None = None, end: date | None = None
    ) -> None:
        tz = data.tz
        rules = data.rules
        self._data = data
        self._tz = tz
        self._first_free_only = rules.first_free_only
        step = rules.step_minutes
        self._step_us: int | None = None if step is None else step * 60 * _SEC_US
        if data.now.tzinfo is None or data.now.utcoffset() is None:
            raise ValueError("ScheduleInput.now must be an aware datetime")
        self._min_start = _to_us(data.now) + rules.notice // _US
        today = data.now.astimezone(tz).date()
        #: Dates outside [bookable_first, bookable_last] hold no free time.
        self.bookable_first = _from_us(self._min_start, tz).date() - _ONE_DAY
        self.bookable_last = today + timedelta(days=rules.horizon_days)
        self._req_first = start
        self._req_last = end
        first = self.bookable_first if start is None else max(start, self.bookable_first)
        last = self.bookable_last if end is None else min(end, self.bookable_last)
        self._first = first
        n = max(0, (last - first).days + 1)
        self._n = n

        # --- days: weekday, parity, wall->instant base, midnight instants ---
        self._days: list[date] = [first + timedelta(days=i) for i in range(n + 1)]
        self._bases: list[int | None] = []
        self._midnights: list[int] = []
        offsets: list[tuple[timedelta | None, timedelta | None]] = []
        for d in self._days:
            m0 = datetime(d.year, d.month, d.day, tzinfo=tz)
            offsets.append((m0.utcoffset(), m0.replace(fold=1).utcoffset()))
        self._wall_cache: dict[tuple[int, int], tuple[int, bool]] = {}
        for i, d in enumerate(self._days):
            o0, o1 = offsets[i]
            if o0 is None or o1 is None:
                raise ValueError("ScheduleInput.tz gives no UTC offset")
            # Midnight itself is unambiguous iff both folds agree.
            midnight = _naive_midnight_us(d) - o0 // _US if o0 == o1 else _wall_lookup(tz, d, 0)[0]
            self._midnights.append(midnight)
            if i < n:
                simple = o0 == o1 == offsets[i + 1][0] == offsets[i + 1][1]
                self._bases.append(midnight if simple else None)

        # --- closures, per day index ---
        closed: set[int] = set()
        for i in range(n):
            if self._days[i] in data.closed_dates:
                closed.add(i)
        clinic_parts: list[tuple[int, int]] = []
        self._pract_closed: dict[int, set[int]] = {}
        self._pract_parts: dict[int, list[tuple[int, int]]] = {}
        if n:
            for c in data.closures:
                a = max(c.start_date, first)
                b = min(c.end_date, last)
                if a > b:
                    continue
                i0 = (a - first).days
                i1 = (b - first).days
                pid = c.practitioner_id
                if c.start_time is None and c.end_time is None:
                    target = closed if pid is None else self._pract_closed.setdefault(pid, set())
                    target.update(range(i0, i1 + 1))
                    continue
                parts = clinic_parts if pid is None else self._pract_parts.setdefault(pid, [])
                s_wall = None if c.start_time is None else _time_us(c.start_time)
                e_wall = None if c.end_time is None else _time_us(c.end_time)
                for i in range(i0, i1 + 1):
                    s = self._midnights[i] if s_wall is None else self._wall(i, s_wall)[0]
                    e = self._midnights[i + 1] if e_wall is None else self._wall(i, e_wall)[0]
                    parts.append((s, e))
        self._clinic_closed = frozenset(closed)
        self._clinic_parts = clinic_parts

        # --- busy: cheap pre-filter to the window, grouped by practitioner ---
        self._raw_busy: dict[int, list[Busy]] = {}
        if n:
            lo = _from_us(self._midnights[0] - _DAY_US, _UTC)
            hi = _from_us(self._midnights[n] + _DAY_US, _UTC)
            self._group_busy(data.busy, lo, hi)

        # --- templates per practitioner ---
        self._templates: Sequence[Template] = data.templates
        self._by_pract: dict[int, list[int]] = {}
        for idx, t in enumerate(data.templates):
            self._by_pract.setdefault(t.practitioner_id, []).append(idx)
        self._applying: dict[int, list[tuple[int, ...]]] = {}
        self._practs: dict[int, _Practitioner] = {}

    # ----------------------------------------------------------------- setup

    def _group_busy(self, busy: Sequence[Busy], lo: datetime, hi: datetime) -> None:
        # Comparing aware datetimes that share a tzinfo object is fast (wall
        # fields only; fold is ignored, which the one-day margin absorbs),
        # so the bounds are converted to each busy's tzinfo once.
        groups = self._raw_busy
        cur_tz: tzinfo | None = _UTC
        cur_lo, cur_hi = lo, hi
        for b in busy:
            s = b.start
            tzi = s.tzinfo
            if tzi is not cur_tz:
                if tzi is None:
                    raise ValueError(f"Busy.start must be aware: {b!r}")
                cur_tz = tzi
                cur_lo = lo.astimezone(tzi)
                cur_hi = hi.astimezone(tzi)
            if s < cur_hi and b.end > cur_lo:
                lst = groups.get(b.practitioner_id)
                if lst is None:
                    groups[b.practitioner_id] = [b]
                else:
                    lst.append(b)

    def _wall(self, i: int, wall_us: int) -> tuple[int, bool]:
        """(instant, exists) of a wall time on day index ``i``."""
        base = self._bases[i] if i < len(self._bases) else None
        if base is not None:
            return base + wall_us, True
        key = (i, wall_us)
        hit = self._wall_cache.get(key)
        if hit is None:
            hit = _wall_lookup(self._tz, self._days[i], wall_us)
            self._wall_cache[key] = hit
        return hit

    def _practitioner(self, pid: int) -> _Practitioner:
        p = self._practs.get(pid)
        if p is None:
            intervals = list(self._clinic_parts)
            intervals.extend(self._pract_parts.get(pid, ()))
            busy_starts: list[int] = []
            for b in self._raw_busy.get(pid, ()):
                s = _to_us(b.start)
                e = _to_us(b.end)
                if e > s:
                    intervals.append((s, e))
                busy_starts.append(s)
            starts, ends = _merge(intervals)
            per_day: dict[int, int] = {}
            mids = self._midnights
            for s in busy_starts:
                k = bisect_right(mids, s) - 1  # day whose [midnight, next midnight) holds s
                if 0 <= k < self._n:
                    per_day[k] = per_day.get(k, 0) + 1
            p = _Practitioner(starts, ends, frozenset(self._pract_closed.get(pid, ())), per_day)
            self._practs[pid] = p
        return p

    def _applying_templates(self, pid: int, i: int) -> tuple[int, ...]:
        per_day = self._applying.get(pid)
        if per_day is None:
            tmpl = self._templates
            idxs = self._by_pract.get(pid, [])
            per_day = [
                tuple(idx for idx in idxs if tmpl[idx].applies(d)) for d in self._days[: self._n]
            ]
            self._applying[pid] = per_day
        return per_day[i]

    # ----------------------------------------------------------------- core

    def _query(self, type_id: int, duration: timedelta) -> _Query:
        dur_us = duration // _US
        if dur_us <= 0:
            raise ValueError(f"duration must be positive, got {duration!r}")
        return _Query(type_id, dur_us, dur_us if self._step_us is None else self._step_us)

    def _resolve(self, practitioner_ids: Collection[int] | None) -> list[int]:
        if practitioner_ids is None:
            return sorted(self._by_pract)
        return sorted(set(practitioner_ids))

    def _index(self, day: date) -> int | None:
        """Day index in the window, or None if the day can hold no free time."""
        if day < self.bookable_first or day > self.bookable_last:
            return None
        if (self._req_first is not None and day < self._req_first) or (
            self._req_last is not None and day > self._req_last
        ):
            raise ValueError(f"{day} is outside this Availability's window")
        i = (day - self._first).days
        return i if 0 <= i < self._n else None

    def _free_on_day(self, q: _Query, i: int, pids: Sequence[int]) -> dict[int, int]:
        """Free start instants of day ``i`` -> practitioner, first of ``pids`` wins."""
        found: dict[int, int] = {}
        if i in self._clinic_closed:
            return found
        day = self._days[i]
        weekday = day.weekday()
        base = self._bases[i]
        min_start = self._min_start
        dur = q.dur_us
        for pid in pids:
            applying = self._applying_templates(pid, i)
            if not applying:
                continue
            grid = q.grid(self._templates, weekday, applying)
            if not grid.full:
                continue
            p = self._practitioner(pid)
            if i in p.closed_days:
                continue
            bs = p.blocked_starts
            be = p.blocked_ends
            if base is not None:
                for off in grid.simple:
                    s = base + off
                    if s in found or s < min_start:
                        continue
                    k = bisect_left(bs, s + dur) - 1
                    if k >= 0 and be[k] > s:
                        continue
                    found[s] = pid
            else:
                for off, end_off in grid.full:
                    s, exists = self._wall(i, off)
                    if not exists or s in found or s < min_start:
                        continue
                    e = s + dur
                    if e > self._wall(i, end_off)[0]:
                        continue
                    k = bisect_left(bs, e) - 1
                    if k >= 0 and be[k] > s:
                        continue
                    found[s] = pid
        return found

    # ----------------------------------------------------------------- public

    def free_slots(
        self,
        type_id: int,
        duration: timedelta,
        day: date,
        practitioner_ids: Collection[int] | None = None,
    ) -> list[Slot]:
        """Free slots on local ``day``; see :func:`free_slots`."""
        q = self._query(type_id, duration)
        i = self._index(day)
        if i is None:
            return []
        pids = self._resolve(practitioner_ids)
        if len(pids) > 1:
            # Fewest busy appointments that day first, then lowest id.
            pids.sort(key=lambda pid: (self._practitioner(pid).busy_per_day.get(i, 0), pid))
        found = self._free_on_day(q, i, pids)
        starts = sorted(found)
        if self._first_free_only:
            starts = starts[:1]
        tz = self._tz
        return [Slot(_slot_time(s, tz), _slot_time(s + q.dur_us, tz), found[s]) for s in starts]

    def day_levels(
        self,
        type_id: int,
        duration: timedelta,
        start: date,
        end: date,
        practitioner_ids: Collection[int] | None = None,
    ) -> dict[date, DayInfo]:
        """Availability of each date in ``[start, end]``; see :func:`day_levels`."""
        q = self._query(type_id, duration)
        pids = self._resolve(practitioner_ids)
        result: dict[date, DayInfo] = {}
        d = start
        while d <= end:
            i = self._index(d)
            free = 0 if i is None or not pids else len(self._free_on_day(q, i, pids))
            result[d] = DayInfo(d, free, level_for(free))
            d += _ONE_DAY
        return result


def free_slots(
    data: ScheduleInput,
    type_id: int,
    duration: timedelta,
    day: date,
    practitioner_ids: Collection[int] | None = None,
) -> list[Slot]:
    """Free slots of ``type_id`` on the local date ``day``, sorted by start.

    ``practitioner_ids=None`` means any practitioner with a template.  One
    slot per distinct start time; when several practitioners are free at a
    time, the one with the fewest busy appointments starting that local day
    gets it (ties: lowest id).  With ``rules.first_free_only`` only the
    earliest slot is returned.
    """
    return Availability(data, day, day).free_slots(type_id, duration, day, practitioner_ids)


def day_levels(
    data: ScheduleInput,
    type_id: int,
    duration: timedelta,
    start: date,
    end: date,
    practitioner_ids: Collection[int] | None = None,
) -> dict[date, DayInfo]:
    """Free-time count and level of every date in ``[start, end]``, in one pass.

    ``free`` is what :func:`free_slots` would return without
    ``first_free_only``; the level is :func:`level_for` of it.
    """
    avail = Availability(data, start, end)
    return avail.day_levels(type_id, duration, start, end, practitioner_ids)
