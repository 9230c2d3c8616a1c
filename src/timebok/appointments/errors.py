"""Domain errors. Views turn them into a message; the API into a JSON error."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "error"
    default_message: Any = _("Noe gikk galt.")
    http_status = 400

    def __init__(self, message: Any = None, **extra: Any) -> None:
        self.message = message or self.default_message
        self.extra = extra
        super().__init__(str(self.message))


class SlotTaken(DomainError):
    code = "taken"
    default_message = _("Beklager, timen ble nettopp tatt av noen andre. Velg en annen tid.")
    http_status = 409

    def __init__(self, message: Any = None, *, alternatives: list[Any] | None = None) -> None:
        super().__init__(message)
        self.alternatives = alternatives or []


class SlotNotAvailable(DomainError):
    code = "not_available"
    default_message = _("Tidspunktet kan ikke bestilles. Velg en av de ledige timene.")
    http_status = 409

    def __init__(self, message: Any = None, *, alternatives: list[Any] | None = None) -> None:
        super().__init__(message)
        self.alternatives = alternatives or []


class BookingClosed(DomainError):
    code = "closed"
    default_message = _("Klinikken tar ikke imot bestillinger på nett nå.")
    http_status = 403


class LimitReached(DomainError):
    code = "limit"
    default_message = _(
        "Vi kan ikke ta imot flere bestillinger på nett fra deg nå. Ta kontakt med klinikken for å bestille time."
    )
    http_status = 409


class CancellationTooLate(DomainError):
    code = "too_late"
    default_message = _("Fristen for å avbestille på nett har gått ut. Ta kontakt med klinikken.")
    http_status = 409


class AlreadyCancelled(DomainError):
    code = "already_cancelled"
    default_message = _("Timen er allerede avbestilt.")
    http_status = 409


class NothingToAccept(DomainError):
    code = "nothing_to_accept"
    default_message = _("Pasientkortet har allerede de samme opplysningene.")
    http_status = 409


class AppointmentPast(DomainError):
    code = "past"
    default_message = _("Timen har allerede vært, og kan ikke flyttes.")
    http_status = 409


class TimeClosed(DomainError):
    code = "closed_time"
    default_message = _("Klinikken eller behandleren er stengt på det tidspunktet. Velg en annen tid.")
    http_status = 409


class OutsideTemplate(DomainError):
    code = "outside_template"
    default_message = _("Tidspunktet er utenfor behandlerens arbeidstid for denne timetypen (ukemalen). "
                        "Bekreft at timen skal legges der likevel.")
    http_status = 409


class ChangeTooLate(DomainError):
    code = "too_late"
    default_message = _("Fristen for å endre timen på nett har gått ut. Ta kontakt med klinikken.")
    http_status = 409
