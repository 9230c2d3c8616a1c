"""The booking page's choices and calendar: what the visitor asked for (type, practitioner,
week template, month, day), resolved through the domain's catalogue, and the month grid
the page shows. Nothing here writes; the API has its own adapter over the same services.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from timebok import scheduling
from timebok.appointments.services import availability, catalog
from timebok.clinics.models import AppointmentType, Clinic, Practitioner, WeekTemplate
from timebok.core.display import day_label, local_today, phone_text


def add_months(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_last_day(first: date) -> date:
    return add_months(first, 1) - timedelta(days=1)


@dataclass
class DayCell:
    day: date
    level: str
    free: int
    in_month: bool
    selected: bool = False

    @property
    def selectable(self) -> bool:
        return self.in_month and self.level != "none"

    @property
    def label(self) -> str:
        return day_label(self.day, self.level)


@dataclass
class Selection:
    """What the booking page shows for one request."""

    clinic: Clinic
    types: list[AppointmentType]
    appointment_type: AppointmentType | None
    practitioners: list[Practitioner]
    practitioner: Practitioner | None
    week_template: WeekTemplate | None
    notices: list[str] = field(default_factory=list)
    month: date | None = None
    min_month: date | None = None
    max_month: date | None = None
    day: date | None = None
    weeks: list[list[DayCell]] = field(default_factory=list)
    slots: list[scheduling.Slot] = field(default_factory=list)
    first_free: date | None = None

    @property
    def prev_month(self) -> date | None:
        if self.month is None or self.min_month is None or self.month <= self.min_month:
            return None
        return add_months(self.month, -1)

    @property
    def next_month(self) -> date | None:
        if self.month is None or self.max_month is None or self.month >= self.max_month:
            return None
        return add_months(self.month, 1)

    def practitioner_name(self, pid: int) -> str:
        for p in self.practitioners:
            if p.pk == pid:
                return p.name
        return ""

    def query(self, **changes: Any) -> dict[str, str]:
        """The selection as query parameters (for links and hidden fields)."""
        params: dict[str, str] = {}
        if self.week_template is not None:
            params["ukemal"] = str(self.week_template.pk)
        if self.appointment_type is not None:
            params["timetype"] = str(self.appointment_type.pk)
        params["behandler"] = str(self.practitioner.pk) if self.practitioner else ""
        if self.day is not None:
            params["dato"] = self.day.isoformat()
        params.update({k: v for k, v in changes.items() if v is not None})
        return params


@dataclass
class _TypeChoice:
    """One type with the practitioners the page offers for it and their free days."""

    appointment_type: AppointmentType
    practitioners: list[Practitioner]
    practitioner: Practitioner | None
    practitioner_missing: bool  # the link named a practitioner who does not offer the type
    levels: dict[date, scheduling.DayInfo]

    @property
    def has_free_time(self) -> bool:
        return any(info.free for info in self.levels.values())


def _choose(clinic: Clinic, atype: AppointmentType, template: WeekTemplate | None, raw_practitioner: Any,
            today: date, now: datetime) -> _TypeChoice:
    practitioners = catalog.online_practitioners(clinic, atype)
    practitioner = None
    missing = False
    if template is not None:
        # A ukemal link: only that template's times, so only its practitioner.
        practitioners = [p for p in practitioners if p.pk == template.practitioner_id]
        practitioner = practitioners[0] if practitioners else None
    elif raw_practitioner:
        pid = catalog.parse_id(raw_practitioner)
        practitioner = next((p for p in practitioners if p.pk == pid), None)
        missing = practitioner is None
    levels: dict[date, scheduling.DayInfo] = {}
    if practitioners:
        last = catalog.bookable_last_day(clinic, atype, now)
        levels = availability.day_levels(clinic, atype, practitioner, today, last, now=now, template=template)
    return _TypeChoice(atype, practitioners, practitioner, missing, levels)


def build_selection(clinic: Clinic, params: Any, *, now: datetime | None = None) -> Selection:
    """Resolve ``timetype``, ``ukemal``, ``behandler``, ``maned`` and ``dato`` (query or form
    values) to a Selection. Unknown or offline ids add a friendly notice and are ignored.

    Without a type in the link, the page opens on the first type, in the clinic's order, that
    has free times (every listed type is offered by some practitioner with online timebok).
    A ukemal link shows only that template's types, practitioner and times."""
    now = now or timezone.now()
    today = local_today(clinic, now)
    notices: list[str] = []
    types = catalog.online_types(clinic)

    template = None
    if params.get("ukemal"):
        template = catalog.online_week_template(clinic, params.get("ukemal"))
        template_types = catalog.week_template_types(clinic, template.pk)[1] if template else []
        offered = {t.pk for t in types}
        template_types = [t for t in template_types if t.pk in offered]
        if template is None or not template_types:
            notices.append(_("Lenken viser til en ukemal som ikke kan bestilles på nett. "
                             "Du kan velge blant alle timene under."))
            template = None
        else:
            types = template_types

    raw_practitioner = params.get("behandler")
    choice = None
    if params.get("timetype"):
        type_id = catalog.parse_id(params.get("timetype"))
        chosen = next((t for t in types if t.pk == type_id), None)
        if chosen is None:
            notices.append(_("Timetypen i lenken finnes ikke eller kan ikke bestilles på nett. "
                             "Velg en timetype under."))
        else:
            choice = _choose(clinic, chosen, template, raw_practitioner, today, now)
            if not choice.has_free_time:
                notices.append(_no_free_time(clinic, chosen))
    if choice is None and types:
        first = None
        for atype in types:
            candidate = _choose(clinic, atype, template, raw_practitioner, today, now)
            first = first or candidate
            if candidate.has_free_time:
                choice = candidate
                break
        if choice is None and first is not None:
            choice = first
            notices.append(_("Det er ingen ledige timer på nett nå.") + " " + _call_clinic(clinic))
    if choice is not None and choice.practitioner_missing:
        notices.append(_("Behandleren i lenken finnes ikke eller tar ikke imot bestillinger på nett for "
                         "denne timetypen. Viser første ledige behandler."))

    sel = Selection(clinic=clinic, types=types, appointment_type=choice.appointment_type if choice else None,
                    practitioners=choice.practitioners if choice else [],
                    practitioner=choice.practitioner if choice else None, week_template=template, notices=notices)
    if choice is None:
        return sel
    chosen_type = choice.appointment_type
    practitioner = choice.practitioner
    levels = choice.levels

    last = catalog.bookable_last_day(clinic, chosen_type, now)
    sel.min_month = today.replace(day=1)
    sel.max_month = last.replace(day=1)
    sel.first_free = next((d for d in sorted(levels) if levels[d].free), None)

    wanted_day = catalog.parse_date(params.get("dato"))
    if params.get("dato") and wanted_day is None:
        sel.notices.append(_("Datoen i lenken er ikke en gyldig dato. Viser første ledige dag."))
    if wanted_day is not None and wanted_day in levels and levels[wanted_day].free:
        sel.day = wanted_day
    elif not params.get("maned"):
        sel.day = sel.first_free  # open on the first free day, with its times shown
    month = catalog.parse_month(params.get("maned"))
    if params.get("maned") and month is None:
        sel.notices.append(_("Måneden i lenken er ikke en gyldig måned. Viser første måned med ledige timer."))
    if month is None:
        month = (sel.day or sel.first_free or today).replace(day=1)
    sel.month = min(max(month, sel.min_month), sel.max_month)

    first_cell = sel.month - timedelta(days=sel.month.weekday())
    last_cell = month_last_day(sel.month)
    last_cell += timedelta(days=6 - last_cell.weekday())
    week: list[DayCell] = []
    d = first_cell
    while d <= last_cell:
        info = levels.get(d)
        week.append(DayCell(day=d, level=info.level if info else "none", free=info.free if info else 0,
                            in_month=d.month == sel.month.month, selected=d == sel.day))
        if len(week) == 7:
            sel.weeks.append(week)
            week = []
        d += timedelta(days=1)

    if sel.day is not None:
        sel.slots = availability.free_slots(clinic, chosen_type, practitioner, sel.day, now=now, template=template)
    return sel


def _call_clinic(clinic: Clinic) -> str:
    phone = phone_text(clinic.phone)
    if phone:
        return _("Ring klinikken på %(phone)s for å bestille time.") % {"phone": phone}
    return _("Ta kontakt med klinikken for å bestille time.")


def _no_free_time(clinic: Clinic, atype: AppointmentType) -> str:
    return _("Det er ingen ledige timer for «%(type)s» på nett nå.") % {"type": atype.name} + " " + _call_clinic(clinic)
