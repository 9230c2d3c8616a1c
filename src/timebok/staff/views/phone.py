"""Timebok: booking a patient who phones in (through appointments.services.phone_booking)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from timebok.appointments.errors import DomainError, OutsideTemplate, SlotNotAvailable, SlotTaken
from timebok.appointments.models import Patient
from timebok.appointments.patient_fields import FIELDS, PATIENT_FIELDS, FieldError, clean_field
from timebok.appointments.services import availability
from timebok.appointments.services.phone_booking import (
    OPTIONAL_FOR_STAFF,
    book_by_phone,
    clean_new_patient,
    details_of,
    find_patients,
)
from timebok.clinics.models import Clinic
from timebok.core import display
from timebok.staff import services
from timebok.staff.access import clinic_view
from timebok.staff.forms import PhoneBookingChoiceForm, PhoneBookingTimeForm
from timebok.staff.views.daybook import day_url
from timebok.staff.views.moving import staff_alternatives

NEW_FIELDS = [f for f in PATIENT_FIELDS if f.name != "kommentar"]


def is_number(query: str) -> bool:
    """Whether the search is (or looks like) a full fødselsnummer: 11 digits."""
    digits = "".join(c for c in query if c not in " .-")
    return digits.isascii() and digits.isdigit() and len(digits) == 11


def _choice(clinic: Clinic, data: QueryDict) -> PhoneBookingChoiceForm:
    today = display.local_today(clinic)
    first_type = clinic.appointment_types.order_by("sort_order", "name").first()
    first_practitioner = clinic.practitioners.order_by("sort_order", "name").first()
    values = {
        "timetype": data.get("timetype") or (first_type.pk if first_type else ""),
        "behandler": data.get("behandler") or (first_practitioner.pk if first_practitioner else ""),
        "dato": data.get("dato") or today.isoformat(),
    }
    form = PhoneBookingChoiceForm(values, clinic=clinic)
    form.is_valid()
    return form


def _patient_rows(data: QueryDict | None, errors: dict[str, str]) -> list[dict[str, Any]]:
    rows = []
    for spec in NEW_FIELDS:
        rows.append({
            "spec": spec, "value": (data.get(spec.name, "") if data is not None else ""),
            "error": errors.get(spec.name, ""),
            "optional": spec.name in OPTIONAL_FOR_STAFF or not spec.required,
        })
    return rows


@clinic_view
def phone_booking(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    """GET: choose type, practitioner, day and a free time, find the patient. POST: book."""
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    data = request.POST if request.method == "POST" else request.GET
    choice = _choice(clinic, data)
    ok = not choice.errors
    atype = choice.cleaned_data.get("timetype") if ok else None
    practitioner = choice.cleaned_data.get("behandler") if ok else None
    day: date = choice.cleaned_data.get("dato") if ok else display.local_today(clinic)

    searching = request.method == "POST" and data.get("handling") == "sok"
    query = (data.get("sok") or "").strip()[:100]
    # A fødselsnummer is searched only through a POST, found by its keyed hash, and never
    # written back into the page or a URL.
    by_number = is_number(query)
    if by_number and not searching:
        query, by_number = "", False
    found: list[Patient] = list(find_patients(clinic, query, allow_synthetic=settings.ALLOW_TEST_IDENTITIES)) \
        if query else []
    chosen_patient: Patient | None = None
    patient_id = (data.get("pasient") or "").strip()
    if by_number and len(found) == 1:
        patient_id = str(found[0].pk)
    if patient_id.isascii() and patient_id.isdigit() and len(patient_id) <= 12:
        chosen_patient = Patient.objects.filter(clinic=clinic, pk=int(patient_id)).first()
        if chosen_patient is not None and chosen_patient not in found:
            found.insert(0, chosen_patient)
    if found:
        services.log_patient_list_access(clinic, actor=request.user, practitioner=practitioner, days=[day],
                                         patient_ids=[p.pk for p in found])

    time_form = PhoneBookingTimeForm(request.POST if request.method == "POST" and not searching else None,
                                     initial={"varsle": True, "tid": request.GET.get("tid", "")})
    patient_errors: dict[str, str] = {}
    patient_error = ""
    error = ""
    alternatives: list[datetime] = []
    status = 200
    if request.method == "POST" and not searching and ok and atype is not None and practitioner is not None:
        valid_time = time_form.is_valid()
        comment = ""
        if patient_id and chosen_patient is None:
            patient_error = _("Velg en pasient fra listen, eller legg inn en ny.")
            details = None
        elif chosen_patient is not None:
            details = details_of(chosen_patient)
            try:
                comment = clean_field(FIELDS["kommentar"], data.get("kommentar", ""))
            except FieldError as exc:
                patient_errors = {"kommentar": exc.message}
        else:
            details, comment, patient_errors = clean_new_patient(data)
        if valid_time and details is not None and not patient_errors and not patient_error:
            clock = time_form.cleaned_data["tid"] or time_form.cleaned_data["annen_tid"]
            start = datetime.combine(day, clock, tzinfo=clinic.tz)
            try:
                appt = book_by_phone(clinic, appointment_type=atype, practitioner=practitioner, start=start,
                                     patient=details, comment=comment, actor=request.user,
                                     confirm_outside_template=time_form.cleaned_data["utenfor"],
                                     notify=time_form.cleaned_data["varsle"],
                                     language=time_form.cleaned_data["sprak"] or "nb")
            except OutsideTemplate as exc:
                time_form.add_error("utenfor", str(exc.message))
            except DomainError as exc:
                error = str(exc.message)
                if isinstance(exc, SlotTaken | SlotNotAvailable):
                    alternatives = staff_alternatives(clinic, atype, practitioner, start)
            else:
                told = time_form.cleaned_data["varsle"] and (appt.email or appt.phone)
                messages.success(request, _("Timen er bestilt: %(when)s hos %(who)s for %(name)s.") % {
                    "when": display.when_text(appt.start, clinic.tz), "who": practitioner.name,
                    "name": appt.full_name} + " " + (_("Pasienten får bekreftelse.") if told
                                                     else _("Pasienten får ingen bekreftelse.")))
                return redirect(day_url(clinic, day) + f"#time-{appt.pk}")
        status = 400

    free = [s.start.astimezone(clinic.tz) for s in availability.free_slots(
        clinic, atype, practitioner, day, online=False)] if atype is not None and practitioner is not None else []
    selected = data.get("tid", "")
    context = {
        "clinic": clinic, "choice": choice, "time_form": time_form, "free": free, "selected": selected,
        "day": day, "day_text": display.date_text(day), "atype": atype, "practitioner": practitioner,
        "query": "" if by_number else query, "searched": bool(query), "found": found,
        "chosen_patient": chosen_patient, "patient_error": patient_error,
        "patient_rows": _patient_rows(request.POST if request.method == "POST" and not searching else None,
                                      patient_errors),
        "comment": data.get("kommentar", "") if request.method == "POST" and not searching else "",
        "comment_error": patient_errors.get("kommentar", ""),
        "error": error, "alternatives": alternatives, "back_url": day_url(clinic, day), "nav": "overview",
        "varsle": "varsle" in request.POST if request.method == "POST" and not searching else True,
        "sprak": request.POST.get("sprak", "nb") if request.method == "POST" else "nb",
    }
    return render(request, "staff/phone_booking.html", context, status=status)

