"""Norwegian national identity numbers (fødselsnummer, D-nummer).

Layout: ``DDMMYY`` + 3-digit individual number + 2 check digits (k1, k2).

* k1: the weighted sum of digits 1-10 with weights 3 7 6 1 8 9 4 5 2 1 must
  leave remainder 0 (mod 11).  From 2032 Skatteetaten also issues numbers
  where the remainder is 1, 2 or 3, and requires systems to accept all four.
* k2: the weighted sum of digits 1-11 with weights 5 4 3 2 7 6 5 4 3 2 1
  must be 0 (mod 11).
* D-number: 4 is added to the first digit (day 41-71).
* Synthetic test numbers: NAV adds 40 to the month (41-52), Test-Norge/Tenor
  adds 80 (81-92).  A D-number may be synthetic too (both offsets).
  Note: month + 40 is also how the old health-sector H-numbers were encoded;
  we follow the product brief and treat it as NAV synthetic.

Neither century nor sex is derived: both stop being reliable in 2032.

Never log or otherwise expose the number: the exception messages here
deliberately do not contain it.

Pure Python; must not import Django.
"""

from __future__ import annotations

import re
from typing import Final, Literal

from timebok.validation.i18n import N_

__all__ = [
    "MSG_CHECKSUM",
    "MSG_DATE",
    "MSG_FORMAT",
    "MSG_SYNTHETIC",
    "FnrError",
    "FnrErrorCode",
    "FnrKind",
    "contains_fnr",
    "fnr_kind",
    "mask_fnr",
    "normalize_fnr",
    "validate_fnr",
]

FnrErrorCode = Literal["format", "date", "checksum", "synthetic"]
FnrKind = Literal["fnr", "dnr", "nav_synthetic", "tenor_synthetic"]

MSG_FORMAT: Final = N_("Fødselsnummeret må ha 11 siffer.")
MSG_DATE: Final = N_("Fødselsnummeret har ugyldig dato.")
MSG_CHECKSUM: Final = N_("Fødselsnummeret er ikke gyldig. Sjekk at du har skrevet det riktig.")
MSG_SYNTHETIC: Final = N_("Testnummer kan ikke brukes her.")

_MESSAGES: Final[dict[FnrErrorCode, str]] = {
    "format": MSG_FORMAT,
    "date": MSG_DATE,
    "checksum": MSG_CHECKSUM,
    "synthetic": MSG_SYNTHETIC,
}

_WEIGHTS_K1: Final = (3, 7, 6, 1, 8, 9, 4, 5, 2, 1)
_WEIGHTS_K2: Final = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1)
# Remainders of the first weighted sum that are accepted: 0 (classic rule)
# and 1, 2, 3 (numbers issued from 2032).
_K1_REMAINDERS: Final = frozenset({0, 1, 2, 3})

# Separators people type or paste: whitespace (checked separately), dots and
# hyphens, including the Unicode hyphens/dashes phones' "smart punctuation"
# may produce.
_SEPARATORS: Final = frozenset(".-\u2010\u2011\u2012\u2013\u2014\u2212")

_ASCII_DIGITS: Final = frozenset("0123456789")

_D_NUMBER_DAY_OFFSET: Final = 40
_NAV_MONTH_OFFSET: Final = 40
_TENOR_MONTH_OFFSET: Final = 80


class FnrError(ValueError):
    """Invalid fødselsnummer.

    ``code`` is a machine code; ``message`` is a bokmål, user-facing source
    string (marked with ``N_``; translate it with ``gettext``).
    """

    code: FnrErrorCode
    message: str

    def __init__(self, code: FnrErrorCode) -> None:
        self.code = code
        self.message = _MESSAGES[code]
        super().__init__(self.message)


def normalize_fnr(value: str) -> str:
    """Remove whitespace, dots and hyphens.  Does not validate."""
    return "".join(c for c in value if not (c.isspace() or c in _SEPARATORS))


def _days_in_month(month: int, yy: int) -> int:
    if month == 2:
        # The century is unknown, so accept 29 February whenever *some*
        # century makes YY a leap year.  Only YY divisible by 4 can be: for
        # 01-99 that means 19YY and 20YY are both leap years; for 00 it is
        # 2000 (leap) although 1900 was not.  Any other YY is never leap.
        return 29 if yy % 4 == 0 else 28
    if month in (4, 6, 9, 11):
        return 30
    return 31


def _parse_kind(digits: str) -> FnrKind:
    """Check the date part of 11 ASCII digits; return the number's kind.

    A synthetic D-number is reported as synthetic (the test offset wins).
    """
    day = int(digits[0:2])
    month = int(digits[2:4])
    yy = int(digits[4:6])

    # D-number: 4 added to the first digit.  Valid ones have day 41-71;
    # anything else out of range fails the day check below.
    is_dnr = int(digits[0]) >= 4
    if is_dnr:
        day -= _D_NUMBER_DAY_OFFSET

    kind: FnrKind
    if 1 <= month <= 12:
        kind = "dnr" if is_dnr else "fnr"
    elif 1 <= month - _NAV_MONTH_OFFSET <= 12:
        month -= _NAV_MONTH_OFFSET
        kind = "nav_synthetic"
    elif 1 <= month - _TENOR_MONTH_OFFSET <= 12:
        month -= _TENOR_MONTH_OFFSET
        kind = "tenor_synthetic"
    else:
        raise FnrError("date")

    if not 1 <= day <= _days_in_month(month, yy):
        raise FnrError("date")
    return kind


def _checksums_ok(digits: str) -> bool:
    values = [int(c) for c in digits]
    r1 = sum(w * d for w, d in zip(_WEIGHTS_K1, values[:10], strict=True)) % 11
    r2 = sum(w * d for w, d in zip(_WEIGHTS_K2, values, strict=True)) % 11
    return r1 in _K1_REMAINDERS and r2 == 0


def _check(value: str) -> tuple[str, FnrKind]:
    digits = normalize_fnr(value)
    # ASCII digits only: str.isdigit() would also accept e.g. "²" or "٣".
    if len(digits) != 11 or not set(digits) <= _ASCII_DIGITS:
        raise FnrError("format")
    kind = _parse_kind(digits)
    if not _checksums_ok(digits):
        raise FnrError("checksum")
    return digits, kind


def validate_fnr(value: str, *, allow_synthetic: bool = False) -> str:
    """Return the normalised 11 digits, or raise :class:`FnrError`.

    Checks, in order: format, date, check digits, and finally (unless
    ``allow_synthetic``) that it is not a NAV/Tenor synthetic test number.
    Fødselsnummer and D-nummer are accepted.
    """
    digits, kind = _check(value)
    if not allow_synthetic and kind in ("nav_synthetic", "tenor_synthetic"):
        raise FnrError("synthetic")
    return digits


def fnr_kind(value: str) -> FnrKind:
    """Return ``"fnr"``, ``"dnr"``, ``"nav_synthetic"`` or ``"tenor_synthetic"``.

    Raises :class:`FnrError` if the number is not valid (synthetic numbers are
    valid here).  A synthetic D-number is reported as synthetic.
    """
    return _check(value)[1]


def mask_fnr(value: str) -> str:
    """Show the date part and mask the rest: ``"010190*****"``.

    Does not validate.  Input that is not 11 ASCII digits after normalisation
    is masked completely (``"***********"``), so nothing leaks.
    """
    digits = normalize_fnr(value)
    if len(digits) != 11 or not set(digits) <= _ASCII_DIGITS:
        return "*" * 11
    return digits[:6] + "*" * 5


# Eleven ASCII digits, optionally split by single spaces, dots or hyphens ("150585 12345",
# "150585-12345"), and not part of a longer run of digits.
_IN_TEXT: Final = re.compile(r"(?<![0-9])[0-9](?:[ .\-]?[0-9]){10}(?![ .\-]?[0-9])")


def contains_fnr(text: str) -> bool:
    """Whether ``text`` contains a valid fødselsnummer or D-nummer (synthetic test numbers
    included), written as 11 digits, optionally grouped ("150585 12345")."""
    for match in _IN_TEXT.finditer(text):
        try:
            _check(match.group(0))
        except FnrError:
            continue
        return True
    return False
