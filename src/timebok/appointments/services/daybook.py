"""Read side of the clinic's day: every practitioner's booked appointments, free time and
blocked or closed time on one local date, in the clinic's time zone.

The staff day view reads this; it writes nothing. Free time is the week templates' working
periods of the day (whatever types they allow) minus the appointments and the closures."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import holidays
from django.utils.translation import gettext as _

from timebok import scheduling
from timebok.appointments.models import Appointment
from timebok.clinics.models import Clinic, Closure, Practitioner, WeekTemplate

KIND_APPOINTMENT = "appointment"
KIND_FREE = "free"
KIND_CLOSED = "closed"


@dataclass
class Entry:
    """One row of a practitioner's day: an appointment, a free range or a closed range."""

    kind: str
    start: datetime  # on the clinic's clock
    end: datetime
    appointment: Appointment | None = None
    closure: Closure | None = None
    reason: str = ""

    @property
    def removable(self) -> bool:
        """A practitioner's blocked range on this one day (lunch, a meeting): removable here."""
        c = self.closure
        return (c is not None and c.practitioner_id is not None and c.start_date == c.end_date
                and c.start_time is not None)


@dataclass
class Column:
    practitioner: Practitioner
    entries: list[Entry] = field(default_factory=list)
    closed_all_day: str | None = None  # the reason, when the whole day is closed for them
    booked_while_closed: int = 0  # booked appointments lying in closed time

    @property
    def appointments(self) -> list[Entry]:
        return [e for e in self.entries if e.kind == KIND_APPOINTMENT]


@dataclass
class Day:
    day: date
    columns: list[Column]
    clinic_closures: list[Closure]  # clinic-wide closures touching the day
    holiday: str = ""  # the public holiday's name, when the clinic closes on them

    @property
    def booked_while_closed(self) -> int:
        return sum(c.booked_while_closed for c in self.columns)


def _working(templates: list[WeekTemplate], day: date) -> list[tuple[time, time]]:
    """Merged working periods of one practitioner's templates that apply on ``day``."""
    spans = []
    for template in templates:
        periods = [scheduling.Period(p.start_date, p.end_date, p.parity) for p in template.periods.all()]
        if not any(p.applies(day) for p in periods):
            continue
        spans.extend((b.start_time, b.end_time) for b in template.blocks.all() if b.weekday == day.weekday())
    spans.sort()
    merged: list[tuple[time, time]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def _subtract(spans: list[tuple[datetime, datetime]], taken: list[tuple[datetime, datetime]]
              ) -> list[tuple[datetime, datetime]]:
    out = []
    for s, e in spans:
        pieces = [(s, e)]
        for ts, te in taken:
            next_pieces = []
            for ps, pe in pieces:
                if te <= ps or ts >= pe:
                    next_pieces.append((ps, pe))
                    continue
                if ts > ps:
                    next_pieces.append((ps, ts))
                if te < pe:
                    next_pieces.append((te, pe))
            pieces = next_pieces
        out.extend(pieces)
    return out


def holiday_name(clinic: Clinic, day: date) -> str:
    if not clinic.close_public_holidays:
        return ""
    names = holidays.country_holidays("NO", years=day.year, language="no")
    return str(names.get(day, ""))


def day_closures(clinic: Clinic, first: date, last: date) -> list[Closure]:
    return list(Closure.objects.filter(clinic=clinic, start_date__lte=last, end_date__gte=first)
                .select_related("practitioner").order_by("start_date", "start_time", "pk"))


def _closure_range(closure: Closure, day: date, tz: object) -> tuple[datetime, datetime]:
    if closure.start_time is None or closure.end_time is None:
        return (datetime.combine(day, time.min, tzinfo=tz),  # type: ignore[arg-type]
                datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz))  # type: ignore[arg-type]
    return (datetime.combine(day, closure.start_time, tzinfo=tz),  # type: ignore[arg-type]
            datetime.combine(day, closure.end_time, tzinfo=tz))  # type: ignore[arg-type]


def clinic_day(clinic: Clinic, day: date, practitioners: list[Practitioner] | None = None) -> Day:
    """The clinic's day: one column per practitioner (``sort_order``, then name)."""
    tz = clinic.tz
    if practitioners is None:
        practitioners = list(clinic.practitioners.order_by("sort_order", "name", "pk"))
    ids = [p.pk for p in practitioners]
    lo = datetime.combine(day, time.min, tzinfo=tz)
    hi = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
    templates: dict[int, list[WeekTemplate]] = defaultdict(list)
    for template in WeekTemplate.objects.filter(practitioner_id__in=ids).prefetch_related("blocks", "periods"):
        templates[template.practitioner_id].append(template)
    appointments: dict[int, list[Appointment]] = defaultdict(list)
    for appt in (Appointment.objects.filter(clinic=clinic, practitioner_id__in=ids, status=Appointment.Status.BOOKED,
                                            start__lt=hi, end__gt=lo)
                 .select_related("appointment_type", "patient", "created_by").order_by("start", "pk")):
        appointments[appt.practitioner_id].append(appt)
    closures = day_closures(clinic, day, day)
    holiday = holiday_name(clinic, day)

    columns = []
    for practitioner in practitioners:
        column = Column(practitioner)
        mine = [c for c in closures if c.practitioner_id in (None, practitioner.pk)]
        closed = [(c, *_closure_range(c, day, tz)) for c in mine]
        whole = next((c for c in mine if c.start_time is None), None)
        if holiday:
            column.closed_all_day = holiday
        elif whole is not None:
            column.closed_all_day = whole.reason or _("Stengt")
        for appt in appointments[practitioner.pk]:
            column.entries.append(Entry(KIND_APPOINTMENT, appt.start.astimezone(tz), appt.end.astimezone(tz),
                                        appointment=appt))
            if column.closed_all_day or any(appt.start < e and appt.end > s for _c, s, e in closed):
                column.booked_while_closed += 1
        if column.closed_all_day is None:
            for c, s, e in closed:
                column.entries.append(Entry(KIND_CLOSED, s, e, closure=c, reason=c.reason))
            working = [(datetime.combine(day, s, tzinfo=tz), datetime.combine(day, e, tzinfo=tz))
                       for s, e in _working(templates[practitioner.pk], day)]
            taken = [(a.start, a.end) for a in appointments[practitioner.pk]] + [(s, e) for _c, s, e in closed]
            for s, e in _subtract(working, taken):
                column.entries.append(Entry(KIND_FREE, s.astimezone(tz), e.astimezone(tz)))
        column.entries.sort(key=lambda x: (x.start, x.kind != KIND_CLOSED))
        columns.append(column)
    return Day(day, columns, [c for c in closures if c.practitioner_id is None], holiday)
