"""A booking request: from raw values to a checked request, before anything is written.

The booking page, the public API (and the staff's phone booking) call :func:`prepare_booking`
with what the patient sent. It returns a :class:`BookingRequest`, or raises one
:class:`BookingRequestInvalid` that carries a message per field (named as the public fields:
timetype, behandler, start, fornavn, etternavn, fodselsnummer, epost, telefon, kommentar).
:func:`submit` books a prepared request through ``book_appointment``, which re-checks the
time inside its transaction.

**When a patient may book a time online** (source ``online``): the clinic, the type and the
practitioner take bookings on the internet, and the time is one the booking page offers
for that day and that choice of practitioner. With "Vis bare første ledige time hver dag"
on, the page offers only the day's first free time (for the chosen practitioner, or across
practitioners for "Første ledige behandler"), so only that time can be booked; a request
for another time is refused with the offered times as alternatives. Staff (source
``staff``) are not bound by the online rules: any type and practitioner of the clinic, any
time that does not overlap another appointment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from timebok import scheduling
from timebok.appointments.errors import DomainError, SlotNotAvailable, SlotTaken
from timebok.appointments.models import Appointment
from timebok.appointments.patient_fields import clean_patient
from timebok.appointments.services import availability, catalog
from timebok.appointments.services.booking import PatientDetails, book_appointment, with_alternatives
from timebok.clinics.models import AppointmentType, Clinic, Practitioner, WeekTemplate
from timebok.core.display import local_date

#: How many alternatives a refused time gets, and how many days ahead they are looked for.
ALTERNATIVES = 5
ALTERNATIVE_DAYS = 7


class BookingRequestInvalid(DomainError):
    """One or more fields are wrong. ``errors`` has a message per public field name.

    ``conflict`` is "taken" or "not_available" when the only problem is that the time
    cannot be booked (then ``alternatives`` holds the offered times nearest to it); the API
    answers 409 then, and 422 otherwise."""

    code = "invalid"
    default_message = gettext_lazy("Sjekk feltene som er merket.")
    http_status = 422

    def __init__(self, errors: dict[str, str], *, conflict: str = "",
                 alternatives: list[scheduling.Slot] | None = None) -> None:
        super().__init__()
        self.errors = errors
        self.conflict = conflict if set(errors) == {"start"} else ""
        self.alternatives = alternatives or []
        if self.conflict:
            self.code = self.conflict
            self.http_status = 409
            self.message = SlotTaken.default_message if self.conflict == "taken" else errors["start"]


@dataclass(frozen=True)
class BookingRequest:
    """A checked request. ``practitioner`` is the patient's choice (None: the first free
    one); ``slot`` says who has the time now."""

    clinic: Clinic
    appointment_type: AppointmentType
    practitioner: Practitioner | None
    start: datetime
    slot: scheduling.Slot
    patient: PatientDetails
    comment: str
    source: str = Appointment.Source.ONLINE
    template: WeekTemplate | None = None  # a ukemal link's template: only its times are offered
    language: str = "nb"  # the patient's language ("nb" or "en"): their messages use it
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def end(self) -> datetime:
        return self.start + self.appointment_type.duration


def _start_message(code: str) -> str:
    return {
        "missing": _("Velg et tidspunkt."),
        "naive": _("Tidspunktet må ha tidssone, f.eks. 2026-12-03T09:00:00+01:00."),
        "range": _("Tidspunktet er for langt unna i tid."),
    }.get(code, _("Ugyldig tidspunkt. Bruk ISO 8601 med tidssone, f.eks. 2026-12-03T09:00:00+01:00."))


def offered_slot(clinic: Clinic, appointment_type: AppointmentType, practitioner: Practitioner | None,
                 start: datetime, *, now: datetime | None = None,
                 template: WeekTemplate | None = None) -> scheduling.Slot | None:
    """The slot the booking page offers at ``start`` (with who would get it), or None. With
    "first free time only" on, that is only the day's first free time; with a ukemal link's
    ``template``, only that template's times."""
    day = local_date(start, clinic)
    for slot in availability.free_slots(clinic, appointment_type, practitioner, day, now=now, template=template):
        if slot.start == start:
            return slot
    return None


def offered_alternatives(clinic: Clinic, appointment_type: AppointmentType, practitioner: Practitioner | None,
                         around: datetime, *, now: datetime | None = None,
                         template: WeekTemplate | None = None) -> list[scheduling.Slot]:
    """The offered times nearest to ``around``: every free time normally; with "first free
    time only", the first free time of each day from that day on (within ``template``)."""
    if not clinic.first_free_only:
        return availability.nearest_free(clinic, appointment_type, practitioner, around, count=ALTERNATIVES,
                                         days=ALTERNATIVE_DAYS, now=now, template=template)
    first = local_date(around, clinic)
    levels = availability.day_levels(clinic, appointment_type, practitioner, first,
                                     first + timedelta(days=ALTERNATIVE_DAYS), now=now, template=template)
    found: list[scheduling.Slot] = []
    for day in sorted(d for d, info in levels.items() if info.free):
        found.extend(availability.free_slots(clinic, appointment_type, practitioner, day, now=now,
                                             template=template)[:1])
        if len(found) >= ALTERNATIVES:
            break
    return found


def _is_taken(clinic: Clinic, appointment_type: AppointmentType, practitioner: Practitioner | None,
              start: datetime) -> bool:
    qs = Appointment.objects.filter(clinic=clinic, status=Appointment.Status.BOOKED,
                                    start__lt=start + appointment_type.duration, end__gt=start)
    if practitioner is not None:
        qs = qs.filter(practitioner=practitioner)
    return qs.exists()


def prepare_booking(
    clinic: Clinic,
    *,
    timetype: Any,
    behandler: Any = None,
    ukemal: Any = None,
    start: Any,
    patient: Mapping[str, Any],
    source: str = Appointment.Source.ONLINE,
    idempotency_key: str | None = None,
    now: datetime | None = None,
    language: str = "nb",
    defer_free_check: bool = False,
) -> BookingRequest:
    """Check a booking request; return it, or raise :class:`BookingRequestInvalid`.

    ``defer_free_check``: the caller submits at once (the API), so whether the time is free
    is left to the booking's own re-check inside its transaction, which asks the same
    question of the same practitioner's day (one schedule query per booking, not two). Only
    where the page offers every free time (no ukemal link, no "first free time only"); a
    time that is not free is then refused by ``submit`` (SlotTaken/SlotNotAvailable).

    ``timetype``/``behandler`` are ids (int or text; an empty ``behandler`` is the first
    free practitioner); ``ukemal`` (online only) is the week template of the link the patient
    came with: only its times can then be booked, with its practitioner. ``start`` is an aware
    datetime or ISO 8601 text, ``patient`` the patient's fields by their public names. Every
    field is checked, so the patient sees every mistake at once. A request whose
    ``idempotency_key`` has booked already is not checked against the free times again
    (submitting it returns that booking)."""
    now = now or timezone.now()
    online = source == Appointment.Source.ONLINE
    details, comment, errors = clean_patient(patient)

    atype = None
    if timetype in (None, ""):
        errors["timetype"] = _("Velg en timetype.")
    else:
        atype = catalog.online_type(clinic, timetype) if online else catalog.clinic_type(clinic, timetype)
        if atype is None:
            errors["timetype"] = _("Timetypen finnes ikke eller kan ikke bestilles på nett.")

    practitioner = None
    if behandler not in (None, ""):
        if online:
            practitioner = catalog.online_practitioner(clinic, behandler, atype)
        else:
            practitioner = catalog.clinic_practitioner(clinic, behandler)
        if practitioner is None:
            errors["behandler"] = _("Behandleren finnes ikke, tar ikke imot bestillinger på nett eller tilbyr ikke "
                                    "timetypen.")

    template = None
    if online and ukemal not in (None, "") and atype is not None:
        template = catalog.online_week_template(clinic, ukemal, atype)
        if template is None or (practitioner is not None and practitioner.pk != template.practitioner_id):
            errors["ukemal"] = _("Lenken du kom fra viser til en ukemal som ikke kan bestilles på nett lenger. "
                                 "Gå til bestillingssiden uten lenken og velg på nytt.")
            template = None

    moment = None
    try:
        moment = catalog.parse_start(start)
    except catalog.StartError as exc:
        errors["start"] = _start_message(exc.code)
    else:
        if online and not catalog.within_window(clinic, local_date(moment, clinic), now=now):
            errors["start"] = _start_message("range")
            moment = None

    if not online and practitioner is None and "behandler" not in errors:
        errors["behandler"] = _("Velg en behandler.")

    replayed = None
    if idempotency_key:
        replayed = Appointment.objects.filter(clinic=clinic, idempotency_key=idempotency_key).first()

    slot = None
    if atype is not None and moment is not None and "behandler" not in errors and "ukemal" not in errors:
        if replayed is not None:
            slot = scheduling.Slot(moment, moment + atype.duration, replayed.practitioner_id)
        elif online and defer_free_check and template is None and not clinic.first_free_only:
            slot = scheduling.Slot(moment, moment + atype.duration, practitioner.pk if practitioner else 0)
        elif online:
            slot = offered_slot(clinic, atype, practitioner, moment, now=now, template=template)
        elif practitioner is not None and not _is_taken(clinic, atype, practitioner, moment):
            # Staff may book outside the week template; only an overlap is refused.
            slot = scheduling.Slot(moment, moment + atype.duration, practitioner.pk)
        if slot is None:
            taken = _is_taken(clinic, atype, practitioner, moment)
            if taken:
                errors["start"] = _("Tidspunktet er ikke lenger ledig. Velg en annen tid.")
            elif clinic.first_free_only:
                errors["start"] = _("Klinikken tar bare imot bestillinger på dagens første ledige time. "
                                    "Velg en av de ledige timene.")
            else:
                errors["start"] = _("Tidspunktet kan ikke bestilles. Velg en av de ledige timene.")
            conflict = "taken" if taken else "not_available"
            alternatives = offered_alternatives(clinic, atype, practitioner, moment, now=now, template=template) \
                if set(errors) == {"start"} else []
            raise BookingRequestInvalid(errors, conflict=conflict, alternatives=alternatives)

    if errors or details is None or atype is None or moment is None or slot is None:
        raise BookingRequestInvalid(errors)
    return BookingRequest(clinic=clinic, appointment_type=atype, practitioner=practitioner, start=slot.start,
                          slot=slot, patient=details, comment=comment, source=source, template=template,
                          language=language)


def submit(request: BookingRequest, *, practitioner: Practitioner | None = None, idempotency_key: str | None = None,
           actor: Any = None, now: datetime | None = None) -> Appointment:
    """Book a prepared request. ``practitioner`` books with that practitioner instead of the
    patient's choice (the one a summary showed). A time taken meanwhile raises SlotTaken or
    SlotNotAvailable with the offered alternatives attached."""
    chosen = practitioner or request.practitioner
    try:
        return book_appointment(
            clinic=request.clinic, appointment_type=request.appointment_type, practitioner=chosen,
            start=request.start.astimezone(UTC), patient=request.patient, comment=request.comment,
            source=request.source, idempotency_key=idempotency_key, actor=actor, now=now,
            language=request.language,
            any_practitioner=request.practitioner is None,
        )
    except (SlotTaken, SlotNotAvailable) as exc:
        if request.source == Appointment.Source.ONLINE:
            exc.alternatives = offered_alternatives(request.clinic, request.appointment_type,
                                                    request.practitioner, request.start, now=now,
                                                    template=request.template)
        else:
            with_alternatives(exc, request.clinic, request.appointment_type, chosen, request.start)
        raise
