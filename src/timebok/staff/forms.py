"""Forms of the staff module. They validate; the services write."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator, URLValidator
from django.utils.translation import gettext_lazy as _

from timebok.clinics import readiness
from timebok.clinics.models import (
    TRACKING_MESSAGES,
    AppointmentType,
    Clinic,
    Practitioner,
    WeekTemplate,
    normalize_tracking_url,
)
from timebok.core import display
from timebok.staff.fields import ClockField, DayField
from timebok.staff.services import RULE_FIELDS

TRACKING_HELP = _("Valgfri. Bare https:// (http:// bare for localhost).")


class TrackingLinksForm(forms.Form):
    tracking_search_url = forms.CharField(
        label=_("Sporingslenke for brukersøk på bestillingssiden"), required=False, max_length=500,
        help_text=TRACKING_HELP, widget=forms.URLInput(attrs={"autocomplete": "off", "inputmode": "url"}),
    )
    tracking_booked_url = forms.CharField(
        label=_("Sporingslenke for gjennomførte bestillinger"), required=False, max_length=500,
        help_text=TRACKING_HELP, widget=forms.URLInput(attrs={"autocomplete": "off", "inputmode": "url"}),
    )

    def _clean_url(self, name: str) -> str:
        value = normalize_tracking_url(self.cleaned_data.get(name) or "")  # ASCII, host in IDNA form
        if not value:
            return ""
        URLValidator(message=TRACKING_MESSAGES["invalid"])(value)  # as the model's URLField
        MaxLengthValidator(500)(value)  # an international host grows in IDNA form
        return value

    def clean_tracking_search_url(self) -> str:
        return self._clean_url("tracking_search_url")

    def clean_tracking_booked_url(self) -> str:
        return self._clean_url("tracking_booked_url")


class BookingRulesForm(forms.ModelForm):
    class Meta:
        model = Clinic
        fields = list(RULE_FIELDS)


# --- Booking-link generator -------------------------------------------------------------

@dataclass(frozen=True)
class LinkChoice:
    value: str  # e.g. "t5", "t5-b2", "u7"
    label: str
    query: dict[str, int]
    problems: tuple[str, ...] = ()  # why patients could not book through it now (empty: it works)

    @property
    def works(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class LinkGroup:
    legend: str
    note: str
    types: list[LinkChoice]
    templates: list[LinkChoice]


def link_groups(clinic: Clinic) -> list[LinkGroup]:
    """Every appointment type, and every week template of every practitioner, grouped per
    practitioner (first a group for any practitioner). A choice patients could not book
    through (an offline type or practitioner, a type no template allows, a template without
    a current or future arbeidsplan) carries the reasons, and is not offered as a link."""
    setup = readiness.Setup.load(clinic, display.local_today(clinic))
    types = sorted(setup.types.values(), key=lambda t: (t.sort_order, t.name))
    groups = [
        LinkGroup(
            legend=str(_("Alle behandlere")), note="",
            types=[LinkChoice(f"t{t.pk}", t.name, {"timetype": t.pk}, tuple(setup.type_problems(t.pk)))
                   for t in types],
            templates=[],
        )
    ]
    templates = list(WeekTemplate.objects.filter(practitioner__clinic=clinic))
    for p in sorted(setup.practitioners.values(), key=lambda p: (p.sort_order, p.name)):
        own = [t for t in templates if t.practitioner_id == p.pk]
        offered = {tid for tmpl in own for tid in setup.templates[tmpl.pk].type_ids}
        groups.append(LinkGroup(
            legend=str(p),
            note="" if p.online else str(_("har ikke online timebok")),
            types=[LinkChoice(f"t{t.pk}-b{p.pk}", t.name, {"timetype": t.pk, "behandler": p.pk},
                              tuple(setup.type_problems(t.pk, p.pk))) for t in types if t.pk in offered],
            templates=[LinkChoice(f"u{tmpl.pk}", tmpl.name, {"ukemal": tmpl.pk},
                                  tuple(setup.template_problems(tmpl.pk))) for tmpl in own],
        ))
    return groups


class LinkGeneratorForm(forms.Form):
    lenke = forms.ChoiceField(
        label=_("Velg timetype eller ukemal"),
        error_messages={"invalid_choice": _("Velg en timetype eller ukemal fra listen."),
                        "required": _("Velg en timetype eller ukemal.")},
    )
    sprak = forms.ChoiceField(
        label=_("Språk på bestillingssiden"), required=False, initial="", widget=forms.RadioSelect,
        choices=[("", _("Pasientens nettleser velger (ellers norsk)")), ("nb", _("Norsk")),
                 ("en", _("Engelsk (English)"))],
        error_messages={"invalid_choice": _("Velg et språk fra listen.")},
    )

    def __init__(self, *args: Any, groups: list[LinkGroup], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.groups = groups
        self.choices_by_value = {c.value: c for g in groups for c in (*g.types, *g.templates)}
        self.fields["lenke"].choices = [(v, c.label) for v, c in self.choices_by_value.items()]

    def clean_lenke(self) -> str:
        value: str = self.cleaned_data["lenke"]
        choice = self.choices_by_value[value]
        if not choice.works:
            raise forms.ValidationError(
                _("Pasientene kan ikke bestille gjennom denne lenken nå: %(why)s")
                % {"why": " ".join(choice.problems)})
        return value

    @property
    def chosen(self) -> LinkChoice | None:
        if self.is_bound and self.is_valid():
            return self.choices_by_value[self.cleaned_data["lenke"]]
        return None

    @property
    def language(self) -> str:
        """"nb" or "en" for a link that sets the page's language (``?lang=``), else ""."""
        return self.cleaned_data.get("sprak", "") if self.is_bound and self.is_valid() else ""


# --- Bookings overview --------------------------------------------------------------------

class OverviewForm(forms.Form):
    VIEWS = [("dag", _("Dag")), ("uke", _("Uke"))]

    behandler = forms.ModelChoiceField(
        label=_("Behandler"), queryset=Practitioner.objects.none(), empty_label=None,
        error_messages={"invalid_choice": _("Velg en behandler fra listen.")},
    )
    dato = DayField(label=_("Dato"))
    visning = forms.ChoiceField(label=_("Visning"), choices=VIEWS, widget=forms.RadioSelect)

    def __init__(self, *args: Any, clinic: Clinic, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        qs = Practitioner.objects.filter(clinic=clinic)
        self.fields["behandler"].queryset = qs
        self.default_practitioner = qs.first()
        self.today = today


class DayViewForm(forms.Form):
    """The day view's date (GET): the browser's picker, or 2.12.2026 typed by hand."""

    dato = DayField(label=_("Gå til dato"))


class MoveForm(forms.Form):
    """Moving an appointment: a day and practitioner to see free times, then a time (one of
    the free ones, or any typed time; outside the week template only when confirmed)."""

    dato = DayField(label=_("Dato"))
    behandler = forms.ModelChoiceField(
        label=_("Behandler"), queryset=Practitioner.objects.none(), empty_label=None,
        error_messages={"invalid_choice": _("Velg en behandler fra listen.")},
    )
    tid = ClockField(label=_("Annet klokkeslett"), required=False,
                     help_text=_("F.eks. 8.30. Eller velg en av de ledige tidene."))
    utenfor = forms.BooleanField(label=_("Flytt likevel, utenfor arbeidstiden i ukemalen"), required=False)

    def __init__(self, *args: Any, clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["behandler"].queryset = Practitioner.objects.filter(clinic=clinic).order_by("sort_order", "name")


BLOCK_REASONS = (_("Lunsj"), _("Møte"), _("Kurs"))


class BlockForm(forms.Form):
    """Block a practitioner's time on one day from the day view: a range and a reason."""

    fra = ClockField(label=_("Fra"), error_messages={"required": _("Fyll inn fra-klokkeslett, f.eks. 11.30.")})
    til = ClockField(label=_("Til"), error_messages={"required": _("Fyll inn til-klokkeslett, f.eks. 12.")})
    annen_arsak = forms.CharField(label=_("Annen årsak"), required=False, max_length=200)
    arsak = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        t0, t1 = data.get("fra"), data.get("til")
        if t0 and t1 and t1 <= t0:
            self.add_error("til", _("Til-klokkeslettet må være etter fra-klokkeslettet."))
        data["reason"] = (data.get("arsak") or "").strip() or (data.get("annen_arsak") or "").strip()
        return data


class PhoneBookingChoiceForm(forms.Form):
    """Phone booking, the time part: type, practitioner and day (GET), then a time."""

    timetype = forms.ModelChoiceField(
        label=_("Timetype"), queryset=AppointmentType.objects.none(), empty_label=None,
        error_messages={"invalid_choice": _("Velg en timetype fra listen.")},
    )
    behandler = forms.ModelChoiceField(
        label=_("Behandler"), queryset=Practitioner.objects.none(), empty_label=None,
        error_messages={"invalid_choice": _("Velg en behandler fra listen.")},
    )
    dato = DayField(label=_("Dato"))

    def __init__(self, *args: Any, clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["timetype"].queryset = AppointmentType.objects.filter(clinic=clinic).order_by("sort_order", "name")
        self.fields["behandler"].queryset = Practitioner.objects.filter(clinic=clinic).order_by("sort_order", "name")


class PhoneBookingTimeForm(forms.Form):
    """Phone booking, the POST: the time (a free one or typed), who, and the confirmation."""

    tid = forms.CharField(required=False, max_length=5)
    annen_tid = ClockField(label=_("Annet klokkeslett"), required=False,
                           help_text=_("Bare hvis ingen av de ledige tidene passer. F.eks. 8.30."))
    utenfor = forms.BooleanField(label=_("Bestill likevel, utenfor arbeidstiden i ukemalen"), required=False)
    pasient = forms.CharField(required=False, max_length=12)
    varsle = forms.BooleanField(label=_("Send bekreftelse til pasienten (e-post og SMS)"), required=False)
    sprak = forms.ChoiceField(label=_("Språk i meldingene"), choices=settings.LANGUAGES, required=False)

    def clean_tid(self) -> Any:
        text = (self.cleaned_data.get("tid") or "").strip()
        if not text:
            return None
        try:
            return ClockField().clean(text)
        except forms.ValidationError:
            raise forms.ValidationError(_("Velg en av de ledige tidene.")) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors and data.get("tid") is None and data.get("annen_tid") is None:
            self.add_error("tid", _("Velg en av de ledige tidene, eller skriv et klokkeslett."))
        return data
