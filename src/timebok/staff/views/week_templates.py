"""Ukemaler: the list per practitioner, a new template, the weekly grid with its arbeidsplan
on one page, and a preview of the next two weeks' free times as the booking page shows them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from timebok.appointments.services import availability
from timebok.clinics import readiness, services
from timebok.clinics.models import WEEKDAYS, AppointmentType, Clinic, Practitioner, WeekTemplate
from timebok.core import display
from timebok.staff.access import clinic_view
from timebok.staff.setup_forms import NewWeekTemplateForm
from timebok.staff.views._forms import add_errors
from timebok.staff.week_grid import WeekGridForm, plan_text, week_summary

PREVIEW_DAYS = 14
LEVEL_TEXT = {"many": "mange ledige", "few": "få ledige", "none": "ingen ledige"}


def _template(clinic: Clinic, pk: int) -> WeekTemplate:
    return get_object_or_404(WeekTemplate.objects.select_related("practitioner"), pk=pk,
                             practitioner__clinic=clinic)


def _list_context(request: HttpRequest, clinic: Clinic, new_form: NewWeekTemplateForm | None = None
                  ) -> dict[str, Any]:
    today = display.local_today(clinic)
    setup = readiness.Setup.load(clinic, today)
    templates = list(WeekTemplate.objects.filter(practitioner__clinic=clinic)
                     .prefetch_related("blocks", "periods"))
    groups = []
    for practitioner in Practitioner.objects.filter(clinic=clinic):
        own = [{"template": t, "summary": week_summary(list(t.blocks.all())),
                "plan": [plan_text(p) for p in t.periods.all()], "problems": setup.template_problems(t.pk)}
               for t in templates if t.practitioner_id == practitioner.pk]
        groups.append({"practitioner": practitioner, "templates": own})
    return {
        "clinic": clinic, "groups": groups, "nav": "templates",
        "new_form": new_form or NewWeekTemplateForm(clinic=clinic, today=today),
    }


@clinic_view
@require_http_methods(["GET", "POST"])
def template_list(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    """GET: every practitioner's templates. POST: a new template (then its grid)."""
    if request.method == "POST":
        form = NewWeekTemplateForm(request.POST, clinic=clinic, today=display.local_today(clinic))
        if form.is_valid():
            d = form.cleaned_data
            try:
                template = services.create_week_template(
                    d["practitioner"], actor=request.user, name=d["name"],
                    periods=[services.PeriodSpec(d["start_date"], d.get("end_date"), d["parity"])])
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Ukemalen %(name)s er opprettet. Legg inn arbeidstiden.") % {
                    "name": template.name})
                return redirect("staff:week_template", clinic=clinic.slug, pk=template.pk)
        return render(request, "staff/week_templates.html", _list_context(request, clinic, form))
    return render(request, "staff/week_templates.html", _list_context(request, clinic))


def preview(clinic: Clinic, template: WeekTemplate, atype: AppointmentType, first: date) -> list[dict[str, Any]]:
    """The next two weeks' free times of the type with the template's practitioner, computed
    by the availability service exactly as the booking page asks it."""
    last = first + timedelta(days=PREVIEW_DAYS - 1)
    practitioner = template.practitioner
    levels = availability.day_levels(clinic, atype, practitioner, first, last)
    rows = []
    day = first
    while day <= last:
        info = levels[day]
        slots = availability.free_slots(clinic, atype, practitioner, day) if info.free else []
        rows.append({"day": day, "text": display.day_text(day), "level": info.level,
                     "level_text": _(LEVEL_TEXT[info.level]),
                     "times": [display.time_text(s.start, clinic.tz) for s in slots]})
        day += timedelta(days=1)
    return rows


def _preview_context(request: HttpRequest, clinic: Clinic, template: WeekTemplate) -> dict[str, Any]:
    today = display.local_today(clinic)
    setup = readiness.Setup.load(clinic, today)
    allowed = [setup.types[t] for t in setup.templates[template.pk].type_ids]
    allowed.sort(key=lambda t: (not t.online, t.sort_order, t.name))
    chosen = None
    wanted = request.GET.get("vis", "")
    if wanted.isdigit():
        chosen = next((t for t in allowed if t.pk == int(wanted)), None)
    if chosen is None and allowed:
        chosen = allowed[0]
    notes = []
    if not clinic.online_booking:
        notes.append(_("Online bestilling er slått av for klinikken."))
    notes += setup.template_problems(template.pk)
    if chosen is not None and not chosen.online:
        notes.append(_("Timetypen %(name)s kan ikke bestilles online.") % {"name": chosen.name})
    return {
        "preview_types": allowed,
        "preview_type": chosen,
        "preview": preview(clinic, template, chosen, today) if chosen else [],
        "preview_notes": notes,
        "problems": setup.template_problems(template.pk),
    }


def _edit_context(request: HttpRequest, clinic: Clinic, template: WeekTemplate, form: WeekGridForm
                  ) -> dict[str, Any]:
    return {"clinic": clinic, "template": template, "form": form, "nav": "templates",
            **_preview_context(request, clinic, template)}


@clinic_view
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, clinic: Clinic, pk: int) -> HttpResponse:
    """The weekly grid. POST "lagre" saves; "kopier=<day>" saves with that day copied to the
    other weekdays; "flere=<day>" shows one more empty period for that day (nothing saved)."""
    template = _template(clinic, pk)
    types = list(AppointmentType.objects.filter(clinic=clinic))
    if request.method == "GET":
        form = WeekGridForm(template=template, types=types)
        return render(request, "staff/week_template.html", _edit_context(request, clinic, template, form))

    more = request.POST.get("flere", "")
    if more.isdigit() and int(more) < 7:
        form = WeekGridForm(request.POST, template=template, types=types, more_rows_for=int(more))
        form.errors.clear()  # nothing was saved, nothing to complain about yet
        return render(request, "staff/week_template.html", _edit_context(request, clinic, template, form))

    form = WeekGridForm(request.POST, template=template, types=types)
    copy = request.POST.get("kopier", "")
    copy_day = int(copy) if copy.isdigit() and int(copy) < 5 else None
    if form.is_valid() and copy_day is not None and not any(b.weekday == copy_day for b in form.blocks):
        form.add_error(None, _("Fyll inn arbeidstiden for %(day)s før du kopierer den til alle hverdager.") % {
            "day": str(dict(WEEKDAYS)[copy_day])})
    if form.is_valid():
        blocks = form.blocks_with_copy(copy_day) if copy_day is not None else form.blocks
        try:
            services.update_week_template(template, actor=request.user, name=form.cleaned_data["name"],
                                          blocks=blocks, periods=form.periods)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if copy_day is not None:
                day_name = str(dict(WEEKDAYS)[copy_day])
                messages.success(request, _("Ukemalen er lagret, og %(day)s er kopiert til alle hverdager.") % {
                    "day": day_name})
            else:
                messages.success(request, _("Ukemalen er lagret."))
            return redirect(reverse("staff:week_template", kwargs={"clinic": clinic.slug, "pk": template.pk}))
    return render(request, "staff/week_template.html", _edit_context(request, clinic, template, form))


@clinic_view
@require_http_methods(["GET", "POST"])
def template_delete(request: HttpRequest, clinic: Clinic, pk: int) -> HttpResponse:
    template = _template(clinic, pk)
    if request.method == "POST":
        services.delete_week_template(template, actor=request.user)
        messages.success(request, _("Ukemalen %(name)s er slettet.") % {"name": template.name})
        return redirect("staff:week_templates", clinic=clinic.slug)
    return render(request, "staff/week_template_delete.html", {
        "clinic": clinic, "template": template, "nav": "templates",
    })
