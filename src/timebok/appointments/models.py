"""Patients and appointments."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from timebok.core import crypto, display
from timebok.validation.fnr import mask_fnr

#: The languages a patient can book in (settings.LANGUAGES).
LANGUAGES = [("nb", "Norsk bokmål"), ("en", "English")]

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
#: The contact details an appointment keeps of its own (and a patient record has too).
CONTACT_FIELDS = ("first_name", "last_name", "email", "phone")


def new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


class Patient(models.Model):
    clinic = models.ForeignKey(
        "clinics.Clinic", verbose_name=_("klinikk"), on_delete=models.CASCADE, related_name="patients"
    )
    first_name = models.CharField(_("fornavn"), max_length=100)
    last_name = models.CharField(_("etternavn"), max_length=100)
    email = models.EmailField(_("e-post"), max_length=254, blank=True)
    phone = models.CharField(_("telefon"), max_length=20, blank=True, help_text=_("E.164, f.eks. +4741234567"))
    # The fødselsnummer, encrypted (Fernet). Never stored in clear.
    fnr_encrypted = models.TextField(_("fødselsnummer (kryptert)"), editable=False)
    # HMAC-SHA256 of the normalised number with FNR_HASH_KEY: finds the patient.
    fnr_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("endret"), auto_now=True)

    class Meta:
        verbose_name = _("pasient")
        verbose_name_plural = _("pasienter")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "fnr_hash"], name="patient_unique_fnr_per_clinic"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def set_fnr(self, fnr: str) -> None:
        self.fnr_encrypted = crypto.encrypt(fnr)
        self.fnr_hash = crypto.keyed_hash(fnr)

    def reveal_fnr(self) -> str:
        """The clear number. Callers must log the access (see staff services)."""
        return crypto.decrypt(self.fnr_encrypted)

    @property
    def masked_fnr(self) -> str:
        return mask_fnr(self.reveal_fnr())


class Appointment(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("bestilt")
        CANCELLED = "cancelled", _("avbestilt")

    class Source(models.TextChoices):
        ONLINE = "online", _("online")
        STAFF = "staff", _("klinikken")

    clinic = models.ForeignKey(
        "clinics.Clinic", verbose_name=_("klinikk"), on_delete=models.CASCADE, related_name="appointments"
    )
    practitioner = models.ForeignKey(
        "clinics.Practitioner", verbose_name=_("behandler"), on_delete=models.PROTECT,
        related_name="appointments",
    )
    appointment_type = models.ForeignKey(
        "clinics.AppointmentType", verbose_name=_("timetype"), on_delete=models.PROTECT,
        related_name="appointments",
    )
    patient = models.ForeignKey(
        Patient, verbose_name=_("pasient"), on_delete=models.PROTECT, related_name="appointments",
        null=True, blank=True,
    )
    # The contact details given with this booking. Messages about the appointment go here,
    # never to whatever an online booking with the same fødselsnummer typed later: nobody
    # logs in, so knowing a number proves nothing. Staff may accept them into the patient
    # record (appointments.services.patients.accept_appointment_details).
    first_name = models.CharField(_("fornavn (oppgitt)"), max_length=100, blank=True)
    last_name = models.CharField(_("etternavn (oppgitt)"), max_length=100, blank=True)
    email = models.EmailField(_("e-post (oppgitt)"), max_length=254, blank=True)
    phone = models.CharField(_("telefon (oppgitt)"), max_length=20, blank=True, help_text=_("E.164"))
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("slutt"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.BOOKED)
    source = models.CharField(_("kilde"), max_length=10, choices=Source.choices, default=Source.STAFF)
    comment = models.TextField(_("kommentar"), blank=True)
    # The language the patient booked in: their messages (e-mail, SMS, .ics) use it.
    language = models.CharField(_("språk"), max_length=8, choices=LANGUAGES, default="nb")
    price = models.PositiveIntegerField(_("pris (kr)"), null=True, blank=True)
    reference = models.CharField(_("referanse"), max_length=12, unique=True, default=new_reference)
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    manage_token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("avbestilt"), null=True, blank=True)
    # The staff user who entered it (a phone booking); empty for online bookings.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("lagt inn av"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    # Booked as "Første ledige behandler": a move may go to any practitioner.
    any_practitioner = models.BooleanField(_("første ledige behandler"), default=False)
    # The calendar file's SEQUENCE: raised by each move, so the patient's calendar updates
    # the event with the same UID.
    sequence = models.PositiveIntegerField(_("endringsnummer"), default=0)

    class Meta:
        verbose_name = _("time")
        verbose_name_plural = _("timer")
        ordering = ["start"]
        indexes = [
            models.Index(fields=["practitioner", "start"], name="appt_practitioner_start"),
            models.Index(fields=["clinic", "start"], name="appt_clinic_start"),
            # The read path asks for booked appointments ending after the window's start:
            # this keeps SQLite from reading a practitioner's whole history (PostgreSQL
            # uses the exclusion constraint's GiST index instead).
            models.Index(fields=["practitioner", "end"], name="appt_booked_practitioner_end",
                         condition=Q(status="booked")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="appointment_end_after_start"),
        ]
        # PostgreSQL also has the exclusion constraint "appointment_no_overlap"
        # (migration 0002): no two booked appointments of one practitioner overlap.

    def __str__(self) -> str:
        """"2CHTGBQ8 fredag 27. november 2026 kl. 09:15", on the clinic's clock."""
        return f"{self.reference} {display.when_text(self.start, self.clinic.tz)}"

    @property
    def is_booked(self) -> bool:
        return self.status == self.Status.BOOKED

    @property
    def full_name(self) -> str:
        """The name given with this booking."""
        return f"{self.first_name} {self.last_name}".strip()

    def differing_details(self) -> list[str]:
        """The contact fields (``first_name``, ``last_name``, ``email``, ``phone``) where the
        details given with this booking differ from the patient record."""
        if self.patient is None:
            return []
        return [f for f in CONTACT_FIELDS if getattr(self, f) != getattr(self.patient, f)]
