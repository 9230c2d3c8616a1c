"""Helpers for the message tests: book through the real service with the after-commit
signals run, mail kept in memory and SMS written to a temporary directory."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import at, next_weekday, valid_fnr
from timebok.appointments.models import Appointment
from timebok.appointments.services.booking import PatientDetails, book_appointment, cancel_appointment

FNR = valid_fnr(15, 5, 85)


def details(n: int = 0, **kw: str) -> PatientDetails:
    data = {"first_name": "Kari", "last_name": "Nordmann", "fnr": valid_fnr(10 + n, 5, 85),
            "email": f"kari{n}@example.com", "phone": "+4741234567"}
    data.update(kw)
    return PatientDetails(**data)


def weekday_in(days: int, weekday: int = 3) -> date:
    return next_weekday(date.today() + timedelta(days=days - 1), weekday)


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
              now: datetime | None = None) -> Appointment:
        atype = clinic.appointment_types.get(name=type_name)
        practitioner = clinic.practitioners.get(name=practitioner_name) if practitioner_name else None
        with django_capture_on_commit_callbacks(execute=True):
            return book_appointment(
                clinic=clinic, appointment_type=atype, practitioner=practitioner,
                start=start or at(weekday_in(7), 10, 30), patient=patient or details(), source=source, now=now,
            )

    return _book


@pytest.fixture
def cancel(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    def _cancel(appt: Appointment, **kw: object) -> Appointment:
        with django_capture_on_commit_callbacks(execute=True):
            return cancel_appointment(appt, **kw)  # type: ignore[arg-type]

    return _cancel


@pytest.fixture(autouse=True)
def _fresh_rate_limits():  # type: ignore[no-untyped-def]
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
