"""Timebok scheduling engine: free times and day availability levels.

Pure Python (no Django).  Build an :class:`IntInput` (integers, as the
database computes them) or a :class:`ScheduleInput` (dates, times and aware
datetimes), then call :func:`free_slots` for one day or :func:`day_levels`
for a calendar month; use :class:`Availability` to answer several queries
from one input without re-indexing it.
"""

from .engine import Availability, day_levels, free_slots, to_int_input
from .types import (
    DAY_US,
    FEW_MAX,
    PARITIES,
    Block,
    Busy,
    Closure,
    DayInfo,
    IntBlock,
    IntClosure,
    IntInput,
    IntPeriod,
    IntTemplate,
    Period,
    Rules,
    ScheduleInput,
    Slot,
    Template,
    level_for,
)

__all__ = [
    "DAY_US",
    "FEW_MAX",
    "PARITIES",
    "Availability",
    "Block",
    "Busy",
    "Closure",
    "DayInfo",
    "IntBlock",
    "IntClosure",
    "IntInput",
    "IntPeriod",
    "IntTemplate",
    "Period",
    "Rules",
    "ScheduleInput",
    "Slot",
    "Template",
    "day_levels",
    "free_slots",
    "level_for",
    "to_int_input",
]
