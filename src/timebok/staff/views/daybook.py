"""Timebok: the clinic's day, every practitioner at a glance (the default page of a clinic)."""

from __future__ import annotations

from datetime import date, timedelta

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse

from timebok.appointments.services.daybook import clinic_day
from timebok.clinics.models import Clinic
from timebok.core import display
from timebok.staff import services
from timebok.staff.access import clinic_view
from timebok.staff.forms import DayViewForm


def day_url(clinic: Clinic, day: date) -> str:
    return reverse("staff:clinic", kwargs={"clinic": clinic.slug}) + f"?dato={day.isoformat()}"


def chosen_day(clinic: Clinic, data: QueryDict) -> tuple[DayViewForm, date]:
    """The date asked for (``dato``), or today on the clinic's clock; a bad date gets a
    message next to the field and today's page."""
    today = display.local_today(clinic)
    if "dato" not in data:
        return DayViewForm(initial={"dato": today}), today
    form = DayViewForm(data)
    if form.is_valid():
        return form, form.cleaned_data["dato"]
    return form, today


def render_day(request: HttpRequest, clinic: Clinic, day: date, form: DayViewForm,
               extra: dict[str, object] | None = None, status: int = 200) -> HttpResponse:
    today = display.local_today(clinic)
    book = clinic_day(clinic, day)
    patient_ids = sorted({e.appointment.patient_id for c in book.columns for e in c.appointments
                          if e.appointment is not None and e.appointment.patient_id})
    if patient_ids:
        services.log_patient_list_access(clinic, actor=request.user, practitioner=None, days=[day],
                                         patient_ids=patient_ids)
    context = {
        "clinic": clinic,
        "form": form,
        "book": book,
        "day": day,
        "day_text": display.date_text(day),
        "today": today,
        "prev_url": day_url(clinic, day - timedelta(days=1)),
        "next_url": day_url(clinic, day + timedelta(days=1)),
        "today_url": day_url(clinic, today),
        "nav": "overview",
        **(extra or {}),
    }
    return render(request, "staff/daybook.html", context, status=status)


@clinic_view
def day_view(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    form, day = chosen_day(clinic, request.GET)
    return render_day(request, clinic, day, form)
