"""The outbox: every message to a patient or a practitioner is a row here first.

A row is written when the event happens (booking, cancellation) and sent by the
background worker. Sending claims the row with a conditional UPDATE
(pending -> sending), so two workers, or a task run twice, never send it twice; a
row left in "sending" by a worker that died is claimed again after OUTBOX_STALE_SECONDS by
the periodic sweep, so nothing is lost. The unique constraint on (appointment, kind,
channel, sequence) makes creating the messages for an event idempotent too.

The personal link's token is needed in the text, but only its hash is stored on the
appointment. The rendered text holds a placeholder instead, and the token is kept
here encrypted (Fernet, the same keys as the fødselsnummer) until the row is sent
or dropped, then erased.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutgoingMessage(models.Model):
    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", _("bekreftelse")
        REMINDER = "reminder", _("påminnelse")
        CANCELLATION = "cancellation", _("avbestilling")
        CHANGE = "change", _("endret time")
        STAFF_BOOKED = "staff_booked", _("varsel til behandler: ny bestilling")
        STAFF_CANCELLED = "staff_cancelled", _("varsel til behandler: avbestilling")

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-post")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("venter")
        SENDING = "sending", _("sendes")
        SENT = "sent", _("sendt")
        FAILED = "failed", _("feilet")
        SKIPPED = "skipped", _("ikke sendt")

    appointment = models.ForeignKey(
        "appointments.Appointment", verbose_name=_("time"), on_delete=models.CASCADE,
        related_name="outgoing_messages",
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("kanal"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("mottaker"), max_length=254)
    subject = models.CharField(_("emne"), max_length=300, blank=True)
    body = models.TextField(_("tekst"))
    ics = models.TextField(_("kalenderfil"), blank=True)
    # Fernet-encrypted personal-link token; erased once the row is sent or dropped.
    link_token_encrypted = models.TextField(blank=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    send_after = models.DateTimeField(_("sendes etter"))
    attempts = models.PositiveIntegerField(_("forsøk"), default=0)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sendt"), null=True, blank=True)
    last_error = models.CharField(_("siste feil"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    # The appointment's sequence when the row was written: each move gets its own change
    # message and reminder.
    sequence = models.PositiveIntegerField(_("endringsnummer"), default=0)

    class Meta:
        verbose_name = _("utgående melding")
        verbose_name_plural = _("utgående meldinger")
        ordering = ["send_after", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "kind", "channel", "sequence"],
                name="outgoing_unique_per_appointment_kind_channel_seq",
            ),
        ]
        indexes = [models.Index(fields=["status", "send_after"], name="outgoing_status_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_channel_display()}) {self.get_status_display()}"
