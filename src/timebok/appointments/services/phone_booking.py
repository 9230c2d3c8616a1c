"""Staff booking a patient who phones in: finding the patient, checking a new patient's
details as the booking page does, and booking through ``book_appointment`` (source staff).

Staff are not bound by the online rules (no notice, any horizon, types that are not
online), but a closed time is refused, and a time outside the practitioner's week template
only after an explicit confirmation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from timebok.appointments.errors import OutsideTemplate, SlotNotAvailable, TimeClosed
from timebok.appointments.models import Appointment, Patient
from timebok.appointments.patient_fields import PATIENT_FIELDS, FieldError, clean_field, has_bad_characters
from timebok.appointments.services.booking import PatientDetails, book_appointment
from timebok.appointments.services.moving import in_template, is_closed
from timebok.clinics.models import AppointmentType, Clinic, Practitioner
from timebok.core import crypto
from timebok.validation.contact import ContactError, normalize_phone
from timebok.validation.fnr import FnrError, validate_fnr

#: Staff may leave these out when the patient has none (the public form requires them).
OPTIONAL_FOR_STAFF = ("epost", "telefon")
SEARCH_LIMIT = 20


def find_patients(clinic: Clinic, query: str, *, allow_synthetic: bool = False) -> QuerySet[Patient]:
    """The clinic's patients matching ``query``: a full fødselsnummer finds exactly that patient
    through the keyed hash (the number is never searched as text); otherwise the words are
    matched against names, e-mail and phone."""
    text = " ".join(query.split())[:100]
    none = Patient.objects.none()
    if not text or has_bad_characters(text):  # control characters (NUL) never match a name
        return none
    digits = re.sub(r"[\s.\-]", "", text)
    if digits.isdigit() and len(digits) == 11:
        try:
            fnr = validate_fnr(digits, allow_synthetic=allow_synthetic)
        except FnrError:
            return none
        return Patient.objects.filter(clinic=clinic, fnr_hash=crypto.keyed_hash(fnr))
    qs = Patient.objects.filter(clinic=clinic)
    phone = None
    if digits.lstrip("+").isdigit() and len(digits.lstrip("+")) >= 5:
        try:
            phone = normalize_phone(digits)
        except ContactError:
            phone = None
    if phone is not None:
        return qs.filter(Q(phone=phone) | Q(phone__endswith=digits.lstrip("+")))[:SEARCH_LIMIT]
    for word in text.split(" ")[:4]:
        # SQLite folds only ASCII case: also try the usual spellings of Æ, Ø, Å in a name.
        match = Q(email__icontains=word)
        for variant in {word, word.lower(), word.capitalize(), word.upper()}:
            match |= Q(first_name__icontains=variant) | Q(last_name__icontains=variant)
        qs = qs.filter(match)
    return qs.order_by("last_name", "first_name", "pk")[:SEARCH_LIMIT]


def clean_new_patient(data: Mapping[str, Any]) -> tuple[PatientDetails | None, str, dict[str, str]]:
    """A new patient's details with the booking page's checks, except that staff may leave out
    the e-mail and phone. Returns (details, comment, errors by public field name)."""
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    for spec in PATIENT_FIELDS:
        raw = data.get(spec.name)
        try:
            if spec.name in OPTIONAL_FOR_STAFF and not (raw or "").strip():
                values[spec.name] = ""
            else:
                values[spec.name] = clean_field(spec, raw)
        except FieldError as exc:
            errors[spec.name] = exc.message
    if errors:
        return None, "", errors
    return PatientDetails(first_name=values["fornavn"], last_name=values["etternavn"], fnr=values["fodselsnummer"],
                          email=values["epost"], phone=values["telefon"]), values["kommentar"], {}


def details_of(patient: Patient) -> PatientDetails:
    """The record's details, for booking an existing patient (the number stays internal)."""
    return PatientDetails(first_name=patient.first_name, last_name=patient.last_name, fnr=patient.reveal_fnr(),
                          email=patient.email, phone=patient.phone)


def book_by_phone(
    clinic: Clinic,
    *,
    appointment_type: AppointmentType,
    practitioner: Practitioner,
    start: datetime,
    patient: PatientDetails,
    comment: str = "",
    actor: Any,
    confirm_outside_template: bool = False,
    notify: bool = True,
    language: str = "nb",
    now: datetime | None = None,
) -> Appointment:
    """Book for a patient on the phone through ``book_appointment`` (source staff, the acting
    user recorded and audited). ``notify=False`` sends the patient no confirmation;
    ``language`` is the one their messages and personal link use."""
    now = now or timezone.now()
    end = start + appointment_type.duration
    if appointment_type.clinic_id != clinic.pk or practitioner.clinic_id != clinic.pk or start <= now:
        raise SlotNotAvailable()
    if is_closed(clinic, practitioner.pk, start, end):
        raise TimeClosed()
    if not confirm_outside_template and not in_template(clinic, practitioner.pk, appointment_type.pk, start, end):
        raise OutsideTemplate()

    def book() -> Appointment:
        return book_appointment(clinic=clinic, appointment_type=appointment_type, start=start,
                                practitioner=practitioner, patient=patient, comment=comment,
                                source=Appointment.Source.STAFF, actor=actor, now=now, language=language)

    if notify:
        return book()
    from timebok.notifications.mute import muted

    with muted():
        return book()
