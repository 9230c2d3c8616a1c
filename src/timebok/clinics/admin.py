"""The Django admin, in bokmål, for superusers only (see superusers_only). The clinic
scoping below is defence in depth: it would keep a non-superuser to their own clinics' rows
if the admin were ever opened to them again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from timebok.clinics.models import (
    RULE_FIELDS,
    TRACKING_FIELDS,
    AppointmentType,
    Clinic,
    Closure,
    Practitioner,
    TemplateBlock,
    TemplatePeriod,
    WeekTemplate,
)
from timebok.clinics.validation import BlockSpec, overlapping_blocks, types_that_fit_nowhere

admin.site.site_header = "Timebok"
admin.site.site_title = "Timebok"
admin.site.index_title = "Administrasjon"
admin.site.site_url = "/timebok/"  # "Vis nettsted" leads back to the Timebok module, not to /


def superusers_only(request: HttpRequest) -> bool:
    """The Django admin is for the operator's superusers. Clinic staff set everything up in
    the Timebok module (/timebok/), through services that validate and audit each change."""
    user = request.user
    return bool(user.is_active and user.is_superuser)


class SuperuserLoginForm(AdminAuthenticationForm):
    """The admin's login refuses anyone but a superuser, with a pointer to the module."""

    def confirm_login_allowed(self, user: Any) -> None:
        if user.is_active and not user.is_superuser:  # (the password was right: say where to go)
            raise ValidationError(
                _("Administrasjonen er bare for driftsansvarlige. Klinikkens ansatte logger inn i "
                  "Timebok på %(url)s."), code="not_superuser", params={"url": "/timebok/logg-inn/"})
        super().confirm_login_allowed(user)


admin.site.has_permission = superusers_only  # type: ignore[method-assign]
admin.site.login_form = SuperuserLoginForm


def user_clinic_ids(request: HttpRequest) -> list[int] | None:
    """None for superusers (all clinics), else the ids of the user's clinics."""
    if request.user.is_superuser:
        return None
    return list(request.user.clinics.values_list("id", flat=True))  # type: ignore[union-attr]


class ClinicScopedAdmin(admin.ModelAdmin):
    """Limits rows and choices to the user's clinics. `clinic_path` is the lookup to Clinic."""

    clinic_path = "clinic"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        ids = user_clinic_ids(request)
        return qs if ids is None else qs.filter(**{f"{self.clinic_path}__in": ids})

    def get_list_filter(self, request: HttpRequest) -> Any:
        filters = super().get_list_filter(request)
        if request.user.is_superuser:
            return filters
        # A filter on clinic (or on practitioner) would list every clinic's names.
        return [f for f in filters if not (isinstance(f, str) and
                                           (f.startswith("clinic") or "__clinic" in f or f == "practitioner"))]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        ids = user_clinic_ids(request)
        if ids is not None:
            model = db_field.related_model
            if model is Clinic:
                kwargs["queryset"] = Clinic.objects.filter(pk__in=ids)
            elif hasattr(model, "clinic"):
                kwargs["queryset"] = model.objects.filter(clinic_id__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ClinicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "online_booking"]
    prepopulated_fields = {"slug": ["name"]}
    # A plain multiple select for staff: Django's filter_horizontal widget fails axe
    # (aria-label on a span inside the label).
    fieldsets = [
        (None, {"fields": ["name", "slug", "address", "phone", "email", "timezone", "staff"]}),
        ("Bestilling på nett", {"fields": list(RULE_FIELDS)}),
        ("Sporing", {"fields": list(TRACKING_FIELDS)}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Clinic]:
        qs = super().get_queryset(request)
        ids = user_clinic_ids(request)
        return qs if ids is None else qs.filter(pk__in=ids)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def get_prepopulated_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A read-only slug cannot be prepopulated (the change page would fail).
        return super().get_prepopulated_fields(request, obj) if request.user.is_superuser else {}

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if request.user.is_superuser:
            return []
        # Staff change tracking links and booking rules in Timebok → Innstillinger, through the
        # services that validate and audit them (timebok.staff.services).
        return ["slug", "staff", *RULE_FIELDS, *TRACKING_FIELDS]


admin.site.register(Clinic, ClinicAdmin)


@admin.register(Practitioner)
class PractitionerAdmin(ClinicScopedAdmin):
    list_display = ["name", "title", "clinic", "online"]
    list_filter = ["clinic", "online"]


@admin.register(AppointmentType)
class AppointmentTypeAdmin(ClinicScopedAdmin):
    list_display = ["name", "clinic", "duration_minutes", "price", "online"]
    list_filter = ["clinic", "online"]


class BlockForm(forms.ModelForm):
    class Meta:
        model = TemplateBlock
        fields = ["weekday", "start_time", "end_time", "appointment_types"]
        widgets = {"appointment_types": forms.CheckboxSelectMultiple}


class BlockFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        specs = []
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            data = form.cleaned_data
            if not data or data.get("weekday") is None or not data.get("start_time") or not data.get("end_time"):
                continue
            if data["end_time"] <= data["start_time"]:
                continue  # reported on the row by TemplateBlock.clean
            types = data.get("appointment_types") or []
            clinic_id = self.instance.practitioner.clinic_id if self.instance.practitioner_id else None
            foreign = [t.name for t in types if clinic_id is not None and t.clinic_id != clinic_id]
            if foreign:
                raise ValidationError("Timetypene %s hører til en annen klinikk." % ", ".join(foreign))
            specs.append(BlockSpec(data["weekday"], data["start_time"], data["end_time"],
                                   frozenset(t.pk for t in types)))
        errors = overlapping_blocks(specs)
        if self.instance.practitioner_id:
            errors += types_that_fit_nowhere(
                specs, template_id=self.instance.pk, clinic_id=self.instance.practitioner.clinic_id
            )
        if errors:
            raise ValidationError(errors)


class BlockInline(admin.StackedInline):  # stacked: every field has its own label (axe)
    model = TemplateBlock
    form = BlockForm
    formset = BlockFormSet
    extra = 1

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        ids = user_clinic_ids(request)
        if ids is not None and db_field.name == "appointment_types":
            kwargs["queryset"] = AppointmentType.objects.filter(clinic_id__in=ids)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class PeriodInline(admin.StackedInline):
    model = TemplatePeriod
    extra = 1


@admin.register(WeekTemplate)
class WeekTemplateAdmin(ClinicScopedAdmin):
    clinic_path = "practitioner__clinic"
    list_display = ["name", "practitioner"]
    list_filter = ["practitioner__clinic"]
    inlines = [BlockInline, PeriodInline]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        ids = user_clinic_ids(request)
        if ids is not None and db_field.name == "practitioner":
            kwargs["queryset"] = Practitioner.objects.filter(clinic_id__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Closure)
class ClosureAdmin(ClinicScopedAdmin):
    list_display = ["start_date", "end_date", "start_time", "end_time", "practitioner", "reason", "clinic"]
    list_filter = ["clinic"]
