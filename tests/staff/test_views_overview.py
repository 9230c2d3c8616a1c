"""Timebok: the bookings overview, the logged reveal of a fødselsnummer, and cancel."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from tests.factories import book, details, valid_fnr
from timebok.appointments.models import Appointment
from timebok.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def overview(client, clinic, **params):
    return client.get(reverse("staff:overview", kwargs={"clinic": clinic.slug}), params)


def state(appt, view="dag"):
    return {"behandler": appt.practitioner_id, "dato": appt.start.astimezone(appt.clinic.tz).date().isoformat(),
            "visning": view}


def test_day_view_lists_the_appointment(staff_client, clinic, appointment):
    staff = book(clinic, hour=13, source=Appointment.Source.STAFF, comment="", day=appointment.start.date(),
                 patient=details(fnr=valid_fnr(2, 2, 70), first_name="Ola", last_name="Klinikk"))
    html = overview(staff_client, clinic, **state(appointment)).content.decode()
    # Times in the clinic's time zone (the appointment is 10:00 Oslo time, 09:00 UTC).
    assert '<time datetime="' in html and ">10:00</time>–" in html and ">10:30</time>" in html
    assert "Oppfølging" in html and "Kari Pasient" in html and "Ola Klinikk" in html
    assert "Vondt i kneet" in html
    fnr = valid_fnr()
    assert fnr not in html and fnr[:6] + "*****" in html
    # "online" is said in text, and only for the online booking.
    assert html.count("Bestilt online") == 1
    assert html.index("Bestilt online") < html.index(f'id="time-{staff.pk}"')
    assert "Vis fødselsnummer" in html and "Avbestill" in html


def test_an_appointment_booked_in_english_says_so(staff_client, clinic, appointment):
    english = book(clinic, hour=13, day=appointment.start.date(), patient=details(fnr=valid_fnr(3, 3, 71)),
                   language="en")
    html = overview(staff_client, clinic, **state(appointment)).content.decode()
    assert html.count("Bestilt på engelsk") == 1
    assert html.index(f'id="time-{english.pk}"') < html.index("Bestilt på engelsk")


def test_week_view_shows_the_week_of_one_practitioner(staff_client, clinic, appointment):
    monday = appointment.start.date() - timedelta(days=appointment.start.date().weekday())
    thursday = book(clinic, day=monday + timedelta(days=3), hour=9,
                    patient=details(fnr=valid_fnr(4, 4, 80), first_name="Tor"))
    other_p = clinic.practitioners.get(name="Bjørn Dahl")
    other = book(clinic, day=monday + timedelta(days=2), hour=9, practitioner=other_p,
                 patient=details(fnr=valid_fnr(5, 5, 81), first_name="Annen"))
    next_week = book(clinic, day=monday + timedelta(days=8), hour=9,
                     patient=details(fnr=valid_fnr(6, 6, 82), first_name="Senere"))
    html = overview(staff_client, clinic, **state(appointment, "uke")).content.decode()
    assert f'id="time-{appointment.pk}"' in html and f'id="time-{thursday.pk}"' in html
    assert f'id="time-{other.pk}"' not in html and f'id="time-{next_week.pk}"' not in html
    assert html.count('<section class="day"') == 7
    assert "Forrige uke" in html and "Neste uke" in html
    assert f"dato={(appointment.start.date() + timedelta(days=7)).isoformat()}" in html


def test_cancelled_appointments_are_not_listed(staff_client, clinic, appointment):
    from timebok.appointments.services.booking import cancel_appointment

    cancel_appointment(appointment)
    html = overview(staff_client, clinic, **state(appointment)).content.decode()
    assert f'id="time-{appointment.pk}"' not in html and "Ingen timer." in html


def test_defaults_to_today_and_first_practitioner(staff_client, clinic):
    response = overview(staff_client, clinic)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "Timebok: Anne Lie" in html and "(i dag)" in html


@pytest.mark.parametrize("params", [
    {"dato": "31.02.2027", "visning": "dag"}, {"dato": "i morgen"}, {"visning": "måned"}, {"behandler": "999999"},
    {"behandler": "x", "dato": "2027-13-01"},
])
def test_bad_parameters_give_messages_not_errors(staff_client, clinic, params):
    response = overview(staff_client, clinic, **params)
    assert response.status_code == 200
    assert 'class="field-error"' in response.content.decode()


@pytest.mark.parametrize(("dato", "visning"), [
    ("9999-12-31", "dag"), ("0001-01-01", "dag"), ("9999-12-30", "uke"), ("0001-01-01", "uke"),
    ("1899-12-31", "dag"), ("2201-01-01", "uke"), ("31.12.9999", "dag"),
])
def test_dates_outside_1900_to_2200_give_a_message(staff_client, clinic, dato, visning):
    response = overview(staff_client, clinic, behandler=clinic.practitioners.first().pk, dato=dato, visning=visning)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Velg en dato mellom år 1900 og 2200." in html
    assert "(i dag)" in html  # and the page shows today instead


@pytest.mark.parametrize(("dato", "visning"), [("1900-01-01", "dag"), ("1900-01-01", "uke"),
                                               ("2200-12-31", "dag"), ("2200-12-31", "uke")])
def test_the_edges_of_the_range_work(staff_client, clinic, dato, visning):
    response = overview(staff_client, clinic, behandler=clinic.practitioners.first().pk, dato=dato, visning=visning)
    assert response.status_code == 200
    assert 'class="field-error"' not in response.content.decode()


def test_cancel_page_with_a_hostile_date_is_no_error(staff_client, clinic, appointment):
    url = reverse("staff:cancel", kwargs={"clinic": clinic.slug, "pk": appointment.pk})
    assert staff_client.get(url, {"dato": "9999-12-31", "visning": "uke"}).status_code == 200
    assert staff_client.post(url, {"dato": "0001-01-01", "visning": "uke"}).status_code == 302


def test_other_clinics_practitioner_is_not_a_choice(staff_client, clinic, other_clinic, other_appointment):
    html = overview(staff_client, clinic, **state(other_appointment)).content.decode()
    assert f'id="time-{other_appointment.pk}"' not in html
    assert "Velg en behandler fra listen." in html


def test_reveal_shows_full_number_once_and_logs_it(staff_client, staff_user, clinic, appointment):
    url = reverse("staff:reveal_fnr", kwargs={"clinic": clinic.slug, "pk": appointment.pk})
    assert staff_client.get(url).status_code == 405
    assert not AuditEntry.objects.filter(action="patient.fnr_revealed").exists()
    response = staff_client.post(url, state(appointment))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert valid_fnr() in html and "visningen er logget" in html
    entry = AuditEntry.objects.get(action="patient.fnr_revealed")
    assert entry.actor == staff_user and entry.clinic == clinic
    assert entry.object_id == str(appointment.patient_id) and entry.created_at is not None
    assert valid_fnr() not in str(entry.data)
    # The next ordinary view is masked again.
    assert valid_fnr() not in overview(staff_client, clinic, **state(appointment)).content.decode()


def test_reveal_shows_only_that_patient(staff_client, clinic, appointment):
    second = book(clinic, hour=14, day=appointment.start.date(),
                  patient=details(fnr=valid_fnr(9, 9, 79), first_name="Per"))
    url = reverse("staff:reveal_fnr", kwargs={"clinic": clinic.slug, "pk": appointment.pk})
    html = staff_client.post(url, state(appointment)).content.decode()
    assert valid_fnr() in html and valid_fnr(9, 9, 79) not in html
    assert second.patient.masked_fnr in html


def test_cancel_asks_first_then_cancels(staff_client, staff_user, clinic, appointment):
    url = reverse("staff:cancel", kwargs={"clinic": clinic.slug, "pk": appointment.pk})
    html = staff_client.get(url, state(appointment)).content.decode()
    assert "Avbestill timen?" in html and "Ja, avbestill timen" in html
    appointment.refresh_from_db()
    assert appointment.is_booked  # GET changes nothing
    response = staff_client.post(url, state(appointment))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:overview", kwargs={"clinic": clinic.slug}))
    assert f"dato={state(appointment)['dato']}" in response["Location"]
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    entry = AuditEntry.objects.get(action="appointment.cancelled")
    assert entry.actor == staff_user and entry.data["by_patient"] is False
    html = staff_client.get(response["Location"]).content.decode()
    assert "er avbestilt" in html


def test_cancel_twice_gives_a_message(staff_client, clinic, appointment):
    url = reverse("staff:cancel", kwargs={"clinic": clinic.slug, "pk": appointment.pk})
    staff_client.post(url, state(appointment))
    response = staff_client.post(url, state(appointment), follow=True)
    assert "Timen er allerede avbestilt." in response.content.decode()
    assert "Timen er allerede avbestilt." in staff_client.get(url).content.decode()


def test_staff_may_cancel_after_the_patients_deadline(staff_client, clinic):
    from django.utils import timezone

    from timebok.appointments.services.booking import book_appointment, cancellation_deadline

    start = (timezone.now() + timedelta(hours=3)).replace(second=0, microsecond=0)
    soon = book_appointment(clinic=clinic, appointment_type=clinic.appointment_types.first(), start=start,
                            practitioner=clinic.practitioners.first(), source=Appointment.Source.STAFF)
    assert cancellation_deadline(soon) < timezone.now()
    url = reverse("staff:cancel", kwargs={"clinic": clinic.slug, "pk": soon.pk})
    staff_client.post(url)
    soon.refresh_from_db()
    assert soon.status == Appointment.Status.CANCELLED


def test_closures_show_on_the_practitioners_day(staff_client, clinic, appointment, staff_user):
    from timebok.clinics.closures import ClosureSpec
    from timebok.clinics.services import create_closure

    day = appointment.start.astimezone(clinic.tz).date()
    create_closure(clinic, ClosureSpec(day, day, reason="Planleggingsdag"), actor=staff_user, shown=[appointment.pk])
    html = overview(staff_client, clinic, **state(appointment)).content.decode()
    assert "Stengt hele dagen: Planleggingsdag" in html and "Timene under er likevel bestilt." in html
    assert f'id="time-{appointment.pk}"' in html
