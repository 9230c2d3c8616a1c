"""Shared test factories: a clinic set up like a real one, patient details, and one way to
book through the real service. Every test module takes these from here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from timebok.appointments.models import Appointment
from timebok.appointments.services.booking import PatientDetails, book_appointment
from timebok.clinics.models import (
    AppointmentType,
    Clinic,
    Practitioner,
    TemplateBlock,
    TemplatePeriod,
    WeekTemplate,
)

OSLO = ZoneInfo("Europe/Oslo")


def next_weekday(start: date, weekday: int) -> date:
    """The first date after ``start`` (never ``start`` itself) that falls on ``weekday``."""
    return start + timedelta(days=(weekday - start.weekday()) % 7 or 7)


def monday() -> date:
    """Next week's Monday or later: always bookable under the default rules."""
    return next_weekday(date.today() + timedelta(days=1), 0)


def weekday_in(days: int, weekday: int = 3) -> date:
    """The first ``weekday`` at least ``days`` days from today."""
    return next_weekday(date.today() + timedelta(days=days - 1), weekday)


def at(day: date, hh: int, mm: int = 0) -> datetime:
    """An aware instant: ``hh:mm`` on ``day`` in Oslo."""
    return datetime.combine(day, time(hh, mm), tzinfo=OSLO)


def valid_fnr(day: int = 15, month: int = 5, year2: int = 85, offset: int = 0) -> str:
    """A synthetic (Tenor) fødselsnummer with valid check digits."""
    from timebok.clinics.demo import synthetic_fnr

    return synthetic_fnr(day, month, year2, offset)


FNR = valid_fnr(15, 5, 85)


def details(n: int = 0, **overrides: str) -> PatientDetails:
    """Patient details, different per ``n`` (fødselsnummer and e-mail)."""
    data = {"first_name": "Kari", "last_name": "Nordmann", "fnr": valid_fnr(10 + n, 5, 85),
            "email": f"kari{n}@example.com", "phone": "+4741234567"}
    data.update(overrides)
    return PatientDetails(**data)


def make_clinic(slug: str = "fysio", name: str = "Fysio Sentrum") -> Clinic:
    """Two online practitioners and one offline, three types (one not online), Mon–Fri
    08:00–11:30 and 12:00–16:00 from four weeks ago."""
    clinic = Clinic.objects.create(
        slug=slug, name=name, address="Kirkegata 2, 0153 Oslo", phone="+47 22 00 00 00",
        online_booking=True, min_notice_hours=2, horizon_days=60, cancellation_hours=24,
        max_future_bookings=3,
    )
    t30 = AppointmentType.objects.create(clinic=clinic, name="Oppfølging", duration_minutes=30,
                                         price=650, info_text="Ta med treningstøy.",
                                         address="Kirkegata 2, 3. etasje", online=True)
    t45 = AppointmentType.objects.create(clinic=clinic, name="Førstegangstime", duration_minutes=45,
                                         price=850, online=True)
    offline = AppointmentType.objects.create(clinic=clinic, name="Gruppetime", duration_minutes=60,
                                             price=200, online=False)
    p1 = Practitioner.objects.create(clinic=clinic, name="Anne Lie", title="Fysioterapeut", sort_order=1)
    p2 = Practitioner.objects.create(clinic=clinic, name="Bjørn Dahl", title="Kiropraktor", sort_order=2)
    p3 = Practitioner.objects.create(clinic=clinic, name="Cecilie Ås", title="Fysioterapeut",
                                     online=False, sort_order=3)
    start = date.today() - timedelta(days=28)
    for p in (p1, p2, p3):
        tmpl = WeekTemplate.objects.create(practitioner=p, name=f"Uke {p.name}")
        TemplatePeriod.objects.create(template=tmpl, start_date=start)
        for wd in range(5):
            for bs, be in ((time(8), time(11, 30)), (time(12), time(16))):
                b = TemplateBlock.objects.create(template=tmpl, weekday=wd, start_time=bs, end_time=be)
                b.appointment_types.set([t30, t45, offline])
    return clinic


def types(clinic: Clinic) -> dict[str, AppointmentType]:
    return {t.name: t for t in clinic.appointment_types.all()}


def practs(clinic: Clinic) -> dict[str, Practitioner]:
    return {p.name: p for p in clinic.practitioners.all()}


def book(
    clinic: Clinic,
    *,
    start: datetime | None = None,
    day: date | None = None,
    hour: int = 10,
    minute: int = 0,
    type_name: str = "Oppfølging",
    practitioner: Practitioner | str | None = "Anne Lie",
    patient: PatientDetails | None = None,
    source: str = Appointment.Source.ONLINE,
    comment: str = "",
    **kwargs: Any,
) -> Appointment:
    """Book through the real service. ``start`` wins over ``day``/``hour``/``minute`` (default:
    next Tuesday 10:00); ``practitioner`` is a name, an object or None for "any"; other
    keyword arguments (``now``, ``actor``, ``idempotency_key``) go to ``book_appointment``."""
    if start is None:
        start = at(day or next_weekday(date.today(), 1), hour, minute)
    if isinstance(practitioner, str):
        practitioner = clinic.practitioners.get(name=practitioner)
    return book_appointment(
        clinic=clinic, appointment_type=clinic.appointment_types.get(name=type_name), start=start,
        practitioner=practitioner, patient=patient or details(), comment=comment, source=source, **kwargs,
    )


def at_once(*calls: Callable[[], object]) -> list[object]:
    """Run the calls at the same moment, each in its own thread on its own database
    connection; each result is the call's return value or the exception it raised."""
    import threading

    from django.db import connections

    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = calls[i]()
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results
