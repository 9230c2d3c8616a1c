"""Timebok: booking a patient who phones in (/timebok/<clinic>/ny-time/)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from tests.factories import at, book, details, next_weekday, practs, types, valid_fnr
from timebok.appointments.models import Appointment, Patient
from timebok.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def url(clinic):
    return reverse("staff:phone_booking", kwargs={"clinic": clinic.slug})


def _day():
    return next_weekday(date.today() + timedelta(days=3), 1)


def _new(clinic, **overrides):
    data = {"timetype": types(clinic)["Oppfølging"].pk, "behandler": practs(clinic)["Anne Lie"].pk,
            "dato": _day().isoformat(), "tid": "13:00", "fornavn": "Ola", "etternavn": "Telefon",
            "fodselsnummer": valid_fnr(7, 7, 77), "telefon": "412 34 567", "epost": "", "kommentar": "Ringte inn",
            "varsle": "on"}
    data.update(overrides)
    return data


def test_page_offers_free_times_of_any_type_including_offline(staff_client, clinic):
    group = types(clinic)["Gruppetime"]
    html = staff_client.get(url(clinic), {"timetype": group.pk, "behandler": practs(clinic)["Cecilie Ås"].pk,
                                          "dato": _day().isoformat(), "tid": "09:00"}).content.decode()
    assert "Gruppetime" in html and 'value="09:00" checked' in html and 'name="varsle" id="varsle" checked' in html


def test_book_a_new_patient(staff_client, clinic, staff_user):
    response = staff_client.post(url(clinic), _new(clinic), follow=True)
    appt = Appointment.objects.get()
    assert (appt.start, appt.source, appt.created_by, appt.phone, appt.comment) == (
        at(_day(), 13), "staff", staff_user, "+4741234567", "Ringte inn")
    html = response.content.decode()
    assert "Timen er bestilt" in html and "Pasienten får bekreftelse." in html
    assert "Lagt inn av resepsjon" in html and f'id="time-{appt.pk}"' in html
    assert AuditEntry.objects.get(action="appointment.booked").actor == staff_user


def test_a_patient_who_reads_english_gets_english_messages(staff_client, clinic, django_capture_on_commit_callbacks):
    from django.core import mail

    assert 'name="sprak"' in staff_client.get(url(clinic)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url(clinic), _new(clinic, epost="ola@example.com", sprak="en"))
    appt = Appointment.objects.get()
    assert appt.language == "en"
    confirmation = next(m for m in mail.outbox if m.to == ["ola@example.com"])
    assert confirmation.subject.startswith("Appointment confirmation")
    assert "Bestilt på engelsk" in staff_client.get(reverse("staff:clinic", kwargs={"clinic": clinic.slug}),
                                                    {"dato": _day().isoformat()}).content.decode()


def test_bad_patient_input_is_kept_with_messages(staff_client, clinic):
    response = staff_client.post(url(clinic), _new(clinic, fodselsnummer="12345", telefon="12", fornavn=""))
    html = response.content.decode()
    assert response.status_code == 400 and not Appointment.objects.exists()
    assert html.count('class="field-error"') >= 3 and 'value="12345"' in html and "Ringte inn" in html
    assert 'value="13:00" checked' in html


def test_find_and_book_an_existing_patient_by_full_fnr(staff_client, clinic):
    fnr = valid_fnr(8, 8, 78)
    first = book(clinic, day=_day(), hour=9, patient=details(fnr=fnr, first_name="Eva", last_name="Eksisterende"))
    html = staff_client.post(url(clinic), {"sok": fnr, "handling": "sok", "dato": _day().isoformat()}).content.decode()
    assert "Eva Eksisterende" in html and fnr not in html and fnr[:6] + "*****" in html
    assert f'value="{first.patient_id}" checked' in html
    # Never through a URL.
    assert "Eva Eksisterende" not in staff_client.get(url(clinic), {"sok": fnr}).content.decode()
    assert "Eva Eksisterende" in staff_client.get(url(clinic), {"sok": "eva"}).content.decode()
    staff_client.post(url(clinic), _new(clinic, pasient=first.patient_id, fornavn="", etternavn="",
                                        fodselsnummer="", telefon=""))
    assert Patient.objects.count() == 1
    assert Appointment.objects.filter(patient_id=first.patient_id).count() == 2


def test_outside_template_needs_the_checkbox(staff_client, clinic):
    data = _new(clinic, tid="", annen_tid="17")
    response = staff_client.post(url(clinic), data)
    assert response.status_code == 400 and "utenfor behandlerens arbeidstid" in response.content.decode()
    staff_client.post(url(clinic), {**data, "utenfor": "on"})
    assert Appointment.objects.get().start == at(_day(), 17)


def test_taken_time_gives_alternatives(staff_client, clinic):
    book(clinic, day=_day(), hour=13)
    response = staff_client.post(url(clinic), _new(clinic))
    assert "Nærmeste ledige tider" in response.content.decode() and Appointment.objects.count() == 1


@pytest.mark.parametrize("bad", [{"pasient": "999999"}, {"tid": "x"}, {"dato": "31.02.2027"}, {"timetype": "x"},
                                 {"tid": "", "annen_tid": ""}])
def test_bad_choices_give_messages(staff_client, clinic, bad):
    response = staff_client.post(url(clinic), _new(clinic, **bad))
    assert response.status_code in (200, 400) and not Appointment.objects.exists()
    assert 'class="field-error"' in response.content.decode()


def test_alternatives_follow_the_staff_rules_for_offline_types(staff_client, clinic, staff_user):
    from timebok.appointments.services.phone_booking import book_by_phone

    group, cecilie = types(clinic)["Gruppetime"], practs(clinic)["Cecilie Ås"]
    book_by_phone(clinic, appointment_type=group, practitioner=cecilie, start=at(_day(), 9),
                  patient=details(fnr=valid_fnr(9, 9, 79)), actor=staff_user)
    response = staff_client.post(url(clinic), _new(clinic, timetype=group.pk, behandler=cecilie.pk, tid="09:00"))
    html = response.content.decode()
    assert "Nærmeste ledige tider:" in html and "10:00" in html
