"""The demo clinic (slug "demo"). Idempotent: run it as often as you like.

Existing rows are kept; appointments are added only to coming days that have none for a
practitioner, so the next weeks always show days with many, few and no free times.
Appointments go through the booking service, like every other appointment.
"""

from __future__ import annotations

import contextlib
import random
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from timebok.appointments.errors import DomainError
from timebok.appointments.models import Appointment
from timebok.appointments.services.availability import norwegian_holidays
from timebok.appointments.services.booking import PatientDetails, book_appointment
from timebok.clinics.models import (
    AppointmentType,
    Clinic,
    Closure,
    Practitioner,
    TemplateBlock,
    TemplatePeriod,
    WeekTemplate,
)
from timebok.notifications.mute import muted

DEMO_SLUG = "demo"
DAYS_AHEAD = 42


def synthetic_fnr(day: int, month: int, year2: int, offset: int = 80) -> str:
    """A Tenor-style synthetic test number (month + 80) with valid check digits."""
    w1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
    w2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    for individual in range(100, 1000):
        digits = [int(c) for c in f"{day:02d}{month + offset:02d}{year2:02d}{individual:03d}"]
        k1 = (11 - sum(a * b for a, b in zip(w1, digits, strict=True)) % 11) % 11
        if k1 == 10:
            continue
        digits.append(k1)
        k2 = (11 - sum(a * b for a, b in zip(w2, digits, strict=True)) % 11) % 11
        if k2 == 10:
            continue
        digits.append(k2)
        return "".join(map(str, digits))
    raise ValueError("no valid number")


DEMO_PATIENTS = [
    ("Sigrid", "Demo", synthetic_fnr(12, 3, 85), "sigrid@example.com", "+4791234567"),
    ("Per", "Testesen", synthetic_fnr(1, 11, 72), "per@example.com", "+4741234567"),
    ("Aisha", "Prøve", synthetic_fnr(23, 7, 99), "aisha@example.com", "+4798765432"),
]


def _type(clinic: Clinic, name: str, **fields: object) -> AppointmentType:
    fields.setdefault("online", True)  # a new type starts offline; the demo's are bookable at once
    obj, _ = AppointmentType.objects.get_or_create(clinic=clinic, name=name, defaults=fields)
    return obj


def _template(practitioner: Practitioner, name: str, start: date,
              blocks: list[tuple[list[int], time, time, list[AppointmentType]]], parity: str = "all",
              ) -> WeekTemplate:
    tmpl, created = WeekTemplate.objects.get_or_create(practitioner=practitioner, name=name)
    if created:
        TemplatePeriod.objects.create(template=tmpl, start_date=start, parity=parity)
        for weekdays, bstart, bend, types in blocks:
            for wd in weekdays:
                block = TemplateBlock.objects.create(template=tmpl, weekday=wd, start_time=bstart, end_time=bend)
                block.appointment_types.set(types)
    return tmpl


def load_demo(today: date | None = None, *, stdout: object = None) -> Clinic:
    today = today or timezone.localdate()
    with transaction.atomic():
        clinic, _ = Clinic.objects.get_or_create(
            slug=DEMO_SLUG,
            defaults={
                "name": "Demo Fysioterapi",
                "address": "Storgata 1, 0155 Oslo",
                "phone": "+47 22 12 34 56",
                "email": "post@demo-fysio.example",
                "online_booking": True,
                "min_notice_hours": 2,
                "horizon_days": 60,
                "cancellation_hours": 24,
                "max_future_bookings": 3,
            },
        )
        first = _type(clinic, "Førstegangskonsultasjon", duration_minutes=45, price=750, sort_order=1,
                      info_text="Første time hos oss. Ta med eventuell henvisning og ha på klær du kan "
                                "bevege deg i.",
                      address="Storgata 1, 2. etasje, 0155 Oslo")
        follow = _type(clinic, "Oppfølgingstime", duration_minutes=30, price=550, sort_order=2,
                       info_text="Oppfølging av pågående behandling.",
                       address="Storgata 1, 2. etasje, 0155 Oslo")
        short = _type(clinic, "Kort kontroll", duration_minutes=15, price=350, sort_order=3,
                      info_text="En kort kontroll av øvelser eller skade.",
                      address="Storgata 1, 2. etasje, 0155 Oslo")
        group = _type(clinic, "Gruppetrening", duration_minutes=60, price=250, sort_order=4, online=False,
                      info_text="Bestilles i resepsjonen.", address="Storgata 1, treningssalen")

        kari, _ = Practitioner.objects.get_or_create(
            clinic=clinic, name="Kari Nordmann", defaults={"title": "Fysioterapeut", "sort_order": 1})
        ola, _ = Practitioner.objects.get_or_create(
            clinic=clinic, name="Ola Hansen", defaults={"title": "Manuellterapeut", "sort_order": 2})
        ingrid, _ = Practitioner.objects.get_or_create(
            clinic=clinic, name="Ingrid Berg",
            defaults={"title": "Psykomotorisk fysioterapeut", "online": False, "sort_order": 3})

        start = today - timedelta(days=today.weekday() + 28)
        weekdays = [0, 1, 2, 3, 4]
        _template(kari, "Standarduke", start, [
            (weekdays, time(8, 0), time(11, 30), [first, follow, short]),
            (weekdays, time(12, 0), time(15, 30), [first, follow, short]),
        ])
        _template(ola, "Dagtid", start, [
            ([0, 1, 3], time(9, 0), time(12, 0), [first, follow]),
            ([0, 1, 3], time(12, 30), time(16, 0), [follow, short]),
        ])
        _template(ola, "Onsdag kveld", start, [
            ([2], time(14, 0), time(19, 0), [follow, short]),
        ])
        _template(ingrid, "Gruppedager", start, [
            ([1, 3], time(9, 0), time(15, 0), [group, follow]),
        ])

        for year in (today.year, today.year + 1):
            for month_day, reason in (((12, 24), "Julaften"), ((12, 31), "Nyttårsaften")):
                d = date(year, *month_day)
                Closure.objects.get_or_create(clinic=clinic, start_date=d, end_date=d,
                                              defaults={"reason": reason})

        user_model = get_user_model()
        user = user_model.objects.filter(username="demo").first()
        if user is None:
            # A clinic's staff user: the Timebok module only (the Django admin is for superusers).
            user = user_model.objects.create_user("demo", password="demo",  # noqa: S106
                                                  first_name="Demo", last_name="Resepsjon")
        clinic.staff.add(user)

    with muted():  # no confirmations or reminders for the made-up demo patients
        _fill_appointments(clinic, today, [kari, ola, ingrid], [first, follow, short])
    return clinic


def _fill_appointments(clinic: Clinic, today: date, practitioners: list[Practitioner],
                       types: list[AppointmentType]) -> None:
    """Staff appointments on coming days that have none, with a deterministic pattern:
    some days full, some nearly full, most half full."""
    tz = clinic.tz
    horizon_end = today + timedelta(days=DAYS_AHEAD)
    start_utc = datetime.combine(today, time.min, tzinfo=tz)
    end_utc = datetime.combine(horizon_end, time.min, tzinfo=tz)
    busy_days = {
        (pid, s.astimezone(tz).date())
        for pid, s in Appointment.objects.filter(
            clinic=clinic, source=Appointment.Source.STAFF, start__gte=start_utc, start__lt=end_utc
        ).values_list("practitioner_id", "start")
    }
    blocks = list(TemplateBlock.objects.filter(template__practitioner__in=practitioners)
                  .select_related("template"))
    patients = [PatientDetails(first_name=f, last_name=ln, fnr=n, email=e, phone=p)
                for f, ln, n, e, p in DEMO_PATIENTS]
    now = timezone.now()
    closed = {d for y in (today.year, horizon_end.year) for d in norwegian_holidays(y)}
    for c in Closure.objects.filter(clinic=clinic, practitioner=None, start_time=None, end_date__gte=today):
        closed |= {c.start_date + timedelta(days=i) for i in range((c.end_date - c.start_date).days + 1)}
    for offset in range(DAYS_AHEAD):  # from today, so the overview shows a full day at once
        day = today + timedelta(days=offset)
        if day in closed:
            continue  # no made-up patients on the clinic's closed days
        rng = random.Random(day.toordinal())  # noqa: S311 - demo data, not security
        roll = rng.random()
        fill = 1.0 if roll < 0.12 else 0.85 if roll < 0.35 else rng.uniform(0.2, 0.5)
        for practitioner in practitioners:
            if (practitioner.pk, day) in busy_days:
                continue
            for block in (b for b in blocks if b.template.practitioner_id == practitioner.pk
                          and b.weekday == day.weekday()):
                allowed = [t for t in types if t in set(block.appointment_types.all())] or types
                cursor = datetime.combine(day, block.start_time, tzinfo=tz)
                block_end = datetime.combine(day, block.end_time, tzinfo=tz)
                while True:
                    atype = rng.choice(allowed)
                    if cursor + atype.duration > block_end:
                        break
                    if rng.random() < fill:
                        with contextlib.suppress(DomainError):
                            book_appointment(
                                clinic=clinic, appointment_type=atype, start=cursor,
                                practitioner=practitioner, patient=rng.choice(patients),
                                source=Appointment.Source.STAFF, now=now,
                                comment="",
                            )
                    cursor += atype.duration
