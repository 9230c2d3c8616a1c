"""Ukemal as a weekly grid: each weekday has one or more working periods (a break is the gap
between two), each period allows the template's types and optionally some of its own; the
arbeidsplan rows below. One form for the whole page, so a save is all or nothing.

Stored as the existing model: a TemplateBlock per working period, listing every type it
allows. The template's types are those every block allows; a period's own types are the
rest of its block's types.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from itertools import groupby, pairwise
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from timebok.clinics.models import WEEKDAYS, AppointmentType, TemplatePeriod, WeekTemplate
from timebok.clinics.services import PeriodSpec
from timebok.clinics.validation import BlockSpec
from timebok.core import display
from timebok.staff.fields import ClockField, DayField

WORKDAYS = range(5)  # "hverdager": Monday to Friday
MAX_ROWS = 12  # working periods per day
MAX_PLAN_ROWS = 20


def _count(data: QueryDict | None, name: str, default: int, maximum: int) -> int:
    if data is None:
        return default
    try:
        return max(1, min(int(data.get(name, default)), maximum))
    except (TypeError, ValueError):
        return default


@dataclass
class Row:
    """One working period in the grid (bound fields for the template)."""

    day: int
    index: int
    start: forms.BoundField
    end: forms.BoundField
    types: forms.BoundField

    @property
    def label(self) -> str:
        return _("%(day)s, periode %(n)s") % {"day": str(dict(WEEKDAYS)[self.day]).capitalize(), "n": self.index + 1}

    @property
    def own_types_count(self) -> int:
        value = self.types.value() or []
        return len(value)

    @property
    def errors(self) -> list[str]:
        return [*self.start.errors, *self.end.errors, *self.types.errors]


@dataclass
class Day:
    number: int
    name: str
    rows: list[Row]
    count_name: str

    @property
    def is_workday(self) -> bool:
        return self.number in WORKDAYS


@dataclass
class PlanRow:
    index: int
    start: forms.BoundField
    end: forms.BoundField
    parity: forms.BoundField
    remove: forms.BoundField
    existing: bool


class WeekGridForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Navn på ukemalen"), max_length=200,
                           error_messages={"required": gettext_lazy("Gi ukemalen et navn.")})
    types = forms.MultipleChoiceField(
        label=gettext_lazy("Timetyper i hele ukemalen"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Kan bestilles i alle periodene. En periode kan i tillegg ha egne timetyper."),
        error_messages={"invalid_choice": gettext_lazy("Velg timetyper fra listen.")},
    )

    def __init__(self, data: QueryDict | None = None, *, template: WeekTemplate, types: list[AppointmentType],
                 more_rows_for: int | None = None) -> None:
        self.template = template
        self.all_types = types
        blocks = list(template.blocks.prefetch_related("appointment_types").order_by("weekday", "start_time"))
        block_types = [{t.pk for t in b.appointment_types.all()} for b in blocks]
        common = set.intersection(*block_types) if block_types else set()
        periods = list(template.periods.order_by("start_date", "pk"))

        initial: dict[str, Any] = {"name": template.name, "types": [str(t) for t in sorted(common)]}
        per_day: dict[int, list[tuple[Any, set[int]]]] = {d: [] for d in range(7)}
        for block, allowed in zip(blocks, block_types, strict=True):
            per_day[block.weekday].append((block, allowed - common))
        self.row_counts: dict[int, int] = {}
        for day in range(7):
            existing = per_day[day]
            default = len(existing) + (2 if not existing else 1)
            count = _count(data, f"rader-{day}", default, MAX_ROWS)
            if more_rows_for == day:
                count = min(count + 1, MAX_ROWS)
            self.row_counts[day] = count
            for i, (block, own) in enumerate(existing):
                initial[f"d{day}-{i}-fra"] = block.start_time
                initial[f"d{day}-{i}-til"] = block.end_time
                initial[f"d{day}-{i}-typer"] = [str(t) for t in sorted(own)]
        self.plan_existing = len(periods)
        self.plan_count = _count(data, "plan-rader", len(periods) + 1, MAX_PLAN_ROWS)
        for j, period in enumerate(periods):
            initial[f"a{j}-fra"] = period.start_date
            initial[f"a{j}-til"] = period.end_date
            initial[f"a{j}-uker"] = period.parity

        super().__init__(data, initial=initial)
        choices = [(str(t.pk), t.name) for t in types]
        self.fields["types"].choices = choices
        for day in range(7):
            for i in range(self.row_counts[day]):
                self.fields[f"d{day}-{i}-fra"] = ClockField(label=_("Fra"), required=False)
                self.fields[f"d{day}-{i}-til"] = ClockField(label=_("Til"), required=False)
                self.fields[f"d{day}-{i}-typer"] = forms.MultipleChoiceField(
                    label=_("Egne timetyper i perioden"), required=False, choices=choices,
                    widget=forms.CheckboxSelectMultiple,
                    error_messages={"invalid_choice": _("Velg timetyper fra listen.")})
        for j in range(self.plan_count):
            self.fields[f"a{j}-fra"] = DayField(label=_("Fra dato"), required=False)
            self.fields[f"a{j}-til"] = DayField(label=_("Til dato"), required=False)
            self.fields[f"a{j}-uker"] = forms.ChoiceField(label=_("Uker"), choices=TemplatePeriod.PARITY_CHOICES,
                                                          initial="all")
            self.fields[f"a{j}-fjern"] = forms.BooleanField(label=_("Fjern"), required=False)
        self.blocks: list[BlockSpec] = []
        self.periods: list[PeriodSpec] = []

    # --- for the template ---------------------------------------------------------------

    @property
    def days(self) -> list[Day]:
        out = []
        for number, name in WEEKDAYS:
            rows = [Row(number, i, self[f"d{number}-{i}-fra"], self[f"d{number}-{i}-til"], self[f"d{number}-{i}-typer"])
                    for i in range(self.row_counts[number])]
            out.append(Day(number, str(name).capitalize(), rows, f"rader-{number}"))
        return out

    @property
    def plan_rows(self) -> list[PlanRow]:
        return [PlanRow(j, self[f"a{j}-fra"], self[f"a{j}-til"], self[f"a{j}-uker"], self[f"a{j}-fjern"],
                        j < self.plan_existing) for j in range(self.plan_count)]

    # --- validation ---------------------------------------------------------------------

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        common = frozenset(int(t) for t in data.get("types") or [])
        blocks: list[BlockSpec] = []
        for day in range(7):
            day_blocks: list[tuple[int, BlockSpec]] = []
            for i in range(self.row_counts[day]):
                prefix = f"d{day}-{i}"
                if f"{prefix}-fra" in self.errors or f"{prefix}-til" in self.errors:
                    continue
                start: time | None = data.get(f"{prefix}-fra")
                end: time | None = data.get(f"{prefix}-til")
                if start is None and end is None:
                    continue
                if end is None:
                    self.add_error(f"{prefix}-til", _("Fyll inn når perioden slutter, f.eks. 11.30."))
                    continue
                if start is None:
                    self.add_error(f"{prefix}-fra", _("Fyll inn når perioden starter, f.eks. 8."))
                    continue
                if end <= start:
                    self.add_error(f"{prefix}-til", _("Perioden må slutte etter at den starter, f.eks. 08:00–11:30."))
                    continue
                own = frozenset(int(t) for t in data.get(f"{prefix}-typer") or [])
                day_blocks.append((i, BlockSpec(day, start, end, common | own)))
            day_blocks.sort(key=lambda item: item[1].start)
            for (_i, prev), (i, cur) in pairwise(day_blocks):
                if cur.start < prev.end:
                    self.add_error(f"d{day}-{i}-fra", _("Overlapper med perioden %(start)s–%(end)s.") % {
                        "start": f"{prev.start:%H:%M}", "end": f"{prev.end:%H:%M}"})
            blocks.extend(b for _i, b in day_blocks)
        periods: list[PeriodSpec] = []
        for j in range(self.plan_count):
            prefix = f"a{j}"
            if data.get(f"{prefix}-fjern") or f"{prefix}-fra" in self.errors or f"{prefix}-til" in self.errors:
                continue
            start_day: date | None = data.get(f"{prefix}-fra")
            end_day: date | None = data.get(f"{prefix}-til")
            if start_day is None:
                if end_day is not None:
                    self.add_error(f"{prefix}-fra", _("Fyll inn fra hvilken dato ukemalen gjelder."))
                continue
            if end_day is not None and end_day < start_day:
                self.add_error(f"{prefix}-til", _("Til-datoen kan ikke være før fra-datoen."))
                continue
            periods.append(PeriodSpec(start_day, end_day, data.get(f"{prefix}-uker") or "all"))
        self.blocks = blocks
        self.periods = periods
        return data

    def blocks_with_copy(self, source_day: int) -> list[BlockSpec]:
        """The blocks, with ``source_day``'s periods copied to every other weekday (Mon–Fri)."""
        source = [b for b in self.blocks if b.weekday == source_day]
        kept = [b for b in self.blocks if b.weekday not in WORKDAYS or b.weekday == source_day]
        copies = [BlockSpec(day, b.start, b.end, b.type_ids) for day in WORKDAYS if day != source_day for b in source]
        return sorted(kept + copies, key=lambda b: (b.weekday, b.start))


# --- Summaries for lists ------------------------------------------------------------------

def week_summary(blocks: list[Any]) -> list[str]:
    """"mandag–fredag: 08:00–11:30, 12:00–15:30": consecutive days with the same periods
    grouped. ``blocks`` are TemplateBlocks (or anything with weekday/start_time/end_time)."""
    names = dict(WEEKDAYS)
    per_day = {
        day: ", ".join(f"{b.start_time:%H:%M}–{b.end_time:%H:%M}" for b in sorted(items, key=lambda b: b.start_time))
        for day, items in groupby(sorted(blocks, key=lambda b: b.weekday), key=lambda b: b.weekday)
    }
    lines = []
    days = sorted(per_day)
    run: list[int] = []
    for day in [*days, None]:
        if run and (day is None or day != run[-1] + 1 or per_day[day] != per_day[run[0]]):
            first, last = names[run[0]], names[run[-1]]
            label = str(first) if len(run) == 1 else f"{first}–{last}"
            lines.append(f"{label}: {per_day[run[0]]}")
            run = []
        if day is not None:
            run.append(day)
    return lines


def plan_text(period: TemplatePeriod) -> str:
    """"fra mandag 2. november 2026, hver uke"."""
    if period.end_date:
        dates = display.date_range_text(period.start_date, period.end_date)
    else:
        dates = _("fra %(date)s") % {"date": display.date_text(period.start_date)}
    return f"{dates}, {period.get_parity_display()}"
