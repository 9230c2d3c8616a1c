"""Request and response shapes of the public API (pydantic through django-ninja)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema
from pydantic import field_validator

from timebok.public.selection import MAX_ID


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


class ErrorOut(Schema):
    code: str
    message: str
    errors: dict[str, str] = Field(default_factory=dict, description="Melding per felt (ved 422).")


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


class AvailabilityQuery(Schema):
    timetype: int = Field(ge=1, le=MAX_ID)
    behandler: int | None = Field(None, ge=1, le=MAX_ID, description="Tom = første ledige behandler.")
    from_: date | None = Field(None, alias="from", description="Første dato (standard: i dag).")
    to: date | None = Field(None, description="Siste dato (standard: 34 dager etter from; høyst 93 dager).")

    _blank = field_validator("behandler", "from_", "to", mode="before")(_blank_to_none)


class SlotsQuery(Schema):
    timetype: int = Field(ge=1, le=MAX_ID)
    behandler: int | None = Field(None, ge=1, le=MAX_ID, description="Tom = første ledige behandler.")
    date: date

    _blank = field_validator("behandler", mode="before")(_blank_to_none)


class PractitionersQuery(Schema):
    timetype: int | None = Field(None, ge=1, le=MAX_ID, description="Bare behandlere som tilbyr timetypen.")

    _blank = field_validator("timetype", mode="before")(_blank_to_none)


class BookingIn(Schema):
    """Every field is checked and each wrong one gets its own message (422)."""

    timetype: int | None = Field(None, description="Id fra /appointment-types.")
    behandler: int | None = Field(None, description="Id fra /practitioners; tom = første ledige behandler.")
    start: datetime | None = Field(None, description="Starttid fra /slots, ISO 8601 med offset.")
    fornavn: str | None = None
    etternavn: str | None = None
    fodselsnummer: str | None = Field(None, description="11 siffer (fødselsnummer eller D-nummer).")
    epost: str | None = None
    telefon: str | None = Field(None, description="Norsk nummer eller med landskode.")
    kommentar: str | None = Field(None, description="Valgfri; behandleren ser den.")
