"""Read side: turn the database into the scheduling engine's input, and ask it.

One availability request is one query (availability_sql), whose rows are integers the
database computed, given to the engine's integer entry point (scheduling.IntInput); one
engine call covers the whole requested range.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Collection
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

import holidays
from django.utils import timezone

from timebok import scheduling
from timebok.appointments.services import availability_sql
from timebok.clinics.models import AppointmentType, Clinic, Practitioner, WeekTemplate

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


@lru_cache(maxsize=64)
def norwegian_holidays(year: int) -> frozenset[date]:
    """Norwegian public holidays of one year (static data, safe to memoise per process)."""
    return frozenset(holidays.country_holidays("NO", years=year, language="no").keys())


@lru_cache(maxsize=64)
def norwegian_holiday_ordinals(year: int) -> frozenset[int]:
    """The same days as ordinals, as the scheduling engine's integer input takes them."""
    return frozenset(d.toordinal() for d in norwegian_holidays(year))


def rules_for(appointment_type: AppointmentType, *, online: bool = True) -> scheduling.Rules:
    clinic = appointment_type.clinic
    if not online:
        # Staff may book anything free in a template, without notice or horizon limits.
        return scheduling.Rules(
            notice=timedelta(0), horizon_days=3650, first_free_only=False,
            step_minutes=clinic.slot_step_minutes,
        )
    return scheduling.Rules(
        notice=timedelta(hours=appointment_type.effective_notice_hours()),
        horizon_days=appointment_type.effective_horizon_days(),
        first_free_only=clinic.first_free_only,
        step_minutes=clinic.slot_step_minutes,
    )


def _local_bounds(clinic: Clinic, start: date, end: date) -> tuple[datetime, datetime]:
    tz = clinic.tz
    # One day of padding on each side covers appointments crossing midnight and DST shifts.
    lo = datetime.combine(start - timedelta(days=1), time.min, tzinfo=tz)
    hi = datetime.combine(end + timedelta(days=2), time.min, tzinfo=tz)
    return lo, hi


def busy_intervals(practitioner_ids: Collection[int], lo: datetime, hi: datetime) -> list[tuple[int, int, int]]:
    """``(practitioner id, start, end)`` of the booked appointments of these practitioners
    overlapping ``[lo, hi)``; instants in microseconds since the Unix epoch, computed by
    the database (see availability_sql)."""
    return availability_sql.busy_rows(list(practitioner_ids), lo, hi)


def load_input(
    clinic: Clinic,
    appointment_type: AppointmentType,
    practitioner_ids: Collection[int] | None,
    start: date,
    end: date,
    *,
    now: datetime | None = None,
    online: bool = True,
    template_id: int | None = None,
) -> scheduling.IntInput:
    """The engine's input for ``appointment_type`` on the local dates ``start..end``, in one
    query and in integers (no datetime object per appointment).

    ``practitioner_ids=None`` means every online practitioner whose templates offer the
    type ("Første ledige behandler"); then pass ``practitioner_ids=None`` to the engine
    as well, which takes every practitioner with a template in the input. Only blocks that
    allow this type are loaded, so the input answers for this type only. ``template_id``
    limits it to one week template's blocks and arbeidsplan (a ukemal link).
    """
    now = now or timezone.now()
    ids = None if practitioner_ids is None else list(practitioner_ids)
    lo, hi = _local_bounds(clinic, start, end)
    rows = availability_sql.schedule_rows(clinic.pk, appointment_type.pk, ids, start, end, lo, hi, template_id)

    type_ids = frozenset((appointment_type.pk,))
    owner: dict[int, int] = {}
    blocks: dict[int, list[scheduling.IntBlock]] = defaultdict(list)
    periods: dict[int, list[scheduling.IntPeriod]] = defaultdict(list)
    closures: list[scheduling.IntClosure] = []
    busy: dict[int, list[tuple[int, int]]] = {}
    parity = availability_sql.PARITY_CODES
    busy_kind, block_kind, period_kind = availability_sql.BUSY, availability_sql.BLOCK, availability_sql.PERIOD
    for kind, pid, a, b, c, d in rows:  # thousands of appointments: keep this loop lean
        if kind == busy_kind:
            intervals = busy.get(pid)
            if intervals is None:
                busy[pid] = [(a, b)]
            else:
                intervals.append((a, b))
        elif kind == block_kind:
            owner[a] = pid
            blocks[a].append(scheduling.IntBlock(b, c, d, type_ids))
        elif kind == period_kind:
            periods[a].append(scheduling.IntPeriod(c, d, parity[b]))
        else:
            closures.append(scheduling.IntClosure(a, b, c, d, pid))
    templates = [
        scheduling.IntTemplate(tid, pid, tuple(blocks[tid]), tuple(periods.get(tid, ())))
        for tid, pid in owner.items()
    ]

    closed: set[int] = set()
    if clinic.close_public_holidays:
        for year in range(start.year, end.year + 1):
            closed |= norwegian_holiday_ordinals(year)

    return scheduling.IntInput(
        tz=clinic.tz,
        now=(now - _EPOCH) // _MICROSECOND,
        templates=templates,
        closures=closures,
        closed_dates=frozenset(closed),
        busy=busy,
        rules=rules_for(appointment_type, online=online),
    )


def _practitioner_ids(practitioner: Practitioner | None, template: WeekTemplate | None = None) -> list[int] | None:
    """The engine's practitioner ids: one, or None for "any" (every one loaded). A week
    template belongs to one practitioner: with it, only theirs."""
    if template is not None:
        return [template.practitioner_id]
    return None if practitioner is None else [practitioner.pk]


def _template_id(template: WeekTemplate | None) -> int | None:
    return None if template is None else template.pk


def day_levels(
    clinic: Clinic,
    appointment_type: AppointmentType,
    practitioner: Practitioner | None,
    start: date,
    end: date,
    *,
    now: datetime | None = None,
    template: WeekTemplate | None = None,
) -> dict[date, scheduling.DayInfo]:
    """Free-time count and level of each local date ``start..end``; ``template`` limits the
    times to one week template (its blocks, its arbeidsplan, its practitioner)."""
    ids = _practitioner_ids(practitioner, template)
    data = load_input(clinic, appointment_type, ids, start, end, now=now, template_id=_template_id(template))
    return scheduling.day_levels(
        data, appointment_type.pk, appointment_type.duration, start, end, ids
    )


def free_slots(
    clinic: Clinic,
    appointment_type: AppointmentType,
    practitioner: Practitioner | None,
    day: date,
    *,
    now: datetime | None = None,
    online: bool = True,
    template: WeekTemplate | None = None,
) -> list[scheduling.Slot]:
    """The free times of local ``day``; ``template`` as in :func:`day_levels`."""
    ids = _practitioner_ids(practitioner, template)
    data = load_input(clinic, appointment_type, ids, day, day, now=now, online=online,
                      template_id=_template_id(template))
    return scheduling.free_slots(data, appointment_type.pk, appointment_type.duration, day, ids)


def every_free_time(data: scheduling.IntInput) -> scheduling.IntInput:
    """The same input without "first free time only": for re-checks and alternatives, which
    must see every free time, not just the one the booking page shows."""
    return dataclasses.replace(data, rules=dataclasses.replace(data.rules, first_free_only=False))


def nearest_free(
    clinic: Clinic,
    appointment_type: AppointmentType,
    practitioner: Practitioner | None,
    around: datetime,
    *,
    count: int = 5,
    days: int = 7,
    now: datetime | None = None,
    template: WeekTemplate | None = None,
) -> list[scheduling.Slot]:
    """Free times nearest to `around` (same day first, then the following days)."""
    ids = _practitioner_ids(practitioner, template)
    around = around.astimezone(UTC)  # absolute time differences, also across DST
    local_day = around.astimezone(clinic.tz).date()
    end = local_day + timedelta(days=days)
    data = every_free_time(load_input(clinic, appointment_type, ids, local_day, end, now=now,
                                      template_id=_template_id(template)))
    index = scheduling.Availability(data, local_day, end)  # one index for every day asked
    candidates: list[scheduling.Slot] = []
    day = local_day
    while day <= end and len(candidates) < count * 3:
        candidates.extend(index.free_slots(appointment_type.pk, appointment_type.duration, day, ids))
        day += timedelta(days=1)
    candidates.sort(key=lambda s: abs((s.start - around).total_seconds()))
    return sorted(candidates[:count], key=lambda s: s.start)
