"""Forms of the clinic's set-up pages: Behandlere, Timetyper, Stengt. They validate what was
typed; timebok.clinics.services writes it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from timebok.clinics.closures import ClosureSpec
from timebok.clinics.models import AppointmentType, Clinic, Practitioner, TemplatePeriod, WeekTemplate
from timebok.clinics.services import PRACTITIONER_FIELDS, TYPE_FIELDS
from timebok.staff.fields import ClockField, DayField


class PractitionerForm(forms.ModelForm):
    class Meta:
        model = Practitioner
        fields = list(PRACTITIONER_FIELDS)
        help_texts = {
            "title": gettext_lazy("Vises for pasientene, f.eks. Fysioterapeut."),
            "online": gettext_lazy("Pasientene kan bestille time hos behandleren på nett, i tidene ukemalene gir."),
            "email": gettext_lazy("Trengs bare for varsler."),
        }
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "off"})}

    def __init__(self, *args: Any, clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.clinic = clinic


class AppointmentTypeForm(forms.ModelForm):
    """The type's fields, and the week templates it is allowed in (as a whole)."""

    templates = forms.MultipleChoiceField(
        label=gettext_lazy("Tillatt i ukemaler"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Kryss av for å tillate timetypen i alle periodene i ukemalen."),
        error_messages={"invalid_choice": gettext_lazy("Velg ukemaler fra listen.")},
    )

    class Meta:
        model = AppointmentType
        fields = list(TYPE_FIELDS)
        help_texts = {
            "online": gettext_lazy("Slås på når en ukemal til en behandler med online timebok tillater timetypen."),
            "info_text": gettext_lazy("Vises i den blå boksen på bestillingssiden."),
            "address": gettext_lazy("Tomt betyr klinikkens adresse."),
        }
        widgets = {"info_text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.clinic = clinic
        self.clinic = clinic
        hours = _("%(n)s timer")
        defaults = {
            "min_notice_hours": hours % {"n": clinic.min_notice_hours},
            "horizon_days": _("%(n)s dager") % {"n": clinic.horizon_days},
            "cancellation_hours": hours % {"n": clinic.cancellation_hours},
        }
        for name, value in defaults.items():
            self.fields[name].help_text = _("Tomt betyr klinikkens innstilling (%(value)s).") % {"value": value}
        limit = clinic.max_future_bookings
        self.fields["max_future_bookings"].help_text = (
            _("Den strengeste av denne og klinikkens grense (%(n)s) gjelder.") % {"n": limit} if limit
            else _("Klinikken har ingen grense."))
        self.fields["price"].help_text = _("Hele kroner. Tomt betyr ingen pris oppgitt.")

        # Templates with at least one block; a type is "in" a template when every block allows it.
        templates = list(WeekTemplate.objects.filter(practitioner__clinic=clinic)
                         .select_related("practitioner").prefetch_related("blocks__appointment_types"))
        self.template_rows: list[dict[str, Any]] = []
        choices, initial = [], []
        for tmpl in templates:
            blocks = list(tmpl.blocks.all())
            if not blocks:
                continue
            allowing = sum(1 for b in blocks if self.instance.pk and
                           any(t.pk == self.instance.pk for t in b.appointment_types.all()))
            state = "all" if allowing == len(blocks) else "some" if allowing else "none"
            value = str(tmpl.pk)
            choices.append((value, f"{tmpl.name} ({tmpl.practitioner.name})"))
            if state == "all":
                initial.append(value)
            self.template_rows.append({"value": value, "template": tmpl, "state": state,
                                       "practitioner": tmpl.practitioner})
        self.fields["templates"].choices = choices
        self.fields["templates"].initial = initial
        self.template_states = {row["value"]: row["state"] for row in self.template_rows}

    def template_changes(self) -> dict[int, bool]:
        """For the service: checked -> allowed in the whole template; unchecked where it was
        allowed everywhere -> removed; unchecked where it was allowed in some periods -> as is."""
        checked = set(self.cleaned_data.get("templates") or [])
        changes = {int(v): True for v in checked}
        for value, state in self.template_states.items():
            if value not in checked and state == "all":
                changes[int(value)] = False
        return changes

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in TYPE_FIELDS}


# --- Stengt -------------------------------------------------------------------------------

class ClosureForm(forms.Form):
    practitioner = forms.ModelChoiceField(
        label=gettext_lazy("Gjelder"), queryset=Practitioner.objects.none(), required=False,
        empty_label=gettext_lazy("Hele klinikken"),
        error_messages={"invalid_choice": gettext_lazy("Velg en behandler fra listen.")},
    )
    start_date = DayField(label=gettext_lazy("Fra dato"),
                          error_messages={"required": gettext_lazy("Fyll inn datoen det skal være stengt.")})
    end_date = DayField(label=gettext_lazy("Til dato"), required=False,
                        help_text=gettext_lazy("Tomt betyr bare fra-datoen."))
    start_time = ClockField(label=gettext_lazy("Fra klokkeslett"), required=False,
                            help_text=gettext_lazy("Tomt betyr hele dagen. F.eks. 8, 0800 eller 8.30."))
    end_time = ClockField(label=gettext_lazy("Til klokkeslett"), required=False)
    reason = forms.CharField(label=gettext_lazy("Årsak"), required=False, max_length=200,
                             help_text=gettext_lazy("Står i meldingen til pasienter som får timen avbestilt."))

    def __init__(self, *args: Any, clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["practitioner"].queryset = Practitioner.objects.filter(clinic=clinic)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("Til-datoen kan ikke være før fra-datoen."))
        t0, t1 = data.get("start_time"), data.get("end_time")
        if "start_time" not in self.errors and "end_time" not in self.errors:
            if t0 and not t1:
                self.add_error("end_time", _("Fyll inn til-klokkeslett, eller tøm fra-klokkeslett for hele dagen."))
            elif t1 and not t0:
                self.add_error("start_time", _("Fyll inn fra-klokkeslett, eller tøm til-klokkeslett for hele dagen."))
            elif t0 and t1 and t1 <= t0:
                self.add_error("end_time", _("Til-klokkeslettet må være etter fra-klokkeslettet."))
        return data

    def spec(self) -> ClosureSpec:
        d = self.cleaned_data
        practitioner = d.get("practitioner")
        return ClosureSpec(
            start_date=d["start_date"], end_date=d.get("end_date") or d["start_date"],
            start_time=d.get("start_time"), end_time=d.get("end_time"),
            practitioner_id=practitioner.pk if practitioner else None, reason=(d.get("reason") or "").strip(),
        )


class HolidaysForm(forms.ModelForm):
    class Meta:
        model = Clinic
        fields = ["close_public_holidays"]



class NewWeekTemplateForm(forms.Form):
    """A new template: whose, its name, and its first arbeidsplan (from today, every week)."""

    practitioner = forms.ModelChoiceField(
        label=gettext_lazy("Behandler"), queryset=Practitioner.objects.none(),
        empty_label=gettext_lazy("Velg behandler"),
        error_messages={"required": gettext_lazy("Velg behandleren ukemalen gjelder for."),
                        "invalid_choice": gettext_lazy("Velg en behandler fra listen.")},
    )
    name = forms.CharField(label=gettext_lazy("Navn på ukemalen"), max_length=200,
                           help_text=gettext_lazy("F.eks. Standarduke eller Onsdag kveld."),
                           error_messages={"required": gettext_lazy("Gi ukemalen et navn.")})
    start_date = DayField(label=gettext_lazy("Gjelder fra"))
    end_date = DayField(label=gettext_lazy("Til og med"), required=False,
                        help_text=gettext_lazy("Tomt betyr inntil videre."))
    parity = forms.ChoiceField(label=gettext_lazy("Uker"), choices=TemplatePeriod.PARITY_CHOICES, initial="all")

    def __init__(self, *args: Any, clinic: Clinic, today: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["practitioner"].queryset = Practitioner.objects.filter(clinic=clinic)
        self.fields["start_date"].initial = today

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("Til-datoen kan ikke være før fra-datoen."))
        return data
