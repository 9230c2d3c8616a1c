"""Timebok: the bookings overview (day and week per practitioner), the deliberate reveal of
a fødselsnummer, and staff cancellation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from timebok.appointments.errors import DomainError
from timebok.appointments.models import Appointment
from timebok.appointments.services import daybook
from timebok.appointments.services.booking import cancel_appointment
from timebok.appointments.services.patients import accept_appointment_details
from timebok.clinics.models import Clinic, Practitioner
from timebok.core import display
from timebok.staff import services
from timebok.staff.access import clinic_view
from timebok.staff.forms import OverviewForm
from timebok.staff.views.daybook import day_url


@dataclass
class State:
    practitioner: Practitioner | None
    day: date
    view: str  # "dag" | "uke"

    @property
    def days(self) -> list[date]:
        if self.view == "uke":
            monday = self.day - timedelta(days=self.day.weekday())
            return [monday + timedelta(days=i) for i in range(7)]
        return [self.day]

    def query(self, **changes: Any) -> str:
        params = {
            "behandler": self.practitioner.pk if self.practitioner else "",
            "dato": self.day.isoformat(),
            "visning": self.view,
        }
        params.update(changes)
        return urlencode(params)

    @property
    def step(self) -> timedelta:
        return timedelta(days=7 if self.view == "uke" else 1)


@dataclass
class DayBlock:
    day: date
    appointments: list[Any] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)  # "Stengt hele dagen: Planleggingsdag", …


def _state(clinic: Clinic, data: QueryDict | None) -> tuple[OverviewForm, State]:
    today = display.local_today(clinic)
    bound = data is not None and any(k in data for k in ("behandler", "dato", "visning"))
    form = OverviewForm(data if bound else None, clinic=clinic, today=today)
    default = form.default_practitioner
    if not bound:
        form.initial = {"behandler": default, "dato": today, "visning": "dag"}
        return form, State(default, today, "dag")
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    return form, State(cleaned.get("behandler") or default, cleaned.get("dato") or today,
                       cleaned.get("visning") or "dag")


def _days(clinic: Clinic, state: State, revealed: dict[int, str]) -> list[DayBlock]:
    if state.practitioner is None:
        return []
    tz = clinic.tz
    days = state.days
    start = datetime.combine(days[0], time.min, tzinfo=tz)
    end = datetime.combine(days[-1] + timedelta(days=1), time.min, tzinfo=tz)
    blocks = {d: DayBlock(d) for d in days}
    appointments = (
        Appointment.objects.filter(
            clinic=clinic, practitioner=state.practitioner, status=Appointment.Status.BOOKED,
            start__gte=start, start__lt=end,
        )
        .select_related("appointment_type", "patient")
        .order_by("start")
    )
    closures = [c for c in daybook.day_closures(clinic, days[0], days[-1])
                if c.practitioner_id in (None, state.practitioner.pk)]
    for d, block in blocks.items():
        holiday = daybook.holiday_name(clinic, d)
        if holiday:
            block.closed.append(_("Stengt hele dagen: %(reason)s") % {"reason": holiday})
        for c in closures:
            if c.start_date <= d <= c.end_date:
                reason = c.reason or _("ingen årsak oppgitt")
                block.closed.append(
                    _("Stengt hele dagen: %(reason)s") % {"reason": reason} if c.start_time is None else
                    _("Stengt kl. %(start)s–%(end)s: %(reason)s") % {
                        "start": f"{c.start_time:%H:%M}", "end": f"{c.end_time:%H:%M}", "reason": reason})
    for appt in appointments:
        local_start = appt.start.astimezone(tz)
        appt.local_start = local_start
        appt.local_end = appt.end.astimezone(tz)
        patient = appt.patient
        appt.differing = appt.differing_details()
        appt.fnr_display = ""
        appt.fnr_revealed = False
        if patient is not None:
            if patient.pk in revealed:
                appt.fnr_display = revealed[patient.pk]
                appt.fnr_revealed = True
            else:
                appt.fnr_display = patient.masked_fnr
        blocks[local_start.date()].appointments.append(appt)
    return [blocks[d] for d in days]


def _render(request: HttpRequest, clinic: Clinic, data: QueryDict | None,
            revealed: dict[int, str] | None = None) -> HttpResponse:
    form, state = _state(clinic, data)
    base = reverse("staff:overview", kwargs={"clinic": clinic.slug})
    days = _days(clinic, state, revealed or {})
    patient_ids = sorted({a.patient_id for d in days for a in d.appointments if a.patient_id})
    if patient_ids:
        services.log_patient_list_access(clinic, actor=request.user, practitioner=state.practitioner,
                                         days=state.days, patient_ids=patient_ids)
    context = {
        "clinic": clinic,
        "form": form,
        "state": state,
        "days": days,
        "today": form.today,
        "prev_url": f"{base}?{state.query(dato=(state.day - state.step).isoformat())}",
        "next_url": f"{base}?{state.query(dato=(state.day + state.step).isoformat())}",
        "today_url": f"{base}?{state.query(dato=form.today.isoformat())}",
        "nav": "overview",
    }
    return render(request, "staff/overview.html", context)


@clinic_view
def overview(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    return _render(request, clinic, request.GET)


def _appointment(clinic: Clinic, pk: int) -> Appointment:
    return get_object_or_404(
        Appointment.objects.select_related("appointment_type", "practitioner", "patient"), pk=pk, clinic=clinic
    )


@clinic_view
def reveal_fnr(request: HttpRequest, clinic: Clinic, pk: int) -> HttpResponse:
    """Show one patient's full fødselsnummer in the overview; the service logs the view.
    POST only, so that a deliberate click (not a link preview or prefetch) reveals it."""
    appointment = _appointment(clinic, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if appointment.patient is None:
        raise Http404("no patient")
    number = services.reveal_fnr(appointment, actor=request.user)
    return _render(request, clinic, request.POST, revealed={appointment.patient.pk: number})


@clinic_view
def accept_details(request: HttpRequest, clinic: Clinic, pk: int) -> HttpResponse:
    """POST: put the name, e-mail and phone given with an appointment into the patient record."""
    appointment = _appointment(clinic, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    _form, state = _state(clinic, request.POST)
    try:
        accept_appointment_details(appointment, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Pasientkortet er oppdatert med opplysningene fra timen %(ref)s.")
                         % {"ref": appointment.reference})
    back = reverse("staff:overview", kwargs={"clinic": clinic.slug}) + "?" + state.query()
    return redirect(f"{back}#time-{appointment.pk}")


@clinic_view
def cancel(request: HttpRequest, clinic: Clinic, pk: int) -> HttpResponse:
    """GET: ask for confirmation. POST: cancel through the booking service."""
    appointment = _appointment(clinic, pk)
    data = request.POST if request.method == "POST" else request.GET
    _form, state = _state(clinic, data)
    back = reverse("staff:overview", kwargs={"clinic": clinic.slug}) + "?" + state.query()
    from_day_view = data.get("tilbake") == "dag"
    if from_day_view:  # came from the clinic's day view: go back there
        back = day_url(clinic, state.day)
    if request.method == "POST":
        try:
            cancel_appointment(appointment, actor=request.user)
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Timen %(time)s er avbestilt.") % {
                "time": display.when_text(appointment.start, clinic.tz)})
        return redirect(back)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    appointment.local_start = appointment.start.astimezone(clinic.tz)  # type: ignore[attr-defined]
    appointment.local_end = appointment.end.astimezone(clinic.tz)  # type: ignore[attr-defined]
    return render(request, "staff/cancel.html", {
        "clinic": clinic, "appointment": appointment, "state": state, "back_url": back, "nav": "overview",
        "from_day_view": from_day_view,
    })
