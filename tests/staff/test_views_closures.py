"""Stengt: closures written the Norwegian way, the question about booked patients (keep, or
cancel and tell them), holidays and 24/31 December."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from tests.factories import book, details, weekday_in
from timebok.appointments.models import Appointment
from timebok.clinics.models import Closure
from timebok.core import display
from timebok.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def url(clinic, name="closures", **kw):
    return reverse(f"staff:{name}", kwargs={"clinic": clinic.slug, **kw})


@pytest.fixture
def day():
    return weekday_in(20, 2)  # a Wednesday some weeks ahead


def test_page_lists_closures_in_norwegian_and_the_coming_holidays(staff_client, clinic, day):
    Closure.objects.create(clinic=clinic, start_date=day, end_date=day, reason="Planleggingsdag")
    html = staff_client.get(url(clinic)).content.decode()
    assert display.date_text(day).capitalize() in html and "Planleggingsdag" in html
    assert day.isoformat() not in html.replace(f'value="{day.isoformat()}"', "")
    assert "Første juledag" in html or "Første nyttårsdag" in html  # within twelve months
    assert "Julaften" in html and "Nyttårsaften" in html


def test_a_user_who_chose_english_sees_the_holidays_in_english(staff_client, staff_user, clinic):
    from timebok.core import profiles

    profiles.set_language(staff_user, "en")
    html = staff_client.get(url(clinic)).content.decode()
    assert "Christmas Day" in html or "New Year's Day" in html
    assert "Første juledag" not in html and "Christmas Eve" in html


def test_close_one_day_without_bookings(staff_client, clinic, staff_user, day):
    response = staff_client.post(url(clinic, "closure_create"), {"start_date": day.isoformat(),
                                                                  "reason": "Planleggingsdag"})
    assert response.status_code == 302
    closure = Closure.objects.get()
    assert (closure.start_date, closure.end_date, closure.practitioner, closure.start_time) == (day, day, None, None)
    html = staff_client.get(response["Location"]).content.decode()
    assert f"Stengt {display.date_text(day)} (Planleggingsdag) er lagret." in html
    assert AuditEntry.objects.get(action="closure.created").actor == staff_user


def test_practitioner_closure_with_typed_times(staff_client, clinic, day):
    anne = clinic.practitioners.get(name="Anne Lie")
    response = staff_client.post(url(clinic, "closure_create"), {
        "practitioner": anne.pk, "start_date": day.strftime("%d.%m.%Y"), "end_date": "",
        "start_time": "8", "end_time": "11.30", "reason": "Kurs"})
    assert response.status_code == 302
    closure = Closure.objects.get()
    assert closure.practitioner == anne and f"{closure.start_time:%H:%M}–{closure.end_time:%H:%M}" == "08:00–11:30"
    html = staff_client.get(url(clinic)).content.decode()
    assert f"{display.date_text(day).capitalize()} kl. 08:00–11:30" in html


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"start_date": ""}, "start_date", "Fyll inn datoen det skal være stengt."),
    ({"start_date": "2030-01-10", "end_date": "2030-01-09"}, "end_date", "Til-datoen kan ikke være før fra-datoen."),
    ({"start_date": "2030-01-10", "start_time": "8"}, "end_time", "Fyll inn til-klokkeslett"),
    ({"start_date": "2030-01-10", "start_time": "12", "end_time": "9"}, "end_time", "må være etter"),
    ({"start_date": "2030-01-10", "start_time": "8.75", "end_time": "9"}, "start_time", "mellom 00:00 og 23:59"),
    ({"start_date": "10/01/2030"}, "start_date", "Skriv datoen som dd.mm.åååå"),
])
def test_bad_input_next_to_the_field_kept_nothing_saved(staff_client, clinic, data, field, message):
    response = staff_client.post(url(clinic, "closure_create"), {"reason": "Kurs", **data})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html[html.index(f'id="id_{field}-error"'):][:300]
    assert 'value="Kurs"' in html
    assert not Closure.objects.exists()


@pytest.fixture
def booked(clinic, day):
    a = book(clinic, day=day, hour=9, practitioner="Anne Lie",
             patient=details(1, first_name="Ola", last_name="Pasient"))
    b = book(clinic, day=day, hour=13, minute=30, practitioner="Bjørn Dahl", type_name="Førstegangstime",
             patient=details(2))
    return a, b


def test_booked_patients_are_shown_first_and_nothing_is_saved(staff_client, clinic, staff_user, day, booked):
    response = staff_client.post(url(clinic, "closure_create"), {"start_date": day.isoformat(),
                                                                  "reason": "Planleggingsdag"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 bestilte timer i perioden" in html
    assert f"{display.date_text(day).capitalize()} kl. 09:00–09:30" in html and "Ola Pasient" in html
    assert "Oppfølging" in html and "Anne Lie" in html and "Førstegangstime" in html and "Bjørn Dahl" in html
    assert "Avbestill alle 2 timene og varsle pasientene" in html and "Steng, men behold timene" in html
    shown = re.search(r'name="vist" value="([0-9,]+)"', html).group(1)
    assert sorted(int(x) for x in shown.split(",")) == sorted(a.pk for a in booked)
    assert not Closure.objects.exists()
    # Normen: who saw which patients' names.
    entry = AuditEntry.objects.get(action="patient.list_viewed")
    assert entry.actor == staff_user and sorted(entry.data["patients"]) == sorted(a.patient_id for a in booked)


def _confirm(client, clinic, day, booked, handling):
    return client.post(url(clinic, "closure_create"), {
        "start_date": day.isoformat(), "end_date": "", "start_time": "", "end_time": "", "practitioner": "",
        "reason": "Planleggingsdag", "vist": ",".join(str(a.pk) for a in booked), "handling": handling})


def test_keep_them(staff_client, clinic, day, booked):
    response = _confirm(staff_client, clinic, day, booked, "behold")
    assert response.status_code == 302 and Closure.objects.count() == 1
    assert Appointment.objects.filter(status="booked").count() == 2
    html = staff_client.get(url(clinic)).content.decode()
    assert "2 bestilte timer i perioden er beholdt." in html and "Se og avbestill" in html


def test_cancel_them_all(staff_client, clinic, day, booked):
    response = _confirm(staff_client, clinic, day, booked, "avbestill")
    assert response.status_code == 302 and Closure.objects.count() == 1
    assert Appointment.objects.filter(status="cancelled").count() == 2
    reasons = {e.data.get("reason") for e in AuditEntry.objects.filter(action="appointment.cancelled")}
    assert reasons == {"Planleggingsdag"}
    assert "2 timer er avbestilt, og pasientene får beskjed." in staff_client.get(url(clinic)).content.decode()


def test_a_booking_that_came_in_meanwhile_is_shown_before_anything_happens(staff_client, clinic, day, booked):
    late = book(clinic, day=day, hour=11, practitioner="Anne Lie", patient=details(5))
    response = _confirm(staff_client, clinic, day, booked, "avbestill")
    html = response.content.decode()
    assert response.status_code == 200 and "endret siden du så dem" in html and "3 bestilte timer" in html
    assert not Closure.objects.exists() and Appointment.objects.filter(status="booked").count() == 3
    assert late.is_booked


def test_back_to_the_form_keeps_everything(staff_client, clinic, day, booked):
    response = _confirm(staff_client, clinic, day, booked, "endre")
    html = response.content.decode()
    assert response.status_code == 200 and 'value="Planleggingsdag"' in html and day.isoformat() in html
    assert "field-error" not in html and not Closure.objects.exists()


def test_cancel_the_ones_kept_later(staff_client, clinic, day, booked):
    _confirm(staff_client, clinic, day, booked, "behold")
    closure = Closure.objects.get()
    page = staff_client.get(url(clinic, "closure_cancel_booked", pk=closure.pk)).content.decode()
    assert "Steng, men behold timene" not in page and "Avbestill alle 2 timene" in page
    shown = re.search(r'name="vist" value="([0-9,]+)"', page).group(1)
    response = staff_client.post(url(clinic, "closure_cancel_booked", pk=closure.pk),
                                 {"vist": shown, "handling": "avbestill"})
    assert response.status_code == 302 and Appointment.objects.filter(status="cancelled").count() == 2


def test_year_end_in_one_click(staff_client, clinic):
    response = staff_client.post(url(clinic, "closure_year_end"))
    assert response.status_code == 302
    today = date.today()
    expected = {d for d in (date(today.year, 12, 24), date(today.year, 12, 31)) if d >= today}
    assert {c.start_date for c in Closure.objects.all()} == expected
    assert {c.reason for c in Closure.objects.all()} <= {"Julaften", "Nyttårsaften"}
    staff_client.post(url(clinic, "closure_year_end"))
    assert Closure.objects.count() == len(expected)  # not twice


def test_delete_a_closure(staff_client, clinic, day):
    closure = Closure.objects.create(clinic=clinic, start_date=day, end_date=day + timedelta(days=2))
    response = staff_client.post(url(clinic, "closure_delete", pk=closure.pk))
    assert response.status_code == 302 and not Closure.objects.exists()
    assert "er slettet. Tiden kan bestilles igjen." in staff_client.get(url(clinic)).content.decode()
    assert staff_client.get(url(clinic, "closure_delete", pk=closure.pk)).status_code == 405


def test_public_holidays_switch(staff_client, clinic, staff_user):
    response = staff_client.post(url(clinic, "save_holidays"), {})
    assert response.status_code == 302
    clinic.refresh_from_db()
    assert not clinic.close_public_holidays
    assert AuditEntry.objects.get(action="clinic.rules_updated").data["changes"] == {
        "close_public_holidays": [True, False]}
    assert "Klinikken holder åpent på disse dagene nå." in staff_client.get(url(clinic)).content.decode()
