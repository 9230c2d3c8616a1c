"""The patient's fields, declared once: name, label, limits, input hints and normaliser.

The booking page's form rows, the draft, the API's request schema (``BookingIn``, with its
``maxLength``s) and every message read this declaration. :func:`clean_patient` checks a set
of raw values (from a form or JSON) and returns normalised details, or a message per field.

Rules for every text field: no lone surrogates and no control characters (a newline is
allowed in the comment); in names also no bidirectional overrides (U+202A–U+202E,
U+2066–U+2069), which can make a name display as something else. A valid fødselsnummer
typed into the comment is refused with a request to remove it: the comment is shown to
staff in clear, the fødselsnummer must only be stored encrypted.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from timebok.appointments.services.booking import PatientDetails
from timebok.validation.contact import MSG_EMAIL, MSG_PHONE, ContactError, normalize_email, normalize_phone
from timebok.validation.fnr import MSG_FORMAT, FnrError, contains_fnr, validate_fnr

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class FieldError(ValueError):
    """One field's message (already translated)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _plain(value: str) -> str:
    return value


def _fnr(value: str) -> str:
    try:
        return validate_fnr(value, allow_synthetic=settings.ALLOW_TEST_IDENTITIES)
    except FnrError as exc:
        raise FieldError(_(exc.message)) from None


def _email(value: str) -> str:
    try:
        return normalize_email(value)
    except ContactError as exc:
        raise FieldError(_(exc.message)) from None


def _phone(value: str) -> str:
    try:
        return normalize_phone(value)
    except ContactError as exc:
        raise FieldError(_(exc.message)) from None


def _comment(value: str) -> str:
    if contains_fnr(value):
        raise FieldError(_("Ta fødselsnummeret ut av kommentaren. Det skal bare stå i feltet "
                           "«Fullt fødselsnummer», der det lagres kryptert."))
    return value


@dataclass(frozen=True)
class PatientField:
    """One field of the patient's details, as the page, the draft and the API name it."""

    name: str  # the public name: form field, JSON key, key of its message
    attr: str  # PatientDetails attribute ("" for the comment, which is not a detail)
    label: Promise
    max_length: int
    missing: Promise | None  # message when empty; None = optional
    too_long: Promise  # may use %(max)s
    bad_characters: Promise
    normalize: Callable[[str], str] = _plain
    autocomplete: str = ""
    inputmode: str = ""
    input_type: str = "text"
    textarea: bool = False
    hint: Promise | None = None
    description: str = ""  # for the API's schema
    example: str = ""
    newlines: bool = False  # the comment may have several lines
    bidi: bool = True  # False: bidirectional overrides are refused (names)

    @property
    def required(self) -> bool:
        return self.missing is not None


_NAME_TOO_LONG = gettext_lazy("Bruk høyst %(max)s tegn.")
_NAME_CHARS = gettext_lazy("Navnet inneholder tegn som ikke kan brukes.")

PATIENT_FIELDS: tuple[PatientField, ...] = (
    PatientField(
        name="fornavn", attr="first_name", label=gettext_lazy("Fornavn"), max_length=100,
        missing=gettext_lazy("Fyll inn fornavn."), too_long=_NAME_TOO_LONG, bad_characters=_NAME_CHARS,
        autocomplete="given-name", bidi=False, example="Kari",
    ),
    PatientField(
        name="etternavn", attr="last_name", label=gettext_lazy("Etternavn"), max_length=100,
        missing=gettext_lazy("Fyll inn etternavn."), too_long=_NAME_TOO_LONG, bad_characters=_NAME_CHARS,
        autocomplete="family-name", bidi=False, example="Nordmann",
    ),
    PatientField(
        name="kommentar", attr="", label=gettext_lazy("Kommentar"), max_length=1000, missing=None,
        too_long=gettext_lazy("Kommentaren kan ha høyst %(max)s tegn."),
        bad_characters=gettext_lazy("Kommentaren inneholder tegn som ikke kan brukes."),
        normalize=_comment, textarea=True, newlines=True,
        hint=gettext_lazy("Valgfritt. Behandleren ser kommentaren."),
        description="Valgfri; behandleren ser den. Et fødselsnummer i kommentaren avvises.",
        example="Vondt i kneet",
    ),
    PatientField(
        name="fodselsnummer", attr="fnr", label=gettext_lazy("Fullt fødselsnummer"), max_length=20,
        missing=gettext_lazy("Fyll inn fullt fødselsnummer (11 siffer)."), too_long=gettext_lazy(MSG_FORMAT),
        bad_characters=gettext_lazy(MSG_FORMAT), normalize=_fnr, autocomplete="off", inputmode="numeric",
        hint=gettext_lazy("11 siffer. Fødselsnummer eller D-nummer."),
        description="11 siffer (fødselsnummer eller D-nummer); mellomrom, punktum og bindestrek tillates.",
    ),
    PatientField(
        name="epost", attr="email", label=gettext_lazy("E-post"), max_length=254,
        missing=gettext_lazy("Fyll inn e-postadressen din."), too_long=gettext_lazy(MSG_EMAIL),
        bad_characters=gettext_lazy(MSG_EMAIL), normalize=_email, autocomplete="email", input_type="email",
        example="kari@example.com",
    ),
    PatientField(
        name="telefon", attr="phone", label=gettext_lazy("Telefon"), max_length=40,
        missing=gettext_lazy("Fyll inn telefonnummeret ditt."), too_long=gettext_lazy(MSG_PHONE),
        bad_characters=gettext_lazy(MSG_PHONE), normalize=_phone, autocomplete="tel", input_type="tel",
        description="Norsk nummer, eller med landskode (+46 …).", example="+47 412 34 567",
    ),
)

FIELDS: dict[str, PatientField] = {f.name: f for f in PATIENT_FIELDS}
FIELD_NAMES: tuple[str, ...] = tuple(FIELDS)


def has_bad_characters(text: str, *, newlines: bool = False, bidi: bool = True) -> bool:
    """Lone surrogates, control characters (a newline only where allowed), and, with
    ``bidi=False``, bidirectional overrides."""
    for char in text:
        category = unicodedata.category(char)
        if category == "Cs":
            return True
        if category == "Cc" and not (newlines and char == "\n"):
            return True
        if char in ("\u2028", "\u2029") and not newlines:
            return True
        if not bidi and char in BIDI_CONTROLS:
            return True
    return False


def _raw_text(value: Any) -> str | None:
    """The value as text, or None when it is not text (a number, a list, …)."""
    if value is None:
        return ""
    return value if isinstance(value, str) else None


def clean_field(spec: PatientField, value: Any) -> str:
    """One field's normalised value, or :class:`FieldError` with its message."""
    text = _raw_text(value)
    if text is None:
        raise FieldError(_("Ugyldig verdi. Skriv feltet som tekst."))
    if spec.newlines:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.strip()
    if not text:
        if spec.missing is not None:
            raise FieldError(str(spec.missing))
        return ""
    if len(text) > spec.max_length:
        raise FieldError(str(spec.too_long) % {"max": spec.max_length})
    if has_bad_characters(text, newlines=spec.newlines, bidi=spec.bidi):
        raise FieldError(str(spec.bad_characters))
    return spec.normalize(text)


def clean_patient(data: Mapping[str, Any]) -> tuple[PatientDetails | None, str, dict[str, str]]:
    """Return (details, comment, errors) for raw values keyed by the public names.
    ``details`` is None when there are errors; ``errors`` has one message per wrong field."""
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    for spec in PATIENT_FIELDS:
        try:
            values[spec.name] = clean_field(spec, data.get(spec.name))
        except FieldError as exc:
            errors[spec.name] = exc.message
    if errors:
        return None, values.get("kommentar", ""), errors
    details = PatientDetails(**{spec.attr: values[spec.name] for spec in PATIENT_FIELDS if spec.attr})
    return details, values["kommentar"], {}
