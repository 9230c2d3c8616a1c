"""Timebok scheduling engine: free times and day availability levels.

Pure Python (no Django).  Build a :class:`ScheduleInput` from the database,
then call :func:`free_slots` for one day or :func:`day_levels` for a
calendar month; use :class:`Availability` to answer several queries from
one input without re-indexing it.
"""

from .engine import Availability, day_levels, free_slots
from .types import (
    FEW_MAX,
    PARITIES,
    Block,
    Busy,
    Closure,
    DayInfo,
    Period,
    Rules,
    ScheduleInput,
    Slot,
    Template,
    level_for,
)

__all__ = [
    "FEW_MAX",
    "PARITIES",
    "Availability",
    "Block",
    "Busy",
    "Closure",
    "DayInfo",
    "Period",
    "Rules",
    "ScheduleInput",
    "Slot",
    "Template",
    "day_levels",
    "free_slots",
    "level_for",
]
