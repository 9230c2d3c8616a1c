"""Timebok: moving an appointment from the day view (through move_appointment)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from timebok.appointments.errors import DomainError, OutsideTemplate, SlotNotAvailable, SlotTaken
from timebok.appointments.models import Appointment
from timebok.appointments.services import availability
from timebok.appointments.services.moving import move_appointment
from timebok.clinics.models import AppointmentType, Clinic, Practitioner
from timebok.core import display
from timebok.staff.access import clinic_view
from timebok.staff.forms import MoveForm
from timebok.staff.views.daybook import day_url


def _free_times(clinic: Clinic, appointment_type: AppointmentType, practitioner: Practitioner, day: date
                ) -> list[datetime]:
    """The practitioner's free start times for the type that day, on the staff rules (no
    notice, any horizon, offline types too), on the clinic's clock."""
    slots = availability.free_slots(clinic, appointment_type, practitioner, day, online=False)
    return [s.start.astimezone(clinic.tz) for s in slots]


def staff_alternatives(clinic: Clinic, appointment_type: AppointmentType, practitioner: Practitioner,
                       around: datetime, *, count: int = 5, days: int = 7) -> list[datetime]:
    """The free times nearest to ``around`` on the staff rules (offline types and
    practitioners too), that day and the next ``days``; on the clinic's clock."""
    first = display.local_date(around, clinic)
    found: list[datetime] = []
    for i in range(days + 1):
        found.extend(_free_times(clinic, appointment_type, practitioner, first + timedelta(days=i)))
        if len(found) >= count * 3:
            break
    found.sort(key=lambda t: abs((t - around).total_seconds()))
    return sorted(found[:count])


@clinic_view
def move(request: HttpRequest, clinic: Clinic, pk: int) -> HttpResponse:
    """GET: the appointment, a day and practitioner, and their free times. POST: move."""
    appt = get_object_or_404(Appointment.objects.select_related("appointment_type", "practitioner", "patient"),
                             pk=pk, clinic=clinic)
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    current_day = display.local_date(appt.start, clinic)
    data = request.POST if request.method == "POST" else request.GET
    bound = "dato" in data or "behandler" in data
    form = MoveForm(data if bound else None, clinic=clinic,
                    initial={"dato": current_day, "behandler": appt.practitioner_id})
    day, practitioner = current_day, appt.practitioner
    if bound and form.is_valid():
        day, practitioner = form.cleaned_data["dato"], form.cleaned_data["behandler"]
    error = ""
    alternatives: list[datetime] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        clock = form.cleaned_data["tid"]
        if clock is None:
            form.add_error("tid", _("Velg en av de ledige tidene, eller skriv et klokkeslett."))
        else:
            start = datetime.combine(day, clock, tzinfo=clinic.tz)
            try:
                moved = move_appointment(appt, start=start, practitioner=practitioner, actor=request.user,
                                         confirm_outside_template=form.cleaned_data["utenfor"])
            except OutsideTemplate as exc:
                form.add_error("utenfor", str(exc.message))
                status = 409
            except DomainError as exc:
                error = str(exc.message)
                status = 409
                if isinstance(exc, SlotTaken | SlotNotAvailable):
                    alternatives = staff_alternatives(clinic, appt.appointment_type, practitioner, start)
            else:
                messages.success(request, _("Timen til %(name)s er flyttet til %(when)s hos %(who)s.") % {
                    "name": moved.full_name or "–", "when": display.when_text(moved.start, clinic.tz),
                    "who": practitioner.name})
                return redirect(day_url(clinic, display.local_date(moved.start, clinic)) + f"#time-{moved.pk}")
    context = {
        "clinic": clinic, "appointment": appt, "form": form, "day": day, "practitioner": practitioner,
        "when": display.when_text(appt.start, clinic.tz, appt.end),
        "day_text": display.date_text(day),
        "free": _free_times(clinic, appt.appointment_type, practitioner, day) if appt.is_booked else [],
        "error": error, "alternatives": alternatives,
        "back_url": day_url(clinic, current_day) + f"#time-{appt.pk}", "nav": "overview",
    }
    return render(request, "staff/move.html", context, status=status)
