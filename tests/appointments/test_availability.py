"""The availability service's read path: one query of integers the database computed
(availability_sql), given to the engine's integer entry point. It must answer exactly as
the engine does on the same data read through the ORM as datetimes, on SQLite and on
PostgreSQL."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import OSLO, at, next_weekday
from timebok import scheduling
from timebok.appointments.models import Appointment
from timebok.appointments.services import availability, availability_sql, catalog
from timebok.clinics.models import (
    AppointmentType,
    Clinic,
    Closure,
    Practitioner,
    TemplateBlock,
    TemplatePeriod,
    WeekTemplate,
)

pytestmark = pytest.mark.django_db

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def epoch_us(dt: datetime) -> int:
    return (dt - EPOCH) // timedelta(microseconds=1)


def future_monday() -> date:
    return next_weekday(date.today() + timedelta(days=1), 0)


# --------------------------------------------------------------------------- busy intervals


def test_busy_intervals_match_the_orm_to_the_microsecond(clinic):
    anne, bjorn = clinic.practitioners.get(name="Anne Lie"), clinic.practitioners.get(name="Bjørn Dahl")
    t = clinic.appointment_types.get(name="Oppfølging")
    day = next_weekday(date.today(), 1)
    rows = [
        (anne, at(day, 9), "booked"),
        (anne, at(day, 10) + timedelta(seconds=7, microseconds=123456), "booked"),
        (anne, at(day, 12) + timedelta(microseconds=5), "booked"),  # fewer than six digits
        (bjorn, at(day, 23, 45), "booked"),  # crosses midnight
        (anne, at(day, 11), "cancelled"),
        (anne, at(day + timedelta(days=5), 9), "booked"),  # outside the window
    ]
    for p, start, status in rows:
        Appointment.objects.create(clinic=clinic, practitioner=p, appointment_type=t, start=start,
                                   end=start + timedelta(minutes=30), status=status)
    lo, hi = at(day, 0), at(day + timedelta(days=1), 0)
    got = availability.busy_intervals([anne.pk, bjorn.pk], lo, hi)
    expected = Appointment.objects.filter(status="booked", start__lt=hi, end__gt=lo)
    assert sorted(got) == sorted((a.practitioner_id, epoch_us(a.start), epoch_us(a.end)) for a in expected)
    assert len(got) == 4
    assert (anne.pk, epoch_us(at(day, 10)) + 7_123_456, epoch_us(at(day, 10)) + 1807_123_456) in got
    assert (anne.pk, epoch_us(at(day, 12)) + 5, epoch_us(at(day, 12, 30)) + 5) in got
    assert availability.busy_intervals([bjorn.pk], lo, at(day, 12)) == []
    assert availability.busy_intervals([], lo, hi) == []


def test_busy_interval_bounds_are_half_open(clinic):
    anne = clinic.practitioners.get(name="Anne Lie")
    t = clinic.appointment_types.get(name="Oppfølging")
    day = future_monday()
    Appointment.objects.create(clinic=clinic, practitioner=anne, appointment_type=t, start=at(day, 9),
                               end=at(day, 10))
    assert availability.busy_intervals([anne.pk], at(day, 10), at(day, 11)) == []
    assert availability.busy_intervals([anne.pk], at(day, 8), at(day, 9)) == []
    assert len(availability.busy_intervals([anne.pk], at(day, 9, 59), at(day, 11))) == 1


def test_schedule_rows_are_the_stored_values_in_integers(clinic, monkeypatch):
    """Every kind of row, to the microsecond; on SQLite also with the expressions for SQLite
    before 3.38, which has no unixepoch()."""
    from django.db import connection

    anne = clinic.practitioners.get(name="Anne Lie")
    t = clinic.appointment_types.get(name="Oppfølging")
    day = future_monday()
    booked = Appointment.objects.create(clinic=clinic, practitioner=anne, appointment_type=t,
                                        start=at(day, 9) + timedelta(microseconds=42), end=at(day, 10))
    Closure.objects.create(clinic=clinic, start_date=day, end_date=day + timedelta(days=1),
                           start_time=time(13, 0, 5, 7), end_time=time(14))
    Closure.objects.create(clinic=clinic, practitioner=anne, start_date=day, end_date=day)
    lo, hi = availability._local_bounds(clinic, day, day)
    rows = availability_sql.schedule_rows(clinic.pk, t.pk, [anne.pk], day, day, lo, hi)
    block = TemplateBlock.objects.filter(template__practitioner=anne, weekday=0).order_by("start_time").first()
    period = TemplatePeriod.objects.get(template__practitioner=anne)
    expected = {
        (availability_sql.BLOCK, anne.pk, block.template_id, 0, 8 * 3600 * 10**6, (11 * 60 + 30) * 60 * 10**6),
        (availability_sql.PERIOD, anne.pk, period.template_id, 0, period.start_date.toordinal(), None),
        (availability_sql.CLOSURE, None, day.toordinal(), day.toordinal() + 1, (13 * 3600 + 5) * 10**6 + 7,
         14 * 3600 * 10**6),
        (availability_sql.CLOSURE, anne.pk, day.toordinal(), day.toordinal(), None, None),
        (availability_sql.BUSY, anne.pk, epoch_us(booked.start), epoch_us(booked.end), None, None),
    }
    assert expected <= set(rows)
    assert len(rows) == 10 + 1 + 2 + 1  # ten blocks a week, one period, two closures, one appointment
    if connection.vendor == "sqlite":
        monkeypatch.setattr(availability_sql, "_new_sqlite", lambda connection: False)
        monkeypatch.setattr(availability_sql, "_SQL_CACHE", {})
        assert "strftime" in availability_sql._sql(connection, 1)
        assert sorted(availability_sql.schedule_rows(clinic.pk, t.pk, [anne.pk], day, day, lo, hi), key=repr) == sorted(
            rows, key=repr)


# --------------------------------------------------------------------------- one query


def test_a_month_of_any_practitioner_is_one_query(clinic, django_assert_num_queries):
    t = clinic.appointment_types.get(name="Oppfølging")
    first = future_monday()
    with django_assert_num_queries(1):
        levels = availability.day_levels(clinic, t, None, first, first + timedelta(days=30))
    assert levels[first].level == "many"


def test_one_practitioners_day_is_one_query(clinic, django_assert_num_queries):
    t = clinic.appointment_types.get(name="Oppfølging")
    anne = clinic.practitioners.get(name="Anne Lie")
    with django_assert_num_queries(1):
        slots = availability.free_slots(clinic, t, anne, future_monday())
    assert len(slots) == 15  # 08:00-11:30 and 12:00-16:00, every 30 minutes


def test_nearest_free_is_one_query(clinic, django_assert_max_num_queries):
    t = clinic.appointment_types.get(name="Oppfølging")
    with django_assert_max_num_queries(1):
        found = availability.nearest_free(clinic, t, None, at(future_monday(), 9))
    assert len(found) == 5


def test_booking_recheck_reads_one_query_for_the_schedule(clinic, django_assert_num_queries):
    t = clinic.appointment_types.get(name="Oppfølging")
    anne = clinic.practitioners.get(name="Anne Lie")
    day = future_monday()
    with django_assert_num_queries(1):
        data = availability.load_input(clinic, t, [anne.pk], day, day)
    assert [tt.practitioner_id for tt in data.templates] == [anne.pk]


# --------------------------------------------------------------------------- no practitioners


def test_a_type_no_block_allows_has_no_free_time_and_no_error(clinic):
    lonely = AppointmentType.objects.create(clinic=clinic, name="Akupunktur", duration_minutes=30, price=600)
    first = future_monday()
    levels = availability.day_levels(clinic, lonely, None, first, first + timedelta(days=30))
    assert len(levels) == 31
    assert {info.level for info in levels.values()} == {"none"}
    assert availability.free_slots(clinic, lonely, None, first) == []
    assert availability.nearest_free(clinic, lonely, None, at(first, 9)) == []


def test_an_empty_practitioner_list_reads_nothing(clinic, django_assert_num_queries):
    t = clinic.appointment_types.get(name="Oppfølging")
    day = future_monday()
    with django_assert_num_queries(0):
        data = availability.load_input(clinic, t, [], day, day)
    assert data.templates == [] and data.busy == {}
    assert scheduling.free_slots(data, t.pk, t.duration, day) == []


def test_only_online_practitioners_count_for_any(clinic):
    t = clinic.appointment_types.get(name="Oppfølging")
    day = future_monday()
    data = availability.load_input(clinic, t, None, day, day)
    online = {p.pk for p in clinic.practitioners.filter(online=True)}
    assert {tt.practitioner_id for tt in data.templates} == online
    # The offline practitioner is still bookable when named (the staff side).
    cecilie = clinic.practitioners.get(name="Cecilie Ås")
    assert availability.free_slots(clinic, t, cecilie, day, online=False)


# --------------------------------------------------------------------------- against the ORM


def orm_schedule(clinic: Clinic, atype: AppointmentType, now: datetime,
                 online: bool = True) -> scheduling.ScheduleInput:
    """The same clinic read through the ORM as dates, times and aware datetimes."""
    templates = []
    for tmpl in WeekTemplate.objects.filter(practitioner__clinic=clinic).prefetch_related(
        "blocks__appointment_types", "periods"
    ):
        templates.append(scheduling.Template(
            id=tmpl.pk, practitioner_id=tmpl.practitioner_id,
            blocks=tuple(scheduling.Block(b.weekday, b.start_time, b.end_time,
                                          frozenset(x.pk for x in b.appointment_types.all()))
                         for b in tmpl.blocks.all()),
            periods=tuple(scheduling.Period(p.start_date, p.end_date, p.parity) for p in tmpl.periods.all()),
        ))
    closed: set[date] = set()
    if clinic.close_public_holidays:
        for year in (2025, 2026, 2027):
            closed |= availability.norwegian_holidays(year)
    return scheduling.ScheduleInput(
        tz=clinic.tz,
        now=now,
        templates=templates,
        closures=[scheduling.Closure(c.start_date, c.end_date, c.start_time, c.end_time, c.practitioner_id)
                  for c in clinic.closures.all()],
        closed_dates=frozenset(closed),
        busy=[scheduling.Busy(a.practitioner_id, a.start, a.end)
              for a in Appointment.objects.filter(clinic=clinic, status=Appointment.Status.BOOKED)],
        rules=availability.rules_for(atype, online=online),
    )


ANCHORS = (date(2026, 3, 29), date(2026, 10, 25), date(2026, 6, 3))  # spring and autumn DST in Oslo, and June


@dataclasses.dataclass
class Spec:
    anchor: date
    practitioners: list[bool]  # online?
    templates: list[tuple[int, list[tuple[int, int, int, frozenset[int]]], list[tuple[int, int | None, str]]]]
    closures: list[tuple[int, int, tuple[int, int] | None, int | None]]
    appointments: list[tuple[int, int, int, int]]  # practitioner, start minute from anchor, length, µs
    now_minutes: int
    step: int | None
    first_free_only: bool
    holidays: bool
    type_index: int


@st.composite
def specs(draw: st.DrawFn) -> Spec:
    n = draw(st.integers(1, 3))
    practitioners = draw(st.lists(st.booleans() | st.just(True), min_size=n, max_size=n))
    hot = 120  # the DST change is at 02:00-03:00 local
    minute = st.integers(0, 23 * 60) | st.integers(hot - 90, hot + 90) | st.sampled_from((0, 23 * 60 + 30))
    templates = []
    for _ in range(draw(st.integers(1, 4))):
        pid = draw(st.integers(0, n - 1))
        blocks = []
        for _ in range(draw(st.integers(1, 4))):
            start = draw(minute)
            end = min(start + draw(st.integers(15, 9 * 60)), 24 * 60 - 1)
            allowed = draw(st.frozensets(st.sampled_from((0, 1)), min_size=1))
            blocks.append((draw(st.integers(0, 6)), start, end, allowed))
        periods = [(draw(st.integers(-12, -4) | st.integers(-12, 2)), draw(st.none() | st.none() | st.integers(0, 10)),
                    draw(st.sampled_from(("all", "all", "odd", "even"))))
                   for _ in range(draw(st.integers(1, 2)))]
        templates.append((pid, blocks, periods))
    closures = []
    for _ in range(draw(st.integers(0, 3))):
        day = draw(st.integers(-4, 3))
        times = draw(st.none() | st.tuples(minute, st.integers(5, 6 * 60)))
        closures.append((day, draw(st.integers(0, 2)), times, draw(st.none() | st.integers(0, n - 1))))
    late_evening = st.integers(-1440 + 22 * 60, -1440 + 24 * 60)  # often runs past midnight
    appointments = [
        (draw(st.integers(0, n - 1)),
         draw(st.integers(-5 * 1440, 4 * 1440) | late_evening | st.integers(hot - 60, hot + 60)),
         draw(st.integers(5, 5 * 60)), draw(st.sampled_from((0, 0, 0, 1, 250_000))))
        for _ in range(draw(st.integers(0, 14)))
    ]
    return Spec(
        anchor=draw(st.sampled_from(ANCHORS)),
        practitioners=practitioners,
        templates=templates,
        closures=closures,
        appointments=appointments,
        now_minutes=draw(st.integers(-7 * 1440, -4 * 1440)),
        step=draw(st.sampled_from((None, None, 10, 15, 20))),
        first_free_only=draw(st.booleans()),
        holidays=draw(st.booleans()),
        type_index=draw(st.integers(0, 1)),
    )


def hm(minutes: int, second: int = 0) -> time:
    return time(minutes // 60, minutes % 60, second)


def build(spec: Spec) -> tuple[Clinic, list[AppointmentType], list[Practitioner], datetime]:
    clinic = Clinic.objects.create(slug="prop", name="Prop", online_booking=True, min_notice_hours=1,
                                   horizon_days=30, close_public_holidays=spec.holidays,
                                   slot_step_minutes=spec.step, first_free_only=spec.first_free_only)
    types = [AppointmentType.objects.create(clinic=clinic, name=f"T{m}", duration_minutes=m) for m in (30, 45)]
    practs = [Practitioner.objects.create(clinic=clinic, name=f"P{i}", online=online)
              for i, online in enumerate(spec.practitioners)]
    for pid, blocks, periods in spec.templates:
        tmpl = WeekTemplate.objects.create(practitioner=practs[pid], name="U")
        for weekday, start, end, type_idx in blocks:
            # Some blocks start at whole seconds, as a form could store them.
            b = TemplateBlock.objects.create(template=tmpl, weekday=weekday, start_time=hm(start, start % 2 * 30),
                                             end_time=hm(end))
            b.appointment_types.set([types[i] for i in type_idx])
        for first, length, parity in periods:
            start_date = spec.anchor + timedelta(days=first)
            end_date = None if length is None else start_date + timedelta(days=length)
            TemplatePeriod.objects.create(template=tmpl, start_date=start_date, end_date=end_date, parity=parity)
    for day, length, times, pid in spec.closures:
        start_date = spec.anchor + timedelta(days=day)
        start_time = end_time = None
        if times is not None:
            start_time = hm(times[0])
            end_time = hm(min(times[0] + times[1], 24 * 60 - 1))
        Closure.objects.create(clinic=clinic, practitioner=None if pid is None else practs[pid],
                               start_date=start_date, end_date=start_date + timedelta(days=length),
                               start_time=start_time, end_time=end_time)
    midnight = datetime.combine(spec.anchor, time(), tzinfo=OSLO).astimezone(UTC)
    booked: dict[int, list[tuple[datetime, datetime]]] = {}
    for pid, minute, length, micro in spec.appointments:
        start = midnight + timedelta(minutes=minute, microseconds=micro)
        end = start + timedelta(minutes=length)
        overlapping = any(s < end and start < e for s, e in booked.get(pid, []))
        status = Appointment.Status.CANCELLED if overlapping else Appointment.Status.BOOKED
        if not overlapping:
            booked.setdefault(pid, []).append((start, end))
        Appointment.objects.create(clinic=clinic, practitioner=practs[pid], appointment_type=types[0],
                                   start=start, end=end, status=status)
    return clinic, types, practs, midnight + timedelta(minutes=spec.now_minutes)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(spec=specs())
def test_database_integers_give_what_the_orm_datetimes_give(db, spec):
    with transaction.atomic():
        clinic, types, practs, now = build(spec)
        clinic = Clinic.objects.get(pk=clinic.pk)
        atype = clinic.appointment_types.get(pk=types[spec.type_index].pk)
        first, last = spec.anchor - timedelta(days=3), spec.anchor + timedelta(days=3)
        reference = orm_schedule(clinic, atype, now)
        any_ids = [p.pk for p in catalog.online_practitioners(clinic, atype)]

        levels = availability.day_levels(clinic, atype, None, first, last, now=now)
        assert levels == scheduling.day_levels(reference, atype.pk, atype.duration, first, last, any_ids)
        for p in practs:
            assert availability.day_levels(clinic, atype, p, first, last, now=now) == scheduling.day_levels(
                reference, atype.pk, atype.duration, first, last, [p.pk])
        day = first
        while day <= last:
            assert availability.free_slots(clinic, atype, None, day, now=now) == scheduling.free_slots(
                reference, atype.pk, atype.duration, day, any_ids)
            for p in practs:
                staff = orm_schedule(clinic, atype, now, online=False)
                assert availability.free_slots(clinic, atype, p, day, now=now, online=False) == scheduling.free_slots(
                    staff, atype.pk, atype.duration, day, [p.pk])
            day += timedelta(days=1)
        transaction.set_rollback(True)
