"""Validation of the patient's details, shared by the booking form and the API.

Field names are the public ones (fornavn, etternavn, fodselsnummer, epost, telefon,
kommentar). Messages are bokmål and translated.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from timebok.appointments.services.booking import PatientDetails
from timebok.validation.contact import ContactError, normalize_email, normalize_phone
from timebok.validation.fnr import FnrError, validate_fnr

NAME_MAX = 100
COMMENT_MAX = 1000
EMAIL_MAX = 254
PHONE_MAX = 40
FNR_MAX = 40


def _has_control(text: str) -> bool:
    return any(ord(c) < 32 and c not in "\n\r\t" for c in text) or "\x7f" in text



def _contact(values: dict[str, str], errors: dict[str, str], field: str, empty_message: str, max_len: int,
             code: str, normalize: Callable[[str], str]) -> str:
    """Check and normalise one contact field; on error, put its message in ``errors``."""
    if field in errors:
        return ""
    value = values[field]
    if not value:
        errors[field] = empty_message
    elif len(value) > max_len or _has_control(value):
        errors[field] = _(ContactError(code).message)
    else:
        try:
            return normalize(value)
        except ContactError as exc:
            errors[field] = _(exc.message)
    return ""

def clean_patient(data: dict[str, Any]) -> tuple[PatientDetails | None, str, dict[str, str]]:
    """Return (details, comment, errors). ``details`` is None when there are errors."""
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    for name in ("fornavn", "etternavn", "fodselsnummer", "epost", "telefon", "kommentar"):
        raw = data.get(name)
        if raw is None:
            raw = ""
        if not isinstance(raw, str):
            errors[name] = _("Ugyldig verdi.")
            raw = ""
        values[name] = raw.strip()

    for name, label_missing in (("fornavn", _("Fyll inn fornavn.")), ("etternavn", _("Fyll inn etternavn."))):
        if name in errors:
            continue
        value = values[name]
        if not value:
            errors[name] = label_missing
        elif len(value) > NAME_MAX:
            errors[name] = _("Bruk høyst %(max)s tegn.") % {"max": NAME_MAX}
        elif _has_control(value) or "\n" in value or "\r" in value:
            errors[name] = _("Navnet inneholder tegn som ikke kan brukes.")

    fnr = ""
    if "fodselsnummer" not in errors:
        value = values["fodselsnummer"]
        if not value:
            errors["fodselsnummer"] = _("Fyll inn fullt fødselsnummer (11 siffer).")
        elif len(value) > FNR_MAX:
            errors["fodselsnummer"] = _(FnrError("format").message)
        else:
            try:
                fnr = validate_fnr(value, allow_synthetic=settings.ALLOW_TEST_IDENTITIES)
            except FnrError as exc:
                errors["fodselsnummer"] = _(exc.message)

    email = _contact(values, errors, "epost", _("Fyll inn e-postadressen din."), EMAIL_MAX, "email",
                     normalize_email)
    phone = _contact(values, errors, "telefon", _("Fyll inn telefonnummeret ditt."), PHONE_MAX, "phone",
                     normalize_phone)

    comment = values["kommentar"]
    if "kommentar" not in errors:
        if len(comment) > COMMENT_MAX:
            errors["kommentar"] = _("Kommentaren kan ha høyst %(max)s tegn.") % {"max": COMMENT_MAX}
        elif _has_control(comment):
            errors["kommentar"] = _("Kommentaren inneholder tegn som ikke kan brukes.")

    if errors:
        return None, comment, errors
    return (
        PatientDetails(first_name=values["fornavn"], last_name=values["etternavn"], fnr=fnr,
                       email=email, phone=phone),
        comment,
        {},
    )
