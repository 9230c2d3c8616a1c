"""Helpers for the message tests: book through the real service with the after-commit
signals run, mail kept in memory and SMS written to a temporary directory."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from tests import factories
from tests.factories import at, weekday_in
from timebok.appointments.models import Appointment
from timebok.appointments.services.booking import PatientDetails, cancel_appointment


@pytest.fixture
def outbox_dirs(settings, tmp_path) -> Path:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SMS_BACKEND = "timebok.notifications.sms.FileSmsBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    settings.BASE_URL = "https://timebok.example.no"
    return tmp_path


def sms_files(root: Path) -> list[str]:
    d = root / "sms"
    return [p.read_text(encoding="utf-8") for p in sorted(d.glob("*.txt"))] if d.exists() else []


@pytest.fixture
def book(clinic, outbox_dirs, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """book(start=..., type_name=..., patient=..., source=...) with the signals delivered."""

    def _book(start: datetime | None = None, type_name: str = "Oppfølging", patient: PatientDetails | None = None,
              source: str = Appointment.Source.ONLINE, practitioner_name: str | None = "Anne Lie",
              now: datetime | None = None, language: str = "nb") -> Appointment:
        with django_capture_on_commit_callbacks(execute=True):
            return factories.book(clinic, start=start or at(weekday_in(7), 10, 30), type_name=type_name,
                                  practitioner=practitioner_name, patient=patient, source=source, now=now,
                                  language=language)

    return _book


@pytest.fixture
def cancel(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    def _cancel(appt: Appointment, **kw: object) -> Appointment:
        with django_capture_on_commit_callbacks(execute=True):
            return cancel_appointment(appt, **kw)  # type: ignore[arg-type]

    return _cancel

