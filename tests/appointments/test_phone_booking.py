"""Staff booking by phone: finding the patient, a new patient's checks, and the staff exceptions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.factories import at, book, details, next_weekday, practs, types, valid_fnr
from timebok.appointments.errors import OutsideTemplate, SlotNotAvailable, SlotTaken, TimeClosed
from timebok.appointments.models import Appointment, Patient
from timebok.appointments.services.phone_booking import book_by_phone, clean_new_patient, find_patients
from timebok.clinics.closures import ClosureSpec
from timebok.clinics.services import create_closure
from timebok.core.models import AuditEntry
from timebok.notifications.models import OutgoingMessage

pytestmark = pytest.mark.django_db


def _day(days: int = 3) -> date:
    return next_weekday(date.today() + timedelta(days=days), 1)


def test_find_by_name_phone_email_and_full_fnr_only(clinic, other_clinic):
    fnr = valid_fnr(4, 4, 74)
    book(clinic, day=_day(), patient=details(fnr=fnr, first_name="Siri", last_name="Sørli",
                                              email="siri@example.com", phone="+4790000001"))
    book(other_clinic, day=_day(), patient=details(fnr=valid_fnr(5, 5, 75), first_name="Siri"))
    ids = {p.pk for p in Patient.objects.filter(clinic=clinic)}
    for q in ("siri", "SØRLI", "Siri Sørli", "siri@example", "900 00 001", "+4790000001", fnr, fnr[:6] + " " + fnr[6:]):
        found = list(find_patients(clinic, q, allow_synthetic=True))
        assert [p.first_name for p in found] == ["Siri"] and {p.pk for p in found} <= ids, q
    # Part of a number is not a search on the fødselsnummer (it is only stored encrypted and hashed).
    assert list(find_patients(clinic, fnr[:6], allow_synthetic=True)) == []
    assert list(find_patients(clinic, "", allow_synthetic=True)) == []
    assert list(find_patients(clinic, "12345678901", allow_synthetic=True)) == []


def test_new_patient_is_checked_as_on_the_booking_page_but_contact_is_optional():
    ok, comment, errors = clean_new_patient({"fornavn": "Ola", "etternavn": "Nordmann",
                                             "fodselsnummer": valid_fnr(1, 1, 71), "kommentar": " Vondt "})
    assert errors == {} and ok is not None and ok.email == "" and ok.phone == "" and comment == "Vondt"
    _none, _c, errors = clean_new_patient({"fornavn": "", "etternavn": "N\u202e", "fodselsnummer": "123",
                                           "epost": "ikke-epost", "telefon": "12",
                                           "kommentar": f"nr {valid_fnr(1, 1, 71)}"})
    assert set(errors) == {"fornavn", "etternavn", "fodselsnummer", "epost", "telefon", "kommentar"}


def test_staff_book_offline_type_without_notice_and_record_who(clinic, staff_user):
    day = date.today() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    # Tomorrow (inside the online notice if the clinic asked for it), an offline type, an
    # offline practitioner.
    appt = book_by_phone(clinic, appointment_type=types(clinic)["Gruppetime"],
                         practitioner=practs(clinic)["Cecilie Ås"], start=at(day, 10),
                         patient=details(fnr=valid_fnr(6, 6, 76)), actor=staff_user)
    assert appt.source == "staff" and appt.created_by == staff_user and not appt.any_practitioner
    entry = AuditEntry.objects.get(action="appointment.booked")
    assert entry.actor == staff_user and entry.data["source"] == "staff"


def test_outside_template_needs_confirmation_closed_and_taken_are_refused(clinic, staff_user):
    day = _day()
    anne = practs(clinic)["Anne Lie"]
    atype = types(clinic)["Oppfølging"]
    kw = {"appointment_type": atype, "practitioner": anne, "actor": staff_user}
    with pytest.raises(OutsideTemplate):
        book_by_phone(clinic, start=at(day, 17), patient=details(), **kw)
    assert not Appointment.objects.exists()
    book_by_phone(clinic, start=at(day, 17), patient=details(), confirm_outside_template=True, **kw)
    with pytest.raises(SlotTaken):
        book_by_phone(clinic, start=at(day, 17, 15), patient=details(1), confirm_outside_template=True, **kw)
    create_closure(clinic, ClosureSpec(day, day, reason="Fagdag"), actor=staff_user,
                   shown=list(Appointment.objects.values_list("pk", flat=True)))
    with pytest.raises(TimeClosed):
        book_by_phone(clinic, start=at(day, 10), patient=details(2), **kw)
    with pytest.raises(SlotNotAvailable):
        book_by_phone(clinic, start=at(date.today() - timedelta(days=1), 10), patient=details(2),
                      confirm_outside_template=True, **kw)


@pytest.mark.django_db(transaction=True)
def test_confirmation_is_optional(clinic, staff_user, settings):
    """Committed for real, as in a request: the messages are written after commit."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    kw = {"appointment_type": types(clinic)["Oppfølging"], "practitioner": practs(clinic)["Anne Lie"],
          "actor": staff_user}
    quiet = book_by_phone(clinic, start=at(_day(), 10), patient=details(1), notify=False, **kw)
    told = book_by_phone(clinic, start=at(_day(), 11), patient=details(2), **kw)
    assert not OutgoingMessage.objects.filter(appointment=quiet).exists()
    assert OutgoingMessage.objects.filter(appointment=told, kind="confirmation").count() == 2


@pytest.mark.parametrize("query", ["\x00", "Kari\x00", "a\x1b"])
def test_control_characters_find_nobody(clinic, query):
    book(clinic, day=_day())
    assert list(find_patients(clinic, query)) == []
