"""Optional e-mail to the practitioner on online booking and on cancellation."""

from __future__ import annotations

import pytest
from django.core import mail

from tests.factories import FNR, details

pytestmark = pytest.mark.django_db


@pytest.fixture
def anne(clinic):
    p = clinic.practitioners.get(name="Anne Lie")
    p.email = "anne@fysio.example.no"
    p.save()
    return p


def staff_mail():
    return [m for m in mail.outbox if m.to == ["anne@fysio.example.no"]]


def test_off_by_default(anne, book, cancel):
    appt = book()
    cancel(appt, by_patient=True)
    assert staff_mail() == []


def test_notice_on_online_booking(anne, book):
    anne.notify_on_booking = True
    anne.save()
    appt = book(patient=details(fnr=FNR))
    [m] = staff_mail()
    assert m.subject.startswith("Ny bestilling på nett: ")
    assert "Ny bestilling på nett i Timebok." in m.body
    assert "Timetype: Oppfølging" in m.body and f"Referanse: {appt.reference}" in m.body
    assert "kl. 10:30" in m.body
    # minimal: no patient name, no contact details, no fødselsnummer, no personal link
    for secret in ("Kari", "Nordmann", "kari0@example.com", "41234567", FNR, appt.manage_token):
        assert secret not in m.body and secret not in m.subject
    assert m.attachments == []


def test_no_notice_for_a_booking_made_by_staff(anne, book):
    anne.notify_on_booking = True
    anne.save()
    book(source="staff")
    assert staff_mail() == []


def test_notice_on_cancellation(anne, book, cancel):
    anne.notify_on_cancellation = True
    anne.save()
    appt = book()
    assert staff_mail() == []
    cancel(appt, by_patient=True)
    [m] = staff_mail()
    assert m.subject.startswith("Avbestilt: ")
    assert "Pasienten har avbestilt en time på nett" in m.body and appt.reference in m.body


def test_cancellation_by_the_clinic_says_so(anne, book, cancel):
    anne.notify_on_cancellation = True
    anne.save()
    cancel(book(), by_patient=False)
    [m] = staff_mail()
    assert "avbestilt av klinikken" in m.body


def test_only_the_booked_practitioner_is_notified(clinic, anne, book):
    bjorn = clinic.practitioners.get(name="Bjørn Dahl")
    bjorn.email, bjorn.notify_on_booking = "bjorn@fysio.example.no", True
    bjorn.save()
    anne.notify_on_booking = True
    anne.save()
    book(practitioner_name="Anne Lie")
    assert staff_mail() and not [m for m in mail.outbox if m.to == ["bjorn@fysio.example.no"]]
