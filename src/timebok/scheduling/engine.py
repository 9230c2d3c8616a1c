"""Free-time computation.

Every instant is an ``int`` of microseconds since the Unix epoch (UTC), so
comparisons are exact and never trip over ``fold`` (two aware datetimes
sharing a tzinfo compare by wall clock, ignoring fold).  The engine's input
is an :class:`~.types.IntInput`; a :class:`~.types.ScheduleInput` (dates,
times and datetimes) is adapted to it first (:func:`to_int_input`), converting
only the busy appointments near the dates asked about.

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
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

from .types import (
    Busy,
    DayInfo,
    IntBlock,
    IntClosure,
    IntInput,
    IntPeriod,
    IntTemplate,
    ScheduleInput,
    Slot,
    level_for,
)

__all__ = ["Availability", "day_levels", "free_slots", "to_int_input"]

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

# --------------------------------------------------------------------------- datetime adapter


def _int_input(data: ScheduleInput, busy: Mapping[int, Sequence[tuple[int, int]]]) -> IntInput:
    """``data`` in integers, with the given busy intervals."""
    if data.now.tzinfo is None or data.now.utcoffset() is None:
        raise ValueError("ScheduleInput.now must be an aware datetime")
    templates = [
        IntTemplate(
            t.id,
            t.practitioner_id,
            tuple(IntBlock(b.weekday, _time_us(b.start), _time_us(b.end), b.type_ids) for b in t.blocks),
            tuple(
                IntPeriod(p.start.toordinal(), None if p.end is None else p.end.toordinal(), p.parity)
                for p in t.periods
            ),
        )
        for t in data.templates
    ]
    closures = [
        IntClosure(
            c.start_date.toordinal(),
            c.end_date.toordinal(),
            None if c.start_time is None else _time_us(c.start_time),
            None if c.end_time is None else _time_us(c.end_time),
            c.practitioner_id,
        )
        for c in data.closures
    ]
    return IntInput(
        tz=data.tz,
        now=_to_us(data.now),
        templates=templates,
        closures=closures,
        closed_dates=frozenset(d.toordinal() for d in data.closed_dates),
        busy=busy,
        rules=data.rules,
    )


def _group_busy_datetimes(busy: Iterable[Busy], lo: int, hi: int) -> dict[int, list[Busy]]:
    """Busy appointments overlapping ``[lo - 1 day, hi + 1 day)``, per practitioner: a
    cheap filter before converting (which :class:`Availability` does per practitioner,
    on first use)."""
    # Comparing aware datetimes that share a tzinfo object is fast (wall fields
    # only; fold is ignored, which the one-day margin absorbs), so the bounds
    # are converted to each busy's tzinfo once.
    groups: dict[int, list[Busy]] = {}
    lo_dt = _from_us(lo - _DAY_US, _UTC)
    hi_dt = _from_us(hi + _DAY_US, _UTC)
    cur_tz: tzinfo | None = _UTC
    cur_lo, cur_hi = lo_dt, hi_dt
    for b in busy:
        s = b.start
        tzi = s.tzinfo
        if tzi is not cur_tz:
            if tzi is None:
                raise ValueError(f"Busy.start must be aware: {b!r}")
            cur_tz = tzi
            cur_lo = lo_dt.astimezone(tzi)
            cur_hi = hi_dt.astimezone(tzi)
        if s < cur_hi and b.end > cur_lo:
            lst = groups.get(b.practitioner_id)
            if lst is None:
                groups[b.practitioner_id] = [b]
            else:
                lst.append(b)
    return groups


def to_int_input(data: ScheduleInput) -> IntInput:
    """The integer form of ``data`` (every busy appointment converted).

    :class:`Availability` does this itself when given a :class:`ScheduleInput`,
    converting only the busy appointments near its window.
    """
    busy: dict[int, list[tuple[int, int]]] = {}
    for b in data.busy:
        if b.start.tzinfo is None:
            raise ValueError(f"Busy.start must be aware: {b!r}")
        busy.setdefault(b.practitioner_id, []).append((_to_us(b.start), _to_us(b.end)))
    return _int_input(data, busy)


class _Grid:
    """Candidate starts of one (weekday, set of applying templates) for one query."""

    __slots__ = ("all_bits", "full", "simple")

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
        #: one bit per entry of ``simple``, all set.
        self.all_bits = (1 << len(self.simple)) - 1


class _Query:
    """Per (type, duration, step) caches shared by all days and practitioners."""

    __slots__ = ("by_bounds", "dur_us", "grids", "step_us", "template_bounds", "type_id")

    def __init__(self, type_id: int, dur_us: int, step_us: int) -> None:
        self.type_id = type_id
        self.dur_us = dur_us
        self.step_us = step_us
        self.template_bounds: dict[int, list[list[tuple[int, int]]]] = {}
        self.grids: dict[tuple[int, tuple[int, ...]], _Grid] = {}
        #: One grid per distinct set of blocks, so that practitioners with the same
        #: hours share it (and day_levels can unite their free bits).
        self.by_bounds: dict[tuple[tuple[int, int], ...], _Grid] = {}

    def grid(self, templates: Sequence[IntTemplate], weekday: int, applying: tuple[int, ...]) -> _Grid:
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
                            per_weekday[b.weekday].append((b.start, b.end))
                    self.template_bounds[idx] = per_weekday
                bounds.extend(per_weekday[weekday])
            canonical = tuple(sorted(set(bounds)))
            grid = self.by_bounds.get(canonical)
            if grid is None:
                grid = self.by_bounds[canonical] = _Grid(canonical, self.step_us, self.dur_us)
            self.grids[key] = grid
        return grid


class _Practitioner:
    """One practitioner's indexed data over the window."""

    __slots__ = ("blocked_ends", "blocked_starts", "busy", "busy_starts", "closed_days")

    def __init__(
        self,
        blocked_starts: list[int],
        blocked_ends: list[int],
        closed_days: frozenset[int],
        busy: list[tuple[int, int]],
    ) -> None:
        #: busy appointments and partial closures, merged: sorted, disjoint.
        self.blocked_starts = blocked_starts
        self.blocked_ends = blocked_ends
        self.closed_days = closed_days
        self.busy = busy
        self.busy_starts: list[int] | None = None

    def busy_on(self, day_start: int, day_end: int) -> int:
        """Busy appointments starting in ``[day_start, day_end)``."""
        starts = self.busy_starts
        if starts is None:
            starts = self.busy_starts = sorted(s for s, _e in self.busy)
        return bisect_left(starts, day_end) - bisect_left(starts, day_start)


def _bits(mask: int) -> Iterable[int]:
    """Indices of the set bits of ``mask``, lowest first."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


class Availability:
    """Indexed view of a schedule input for answering many queries.

    Built once from an :class:`IntInput` (the integer entry point) or a
    :class:`ScheduleInput` (adapted to integers here), it answers
    :meth:`free_slots` and :meth:`day_levels` for any type, duration and
    practitioner set without re-reading the input: busy intervals are filtered
    to the window, merged with partial closures and sorted per practitioner
    (lazily, on first use); closures are indexed per date; templates per weekday.

    The window is ``[start, end]`` clipped to the bookable dates (from the
    local date of ``now + notice`` to local today + ``horizon_days``);
    ``None`` means the whole bookable range.  Asking about a bookable date
    outside ``[start, end]`` raises ``ValueError``; a date outside the
    bookable range simply has no free time.

    The input must not be changed while the instance is in use.
    """

    def __init__(
        self, data: ScheduleInput | IntInput, start: date | None = None, end: date | None = None
    ) -> None:
        busy_datetimes: Sequence[Busy] | None = None
        if isinstance(data, ScheduleInput):
            busy_datetimes = data.busy
            data = _int_input(data, busy={})  # busy is converted below, only inside the window
        tz = data.tz
        rules = data.rules
        self._tz = tz
        self._first_free_only = rules.first_free_only
        step = rules.step_minutes
        self._step_us: int | None = None if step is None else step * 60 * _SEC_US
        self._min_start = data.now + rules.notice // _US
        today = _from_us(data.now, tz).date()
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
        first_ordinal = first.toordinal()
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
                raise ValueError("the input's tz gives no UTC offset")
            # Midnight itself is unambiguous iff both folds agree.
            midnight = _naive_midnight_us(d) - o0 // _US if o0 == o1 else _wall_lookup(tz, d, 0)[0]
            self._midnights.append(midnight)
            if i < n:
                simple = o0 == o1 == offsets[i + 1][0] == offsets[i + 1][1]
                self._bases.append(midnight if simple else None)

        # --- closures, per day index ---
        closed: set[int] = set()
        for ordinal in data.closed_dates:
            if 0 <= ordinal - first_ordinal < n:
                closed.add(ordinal - first_ordinal)
        clinic_parts: list[tuple[int, int]] = []
        self._pract_closed: dict[int, set[int]] = {}
        self._pract_parts: dict[int, list[tuple[int, int]]] = {}
        if n:
            for c in data.closures:
                i0 = max(c.start_date - first_ordinal, 0)
                i1 = min(c.end_date - first_ordinal, n - 1)
                if i0 > i1:
                    continue
                pid = c.practitioner_id
                s_wall, e_wall = c.start_time, c.end_time
                if s_wall is None and e_wall is None:
                    target = closed if pid is None else self._pract_closed.setdefault(pid, set())
                    target.update(range(i0, i1 + 1))
                    continue
                parts = clinic_parts if pid is None else self._pract_parts.setdefault(pid, [])
                for i in range(i0, i1 + 1):
                    s = self._midnights[i] if s_wall is None else self._wall(i, s_wall)[0]
                    e = self._midnights[i + 1] if e_wall is None else self._wall(i, e_wall)[0]
                    parts.append((s, e))
        self._clinic_closed = frozenset(closed)
        self._clinic_parts = clinic_parts

        # --- busy, per practitioner (indexed on first use) ---
        #: busy appointments overlapping [_busy_lo, _busy_hi) can touch a day of the window.
        self._busy_lo = self._midnights[0] - _DAY_US
        self._busy_hi = self._midnights[n] + _DAY_US
        self._busy: Mapping[int, Sequence[tuple[int, int]]] = data.busy
        #: Datetime input: busy appointments near the window, converted on first use.
        self._busy_datetimes: dict[int, list[Busy]] = {}
        if busy_datetimes is not None and n:
            self._busy_datetimes = _group_busy_datetimes(busy_datetimes, self._busy_lo, self._busy_hi)

        # --- templates per practitioner ---
        self._templates: Sequence[IntTemplate] = data.templates
        self._by_pract: dict[int, list[int]] = {}
        for idx, t in enumerate(data.templates):
            self._by_pract.setdefault(t.practitioner_id, []).append(idx)
        self._applying: dict[int, list[tuple[int, ...]]] = {}
        self._odd_weeks: list[bool] | None = None  # per day index: is its ISO week odd?
        self._practs: dict[int, _Practitioner] = {}

    # ----------------------------------------------------------------- setup

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
            if self._busy_datetimes:
                busy = [(_to_us(b.start), _to_us(b.end)) for b in self._busy_datetimes.get(pid, ())]
            else:
                busy = list(self._busy.get(pid, ()))
            intervals = list(self._clinic_parts)
            intervals.extend(self._pract_parts.get(pid, ()))
            intervals.extend(busy)
            starts, ends = _merge(intervals)
            p = _Practitioner(starts, ends, frozenset(self._pract_closed.get(pid, ())), busy)
            self._practs[pid] = p
        return p

    def _applying_templates(self, pid: int) -> list[tuple[int, ...]]:
        """Per day index, the indices of ``pid``'s templates that apply that day."""
        per_day = self._applying.get(pid)
        if per_day is None:
            n = self._n
            first = self._days[0].toordinal()
            if self._odd_weeks is None:
                self._odd_weeks = [d.isocalendar()[1] % 2 == 1 for d in self._days[:n]]
            odd = self._odd_weeks
            days: list[list[int]] = [[] for _ in range(n)]
            for idx in self._by_pract.get(pid, ()):
                on: set[int] = set()
                for p in self._templates[idx].periods:
                    i0 = max(p.start - first, 0)
                    i1 = n - 1 if p.end is None else min(p.end - first, n - 1)
                    if p.parity == "all":
                        on.update(range(i0, i1 + 1))
                    else:
                        want = p.parity == "odd"
                        on.update(i for i in range(i0, i1 + 1) if odd[i] == want)
                for i in on:
                    days[i].append(idx)
            per_day = [tuple(d) for d in days]
            self._applying[pid] = per_day
        return per_day

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
            applying = self._applying_templates(pid)[i]
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

    def _count_free(self, q: _Query, days: set[int], pids: Sequence[int]) -> dict[int, int]:
        """Distinct free start times per day index, for any of ``pids``.

        On a day without a DST change this works per blocked interval, not per
        candidate: an interval ``[s, e)`` blocks the candidates starting in
        ``(s - dur, e)``, a run of bits in the mask of the day's grid.
        """
        counts: dict[int, int] = {}
        simple_days = sorted(i for i in days if self._bases[i] is not None and i not in self._clinic_closed)
        # Per simple day: the grid of the first practitioner with candidates, the union
        # of the free bits of every practitioner sharing that grid, and for the others
        # (other templates) their free instants.
        union: dict[int, tuple[_Grid, int]] = {}
        extra: dict[int, set[int]] = {}
        dur = q.dur_us
        templates = self._templates
        mids = self._midnights
        min_start = self._min_start
        for pid in pids:
            applying = self._applying_templates(pid)
            p: _Practitioner | None = None
            for i in simple_days:
                if not applying[i]:
                    continue
                grid = q.grid(templates, self._days[i].weekday(), applying[i])
                offs = grid.simple
                if not offs:
                    continue
                if p is None:
                    p = self._practitioner(pid)
                if i in p.closed_days:
                    continue
                base = mids[i]  # == self._bases[i] on a simple day
                mask = grid.all_bits
                if min_start > base:  # too soon (notice)
                    mask &= ~((1 << bisect_left(offs, min_start - base)) - 1)
                bs, be = p.blocked_starts, p.blocked_ends
                # Intervals that end after midnight and start before the day's last end.
                for k in range(bisect_right(be, base), bisect_left(bs, mids[i + 1] + dur)):
                    first = bisect_right(offs, bs[k] - dur - base)
                    stop = bisect_left(offs, be[k] - base)
                    if first < stop:
                        mask &= ~((1 << stop) - (1 << first))
                seen = union.get(i)
                if seen is None:
                    union[i] = (grid, mask)
                elif seen[0] is grid:
                    union[i] = (grid, seen[1] | mask)
                else:
                    extra.setdefault(i, set()).update(base + offs[j] for j in _bits(mask))
        for i, (grid, mask) in union.items():
            more = extra.get(i)
            if more is None:
                counts[i] = mask.bit_count()
            else:
                base = mids[i]
                more.update(base + grid.simple[j] for j in _bits(mask))
                counts[i] = len(more)
        for i in days:
            if self._bases[i] is None:  # a DST day: candidate by candidate
                counts[i] = len(self._free_on_day(q, i, pids))
        return counts

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
            day_start, day_end = self._midnights[i], self._midnights[i + 1]
            pids.sort(key=lambda pid: (self._practitioner(pid).busy_on(day_start, day_end), pid))
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
        indices: list[tuple[date, int | None]] = []
        d = start
        while d <= end:
            indices.append((d, self._index(d)))
            d += _ONE_DAY
        counts = self._count_free(q, {i for _, i in indices if i is not None}, pids)
        result: dict[date, DayInfo] = {}
        for d, i in indices:
            free = 0 if i is None else counts.get(i, 0)
            result[d] = DayInfo(d, free, level_for(free))
        return result


def free_slots(
    data: ScheduleInput | IntInput,
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
    data: ScheduleInput | IntInput,
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
