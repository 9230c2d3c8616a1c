"""Stengt: closures for the clinic or one practitioner (whole days or a time range), the
public holidays the clinic follows, and 24/31 December in one click.

Saving a closure that covers booked appointments first shows how many and which; staff then
keep them, or cancel them all and each patient is told the reason and the clinic's phone
(timebok.clinics.services.create_closures does the checking and the writing).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from timebok.appointments.models import Appointment
from timebok.clinics import services
from timebok.clinics.closures import ClosureSpec, coming_holidays, covered_appointments, year_end_days
from timebok.clinics.models import Clinic, Closure, Practitioner
from timebok.core import display
from timebok.staff import services as staff_services
from timebok.staff.access import clinic_view
from timebok.staff.setup_forms import ClosureForm, HolidaysForm
from timebok.staff.views._forms import add_errors


def _page_url(clinic: Clinic, anchor: str = "") -> str:
    return reverse("staff:closures", kwargs={"clinic": clinic.slug}) + anchor


def _who(clinic: Clinic, practitioner_id: int | None) -> str:
    if practitioner_id is None:
        return _("Hele klinikken")
    return str(Practitioner.objects.get(pk=practitioner_id, clinic=clinic).name)


def _year_end(clinic: Clinic, closures: Sequence[Closure]) -> list[dict[str, Any]]:
    """The coming 24/31 December, and whether the clinic is closed all day on them already."""
    rows = []
    for day, name in year_end_days(display.local_today(clinic)):
        closed = any(c.practitioner_id is None and c.start_time is None and c.start_date <= day <= c.end_date
                     for c in closures)
        rows.append({"day": day, "name": name, "text": display.date_text(day), "closed": closed})
    return rows


def _page(request: HttpRequest, clinic: Clinic, *, form: ClosureForm | None = None,
          holidays_form: HolidaysForm | None = None, status: int = 200) -> HttpResponse:
    today = display.local_today(clinic)
    closures = list(Closure.objects.filter(clinic=clinic, end_date__gte=today)
                    .select_related("practitioner").order_by("start_date", "start_time", "pk"))
    rows = []
    for closure in closures:
        spec = ClosureSpec.of(closure)
        rows.append({"closure": closure, "text": spec.text(),
                     "who": closure.practitioner.name if closure.practitioner else _("Hele klinikken"),
                     "booked": len(covered_appointments(clinic, [spec]))})
    year_end = _year_end(clinic, closures)
    return render(request, "staff/closures.html", {
        "clinic": clinic, "nav": "closures", "form": form or ClosureForm(clinic=clinic),
        "holidays_form": holidays_form or HolidaysForm(instance=clinic),
        "rows": rows, "holidays": [{"text": display.date_text(h.day), "name": h.name} for h in coming_holidays(today)],
        "year_end": year_end, "year_end_open": [r for r in year_end if not r["closed"]],
    }, status=status)


@clinic_view
@require_GET
def closure_page(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    return _page(request, clinic)


def _shown(request: HttpRequest) -> list[int]:
    return [int(v) for v in request.POST.get("vist", "").split(",") if v.strip().isdigit()]


def _rows(clinic: Clinic, appointments: list[Appointment]) -> list[dict[str, Any]]:
    tz = clinic.tz
    return [{"when": display.when_text(a.start, tz, a.end), "patient": a.patient.full_name if a.patient else "–",
             "type": a.appointment_type.name, "practitioner": a.practitioner.name, "pk": a.pk}
            for a in appointments]


def _confirm(request: HttpRequest, clinic: Clinic, *, specs: Sequence[ClosureSpec], appointments: list[Appointment],
             action_url: str, hidden: list[tuple[str, Any]], changed: bool, allow_keep: bool = True,
             ) -> HttpResponse:
    """Show the booked appointments the closure covers, and ask: keep or cancel them all."""
    practitioner_ids = {a.practitioner_id for a in appointments}
    staff_services.log_patient_list_access(
        clinic, actor=request.user,
        practitioner=Practitioner.objects.get(pk=practitioner_ids.pop()) if len(practitioner_ids) == 1 else None,
        days=[min(s.start_date for s in specs), max(s.end_date for s in specs)],
        patient_ids=sorted({a.patient_id for a in appointments if a.patient_id}),
    )
    return render(request, "staff/closure_confirm.html", {
        "clinic": clinic, "nav": "closures", "action_url": action_url, "hidden": hidden,
        "closures": [{"text": s.text(), "who": _who(clinic, s.practitioner_id), "reason": s.reason} for s in specs],
        "appointments": _rows(clinic, appointments), "count": len(appointments),
        "shown": ",".join(str(a.pk) for a in appointments), "changed": changed, "allow_keep": allow_keep,
        "back_url": _page_url(clinic),
    })


def _done(request: HttpRequest, clinic: Clinic, result: services.ClosureResult, cancel: bool) -> HttpResponse:
    for closure in result.closures:
        spec = ClosureSpec.of(closure)
        text = spec.text() + (f" ({closure.reason})" if closure.reason else "")
        messages.success(request, _("Stengt %(text)s er lagret.") % {"text": text})
    n = len(result.appointments)
    if n and cancel:
        done = len(result.cancelled)
        messages.success(request, ngettext(
            "%(n)s time er avbestilt, og pasienten får beskjed.",
            "%(n)s timer er avbestilt, og pasientene får beskjed.", done) % {"n": done})
    elif n:
        messages.info(request, ngettext("%(n)s bestilt time i perioden er beholdt.",
                                        "%(n)s bestilte timer i perioden er beholdt.", n) % {"n": n})
    return redirect(_page_url(clinic, "#stengt"))


def _save(request: HttpRequest, clinic: Clinic, specs: list[ClosureSpec], *, action_url: str,
          hidden: list[tuple[str, Any]], form: ClosureForm | None) -> HttpResponse:
    choice = request.POST.get("handling", "")
    cancel = choice == "avbestill"
    shown = _shown(request) if choice in ("behold", "avbestill") else []
    try:
        result = services.create_closures(clinic, specs, actor=request.user, shown=shown, cancel_booked=cancel)
    except services.ClosureHasBookings as exc:
        return _confirm(request, clinic, specs=specs, appointments=exc.appointments, action_url=action_url,
                        hidden=hidden, changed=exc.changed)
    except ValidationError as exc:
        if form is None:
            messages.error(request, " ".join(exc.messages))
            return redirect(_page_url(clinic))
        add_errors(form, exc)
        return _page(request, clinic, form=form)
    return _done(request, clinic, result, cancel)


@clinic_view
@require_POST
def closure_create(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    form = ClosureForm(request.POST, clinic=clinic)
    if request.POST.get("handling") == "endre":  # back from the question, with everything kept
        form.errors.clear()
        return _page(request, clinic, form=form)
    if not form.is_valid():
        return _page(request, clinic, form=form)
    hidden = [(f.html_name, f.value() or "") for f in form]
    return _save(request, clinic, [form.spec()], action_url=reverse("staff:closure_create", kwargs={
        "clinic": clinic.slug}), hidden=hidden, form=form)


@clinic_view
@require_POST
def closure_year_end(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    """24 and 31 December (those still open) as whole-day closures for the clinic, in one click."""
    closures = list(Closure.objects.filter(clinic=clinic, end_date__gte=display.local_today(clinic)))
    specs = [ClosureSpec(r["day"], r["day"], reason=str(r["name"])) for r in _year_end(clinic, closures)
             if not r["closed"]]
    if not specs:
        messages.info(request, _("24. og 31. desember er allerede stengt."))
        return redirect(_page_url(clinic, "#rode-dager"))
    return _save(request, clinic, specs, action_url=reverse("staff:closure_year_end", kwargs={"clinic": clinic.slug}),
                 hidden=[], form=None)


@clinic_view
@require_POST
def closure_delete(request: HttpRequest, clinic: Clinic, pk: int) -> HttpResponse:
    closure = get_object_or_404(Closure, pk=pk, clinic=clinic)
    services.delete_closure(closure, actor=request.user)
    messages.success(request, _("Stengt %(text)s er slettet. Tiden kan bestilles igjen.") % {
        "text": ClosureSpec.of(closure).text()})
    return redirect(_page_url(clinic, "#stengt"))


@clinic_view
@require_http_methods(["GET", "POST"])
def closure_cancel_booked(request: HttpRequest, clinic: Clinic, pk: int) -> HttpResponse:
    """The appointments still booked in an existing closure: show them, then cancel them all."""
    closure = get_object_or_404(Closure, pk=pk, clinic=clinic)
    spec = ClosureSpec.of(closure)
    url = reverse("staff:closure_cancel_booked", kwargs={"clinic": clinic.slug, "pk": closure.pk})
    if request.method == "POST" and request.POST.get("handling") == "avbestill":
        try:
            cancelled = services.cancel_booked_in_closure(closure, actor=request.user, shown=_shown(request))
        except services.ClosureHasBookings as exc:
            return _confirm(request, clinic, specs=[spec], appointments=exc.appointments, action_url=url,
                            hidden=[], changed=True, allow_keep=False)
        messages.success(request, ngettext(
            "%(n)s time er avbestilt, og pasienten får beskjed.",
            "%(n)s timer er avbestilt, og pasientene får beskjed.", len(cancelled)) % {"n": len(cancelled)})
        return redirect(_page_url(clinic, "#stengt"))
    appointments = covered_appointments(clinic, [spec])
    if not appointments:
        messages.info(request, _("Ingen bestilte timer i perioden."))
        return redirect(_page_url(clinic, "#stengt"))
    return _confirm(request, clinic, specs=[spec], appointments=appointments, action_url=url, hidden=[],
                    changed=False, allow_keep=False)


@clinic_view
@require_POST
def save_holidays(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    form = HolidaysForm(request.POST, instance=Clinic.objects.get(pk=clinic.pk))
    if form.is_valid():
        staff_services.update_booking_rules(clinic, actor=request.user,
                                            close_public_holidays=form.cleaned_data["close_public_holidays"])
        messages.success(request, _("Røde dager er lagret."))
        return redirect(_page_url(clinic, "#rode-dager"))
    return _page(request, clinic, holidays_form=form)
