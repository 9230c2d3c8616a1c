"""Read side: turn the database into the scheduling engine's input, and ask it.

All loading happens in a handful of flat queries (values_list, no model instances),
and one engine call covers the whole requested range.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Collection
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

import holidays
from django.db import connections
from django.db.models import TextField, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from timebok import scheduling
from timebok.appointments.models import Appointment
from timebok.appointments.services import catalog
from timebok.clinics.models import (
    AppointmentType,
    Clinic,
    Closure,
    Practitioner,
    TemplateBlock,
    TemplatePeriod,
)


@lru_cache(maxsize=64)
def norwegian_holidays(year: int) -> frozenset[date]:
    """Norwegian public holidays of one year (static data, safe to memoise per process)."""
    return frozenset(holidays.country_holidays("NO", years=year, language="no").keys())


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


def busy_intervals(practitioner_ids: list[int], lo: datetime, hi: datetime) -> list[scheduling.Busy]:
    """Booked appointments of these practitioners overlapping [lo, hi).

    The hot path of a month view (thousands of rows). On SQLite, Django's per-value
    datetime converter (and even ``datetime.replace``) costs more than the engine itself,
    so the stored naive-UTC text is read with a "+00:00" suffix and parsed by
    ``datetime.fromisoformat`` straight into aware UTC datetimes. PostgreSQL returns
    aware datetimes directly.
    """
    qs = Appointment.objects.filter(
        practitioner_id__in=practitioner_ids,
        status=Appointment.Status.BOOKED,
        start__lt=hi,
        end__gt=lo,
    ).order_by()
    connection = connections[qs.db]
    if connection.vendor != "sqlite":
        return [scheduling.Busy(pid, s, e) for pid, s, e in qs.values_list("practitioner_id", "start", "end")]
    utc_text = Value("+00:00", output_field=TextField())
    sql, params = (
        qs.annotate(s_text=Concat(Cast("start", TextField()), utc_text, output_field=TextField()),
                    e_text=Concat(Cast("end", TextField()), utc_text, output_field=TextField()))
        .values_list("practitioner_id", "s_text", "e_text")
        .query.get_compiler(using=qs.db).as_sql()
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    parse = datetime.fromisoformat
    busy = scheduling.Busy
    return [busy(pid, parse(s), parse(e)) for pid, s, e in rows]


def load_input(
    clinic: Clinic,
    appointment_type: AppointmentType,
    practitioner_ids: Collection[int],
    start: date,
    end: date,
    *,
    now: datetime | None = None,
    online: bool = True,
) -> scheduling.ScheduleInput:
    now = now or timezone.now()
    ids = list(practitioner_ids)
    lo, hi = _local_bounds(clinic, start, end)

    blocks_by_template: dict[int, list[scheduling.Block]] = defaultdict(list)
    block_types: dict[int, set[int]] = defaultdict(set)
    through = TemplateBlock.appointment_types.through
    for block_id, type_id in through.objects.filter(
        templateblock__template__practitioner_id__in=ids
    ).values_list("templateblock_id", "appointmenttype_id"):
        block_types[block_id].add(type_id)
    template_owner: dict[int, int] = {}
    for block_id, template_id, pid, weekday, bstart, bend in TemplateBlock.objects.filter(
        template__practitioner_id__in=ids
    ).values_list("id", "template_id", "template__practitioner_id", "weekday", "start_time", "end_time"):
        template_owner[template_id] = pid
        blocks_by_template[template_id].append(
            scheduling.Block(weekday, bstart, bend, frozenset(block_types.get(block_id, ())))
        )
    periods_by_template: dict[int, list[scheduling.Period]] = defaultdict(list)
    for template_id, pstart, pend, parity in TemplatePeriod.objects.filter(
        template_id__in=list(template_owner)
    ).values_list("template_id", "start_date", "end_date", "parity"):
        periods_by_template[template_id].append(scheduling.Period(pstart, pend, parity))
    templates = [
        scheduling.Template(
            id=tid,
            practitioner_id=pid,
            blocks=tuple(blocks_by_template[tid]),
            periods=tuple(periods_by_template.get(tid, ())),
        )
        for tid, pid in template_owner.items()
    ]

    closures = [
        scheduling.Closure(cs, ce, ts, te, pid)
        for cs, ce, ts, te, pid in Closure.objects.filter(
            clinic=clinic, start_date__lte=end, end_date__gte=start
        ).values_list("start_date", "end_date", "start_time", "end_time", "practitioner_id")
        if pid is None or pid in ids
    ]

    closed: set[date] = set()
    if clinic.close_public_holidays:
        for year in range(start.year, end.year + 1):
            closed |= norwegian_holidays(year)

    busy = busy_intervals(ids, lo, hi)

    return scheduling.ScheduleInput(
        tz=clinic.tz,
        now=now,
        templates=templates,
        closures=closures,
        closed_dates=frozenset(closed),
        busy=busy,
        rules=rules_for(appointment_type, online=online),
    )


def _practitioner_ids(clinic: Clinic, appointment_type: AppointmentType,
                      practitioner: Practitioner | None) -> list[int]:
    if practitioner is not None:
        return [practitioner.pk]
    return [p.pk for p in catalog.online_practitioners(clinic, appointment_type)]


def day_levels(
    clinic: Clinic,
    appointment_type: AppointmentType,
    practitioner: Practitioner | None,
    start: date,
    end: date,
    *,
    now: datetime | None = None,
) -> dict[date, scheduling.DayInfo]:
    ids = _practitioner_ids(clinic, appointment_type, practitioner)
    data = load_input(clinic, appointment_type, ids, start, end, now=now)
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
) -> list[scheduling.Slot]:
    ids = _practitioner_ids(clinic, appointment_type, practitioner)
    data = load_input(clinic, appointment_type, ids, day, day, now=now, online=online)
    return scheduling.free_slots(data, appointment_type.pk, appointment_type.duration, day, ids)


def every_free_time(data: scheduling.ScheduleInput) -> scheduling.ScheduleInput:
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
) -> list[scheduling.Slot]:
    """Free times nearest to `around` (same day first, then the following days)."""
    ids = _practitioner_ids(clinic, appointment_type, practitioner)
    around = around.astimezone(UTC)  # absolute time differences, also across DST
    local_day = around.astimezone(clinic.tz).date()
    end = local_day + timedelta(days=days)
    data = every_free_time(load_input(clinic, appointment_type, ids, local_day, end, now=now))
    index = scheduling.Availability(data, local_day, end)  # one index for every day asked
    candidates: list[scheduling.Slot] = []
    day = local_day
    while day <= end and len(candidates) < count * 3:
        candidates.extend(index.free_slots(appointment_type.pk, appointment_type.duration, day, ids))
        day += timedelta(days=1)
    candidates.sort(key=lambda s: abs((s.start - around).total_seconds()))
    return sorted(candidates[:count], key=lambda s: s.start)
