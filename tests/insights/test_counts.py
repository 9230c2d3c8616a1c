"""The built-in counts (timebok.insights.counts): per clinic and local day, atomic under
concurrency, no personal data."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from tests.factories import book, details, valid_fnr
from timebok.appointments.models import Appointment
from timebok.insights import counts as stats
from timebok.insights.models import DailyCount

pytestmark = pytest.mark.django_db

def test_count_event_creates_then_increments(clinic, other_clinic):
    for _ in range(3):
        stats.count_event(clinic, "visits")
    stats.count_event(clinic, "searches")
    stats.count_event(other_clinic, "visits")
    row = DailyCount.objects.get(clinic=clinic)
    assert (row.visits, row.searches, row.bookings) == (3, 1, 0)
    assert DailyCount.objects.get(clinic=other_clinic).visits == 1


def test_count_event_uses_the_clinics_local_day(clinic, monkeypatch):
    # 23:30 UTC on 31 January is 00:30 on 1 February in Oslo.
    monkeypatch.setattr(timezone, "now", lambda: datetime(2027, 1, 31, 23, 30, tzinfo=ZoneInfo("UTC")))
    stats.count_event(clinic, "visits")
    assert DailyCount.objects.get().day == date(2027, 2, 1)


def test_count_event_rejects_unknown_kind(clinic):
    with pytest.raises(ValueError):
        stats.count_event(clinic, "clicks")  # type: ignore[arg-type]


def test_online_booking_is_counted_after_commit_staff_booking_is_not(clinic, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        book(clinic)
    with django_capture_on_commit_callbacks(execute=True):
        book(clinic, hour=13, source=Appointment.Source.STAFF, patient=details(fnr=valid_fnr(1, 1, 71)))
    assert DailyCount.objects.get(clinic=clinic).bookings == 1


def test_counts_hold_no_personal_data():
    fields = {f.name for f in DailyCount._meta.get_fields()}
    assert fields == {"id", "clinic", "day", "visits", "searches", "bookings"}


def test_last_days_fills_quiet_days(clinic):
    today = date(2027, 3, 10)
    DailyCount.objects.create(clinic=clinic, day=today, visits=4, searches=2, bookings=1)
    DailyCount.objects.create(clinic=clinic, day=today - timedelta(days=29), visits=6)
    DailyCount.objects.create(clinic=clinic, day=today - timedelta(days=30), visits=100)
    summary = stats.last_days(clinic, 30, today=today)
    assert len(summary.rows) == 30
    assert summary.rows[0].day == today - timedelta(days=29) and summary.rows[-1].day == today
    assert (summary.visits, summary.searches, summary.bookings, summary.peak) == (10, 2, 1, 6)
    assert summary.conversion_percent == 10.0


def test_record_booking_page_view(clinic, rf):
    fresh = rf.get("/b/fysio/")
    from_clinic_site = rf.get("/b/fysio/?timetype=1", HTTP_REFERER="https://fysio.example/timebestilling")
    in_page = rf.get("/b/fysio/?timetype=1", HTTP_REFERER="http://testserver/b/fysio/")
    stats.record_booking_page_view(fresh, clinic, has_choice=False)
    stats.record_booking_page_view(from_clinic_site, clinic, has_choice=True)  # a link's pre-selection
    stats.record_booking_page_view(in_page, clinic, has_choice=True)
    stats.record_booking_page_view(rf.get("/b/fysio/", HTTP_REFERER="http://testserver/b/fysio/"), clinic,
                                   has_choice=False)
    row = DailyCount.objects.get()
    assert (row.visits, row.searches) == (2, 1)
    assert stats.is_search(in_page, True) and not stats.is_search(from_clinic_site, True)


@pytest.mark.django_db(transaction=True)
def test_concurrent_counts_are_not_lost(clinic):
    if connection.vendor == "sqlite":
        threads_n, per_thread = 4, 5
    else:
        threads_n, per_thread = 8, 10
    errors = []

    def work():
        from django.db import connection as conn

        try:
            for _ in range(per_thread):
                stats.count_event(clinic, "searches")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=work) for _ in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert DailyCount.objects.get(clinic=clinic).searches == threads_n * per_thread


def test_overview_logs_access_to_patient_data(staff_client, clinic, staff_user):
    from datetime import timedelta

    from django.utils import timezone

    from timebok.appointments.services.booking import PatientDetails, book_appointment
    from timebok.core.models import AuditEntry

    practitioner = clinic.practitioners.get(name="Anne Lie")
    atype = clinic.appointment_types.get(name="Oppfølging")
    day = timezone.localdate() + timedelta(days=7 - timezone.localdate().weekday())  # next Monday
    from tests.factories import at, valid_fnr

    appt = book_appointment(clinic=clinic, appointment_type=atype, practitioner=practitioner, start=at(day, 9),
                            patient=PatientDetails("Kari", "Nord", valid_fnr(), "k@example.com"))
    staff_client.get(f"/timebok/{clinic.slug}/oversikt/",
                     {"behandler": practitioner.pk, "dato": day.isoformat(), "visning": "dag"})
    entry = AuditEntry.objects.get(action="patient.list_viewed")
    assert entry.actor == staff_user and entry.clinic == clinic
    assert entry.data["patients"] == [appt.patient_id]
    assert entry.data["first_day"] == day.isoformat()
