"""Read side of Stengt: what a closure covers, and the public holidays the clinic follows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import holidays
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from timebok.appointments.models import Appointment
from timebok.clinics.models import Clinic, Closure
from timebok.core import display


@dataclass(frozen=True)
class ClosureSpec:
    """One closure as typed: dates (inclusive), optional clock times, the practitioner (None =
    the whole clinic) and a reason."""

    start_date: date
    end_date: date
    start_time: time | None = None
    end_time: time | None = None
    practitioner_id: int | None = None
    reason: str = ""

    @classmethod
    def of(cls, closure: Closure) -> ClosureSpec:
        return cls(closure.start_date, closure.end_date, closure.start_time, closure.end_time,
                   closure.practitioner_id, closure.reason)

    def intervals(self, clinic: Clinic) -> list[tuple[datetime, datetime]]:
        """The closed instants: one interval for whole days, one per day for clock times."""
        tz = clinic.tz
        if self.start_time is None or self.end_time is None:
            return [(datetime.combine(self.start_date, time.min, tzinfo=tz),
                     datetime.combine(self.end_date + timedelta(days=1), time.min, tzinfo=tz))]
        out = []
        day = self.start_date
        while day <= self.end_date:
            out.append((datetime.combine(day, self.start_time, tzinfo=tz),
                        datetime.combine(day, self.end_time, tzinfo=tz)))
            day += timedelta(days=1)
        return out

    def text(self) -> str:
        """"onsdag 2. desember 2026", "… kl. 08:00–12:00": Norwegian, never ISO."""
        dates = display.date_range_text(self.start_date, self.end_date)
        if self.start_time is not None and self.end_time is not None:
            return _("%(dates)s kl. %(start)s–%(end)s") % {
                "dates": dates, "start": f"{self.start_time:%H:%M}", "end": f"{self.end_time:%H:%M}"}
        return dates


def covered_appointments(clinic: Clinic, specs: Sequence[ClosureSpec]) -> list[Appointment]:
    """Booked appointments that overlap any of the closures (of their practitioner, or any
    practitioner for a clinic-wide closure), in time order."""
    windows = [(spec.practitioner_id, s, e) for spec in specs for s, e in spec.intervals(clinic)]
    if not windows:
        return []
    lo = min(s for _p, s, _e in windows)
    hi = max(e for _p, _s, e in windows)
    candidates = (
        Appointment.objects.filter(clinic=clinic, status=Appointment.Status.BOOKED, start__lt=hi, end__gt=lo)
        .select_related("patient", "appointment_type", "practitioner", "clinic")
        .order_by("start", "practitioner__sort_order", "pk")
    )
    return [
        a for a in candidates
        if any((pid is None or pid == a.practitioner_id) and a.start < e and a.end > s for pid, s, e in windows)
    ]


@dataclass(frozen=True)
class Holiday:
    day: date
    name: str


def coming_holidays(today: date, days: int = 366) -> list[Holiday]:
    """Norwegian public holidays from today through the next ``days`` days, with their names
    (in English when the page is)."""
    last = today + timedelta(days=days)
    language = "en_US" if get_language() == "en" else "no"
    names = holidays.country_holidays("NO", years=range(today.year, last.year + 1), language=language)
    return [Holiday(d, names[d]) for d in sorted(names) if today <= d <= last]


def year_end_days(today: date) -> list[tuple[date, str]]:
    """This year's 24 and 31 December that are still to come. They are not public holidays;
    clinics close them as their own closures."""
    days = [(date(today.year, 12, 24), _("Julaften")), (date(today.year, 12, 31), _("Nyttårsaften"))]
    return [(d, name) for d, name in days if d >= today]


def is_closed_whole_day(clinic: Clinic, day: date, closures: Iterable[Closure]) -> bool:
    return any(c.practitioner_id is None and c.start_time is None and c.start_date <= day <= c.end_date
               for c in closures)
