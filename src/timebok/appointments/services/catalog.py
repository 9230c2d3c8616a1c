"""What a clinic offers online, and how a request's raw values become its objects.

The booking page, the public API and the booking request (booking_request.py) all resolve a
clinic, a type, a practitioner or a week template here, and parse ids, dates and times with
the same rules. Nothing here writes, and nothing here knows about HTML or JSON.

Raw values come from query strings, forms or JSON: anything that is not what is asked for
gives None (or a :class:`StartError` with a code), never an exception from below.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any, Literal, TypeVar

from django.db.models import Model, QuerySet
from django.utils import timezone

from timebok.clinics.models import AppointmentType, Clinic, Practitioner, WeekTemplate
from timebok.core.display import local_today

#: Ids above this are refused before they reach the database (SQLite integers are 64-bit,
#: JavaScript's safe integers end here).
MAX_ID = 2**53
#: The widest range one availability request may ask about.
MAX_RANGE_DAYS = 93
#: Dates and times outside these years are refused before any computation (a time zone
#: conversion near year 1 or 9999 overflows).
MIN_YEAR = 1900
MAX_YEAR = 2200
#: The public API answers about dates at most this far from today.
DATE_WINDOW_DAYS = 3 * 366

_INT_RE = re.compile(r"^[0-9]{1,16}$")
_DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_MONTH_RE = re.compile(r"^[0-9]{4}-[0-9]{2}$")
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
SLUG_MAX_LENGTH = 60
_SLUG_RE = re.compile(SLUG_PATTERN)
M = TypeVar("M", bound=Model)
_START_RE = re.compile(r"^[0-9][0-9:+\-.TZ ]{9,39}$")

StartErrorCode = Literal["missing", "format", "naive", "range"]


class StartError(ValueError):
    """A start time that cannot be used: ``code`` is missing, format, naive or range."""

    def __init__(self, code: StartErrorCode) -> None:
        super().__init__(code)
        self.code = code


# --- Parsing ---------------------------------------------------------------------------


def parse_id(value: Any) -> int | None:
    """A positive database id from a query, form or JSON value, or None for anything else."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not _INT_RE.fullmatch(text):
            return None
        number = int(text)
    return number if 1 <= number <= MAX_ID else None


def in_year_range(day: date) -> bool:
    return MIN_YEAR <= day.year <= MAX_YEAR


def parse_date(value: Any) -> date | None:
    """``YYYY-MM-DD`` within the years MIN_YEAR..MAX_YEAR, else None."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value if in_year_range(value) else None
    text = str(value or "").strip()
    if not _DATE_RE.fullmatch(text):
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if in_year_range(day) else None


def parse_month(value: Any) -> date | None:
    """``YYYY-MM`` (the first of that month) within the years MIN_YEAR..MAX_YEAR, else None."""
    text = str(value or "").strip()
    if not _MONTH_RE.fullmatch(text):
        return None
    try:
        first = date(int(text[:4]), int(text[5:7]), 1)
    except ValueError:
        return None
    return first if in_year_range(first) else None


def parse_start(value: Any) -> datetime:
    """An aware start time (ISO 8601 with offset, or a datetime) within the years
    MIN_YEAR..MAX_YEAR. Raises :class:`StartError`."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise StartError("missing")
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value).strip()
        if not _START_RE.fullmatch(text):
            raise StartError("format")
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise StartError("format") from None
    if timezone.is_naive(moment):
        raise StartError("naive")
    # Checked on the wall clock and the offset first: converting year 1 or 9999 overflows.
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise StartError("range")
    return moment


def within_window(clinic: Clinic, day: date, *, now: datetime | None = None) -> bool:
    """True when ``day`` is at most DATE_WINDOW_DAYS from the clinic's today."""
    return abs((day - local_today(clinic, now)).days) <= DATE_WINDOW_DAYS


# --- Look-ups --------------------------------------------------------------------------


def one(qs: QuerySet[M]) -> M | None:
    """The row of a look-up by a unique key, or None: ``first()`` without its ORDER BY (the
    models' default ordering), which a booking would pay for in compiling and sorting."""
    for row in qs.order_by()[:1]:
        return row
    return None


def get_clinic(slug: Any) -> Clinic | None:
    """The clinic with this slug; None for an unknown one or for a value that is no slug."""
    if not isinstance(slug, str) or len(slug) > SLUG_MAX_LENGTH or not _SLUG_RE.fullmatch(slug):
        return None
    return one(Clinic.objects.filter(slug=slug))


def online_types(clinic: Clinic) -> list[AppointmentType]:
    """The types patients can book online, in the clinic's order: online, and allowed in a
    week template of a practitioner with online timebok (any other would be a dead end)."""
    return list(clinic.appointment_types.filter(online=True, blocks__template__practitioner__online=True).distinct())


def online_type(clinic: Clinic, type_id: Any) -> AppointmentType | None:
    """The clinic's type with this id if it can be booked online."""
    pk = parse_id(type_id)
    if pk is None:
        return None
    return one(clinic.appointment_types.filter(pk=pk, online=True))


def clinic_type(clinic: Clinic, type_id: Any) -> AppointmentType | None:
    """Any type of the clinic (staff may book types that are not online)."""
    pk = parse_id(type_id)
    return None if pk is None else clinic.appointment_types.filter(pk=pk).first()


def online_practitioners(clinic: Clinic, appointment_type: AppointmentType | None = None) -> list[Practitioner]:
    """Practitioners with online timebok; with a type, only those whose templates offer it."""
    qs = clinic.practitioners.filter(online=True)
    if appointment_type is not None:
        qs = qs.filter(week_templates__blocks__appointment_types=appointment_type).distinct()
    return list(qs)


def online_practitioner(clinic: Clinic, practitioner_id: Any,
                        appointment_type: AppointmentType | None) -> Practitioner | None:
    """The practitioner if online and (with a type) offering it; else None."""
    pk = parse_id(practitioner_id)
    if pk is None:
        return None
    qs = clinic.practitioners.filter(pk=pk, online=True)
    if appointment_type is not None:
        qs = qs.filter(week_templates__blocks__appointment_types=appointment_type)
    return one(qs)


def clinic_practitioner(clinic: Clinic, practitioner_id: Any) -> Practitioner | None:
    """Any practitioner of the clinic (staff may book one without online timebok)."""
    pk = parse_id(practitioner_id)
    return None if pk is None else clinic.practitioners.filter(pk=pk).first()


def week_template_types(clinic: Clinic, template_id: Any) -> tuple[WeekTemplate | None, list[AppointmentType]]:
    """A week template of this clinic and the online types its blocks allow."""
    pk = parse_id(template_id)
    if pk is None:
        return None, []
    tmpl = WeekTemplate.objects.select_related("practitioner").filter(
        pk=pk, practitioner__clinic=clinic).first()
    if tmpl is None:
        return None, []
    types = list(clinic.appointment_types.filter(online=True, blocks__template=tmpl).distinct())
    return tmpl, types


def online_week_template(clinic: Clinic, template_id: Any,
                         appointment_type: AppointmentType | None = None) -> WeekTemplate | None:
    """A week template patients can book through (a ukemal link): the clinic's, its
    practitioner online, and allowing ``appointment_type`` online (with a type), or some
    online type (without). None for anything else."""
    template, types = week_template_types(clinic, template_id)
    if template is None or not template.practitioner.online or not types:
        return None
    if appointment_type is not None and appointment_type.pk not in {t.pk for t in types}:
        return None
    return template


def bookable_last_day(clinic: Clinic, appointment_type: AppointmentType, now: datetime | None = None) -> date:
    """The last day a patient may book this type online (the horizon)."""
    return local_today(clinic, now) + timedelta(days=appointment_type.effective_horizon_days())
