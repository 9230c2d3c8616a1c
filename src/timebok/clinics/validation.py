"""Cross-row checks for week templates that a single model's clean() cannot see."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import time
from itertools import pairwise

from django.utils.translation import gettext as _

from timebok.clinics.models import WEEKDAYS, AppointmentType, TemplateBlock


@dataclass(frozen=True)
class BlockSpec:
    weekday: int
    start: time
    end: time
    type_ids: frozenset[int]

    @property
    def minutes(self) -> int:
        return (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)


def overlapping_blocks(blocks: Iterable[BlockSpec]) -> list[str]:
    """Messages for blocks of one template that overlap on the same weekday."""
    names = dict(WEEKDAYS)
    errors = []
    by_day: dict[int, list[BlockSpec]] = {}
    for b in blocks:
        by_day.setdefault(b.weekday, []).append(b)
    for day, day_blocks in sorted(by_day.items()):
        day_blocks.sort(key=lambda b: b.start)
        for prev, cur in pairwise(day_blocks):
            if cur.start < prev.end:
                errors.append(
                    _("Blokkene %(a)s og %(b)s på %(day)s overlapper.")
                    % {
                        "a": f"{prev.start:%H:%M}–{prev.end:%H:%M}",
                        "b": f"{cur.start:%H:%M}–{cur.end:%H:%M}",
                        "day": names[day],
                    }
                )
    return errors


def types_that_fit_nowhere(
    blocks: Iterable[BlockSpec], *, template_id: int | None, clinic_id: int
) -> list[str]:
    """Messages for types longer than every block (here and in the clinic's other templates)
    that allows them."""
    blocks = list(blocks)
    longest: dict[int, int] = {}
    for b in blocks:
        for tid in b.type_ids:
            longest[tid] = max(longest.get(tid, 0), b.minutes)
    if not longest:
        return []
    others = TemplateBlock.objects.filter(
        template__practitioner__clinic_id=clinic_id, appointment_types__in=list(longest)
    )
    if template_id is not None:
        others = others.exclude(template_id=template_id)
    for tid, start, end in others.values_list("appointment_types", "start_time", "end_time"):
        minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
        longest[tid] = max(longest.get(tid, 0), minutes)
    errors = []
    for t in AppointmentType.objects.filter(pk__in=list(longest)).order_by("name"):
        if t.duration_minutes > longest[t.pk]:
            errors.append(
                _("Timetypen «%(name)s» varer %(duration)s minutter, men ingen blokk som tillater "
                  "den er så lang (lengste er %(longest)s minutter).")
                % {"name": t.name, "duration": t.duration_minutes, "longest": longest[t.pk]}
            )
    return errors
