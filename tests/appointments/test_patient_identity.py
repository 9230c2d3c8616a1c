"""Knowing a fødselsnummer proves nothing: an online booking never changes what is stored
about an existing patient, and never redirects messages about another booking (issue 8.1)."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import FNR, at, details, monday, practs, types
from timebok.appointments.errors import LimitReached, NothingToAccept
from timebok.appointments.models import Appointment, Patient
from timebok.appointments.services.booking import book_appointment
from timebok.appointments.services.patients import accept_appointment_details
from timebok.core.models import AuditEntry

VICTIM = {"fornavn": "Kari", "etternavn": "Nordmann", "epost": "kari@example.com", "telefon": "+4741234567"}
ATTACKER = {"fornavn": "Atle", "etternavn": "Angriper", "epost": "attacker@example.com", "telefon": "+4792222222"}


@pytest.fixture
def mailbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.BASE_URL = "https://timebok.example.no"


def api_book(client, clinic, who: dict[str, str], hour: int):
    body = {"timetype": types(clinic)["Oppfølging"].pk, "behandler": practs(clinic)["Anne Lie"].pk,
            "start": at(monday(), hour).isoformat(), "fodselsnummer": FNR, "kommentar": "", **who}
    return client.post(f"/api/v1/clinics/{clinic.slug}/bookings", json.dumps(body), content_type="application/json")


def test_the_attack_in_the_issue_changes_nothing_of_the_victims(
        anon_client, staff_client, clinic, mailbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert api_book(anon_client, clinic, VICTIM, 9).status_code == 201
        assert api_book(anon_client, clinic, ATTACKER, 10).status_code == 201
    victim_appt = Appointment.objects.get(start=at(monday(), 9))
    patient = Patient.objects.get()
    # The record and the victim's appointment are untouched.
    assert (patient.full_name, patient.email, patient.phone) == ("Kari Nordmann", "kari@example.com", "+4741234567")
    assert (victim_appt.full_name, victim_appt.email) == ("Kari Nordmann", "kari@example.com")
    # The confirmation of the attacker's booking went to the attacker, the victim's to the victim.
    assert sorted(m.to[0] for m in mail.outbox) == ["attacker@example.com", "kari@example.com"]

    # The overview shows the victim's appointment under the victim's name, and flags the other one.
    html = staff_client.get(reverse("staff:overview", kwargs={"clinic": clinic.slug}),
                            {"behandler": victim_appt.practitioner_id, "dato": monday().isoformat(),
                             "visning": "dag"}).content.decode()
    victim_block = html[html.index(f'id="time-{victim_appt.pk}"'):]
    victim_block = victim_block[:victim_block.index("</li>")]
    assert "Kari Nordmann" in victim_block and "Atle" not in victim_block
    assert "Oppgitte opplysninger avviker fra pasientkortet" not in victim_block
    attacker_appt = Appointment.objects.get(start=at(monday(), 10))
    attacker_block = html[html.index(f'id="time-{attacker_appt.pk}"'):]
    attacker_block = attacker_block[:attacker_block.index("</li>")]
    assert "Oppgitte opplysninger avviker fra pasientkortet" in attacker_block
    assert "Atle Angriper" in attacker_block and "Kari Nordmann" in attacker_block

    # Staff cancel the victim's appointment: the message goes to the victim only.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("staff:cancel", kwargs={"clinic": clinic.slug, "pk": victim_appt.pk}))
    assert [m.to for m in mail.outbox] == [["kari@example.com"]]
    assert "attacker" not in mail.outbox[0].body


def test_the_limit_still_holds_and_its_refusal_says_only_what_to_do(anon_client, clinic, mailbox):
    clinic.max_future_bookings = 3
    clinic.save(update_fields=["max_future_bookings"])
    assert api_book(anon_client, clinic, VICTIM, 9).status_code == 201
    for hour in (10, 11):
        assert api_book(anon_client, clinic, ATTACKER, hour).status_code == 201
    refused = api_book(anon_client, clinic, VICTIM, 13)
    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "limit"
    assert body["message"] == ("Vi kan ikke ta imot flere bestillinger på nett fra deg nå. "
                               "Ring klinikken på 22 00 00 00 for å bestille time.")
    assert "alternatives" not in body
    assert Appointment.objects.count() == 3
    assert Patient.objects.get().email == "kari@example.com"


def test_limit_without_a_clinic_phone(clinic):
    clinic.phone = ""
    clinic.max_future_bookings = 1
    clinic.save(update_fields=["phone", "max_future_bookings"])
    t, p = types(clinic)["Oppfølging"], practs(clinic)["Anne Lie"]
    book_appointment(clinic=clinic, appointment_type=t, practitioner=p, start=at(monday(), 9), patient=details())
    with pytest.raises(LimitReached) as caught:
        book_appointment(clinic=clinic, appointment_type=t, practitioner=p, start=at(monday(), 10),
                         patient=details())
    assert str(caught.value.message) == ("Vi kan ikke ta imot flere bestillinger på nett fra deg nå. "
                                         "Ta kontakt med klinikken for å bestille time.")


def test_staff_accept_the_given_details_into_the_record(clinic, staff_user):
    t, p = types(clinic)["Oppfølging"], practs(clinic)["Anne Lie"]
    book_appointment(clinic=clinic, appointment_type=t, practitioner=p, start=at(monday(), 9), patient=details())
    moved = book_appointment(clinic=clinic, appointment_type=t, practitioner=p, start=at(monday(), 10),
                             patient=details(last_name="Nordmann-Berg", email="kari.ny@example.com"))
    patient = accept_appointment_details(moved, actor=staff_user)
    patient.refresh_from_db()
    assert (patient.last_name, patient.email, patient.phone) == ("Nordmann-Berg", "kari.ny@example.com",
                                                                 "+4741234567")
    entry = AuditEntry.objects.get(action="patient.details_accepted")
    assert entry.actor == staff_user and entry.clinic == clinic
    assert entry.data == {"appointment": moved.reference, "fields": ["last_name", "email"]}
    assert "kari.ny@example.com" not in json.dumps(entry.data)
    moved.refresh_from_db()
    assert moved.differing_details() == []
    with pytest.raises(NothingToAccept):
        accept_appointment_details(moved, actor=staff_user)


def test_accepting_is_for_the_clinics_own_staff(clinic, other_staff_user):
    from django.contrib.auth.models import AnonymousUser

    t, p = types(clinic)["Oppfølging"], practs(clinic)["Anne Lie"]
    book_appointment(clinic=clinic, appointment_type=t, practitioner=p, start=at(monday(), 9), patient=details())
    other = book_appointment(clinic=clinic, appointment_type=t, practitioner=p, start=at(monday(), 10),
                             patient=details(email="x@example.com"))
    for actor in (other_staff_user, AnonymousUser()):
        with pytest.raises(PermissionError):
            accept_appointment_details(other, actor=actor)
    assert Patient.objects.get().email == "kari0@example.com"
    assert not AuditEntry.objects.filter(action="patient.details_accepted").exists()


def test_accept_through_the_overview(staff_client, other_staff_client, clinic):
    t, p = types(clinic)["Oppfølging"], practs(clinic)["Anne Lie"]
    book_appointment(clinic=clinic, appointment_type=t, practitioner=p, start=at(monday(), 9), patient=details())
    other = book_appointment(clinic=clinic, appointment_type=t, practitioner=p, start=at(monday(), 10),
                             patient=details(phone="+4798765432"))
    url = reverse("staff:accept_details", kwargs={"clinic": clinic.slug, "pk": other.pk})
    assert staff_client.get(url).status_code == 405
    assert other_staff_client.post(url).status_code == 404
    assert Patient.objects.get().phone == "+4741234567"
    response = staff_client.post(url, {"behandler": p.pk, "dato": monday().isoformat(), "visning": "dag"},
                                 follow=True)
    assert response.status_code == 200
    assert "Pasientkortet er oppdatert" in response.content.decode()
    assert Patient.objects.get().phone == "+4798765432"
