"""Timebok: the clinic's day, every practitioner at a glance (the default page of a clinic)."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from timebok.appointments.services.daybook import clinic_day
from timebok.clinics import services as clinic_services
from timebok.clinics.closures import ClosureSpec
from timebok.clinics.models import Clinic, Closure, Practitioner
from timebok.core import display
from timebok.staff import services
from timebok.staff.access import clinic_view
from timebok.staff.forms import BLOCK_REASONS, BlockForm, DayViewForm


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
               extra: dict[str, object] | None = None, status: int = 200,
               block_form: tuple[int, BlockForm] | None = None) -> HttpResponse:
    today = display.local_today(clinic)
    book = clinic_day(clinic, day)
    block_forms = {c.practitioner.pk: BlockForm(auto_id=f"b{c.practitioner.pk}-%s") for c in book.columns}
    if block_form is not None:
        block_forms[block_form[0]] = block_form[1]
    patient_ids = sorted({e.appointment.patient_id for c in book.columns for e in c.appointments
                          if e.appointment is not None and e.appointment.patient_id})
    if patient_ids:
        services.log_patient_list_access(clinic, actor=request.user, practitioner=None, days=[day],
                                         patient_ids=patient_ids)
    context = {
        "clinic": clinic,
        "form": form,
        "book": book,
        "columns": [(c, block_forms[c.practitioner.pk]) for c in book.columns],
        "open_block": block_form[0] if block_form else None,
        "reasons": BLOCK_REASONS,
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


@clinic_view
@require_POST
def block(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    """Block a practitioner's time range on one day (lunch, a meeting, a course): a closure
    of that practitioner, saved through clinics.services, so online booking loses it at once."""
    practitioner = get_object_or_404(Practitioner, pk=_int(request.POST.get("behandler")), clinic=clinic)
    date_form, day = chosen_day(clinic, request.POST)
    if date_form.errors:
        messages.error(request, " ".join(str(e) for e in date_form.errors.get("dato", [])))
        return redirect(day_url(clinic, day))
    form = BlockForm(request.POST, auto_id=f"b{practitioner.pk}-%s")
    if form.is_valid():
        spec = ClosureSpec(day, day, form.cleaned_data["fra"], form.cleaned_data["til"], practitioner.pk,
                           form.cleaned_data["reason"])
        try:
            clinic_services.create_closure(clinic, spec, actor=request.user)
        except clinic_services.ClosureHasBookings as exc:
            form.add_error(None, ngettext(
                "Det er %(n)s bestilt time i tiden. Flytt eller avbestill den først.",
                "Det er %(n)s bestilte timer i tiden. Flytt eller avbestill dem først.",
                len(exc.appointments)) % {"n": len(exc.appointments)})
        else:
            messages.success(request, _("%(name)s er blokkert %(start)s–%(end)s: %(reason)s. Tiden kan ikke "
                                        "bestilles på nett.") % {
                "name": practitioner.name, "start": f"{spec.start_time:%H:%M}", "end": f"{spec.end_time:%H:%M}",
                "reason": spec.reason or _("ingen årsak oppgitt")})
            return redirect(day_url(clinic, day) + f"#behandler-{practitioner.pk}")
    return render_day(request, clinic, day, DayViewForm(initial={"dato": day}), status=400,
                      block_form=(practitioner.pk, form))


@clinic_view
@require_POST
def unblock(request: HttpRequest, clinic: Clinic, pk: int) -> HttpResponse:
    """Remove a blocked range (a practitioner's closure of one day with clock times)."""
    closure = get_object_or_404(Closure, pk=pk, clinic=clinic)
    if closure.practitioner_id is None or closure.start_time is None or closure.start_date != closure.end_date:
        raise Http404("not a blocked range")
    clinic_services.delete_closure(closure, actor=request.user)
    messages.success(request, _("Blokkeringen %(text)s er fjernet. Tiden kan bestilles igjen.") % {
        "text": ClosureSpec.of(closure).text()})
    return redirect(day_url(clinic, closure.start_date) + f"#behandler-{closure.practitioner_id}")


def _int(value: str | None) -> int:
    text = value or ""
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        raise Http404("not an id")
    return int(text)
