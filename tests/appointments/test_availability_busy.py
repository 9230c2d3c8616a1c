"""availability.busy_intervals reads appointments through a fast path; it must give what
the ORM gives (aware UTC instants, only booked ones, only overlapping the window)."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest

from tests.factories import at, next_weekday
from timebok.appointments.models import Appointment
from timebok.appointments.services import availability

pytestmark = pytest.mark.django_db


def test_busy_intervals_match_the_orm(clinic):
    from datetime import date

    anne, bjorn = clinic.practitioners.get(name="Anne Lie"), clinic.practitioners.get(name="Bjørn Dahl")
    t = clinic.appointment_types.get(name="Oppfølging")
    day = next_weekday(date.today(), 1)
    rows = [
        (anne, at(day, 9), "booked"),
        (anne, at(day, 10) + timedelta(microseconds=123456), "booked"),
        (bjorn, at(day, 23, 45), "booked"),  # crosses midnight
        (anne, at(day, 11), "cancelled"),
        (anne, at(day + timedelta(days=5), 9), "booked"),  # outside the window
    ]
    for p, start, status in rows:
        Appointment.objects.create(clinic=clinic, practitioner=p, appointment_type=t, start=start,
                                   end=start + timedelta(minutes=30), status=status)
    lo, hi = at(day, 0), at(day + timedelta(days=1), 0)
    got = availability.busy_intervals([anne.pk, bjorn.pk], lo, hi)
    expected = Appointment.objects.filter(status="booked", start__lt=hi, end__gt=lo)
    assert sorted((b.practitioner_id, b.start, b.end) for b in got) == sorted(
        (a.practitioner_id, a.start, a.end) for a in expected)
    assert len(got) == 3
    assert all(b.start.utcoffset() == timedelta(0) and b.start.tzinfo is not None for b in got)
    assert any(b.start.microsecond == 123456 for b in got)
    assert {b.start.astimezone(UTC) for b in got} >= {at(day, 9).astimezone(UTC)}
    assert availability.busy_intervals([bjorn.pk], lo, at(day, 12)) == []
