"""Display text: how Timebok writes prices, phone numbers, places, dates and times for people.

Pages, the API's labels, e-mail, SMS and the calendar file all call these, so one thing
always reads the same everywhere. Text follows the active language (bokmål by default);
the date patterns are translatable strings, so English gets its own word order.

Templates use the same functions through the ``display`` tag library
(``{{ clinic.phone|phone }}``, ``href="tel:{{ clinic.phone|tel }}"``, ``{{ amount|price }}``).
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from functools import lru_cache
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from timebok.validation.contact import ContactError, format_phone, normalize_phone

# --- The clinic's clock -----------------------------------------------------------------


def local_now(clinic: Any, now: datetime | None = None) -> datetime:
    """Now (or ``now``) on the clinic's wall clock, as an aware datetime."""
    return (now or timezone.now()).astimezone(clinic.tz)


def local_today(clinic: Any, now: datetime | None = None) -> date:
    """The clinic's local date today (or at ``now``)."""
    return local_now(clinic, now).date()


def local_date(moment: datetime, clinic: Any) -> date:
    """The clinic's local date of an instant."""
    return moment.astimezone(clinic.tz).date()


# --- Money, phone, place -----------------------------------------------------------------


def price_text(amount: int | None) -> str:
    """"kr 650", "kr 1 250" (grouped with a no-break space in bokmål); "" for no price."""
    if amount is None:
        return ""
    grouped = formats.number_format(amount, use_l10n=True, force_grouping=True)
    return _("kr %(amount)s") % {"amount": grouped}


def phone_text(value: str) -> str:
    """One national format: "412 34 567" and "22 00 00 00" for Norwegian numbers, the
    international form ("+46 70 123 45 67") for the rest; in English every number is
    international ("+47 22 00 00 00"), for readers calling from abroad. A value that is not
    a valid number (free text typed by staff) is shown as it is."""
    if not value:
        return ""
    try:
        text = format_phone(normalize_phone(value))
    except ContactError:
        return value
    return text if get_language() == "en" else text.removeprefix("+47 ")


def phone_uri(value: str) -> str:
    """The number for a ``tel:`` link: E.164, or the digits and + of what was typed."""
    if not value:
        return ""
    try:
        return normalize_phone(value)
    except ContactError:
        return "".join(c for c in value if c.isdigit() or c == "+")


def place_text(appointment_type: Any) -> str:
    """Where the patient goes: the type's own address, else the clinic's."""
    return appointment_type.address or appointment_type.clinic.address


# --- Dates and times ---------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _date_format(day: date, pattern: str, language: str | None) -> str:
    return formats.date_format(day, pattern)


def day_text(day: date) -> str:
    """"torsdag 3. desember" (the calendar's and the times' day name)."""
    return _date_format(day, pgettext("date format: weekday, day and month", "l j. F"), get_language())


def day_short_text(day: date) -> str:
    """"tor 3. des" (a table's row of one day)."""
    return _date_format(day, pgettext("date format: short weekday, day and short month", "D j. b"), get_language())


def day_month_short_text(day: date) -> str:
    """"3. des" (a chart's range)."""
    return _date_format(day, pgettext("date format: day and short month", "j. b"), get_language())


def date_text(day: date) -> str:
    """"onsdag 2. desember 2026"."""
    return _date_format(day, pgettext("date format: weekday, day, month and year", "l j. F Y"), get_language())


def date_range_text(first: date, last: date) -> str:
    """"onsdag 2. desember 2026", or "onsdag 2. desember 2026 – fredag 4. desember 2026"."""
    if first == last:
        return date_text(first)
    return _("%(first)s – %(last)s") % {"first": date_text(first), "last": date_text(last)}


def time_text(moment: datetime, tz: tzinfo) -> str:
    """"09:00" on the clinic's clock."""
    return moment.astimezone(tz).strftime("%H:%M")


def when_text(start: datetime, tz: tzinfo, end: datetime | None = None) -> str:
    """"torsdag 3. desember 2026 kl. 09:00", or "… kl. 09:00–09:30" with an end."""
    local = start.astimezone(tz)
    if end is None:
        return _("%(date)s kl. %(time)s") % {"date": date_text(local.date()), "time": time_text(local, tz)}
    return _("%(date)s kl. %(start)s–%(end)s") % {
        "date": date_text(local.date()), "start": time_text(local, tz), "end": time_text(end, tz),
    }


def level_text(level: str) -> str:
    """A day's availability in words: "mange ledige", "få ledige", "ingen ledige"."""
    return {
        "many": _("mange ledige"),
        "few": _("få ledige"),
    }.get(level, _("ingen ledige"))


def day_label(day: date, level: str) -> str:
    """A calendar day for a screen reader: "torsdag 3. desember, få ledige"."""
    return _("%(day)s, %(level)s") % {"day": day_text(day), "level": level_text(level)}
