"""Can it be booked online? What is missing, in words staff understand.

A time is bookable online only when the type is online, a practitioner with online timebok
has a week template with a block that allows the type, and that template's arbeidsplan
applies now or later (the engine's rule, PRODUCT.md "When a time is bookable online"). This
module answers the master-data half of that question, without computing free times, for
the pages that warn (Timetyper, Ukemaler, the link generator) and for the service that
refuses to switch a type online that nobody can book.

One :class:`Setup` is loaded per request in a few flat queries; its methods return lists of
bokmål sentences (empty = nothing missing).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext as _

from timebok import scheduling
from timebok.clinics.models import AppointmentType, Clinic, Practitioner, TemplateBlock, TemplatePeriod, WeekTemplate


def _names(items: list[str]) -> str:
    quoted = [f"«{n}»" for n in items]
    if len(quoted) <= 1:
        return "".join(quoted)
    return _("%(first)s og %(last)s") % {"first": ", ".join(quoted[:-1]), "last": quoted[-1]}


def period_is_live(period: scheduling.Period, today: date) -> bool:
    """True when the period applies on today or some later day."""
    if period.end is not None and period.end < today:
        return False
    if period.end is None:
        return True  # open-ended: every parity comes round again
    day = max(period.start, today)
    for _i in range(14):  # two weeks hold both an odd and an even week
        if day > period.end:
            return False
        if period.applies(day):
            return True
        day += timedelta(days=1)
    return False


@dataclass
class TemplateInfo:
    id: int
    name: str
    practitioner_id: int
    type_ids: set[int] = field(default_factory=set)
    has_blocks: bool = False
    live: bool = False


@dataclass
class Setup:
    """The clinic's practitioners, types and templates, enough to say what is missing."""

    clinic: Clinic
    today: date
    practitioners: dict[int, Practitioner]
    types: dict[int, AppointmentType]
    templates: dict[int, TemplateInfo]

    @classmethod
    def load(cls, clinic: Clinic, today: date) -> Setup:
        practitioners = {p.pk: p for p in Practitioner.objects.filter(clinic=clinic)}
        types = {t.pk: t for t in AppointmentType.objects.filter(clinic=clinic)}
        templates = {
            pk: TemplateInfo(pk, name, pid)
            for pk, name, pid in WeekTemplate.objects.filter(practitioner__clinic=clinic)
            .values_list("pk", "name", "practitioner_id")
        }
        for tid in TemplateBlock.objects.filter(template_id__in=list(templates)).values_list(
                "template_id", flat=True):
            templates[tid].has_blocks = True
        through = TemplateBlock.appointment_types.through
        for tid, type_id in through.objects.filter(templateblock__template_id__in=list(templates)).values_list(
                "templateblock__template_id", "appointmenttype_id"):
            templates[tid].type_ids.add(type_id)
        for tid, start, end, parity in TemplatePeriod.objects.filter(template_id__in=list(templates)).values_list(
                "template_id", "start_date", "end_date", "parity"):
            if period_is_live(scheduling.Period(start, end, parity), today):
                templates[tid].live = True
        return cls(clinic, today, practitioners, types, templates)

    # --- appointment types ---------------------------------------------------------------

    def type_missing(self, type_id: int, practitioner_id: int | None = None) -> list[str]:
        """What keeps a type from being bookable online, apart from its own on/off switch:
        no template allows it, only offline practitioners' templates do, or their
        arbeidsplan is over. With ``practitioner_id``, for that practitioner only."""
        problems: list[str] = []
        templates = [t for t in self.templates.values() if type_id in t.type_ids]
        if practitioner_id is not None:
            practitioner = self.practitioners[practitioner_id]
            if not practitioner.online:
                problems.append(_("%(name)s har ikke online timebok.") % {"name": practitioner.name})
            templates = [t for t in templates if t.practitioner_id == practitioner_id]
            if not templates:
                problems.append(_("Ingen ukemal til %(name)s tillater timetypen.") % {"name": practitioner.name})
            elif not any(t.live for t in templates):
                problems.append(_("Ukemalen %(names)s har ingen arbeidsplan som gjelder nå eller senere.")
                                % {"names": _names([t.name for t in templates])})
            return problems
        if not templates:
            return [_("Ingen ukemal tillater timetypen.")]
        online = [t for t in templates if self.practitioners[t.practitioner_id].online]
        if not online:
            names = sorted({self.practitioners[t.practitioner_id].name for t in templates})
            return [_("Bare ukemaler til behandlere uten online timebok tillater den (%(names)s).")
                    % {"names": ", ".join(names)}]
        if not any(t.live for t in online):
            return [_("Ukemalen %(names)s har ingen arbeidsplan som gjelder nå eller senere.")
                    % {"names": _names([t.name for t in online])}]
        return []

    def type_problems(self, type_id: int, practitioner_id: int | None = None) -> list[str]:
        """Every reason patients cannot book the type online (its switch included)."""
        problems = []
        if not self.types[type_id].online:
            problems.append(_("Timetypen kan ikke bestilles online."))
        return problems + self.type_missing(type_id, practitioner_id)

    # --- week templates ------------------------------------------------------------------

    def template_problems(self, template_id: int) -> list[str]:
        """Why patients see no time from this template."""
        info = self.templates[template_id]
        practitioner = self.practitioners[info.practitioner_id]
        problems = []
        if not practitioner.online:
            problems.append(_("%(name)s har ikke online timebok.") % {"name": practitioner.name})
        if not info.has_blocks:
            problems.append(_("Ukemalen har ingen arbeidsperioder."))
        elif not info.type_ids:
            problems.append(_("Ukemalen tillater ingen timetyper."))
        elif not any(self.types[t].online for t in info.type_ids):
            problems.append(_("Ingen av timetypene i ukemalen kan bestilles online."))
        if not info.live:
            problems.append(_("Ukemalen har ingen arbeidsplan som gjelder nå eller senere."))
        return problems

    def online_type_ids(self, template_id: int) -> list[int]:
        """The template's types that are online, in the clinic's order."""
        info = self.templates[template_id]
        return [t.pk for t in sorted(self.types.values(), key=lambda t: (t.sort_order, t.name))
                if t.pk in info.type_ids and t.online]
