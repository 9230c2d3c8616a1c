"""Behandlere: list, add, edit, reorder; online timebok on/off; optional e-mail notifications."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from timebok.clinics import services
from timebok.clinics.models import Clinic, Practitioner
from timebok.staff.access import clinic_view
from timebok.staff.setup_forms import PractitionerForm
from timebok.staff.views._forms import add_errors, direction


def _list_url(clinic: Clinic, anchor: str = "") -> str:
    return reverse("staff:practitioners", kwargs={"clinic": clinic.slug}) + anchor


@clinic_view
@require_http_methods(["GET"])
def practitioner_list(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    practitioners = list(Practitioner.objects.filter(clinic=clinic).prefetch_related("week_templates"))
    return render(request, "staff/practitioners.html", {
        "clinic": clinic, "practitioners": practitioners, "nav": "practitioners",
    })


def _form_page(request: HttpRequest, clinic: Clinic, practitioner: Practitioner | None) -> HttpResponse:
    instance = practitioner or Practitioner(clinic=clinic)
    if request.method == "POST":
        form = PractitionerForm(request.POST, instance=Practitioner.objects.get(pk=instance.pk) if instance.pk
                                else instance, clinic=clinic)
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in services.PRACTITIONER_FIELDS}
            try:
                if practitioner is None:
                    saved = services.create_practitioner(clinic, actor=request.user, **values)
                    messages.success(request, _("%(name)s er lagt til.") % {"name": saved.name})
                else:
                    saved = services.update_practitioner(practitioner, actor=request.user, **values)
                    messages.success(request, _("%(name)s er lagret.") % {"name": saved.name})
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                return redirect(_list_url(clinic, f"#behandler-{saved.pk}"))
    else:
        form = PractitionerForm(instance=instance, clinic=clinic)
    return render(request, "staff/practitioner_form.html", {
        "clinic": clinic, "form": form, "practitioner": practitioner, "nav": "practitioners",
    })


@clinic_view
@require_http_methods(["GET", "POST"])
def practitioner_new(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    return _form_page(request, clinic, None)


@clinic_view
@require_http_methods(["GET", "POST"])
def practitioner_edit(request: HttpRequest, clinic: Clinic, pk: int) -> HttpResponse:
    return _form_page(request, clinic, get_object_or_404(Practitioner, pk=pk, clinic=clinic))


@clinic_view
@require_POST
def practitioner_move(request: HttpRequest, clinic: Clinic, pk: int) -> HttpResponse:
    practitioner = get_object_or_404(Practitioner, pk=pk, clinic=clinic)
    way = direction(request)
    if way is None:
        return HttpResponseBadRequest("retning=opp|ned")
    if services.move_practitioner(practitioner, actor=request.user, direction=way):  # type: ignore[arg-type]
        messages.success(request, _("%(name)s er flyttet %(way)s.") % {
            "name": practitioner.name, "way": _("opp") if way == "up" else _("ned")})
    return redirect(_list_url(clinic, f"#behandler-{practitioner.pk}"))
