from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    """Every kind of audit entry. New writes add their action here, never a free string.

    Not stored as field choices, so adding an action needs no migration."""

    APPOINTMENT_BOOKED = "appointment.booked", _("time bestilt")
    AUTH_LOGIN_ATTACK_SUSPECTED = "auth.login_attack_suspected", _("mange innloggingsforsøk på ett brukernavn")
    APPOINTMENT_CANCELLED = "appointment.cancelled", _("time avbestilt")
    APPOINTMENT_MOVED = "appointment.moved", _("time flyttet")
    APPOINTMENT_TYPE_CREATED = "appointment_type.created", _("timetype opprettet")
    APPOINTMENT_TYPE_UPDATED = "appointment_type.updated", _("timetype endret")
    APPOINTMENT_TYPE_REORDERED = "appointment_type.reordered", _("rekkefølgen på timetypene endret")
    CLOSURE_CREATED = "closure.created", _("stengt lagt inn")
    CLOSURE_DELETED = "closure.deleted", _("stengt slettet")
    CLINIC_TRACKING_UPDATED = "clinic.tracking_updated", _("sporingslenker endret")
    CLINIC_RULES_UPDATED = "clinic.rules_updated", _("regler for bestilling på nett endret")
    PATIENT_DETAILS_ACCEPTED = "patient.details_accepted", _("oppgitte opplysninger lagt inn i pasientkortet")
    PATIENT_FNR_REVEALED = "patient.fnr_revealed", _("fødselsnummer vist")
    PATIENT_LIST_VIEWED = "patient.list_viewed", _("pasienter vist i oversikt")
    PATIENT_VIEWED = "patient.viewed", _("pasient vist")
    PRACTITIONER_CREATED = "practitioner.created", _("behandler lagt til")
    PROFILE_LANGUAGE_CHANGED = "profile.language_changed", _("språk i Timebok endret")
    PRACTITIONER_UPDATED = "practitioner.updated", _("behandler endret")
    PRACTITIONER_REORDERED = "practitioner.reordered", _("rekkefølgen på behandlerne endret")
    WEEK_TEMPLATE_CREATED = "week_template.created", _("ukemal opprettet")
    WEEK_TEMPLATE_UPDATED = "week_template.updated", _("ukemal endret")
    WEEK_TEMPLATE_DELETED = "week_template.deleted", _("ukemal slettet")


class AuditEntry(models.Model):
    """Who did what, when. Never holds a fødselsnummer or other patient data in clear."""

    clinic = models.ForeignKey(
        "clinics.Clinic", verbose_name=_("klinikk"), on_delete=models.CASCADE,
        null=True, blank=True, related_name="audit_entries",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("bruker"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    action = models.CharField(_("handling"), max_length=64, db_index=True)
    object_type = models.CharField(_("objekttype"), max_length=64, blank=True)
    object_id = models.CharField(_("objekt-ID"), max_length=64, blank=True)
    data = models.JSONField(_("detaljer"), default=dict, blank=True)
    created_at = models.DateTimeField(_("tidspunkt"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("loggpost")
        verbose_name_plural = _("logg")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"

    @property
    def action_label(self) -> str:
        try:
            return str(AuditAction(self.action).label)
        except ValueError:  # an action removed since the entry was written
            return self.action


class StaffProfile(models.Model):
    """A staff user's own settings: the language of the Timebok module (bokmål by default)."""

    class Language(models.TextChoices):
        NB = "nb", "Norsk bokmål"
        EN = "en", "English"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("bruker"), on_delete=models.CASCADE, related_name="staff_profile",
    )
    language = models.CharField(_("språk"), max_length=8, choices=Language.choices, default=Language.NB)

    class Meta:
        verbose_name = _("brukerprofil")
        verbose_name_plural = _("brukerprofiler")

    def __str__(self) -> str:
        return str(self.user)
