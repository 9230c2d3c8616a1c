"""Phone numbers and e-mail addresses.

Pure Python; must not import Django.  Messages are bokmål source strings
marked with ``N_``; translate them with ``gettext`` in the Django layer.
"""

from __future__ import annotations

from typing import Final, Literal

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from timebok.validation.i18n import N_

__all__ = [
    "MSG_EMAIL",
    "MSG_PHONE",
    "ContactError",
    "ContactErrorCode",
    "format_phone",
    "is_mobile",
    "normalize_email",
    "normalize_phone",
]

ContactErrorCode = Literal["phone", "email"]

MSG_PHONE: Final = N_("Telefonnummeret er ikke gyldig.")
MSG_EMAIL: Final = N_("E-postadressen er ikke gyldig.")

_MESSAGES: Final[dict[ContactErrorCode, str]] = {
    "phone": MSG_PHONE,
    "email": MSG_EMAIL,
}

_NORWAY_CC: Final = 47
_MOBILE_TYPES: Final = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})


class ContactError(ValueError):
    """Invalid phone number (``code="phone"``) or e-mail (``code="email"``)."""

    code: ContactErrorCode
    message: str

    def __init__(self, code: ContactErrorCode) -> None:
        self.code = code
        self.message = _MESSAGES[code]
        super().__init__(self.message)


def _parse_valid(value: str, region: str | None) -> phonenumbers.PhoneNumber:
    # phonenumbers silently drops letters ("41234567A" parses as valid) and
    # treats "ext"/","/";ext=" as an extension, which E.164 would lose.
    # A booking form wants a plain number, so reject both.
    if any(c.isalpha() for c in value):
        raise ContactError("phone")
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        raise ContactError("phone") from None
    if number.extension or not phonenumbers.is_valid_number(number):
        raise ContactError("phone")
    return number


def normalize_phone(value: str, default_region: str = "NO") -> str:
    """Return the number in E.164 (``"+4741234567"``) or raise ContactError.

    Accepts ``"+47 412 34 567"``, ``"0047 41234567"``, ``"41234567"`` and
    foreign numbers with a country code (``"+46 70 123 45 67"``).  Numbers
    without a country code are read as ``default_region``.
    """
    number = _parse_valid(value, default_region)
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def _norwegian_mobile(number: phonenumbers.PhoneNumber) -> bool:
    national = str(number.national_number)
    return len(national) == 8 and national[0] in "49"


def is_mobile(e164: str) -> bool:
    """Whether the number can get SMS.

    Norwegian numbers: 8 digits starting with 4 or 9.  Foreign numbers:
    phonenumbers says MOBILE or FIXED_LINE_OR_MOBILE (e.g. all of NANP).
    Anything that is not a valid number gives ``False``.
    """
    try:
        number = _parse_valid(e164, None)
    except ContactError:
        return False
    if number.country_code == _NORWAY_CC:
        return _norwegian_mobile(number)
    return phonenumbers.number_type(number) in _MOBILE_TYPES


def format_phone(e164: str) -> str:
    """Display form, e.g. ``"+47 412 34 567"`` or ``"+46 70 123 45 67"``.

    phonenumbers' INTERNATIONAL format, except that Norwegian mobile numbers
    are grouped 3-2-3 (``"412 34 567"``, the usual Norwegian way and the
    product brief's example) where phonenumbers' current metadata gives
    2-2-2-2 (``"41 23 45 67"``).  Raises ContactError for an invalid number.
    """
    number = _parse_valid(e164, None)
    if number.country_code == _NORWAY_CC and _norwegian_mobile(number):
        n = str(number.national_number)
        return f"+47 {n[:3]} {n[3:5]} {n[5:]}"
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def normalize_email(value: str) -> str:
    """Check the syntax and return the normalised address.

    Internationalised domains and local parts are allowed
    (``"øl@blåbær.no"``); deliverability (DNS) is not checked.  The domain
    is lower-cased and NFC-normalised (a punycode domain is shown in
    Unicode); the local part keeps its case.  Surrounding whitespace (a
    phone keyboard's trailing space after autocomplete) is stripped.
    """
    try:
        result = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError:
        raise ContactError("email") from None
    return result.normalized
