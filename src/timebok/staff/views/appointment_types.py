"""Timetyper: list, add, edit, reorder; online on/off (refused while nobody could book it),
the rule overrides, sensitive, and the week templates that allow the type."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from timebok.clinics import readiness, services
from timebok.clinics.models import AppointmentType, Clinic
from timebok.core import display
from timebok.staff.access import clinic_view
from timebok.staff.setup_forms import AppointmentTypeForm
from timebok.staff.views._forms import add_errors, direction


def _list_url(clinic: Clinic, anchor: str = "") -> str:
    return reverse("staff:appointment_types", kwargs={"clinic": clinic.slug}) + anchor


@clinic_view
@require_http_methods(["GET"])
def type_list(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    setup = readiness.Setup.load(clinic, display.local_today(clinic))
    rows = [{"type": t, "problems": setup.type_missing(t.pk)}
            for t in sorted(setup.types.values(), key=lambda t: (t.sort_order, t.name))]
    return render(request, "staff/appointment_types.html", {
        "clinic": clinic, "rows": rows, "nav": "types",
    })


def _form_page(request: HttpRequest, clinic: Clinic, atype: AppointmentType | None) -> HttpResponse:
    if request.method == "POST":
        instance = AppointmentType.objects.get(pk=atype.pk) if atype else AppointmentType(clinic=clinic)
        form = AppointmentTypeForm(request.POST, instance=instance, clinic=clinic)
        if form.is_valid():
            try:
                if atype is None:
                    saved = services.create_appointment_type(
                        clinic, actor=request.user, templates=[k for k, v in form.template_changes().items() if v],
                        **form.values())
                    messages.success(request, _("Timetypen %(name)s er lagt til.") % {"name": saved.name})
                else:
                    saved = services.update_appointment_type(atype, actor=request.user,
                                                             templates=form.template_changes(), **form.values())
                    messages.success(request, _("Timetypen %(name)s er lagret.") % {"name": saved.name})
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                return redirect(_list_url(clinic, f"#timetype-{saved.pk}"))
    else:
        form = AppointmentTypeForm(instance=atype or AppointmentType(clinic=clinic), clinic=clinic)
    problems: list[str] = []
    if atype is not None:
        problems = readiness.Setup.load(clinic, display.local_today(clinic)).type_missing(atype.pk)
    return render(request, "staff/appointment_type_form.html", {
        "clinic": clinic, "form": form, "atype": atype, "problems": problems, "nav": "types",
    })


@clinic_view
@require_http_methods(["GET", "POST"])
def type_new(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    return _form_page(request, clinic, None)


@clinic_view
@require_http_methods(["GET", "POST"])
def type_edit(request: HttpRequest, clinic: Clinic, pk: int) -> HttpResponse:
    return _form_page(request, clinic, get_object_or_404(AppointmentType, pk=pk, clinic=clinic))


@clinic_view
@require_POST
def type_move(request: HttpRequest, clinic: Clinic, pk: int) -> HttpResponse:
    atype = get_object_or_404(AppointmentType, pk=pk, clinic=clinic)
    way = direction(request)
    if way is None:
        return HttpResponseBadRequest("retning=opp|ned")
    if services.move_appointment_type(atype, actor=request.user, direction=way):  # type: ignore[arg-type]
        messages.success(request, _("%(name)s er flyttet %(way)s.") % {
            "name": atype.name, "way": _("opp") if way == "up" else _("ned")})
    return redirect(_list_url(clinic, f"#timetype-{atype.pk}"))
