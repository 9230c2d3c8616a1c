"""Many patients book one time at the same moment, each on its own database connection.

Exactly one gets it; every other gets SlotTaken, never an error. On PostgreSQL the
exclusion constraint decides; on SQLite the IMMEDIATE write transaction does.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.db import connection

from tests.factories import at, at_once, make_clinic, next_weekday, valid_fnr
from timebok.appointments.errors import SlotTaken
from timebok.appointments.models import Appointment
from timebok.appointments.services.booking import PatientDetails, book_appointment

THREADS = 12


def race(clinic, practitioner, start, n: int, *, idempotency_key: str | None = None) -> list[object]:
    """Book ``start`` from n threads at once, each on its own connection. Without a key,
    each thread is a different patient; with one, all are one patient's double click."""
    atype = clinic.appointment_types.get(name="Oppfølging")

    def book(i: int) -> Callable[[], object]:
        who = 0 if idempotency_key else i
        return lambda: book_appointment(
            clinic=clinic, appointment_type=atype, practitioner=practitioner, start=start,
            patient=PatientDetails("Pasient", str(who), valid_fnr(1 + who, 6, 90), f"p{who}@example.com"),
            idempotency_key=idempotency_key,
        )

    return at_once(*(book(i) for i in range(n)))


@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_of_one_time_give_exactly_one_appointment():
    clinic = make_clinic()
    practitioner = clinic.practitioners.get(name="Anne Lie")
    start = at(next_weekday(date.today() + timedelta(days=2), 1), 10)
    results = race(clinic, practitioner, start, THREADS)
    booked = [r for r in results if isinstance(r, Appointment)]
    taken = [r for r in results if isinstance(r, SlotTaken)]
    others = [r for r in results if not isinstance(r, Appointment | SlotTaken)]
    assert not others, f"unexpected results: {others!r}"
    assert len(booked) == 1
    assert len(taken) == THREADS - 1
    assert Appointment.objects.filter(status="booked").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_any_practitioner_bookings_fill_both_practitioners():
    clinic = make_clinic()
    start = at(next_weekday(date.today() + timedelta(days=2), 2), 13)
    results = race(clinic, None, start, 6)
    booked = [r for r in results if isinstance(r, Appointment)]
    assert all(isinstance(r, Appointment | SlotTaken) for r in results), results
    # Two online practitioners: exactly two appointments, one each.
    assert len(booked) == 2
    assert len({a.practitioner_id for a in booked}) == 2


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_database_itself_rejects_an_overlap_on_postgresql():
    from django.db import IntegrityError

    assert connection.vendor == "postgresql"

    clinic = make_clinic()
    p = clinic.practitioners.get(name="Anne Lie")
    t = clinic.appointment_types.get(name="Oppfølging")
    start = at(next_weekday(date.today() + timedelta(days=2), 1), 10)
    Appointment.objects.create(clinic=clinic, practitioner=p, appointment_type=t, start=start,
                               end=start + timedelta(minutes=30))
    with pytest.raises(IntegrityError, match="appointment_no_overlap"):
        Appointment.objects.create(clinic=clinic, practitioner=p, appointment_type=t,
                                   start=start + timedelta(minutes=15), end=start + timedelta(minutes=45))
