"""Request and response shapes of the public API (pydantic through django-ninja).

The booking's patient fields come from the domain's one declaration
(timebok.appointments.patient_fields): their names, limits (``maxLength``) and which are
required. The request models accept any JSON value for them, so that every wrong field gets
its own Norwegian message (422) from the domain's check, but the published schema says
what a valid request is.
"""

from __future__ import annotations

import datetime as dt
from datetime import date, datetime
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict, create_model, field_validator

from timebok.appointments.patient_fields import PATIENT_FIELDS
from timebok.appointments.services.catalog import DATE_WINDOW_DAYS, MAX_ID, MAX_RANGE_DAYS

WINDOW_TEXT = f"Høyst {DATE_WINDOW_DAYS} dager fra i dag (ellers 422)."


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


class ErrorOut(Schema):
    code: str = Field(description='F.eks. "invalid" (422), "not_found", "closed", "taken", "rate_limited".')
    message: str
    errors: dict[str, str] = Field(default_factory=dict, description="Melding per felt (ved 400 og 422).")


class AppointmentTypeOut(Schema):
    id: int
    name: str
    duration_minutes: int
    price: int | None
    price_text: str = Field(description='Prisen som tekst, f.eks. "kr 650".')
    info: str
    address: str


class PractitionerOut(Schema):
    id: int
    name: str
    title: str


class DayOut(Schema):
    date: date
    free: int = Field(description="Antall ledige starttider.")
    level: str = Field(description='"many" (grønn), "few" (rød) eller "none" (hvit, kan ikke velges).')
    label: str = Field(description='Tilgjengelig navn, f.eks. "torsdag 3. desember, få ledige".')


class AvailabilityOut(Schema):
    timetype: int
    behandler: int | None
    from_: date = Field(alias="from")
    to: date
    first_bookable: date
    last_bookable: date
    days: list[DayOut]


class SlotOut(Schema):
    start: datetime = Field(description="ISO 8601 med klinikkens UTC-offset.")
    end: datetime
    behandler: int
    behandler_navn: str


class SlotsOut(Schema):
    date: date
    timetype: int
    behandler: int | None
    slots: list[SlotOut]


class ConflictOut(ErrorOut):
    alternatives: list[SlotOut] = Field(default_factory=list, description="De nærmeste ledige timene.")


class BookingOut(Schema):
    reference: str
    start: datetime
    end: datetime
    timetype: int
    timetype_navn: str
    behandler: int
    behandler_navn: str
    price: int | None
    price_text: str
    address: str


_TIMETYPE = Field(ge=1, le=MAX_ID, description="Id fra /appointment-types.", examples=[1])
_BEHANDLER_DESC = "Id fra /practitioners; tom = første ledige behandler."
_UKEMAL_DESC = ("Id til en ukemal (fra en bestillingslenke med ukemal): bare denne ukemalens timer, "
                "hos dens behandler. Tom = alle.")


class PractitionersQuery(Schema):
    timetype: int = Field(ge=1, le=MAX_ID, description="Bare behandlere som tilbyr timetypen.", examples=[1])
    ukemal: int | None = Field(None, ge=1, le=MAX_ID, description=_UKEMAL_DESC)


class AvailabilityQuery(Schema):
    timetype: int = _TIMETYPE
    behandler: int | None = Field(None, ge=1, le=MAX_ID, description=_BEHANDLER_DESC)
    from_: date | None = Field(None, alias="from", description=f"Første dato (standard: i dag). {WINDOW_TEXT}")
    to: date = Field(description=f"Siste dato; høyst {MAX_RANGE_DAYS} dager fra from. {WINDOW_TEXT}")
    ukemal: int | None = Field(None, ge=1, le=MAX_ID, description=_UKEMAL_DESC)

    _blank = field_validator("behandler", "from_", mode="before")(_blank_to_none)


class SlotsQuery(Schema):
    timetype: int = _TIMETYPE
    behandler: int | None = Field(None, ge=1, le=MAX_ID, description=_BEHANDLER_DESC)
    date: dt.date = Field(description=WINDOW_TEXT)
    ukemal: int | None = Field(None, ge=1, le=MAX_ID, description=_UKEMAL_DESC)

    _blank = field_validator("behandler", mode="before")(_blank_to_none)


_REQUIRED = ["timetype", "start", *(f.name for f in PATIENT_FIELDS if f.required)]


def _booking_schema(schema: dict[str, Any]) -> None:
    """The published shape: the required fields, as text of at most their length."""
    schema["required"] = list(_REQUIRED)
    props = schema["properties"]
    props["timetype"] = {"type": "integer", "minimum": 1, "maximum": MAX_ID, "title": "Timetype",
                         "description": "Id fra /appointment-types."}
    props["behandler"] = {"anyOf": [{"type": "integer", "minimum": 1, "maximum": MAX_ID}, {"type": "null"}],
                          "title": "Behandler", "description": _BEHANDLER_DESC}
    props["ukemal"] = {"anyOf": [{"type": "integer", "minimum": 1, "maximum": MAX_ID}, {"type": "null"}],
                       "title": "Ukemal", "description": _UKEMAL_DESC}
    props["start"] = {"type": "string", "format": "date-time", "title": "Start",
                      "description": "Starttid fra /slots, ISO 8601 med offset. " + WINDOW_TEXT}
    for spec in PATIENT_FIELDS:
        prop: dict[str, Any] = {"type": "string", "maxLength": spec.max_length, "title": str(spec.label)}
        if spec.required:
            prop["minLength"] = 1
        if spec.description:
            prop["description"] = spec.description
        props[spec.name] = prop if spec.required else {"anyOf": [prop, {"type": "null"}], "title": prop["title"],
                                                       "description": spec.description}


class _BookingBase(Schema):
    model_config = ConfigDict(json_schema_extra=_booking_schema)


BookingIn = create_model(  # type: ignore[call-overload]
    "BookingIn",
    __base__=_BookingBase,
    __doc__="Every field is checked and each wrong one gets its own message (422).",
    timetype=(Any, None),
    behandler=(Any, None),
    ukemal=(Any, None),
    start=(Any, None),
    **{spec.name: (Any, None) for spec in PATIENT_FIELDS},
)
