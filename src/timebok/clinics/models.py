"""Master data: the clinic, its practitioners, appointment types, week templates and closures."""

from __future__ import annotations

import contextlib
import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from timebok.core import display

WEEKDAYS = [
    (0, _("mandag")),
    (1, _("tirsdag")),
    (2, _("onsdag")),
    (3, _("torsdag")),
    (4, _("fredag")),
    (5, _("lørdag")),
    (6, _("søndag")),
]


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Ukjent tidssone: %(value)s"), params={"value": value})


TRACKING_MESSAGES = {
    "scheme": _("Sporingslenken må begynne med https:// (http:// er bare tillatt for localhost)."),
    "invalid": _("Skriv inn en gyldig nettadresse."),
    "space": _("Sporingslenken kan ikke inneholde mellomrom."),
    "control": _("Sporingslenken kan ikke inneholde usynlige tegn eller kontrolltegn."),
    "port": _("Porten i sporingslenken må være et tall fra 1 til 65535."),
    "host": _("Vertsnavnet i sporingslenken er ikke gyldig."),
    "userinfo": _("Sporingslenken kan ikke inneholde brukernavn eller passord."),
}


def _tracking_error(code: str) -> ValidationError:
    return ValidationError(TRACKING_MESSAGES[code], code=f"tracking_{code}")


def validate_tracking_url(value: str) -> None:
    """Only https, or http to localhost (for testing a tracker locally), with a port of 1–65535
    and a valid host: anything :func:`normalize_tracking_url` can store."""
    normalize_tracking_url(value)


def _check_scheme_and_port(value: str) -> None:
    from urllib.parse import urlsplit

    if not value:
        return
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. an unclosed [ of an IPv6 address
        raise _tracking_error("invalid") from None
    try:
        port = parts.port
    except ValueError:  # not a number, or above 65535
        raise _tracking_error("port") from None
    if port == 0:
        raise _tracking_error("port")
    host = (parts.hostname or "").lower()
    if parts.scheme == "https" and host:
        return
    if parts.scheme == "http" and host in {"localhost", "127.0.0.1", "::1"}:
        return
    raise _tracking_error("scheme")


def normalize_tracking_url(value: str) -> str:
    """A tracking link in the form it is stored in: pure ASCII, the host in IDNA (punycode)
    form, other non-ASCII characters percent-encoded. ``https://bücher.example/t.gif``
    becomes ``https://xn--bcher-kva.example/t.gif``. Raises ValidationError with a message
    for the field."""
    import unicodedata
    from urllib.parse import urlsplit, urlunsplit

    from django.utils.encoding import iri_to_uri

    from timebok.core.hosts import ascii_host

    value = (value or "").strip()
    if not value:
        return ""
    if any(c.isspace() for c in value):
        raise _tracking_error("space")
    if any(unicodedata.category(c) in {"Cc", "Cf", "Cs", "Co", "Cn"} for c in value):
        raise _tracking_error("control")
    _check_scheme_and_port(value)
    parts = urlsplit(value)
    if parts.username is not None or parts.password is not None:
        raise _tracking_error("userinfo")
    try:
        host = ascii_host(parts.hostname or "")
    except ValueError:
        raise _tracking_error("host") from None
    netloc = f"[{host}]" if ":" in host else host
    if parts.port is not None:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme.lower(), netloc, iri_to_uri(parts.path), iri_to_uri(parts.query),
                       iri_to_uri(parts.fragment)))


#: The clinic's online-booking rules and its tracking links: staff change them in Timebok →
#: Innstillinger (timebok.staff.services); the admin shows them in its own sections.
RULE_FIELDS = (
    "online_booking",
    "min_notice_hours",
    "horizon_days",
    "cancellation_hours",
    "max_future_bookings",
    "first_free_only",
    "slot_step_minutes",
    "close_public_holidays",
    "reminder_hours",
)
TRACKING_FIELDS = ("tracking_search_url", "tracking_booked_url")


class Clinic(models.Model):
    slug = models.SlugField(
        _("kortnavn i lenker"), unique=True, max_length=60,
        help_text=_("Brukes i bestillingslenken, f.eks. /b/kortnavn/."),
    )
    name = models.CharField(_("navn"), max_length=200)
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    timezone = models.CharField(
        _("tidssone"), max_length=64, default="Europe/Oslo", validators=[validate_timezone]
    )
    online_booking = models.BooleanField(
        _("online bestilling på"), default=False,
        help_text=_("Pasienter kan bestille time uten å logge inn."),
    )
    close_public_holidays = models.BooleanField(
        _("stengt på røde dager"), default=True,
        help_text=_("Norske helligdager er stengt. 24. og 31. desember legges inn som stengt selv."),
    )
    min_notice_hours = models.PositiveIntegerField(
        _("minste varsel (timer)"), default=2, validators=[MaxValueValidator(24 * 60)],
        help_text=_("Hvor mange timer før start en time senest kan bestilles."),
    )
    horizon_days = models.PositiveIntegerField(
        _("bestillingshorisont (dager)"), default=60,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
        help_text=_("Hvor mange dager fram i tid pasienter kan bestille."),
    )
    cancellation_hours = models.PositiveIntegerField(
        _("avbestillingsfrist (timer)"), default=24, validators=[MaxValueValidator(24 * 30)],
        help_text=_("Senest så mange timer før start kan pasienten avbestille selv."),
    )
    max_future_bookings = models.PositiveIntegerField(
        _("maks framtidige bestillinger per pasient"), null=True, blank=True, default=3,
        validators=[MinValueValidator(1)],
        help_text=_("Tomt betyr ingen grense."),
    )
    first_free_only = models.BooleanField(
        _("vis bare første ledige time hver dag"), default=False,
        help_text=_("Samler bestillingene så dagen ikke får hull."),
    )
    slot_step_minutes = models.PositiveIntegerField(
        _("intervall mellom starttider (minutter)"), null=True, blank=True,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
        help_text=_("Tomt betyr timetypens varighet."),
    )
    reminder_hours = models.PositiveIntegerField(
        _("påminnelse (timer før)"), default=48, validators=[MaxValueValidator(24 * 14)],
        help_text=_("0 slår av påminnelser."),
    )
    tracking_search_url = models.URLField(
        _("Sporingslenke for brukersøk på bestillingssiden"), blank=True, max_length=500,
        validators=[validate_tracking_url],
    )
    tracking_booked_url = models.URLField(
        _("Sporingslenke for gjennomførte bestillinger"), blank=True, max_length=500,
        validators=[validate_tracking_url],
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("ansatte"), blank=True, related_name="clinics"
    )
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)

    class Meta:
        verbose_name = _("klinikk")
        verbose_name_plural = _("klinikker")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def clean(self) -> None:
        # Tracking links are stored in ASCII form (an international host as punycode), also
        # when edited in the admin. A link that cannot be is reported by the field's validator.
        for name in ("tracking_search_url", "tracking_booked_url"):
            with contextlib.suppress(ValidationError):
                setattr(self, name, normalize_tracking_url(getattr(self, name)))


class Practitioner(models.Model):
    clinic = models.ForeignKey(
        Clinic, verbose_name=_("klinikk"), on_delete=models.CASCADE, related_name="practitioners"
    )
    name = models.CharField(_("navn"), max_length=200)
    title = models.CharField(_("tittel"), max_length=100, blank=True)
    online = models.BooleanField(_("online timebok"), default=True)
    email = models.EmailField(_("e-post"), blank=True)
    notify_on_booking = models.BooleanField(_("varsle ved online bestilling"), default=False)
    notify_on_cancellation = models.BooleanField(_("varsle ved avbestilling"), default=False)
    sort_order = models.PositiveIntegerField(_("rekkefølge"), default=0)

    class Meta:
        verbose_name = _("behandler")
        verbose_name_plural = _("behandlere")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.title}" if self.title else self.name

    def clean(self) -> None:
        if (self.notify_on_booking or self.notify_on_cancellation) and not self.email:
            raise ValidationError({"email": _("Fyll inn e-post for å få varsler.")})


class AppointmentType(models.Model):
    clinic = models.ForeignKey(
        Clinic, verbose_name=_("klinikk"), on_delete=models.CASCADE, related_name="appointment_types"
    )
    name = models.CharField(_("navn"), max_length=200)
    duration_minutes = models.PositiveIntegerField(
        _("varighet (minutter)"), validators=[MinValueValidator(5), MaxValueValidator(600)]
    )
    price = models.PositiveIntegerField(_("pris (kr)"), null=True, blank=True)
    info_text = models.TextField(_("informasjon til pasienten"), blank=True)
    address = models.CharField(_("oppmøteadresse"), max_length=300, blank=True)
    # Starts offline: it goes online once a practitioner's week template allows it
    # (timebok.clinics.services refuses the switch before that).
    online = models.BooleanField(_("kan bestilles online"), default=False)
    sensitive = models.BooleanField(
        _("sensitiv"), default=False,
        help_text=_("Navnet på timetypen tas ikke med i e-post, SMS eller kalenderfil."),
    )
    min_notice_hours = models.PositiveIntegerField(
        _("minste varsel (timer)"), null=True, blank=True, validators=[MaxValueValidator(24 * 60)],
        help_text=_("Tomt betyr klinikkens innstilling."),
    )
    horizon_days = models.PositiveIntegerField(
        _("bestillingshorisont (dager)"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
        help_text=_("Tomt betyr klinikkens innstilling."),
    )
    cancellation_hours = models.PositiveIntegerField(
        _("avbestillingsfrist (timer)"), null=True, blank=True, validators=[MaxValueValidator(24 * 30)],
        help_text=_("Tomt betyr klinikkens innstilling."),
    )
    max_future_bookings = models.PositiveIntegerField(
        _("maks framtidige bestillinger per pasient"), null=True, blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Den strengeste av denne og klinikkens grense gjelder."),
    )
    sort_order = models.PositiveIntegerField(_("rekkefølge"), default=0)

    class Meta:
        verbose_name = _("timetype")
        verbose_name_plural = _("timetyper")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)

    # Effective rules: the type wins where it sets a value; for the booking cap the
    # strictest applies.
    def effective_notice_hours(self) -> int:
        if self.min_notice_hours is not None:
            return self.min_notice_hours
        return self.clinic.min_notice_hours

    def effective_horizon_days(self) -> int:
        return self.horizon_days if self.horizon_days is not None else self.clinic.horizon_days

    def effective_cancellation_hours(self) -> int:
        if self.cancellation_hours is not None:
            return self.cancellation_hours
        return self.clinic.cancellation_hours

    def effective_max_future_bookings(self) -> int | None:
        limits = [v for v in (self.max_future_bookings, self.clinic.max_future_bookings) if v]
        return min(limits) if limits else None

    def clean(self) -> None:
        if self.pk and self.duration_minutes:
            longest = max(
                (
                    b.length_minutes()
                    for b in TemplateBlock.objects.filter(appointment_types=self)
                ),
                default=None,
            )
            if longest is not None and self.duration_minutes > longest:
                raise ValidationError(
                    {
                        "duration_minutes": _(
                            "Varigheten er lengre enn alle blokkene som tillater timetypen "
                            "(lengste blokk er %(minutes)s minutter)."
                        )
                        % {"minutes": longest}
                    }
                )


class WeekTemplate(models.Model):
    practitioner = models.ForeignKey(
        Practitioner, verbose_name=_("behandler"), on_delete=models.CASCADE,
        related_name="week_templates",
    )
    name = models.CharField(_("navn"), max_length=200)

    class Meta:
        verbose_name = _("ukemal")
        verbose_name_plural = _("ukemaler")
        ordering = ["practitioner__sort_order", "practitioner__name", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.practitioner.name})"


class TemplateBlock(models.Model):
    template = models.ForeignKey(
        WeekTemplate, verbose_name=_("ukemal"), on_delete=models.CASCADE, related_name="blocks"
    )
    weekday = models.PositiveSmallIntegerField(_("ukedag"), choices=WEEKDAYS)
    start_time = models.TimeField(_("fra"))
    end_time = models.TimeField(_("til"))
    appointment_types = models.ManyToManyField(
        AppointmentType, verbose_name=_("timetyper"), related_name="blocks",
    )

    class Meta:
        verbose_name = _("blokk")
        verbose_name_plural = _("blokker")
        ordering = ["weekday", "start_time"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    def length_minutes(self) -> int:
        return (self.end_time.hour * 60 + self.end_time.minute) - (
            self.start_time.hour * 60 + self.start_time.minute
        )

    def clean(self) -> None:
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": _("Blokken må slutte etter at den starter.")})


class TemplatePeriod(models.Model):
    """Arbeidsplan: the weeks or date ranges a week template applies to."""

    PARITY_CHOICES = [
        ("all", _("hver uke")),
        ("odd", _("oddetallsuker")),
        ("even", _("partallsuker")),
    ]
    template = models.ForeignKey(
        WeekTemplate, verbose_name=_("ukemal"), on_delete=models.CASCADE, related_name="periods"
    )
    start_date = models.DateField(_("fra dato"))
    end_date = models.DateField(_("til dato"), null=True, blank=True, help_text=_("Tomt = inntil videre."))
    parity = models.CharField(_("uker"), max_length=4, choices=PARITY_CHOICES, default="all")

    class Meta:
        verbose_name = _("arbeidsplan")
        verbose_name_plural = _("arbeidsplan")
        ordering = ["start_date"]

    def __str__(self) -> str:
        if self.end_date:
            dates = display.date_range_text(self.start_date, self.end_date)
        else:
            dates = _("fra %(date)s") % {"date": display.date_text(self.start_date)}
        return f"{dates} ({self.get_parity_display()})"

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("Til-datoen kan ikke være før fra-datoen.")})


class Closure(models.Model):
    """Stengt: the clinic or one practitioner is closed on these dates (optionally these hours)."""

    clinic = models.ForeignKey(
        Clinic, verbose_name=_("klinikk"), on_delete=models.CASCADE, related_name="closures"
    )
    practitioner = models.ForeignKey(
        Practitioner, verbose_name=_("behandler"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="closures", help_text=_("Tomt betyr hele klinikken."),
    )
    start_date = models.DateField(_("fra dato"))
    end_date = models.DateField(_("til dato"))
    start_time = models.TimeField(_("fra klokkeslett"), null=True, blank=True)
    end_time = models.TimeField(_("til klokkeslett"), null=True, blank=True)
    reason = models.CharField(_("årsak"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("stengt periode")
        verbose_name_plural = _("stengt / røde dager")
        ordering = ["start_date"]

    def __str__(self) -> str:
        text = display.date_range_text(self.start_date, self.end_date)
        if self.start_time and self.end_time:
            text += f" kl. {self.start_time:%H:%M}–{self.end_time:%H:%M}"
        return f"{text} {self.reason}".strip()

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("Til-datoen kan ikke være før fra-datoen.")
        if (self.start_time is None) != (self.end_time is None):
            errors["end_time"] = _("Fyll inn både fra- og til-klokkeslett, eller ingen av dem.")
        elif self.start_time and self.end_time and self.end_time <= self.start_time:
            errors["end_time"] = _("Til-klokkeslettet må være etter fra-klokkeslettet.")
        if self.practitioner_id and self.clinic_id and self.practitioner.clinic_id != self.clinic_id:
            errors["practitioner"] = _("Behandleren hører til en annen klinikk.")
        if errors:
            raise ValidationError(errors)
