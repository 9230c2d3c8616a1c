"""Form fields of the staff module."""

from __future__ import annotations

from datetime import time
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from timebok.validation.clock import ClockError, format_clock, parse_clock


class ClockInput(forms.TextInput):
    """A short text field for a clock time. Not ``type="time"``: browsers show that in their
    own locale (AM/PM in some), and it refuses "8.30". ``inputmode="decimal"`` gives a
    number pad with a separator on phones."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {"inputmode": "decimal", "autocomplete": "off", "size": "5", "maxlength": "8",
                "class": "clock", "spellcheck": "false"}
        super().__init__({**base, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, time):
            return format_clock(value)
        return super().format_value(value)


class ClockField(forms.Field):
    """A time of day typed the Norwegian way: 8, 08, 0800, 8:00, 08.00, 8.30, 11.30.
    Anything else gets a message with an example. Used by every staff form with a time."""

    widget = ClockInput
    default_error_messages = {"required": gettext_lazy("Fyll inn et klokkeslett, f.eks. 8.30.")}

    def to_python(self, value: Any) -> time | None:
        if isinstance(value, time):
            return value
        text = (value or "").strip()
        if not text:
            return None
        try:
            return parse_clock(text)
        except ClockError as exc:
            raise forms.ValidationError(_(exc.message), code="clock") from None


class DayField(forms.DateField):
    """A date: the browser's date picker sends 2026-12-02; typed by hand, 2.12.2026 works too.

    Dates outside FIRST_YEAR–LAST_YEAR are refused with a message, so that moving a day or a
    week from the chosen date can never leave the calendar (year 1 or 9999: OverflowError)."""

    FIRST_YEAR, LAST_YEAR = 1900, 2200

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    input_formats = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]
    default_error_messages = {
        "invalid": gettext_lazy("Skriv datoen som dd.mm.åååå, f.eks. 2.12.2026."),
        "out_of_range": gettext_lazy("Velg en dato mellom år %(first)s og %(last)s."),
    }

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and not self.FIRST_YEAR <= value.year <= self.LAST_YEAR:
            raise forms.ValidationError(self.error_messages["out_of_range"], code="out_of_range",
                                        params={"first": self.FIRST_YEAR, "last": self.LAST_YEAR})
