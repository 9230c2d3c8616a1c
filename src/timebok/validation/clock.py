"""Clock times typed the Norwegian way: ``8``, ``08``, ``0800``, ``8:00``, ``08.00``, ``8.30``,
``11.30`` (and ``8,30``, which a phone's number pad in Norwegian gives).

Pure Python, no Django: the staff forms wrap :func:`parse_clock` in one form field.
"""

from __future__ import annotations

import re
from datetime import time

from timebok.validation.i18n import N_

__all__ = ["ClockError", "format_clock", "parse_clock"]

# H, HH, HMM, HHMM, or H/HH followed by one separator (: . ,) and two minute digits.
_PATTERN = re.compile(r"(?P<h>[0-9]{1,2})(?:[:.,]?(?P<m>[0-9]{2}))?")

MESSAGE_FORMAT = N_("Skriv klokkeslettet som 8, 0830, 8.30 eller 08:30.")
MESSAGE_RANGE = N_("Klokkeslettet må være mellom 00:00 og 23:59, f.eks. 8.30 eller 16.00.")


class ClockError(ValueError):
    """A typed time that is not a clock time. ``message`` is a bokmål text (marked N_)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_clock(text: str) -> time:
    """The time of day in ``text``; raises :class:`ClockError` with a message showing an example.

    Surrounding spaces and a leading "kl." are ignored. Three or four digits without a
    separator are hours and minutes (``830`` is 08:30, ``0800`` is 08:00)."""
    value = text.strip().lower()
    if value.startswith("kl"):
        value = value[2:].lstrip(". ")
    value = value.replace(" ", "")
    match = _PATTERN.fullmatch(value)
    if match is None:
        raise ClockError(MESSAGE_FORMAT)
    hours = int(match["h"])
    minutes = int(match["m"]) if match["m"] else 0
    if not (0 <= hours <= 23 and 0 <= minutes <= 59):
        raise ClockError(MESSAGE_RANGE)
    return time(hours, minutes)


def format_clock(value: time) -> str:
    """"08:30": how a time is shown back in a form field."""
    return f"{value.hour:02d}:{value.minute:02d}"
