"""What the patient and the practitioner receive: bokmål, the details, nothing sensitive."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.utils import translation

from tests.factories import at, details, valid_fnr, weekday_in
from tests.notifications.conftest import sms_files
from timebok.appointments.models import Appointment
from timebok.notifications import compose
from timebok.notifications.models import OutgoingMessage

pytestmark = pytest.mark.django_db


def everything_sent(outbox_dirs) -> list[str]:
    """Every text that left the system: subjects, bodies, headers, attachments, SMS files."""
    texts = []
    for m in mail.outbox:
        texts.append(m.message().as_string())
        texts.extend([m.subject, m.body])
        texts.extend(str(a[1]) for a in m.attachments)
    texts.extend(sms_files(outbox_dirs))
    return texts


def test_confirmation_email_has_time_practitioner_place_price_link_and_ics(book, outbox_dirs):
    appt = book(start=at(weekday_in(7), 10, 30))
    assert len(mail.outbox) == 1
    m = mail.outbox[0]
    assert m.to == ["kari0@example.com"]
    assert m.subject.startswith("Timebekreftelse: ")
    assert "Fysio Sentrum" in m.subject
    body = m.body
    assert "Hei Kari," in body
    assert re.search(r"Tid: (mandag|tirsdag|onsdag|torsdag|fredag) \d{1,2}\. \w+ \d{4} kl\. 10:30–11:00", body)
    assert "Behandler: Anne Lie, Fysioterapeut" in body
    assert "Sted: Kirkegata 2, 3. etasje" in body  # the type's address wins over the clinic's
    assert "Pris: kr 650" in body
    assert f"Referanse: {appt.reference}" in body
    assert f"https://timebok.example.no/t/{appt.manage_token}/" in body
    assert "22 00 00 00" in body
    name, ics, mimetype = m.attachments[0]
    assert name == "time.ics" and mimetype.startswith("text/calendar")
    assert "BEGIN:VTIMEZONE" in ics and "TZID:Europe/Oslo" in ics
    assert m.extra_headers["Message-ID"].startswith("<timebok.")


def test_confirmation_sms_to_a_mobile_with_the_same_link(book, outbox_dirs):
    appt = book()
    [sms] = sms_files(outbox_dirs)
    assert sms.startswith("To: +4741234567\n")
    assert "Time hos Fysio Sentrum" in sms and "kl. 10:30" in sms
    assert f"https://timebok.example.no/t/{appt.manage_token}/" in sms


def test_no_sms_to_a_landline_and_no_email_without_address(book, outbox_dirs):
    book(patient=details(phone="+4722334455", email=""))
    assert mail.outbox == []
    assert sms_files(outbox_dirs) == []
    assert not OutgoingMessage.objects.filter(kind="confirmation").exists()


def test_place_falls_back_to_clinic_address(book, outbox_dirs):
    book(type_name="Førstegangstime", start=at(weekday_in(7), 9, 30))
    assert "Sted: Kirkegata 2, 0153 Oslo" in mail.outbox[0].body


@pytest.mark.parametrize("source", [Appointment.Source.ONLINE, Appointment.Source.STAFF])
@pytest.mark.parametrize("n", [0, 1, 2])
def test_no_fodselsnummer_in_any_message(clinic, book, cancel, outbox_dirs, source, n):
    fnr = valid_fnr(10 + n, 5 + n, 80 + n)
    p = clinic.practitioners.get(name="Anne Lie")
    p.email, p.notify_on_booking, p.notify_on_cancellation = "anne@example.com", True, True
    p.save()
    appt = book(start=at(weekday_in(8 + n), 9 + n), patient=details(n, fnr=fnr), source=source)
    cancel(appt, by_patient=True)
    texts = everything_sent(outbox_dirs)
    assert len(texts) > 5
    stored = [m.body + m.subject + m.ics for m in OutgoingMessage.objects.all()]
    for text in texts + stored:
        digits = re.sub(r"\D", "", text)
        assert fnr not in text and fnr not in digits
        assert fnr[:6] + " " + fnr[6:] not in text


def test_sensitive_type_name_appears_nowhere(clinic, book, cancel, outbox_dirs):
    atype = clinic.appointment_types.get(name="Oppfølging")
    atype.name, atype.sensitive = "Abortveiledning", True
    atype.save()
    p = clinic.practitioners.get(name="Anne Lie")
    p.email, p.notify_on_booking, p.notify_on_cancellation = "anne@example.com", True, True
    p.save()
    appt = book(type_name="Abortveiledning")
    cancel(appt, by_patient=True)
    texts = everything_sent(outbox_dirs)
    assert len(mail.outbox) == 4  # confirmation, staff notice, cancellation, staff notice
    stored = [m.body + m.subject + m.ics for m in OutgoingMessage.objects.all()]
    for text in texts + stored:
        assert "abortveiledning" not in text.lower()
    ics = mail.outbox[0].attachments[0][1]
    assert "SUMMARY:Time hos Fysio Sentrum" in ics
    assert "sensitiv timetype" in mail.outbox[1].body


def test_non_sensitive_type_name_is_in_the_message(book, outbox_dirs):
    book()
    assert "Timetype: Oppfølging" in mail.outbox[0].body
    assert "SUMMARY:Oppfølging hos Fysio Sentrum" in mail.outbox[0].attachments[0][1]


def test_cancellation_message_and_cancel_ics(book, cancel, outbox_dirs):
    appt = book()
    mail.outbox.clear()
    cancel(appt, by_patient=True)
    [m] = mail.outbox
    assert m.subject.startswith("Avbestilt: time ")
    assert "er avbestilt" in m.body
    assert "https://timebok.example.no/b/fysio/" in m.body
    assert appt.manage_token not in m.body  # the link is useless now; not sent again
    ics = m.attachments[0][1]
    assert "METHOD:CANCEL" in ics and "STATUS:CANCELLED" in ics
    assert f"UID:timebok-{appt.reference}@timebok.example.no" in ics
    assert any("er avbestilt" in s for s in sms_files(outbox_dirs))


def test_token_is_erased_from_the_outbox_once_sent(book, outbox_dirs):
    appt = book()
    sent = OutgoingMessage.objects.filter(kind="confirmation")
    assert sent.count() == 2 and all(m.status == "sent" and m.link_token_encrypted == "" for m in sent)
    # stored text never held the token in clear, only a placeholder
    for m in OutgoingMessage.objects.all():
        assert appt.manage_token not in m.body + m.ics
    pending = OutgoingMessage.objects.filter(kind="reminder")
    assert pending.count() == 2 and all(m.link_token_encrypted for m in pending)
    assert all(appt.manage_token not in m.link_token_encrypted for m in pending)


def test_confirmation_after_the_deadline_offers_the_phone_not_online_cancelling(clinic, book, outbox_dirs):
    atype = clinic.appointment_types.get(name="Oppfølging")
    atype.cancellation_hours = 24 * 30  # the deadline has passed already when the booking is made
    atype.save(update_fields=["cancellation_hours"])
    book()
    body = mail.outbox[0].body
    assert "Fristen for å avbestille på nett gikk ut" in body
    assert "ring klinikken på 22 00 00 00" in body
    assert "Du kan avbestille på nett fram til" not in body
    assert "Se eller avbestill" not in body
    [sms] = sms_files(outbox_dirs)
    assert "Avbestilling: ring 22 00 00 00" in sms and "avbestill innen" not in sms


# --- The patient's language -----------------------------------------------------------------


def test_an_english_booking_gets_english_confirmation_sms_and_ics(clinic, book, outbox_dirs, settings):
    import icalendar

    from timebok.core import display

    clinic.practitioners.filter(name="Anne Lie").update(email="anne@example.com", notify_on_booking=True)
    start = at(weekday_in(7), 10, 30)
    appt = book(start=start, language="en")
    assert appt.language == "en"
    m = next(m for m in mail.outbox if m.to == ["kari0@example.com"])
    local = start.astimezone(clinic.tz)
    when = f"{local:%A} {local.day} {local:%B} {local.year} at 10:30"  # "Monday 30 November 2026 at 10:30"
    assert m.subject == f"Appointment confirmation: {when}, Fysio Sentrum"
    assert "Hello Kari," in m.body
    assert f"Time: {when}–11:00" in m.body
    assert "Practitioner: Anne Lie, Fysioterapeut" in m.body
    assert "Price: NOK 650" in m.body
    assert "You can cancel online until" in m.body and "Kind regards" in m.body
    for word in ("Hei", "Timen", "Pris", "kl.", "kr ", "Vennlig"):
        assert word not in m.body and word not in m.subject, word
    ics = icalendar.Calendar.from_ical(str(m.attachments[0][1]))
    event = next(iter(ics.walk("VEVENT")))
    assert str(event["summary"]) == "Oppfølging at Fysio Sentrum"
    assert "Practitioner: Anne Lie" in str(event["description"])
    assert "Price: NOK 650" in str(event["description"])
    sms = sms_files(outbox_dirs)
    assert len(sms) == 1 and f"Appointment at Fysio Sentrum on {when} with Anne Lie" in sms[0]
    # The practitioner's notice stays bokmål.
    staff = next(m for m in mail.outbox if m.to == ["anne@example.com"])
    assert staff.subject.startswith("Ny bestilling på nett: ")
    with translation.override("nb"):
        assert display.price_text(650) == "kr 650"


def test_the_reminder_and_the_cancellation_use_the_booking_language(clinic, book, cancel, outbox_dirs):
    appt = book(start=at(weekday_in(7), 10, 30), language="en")
    reminder = OutgoingMessage.objects.get(appointment=appt, kind="reminder", channel="email")
    assert reminder.subject == ""  # rendered by the worker just before it is sent
    compose.render_message(reminder)
    assert reminder.subject.startswith("Reminder: appointment on ") and "This is a reminder" in reminder.body
    mail.outbox.clear()
    cancel(appt, by_patient=True)
    m = next(m for m in mail.outbox if m.to == ["kari0@example.com"])
    assert m.subject.startswith("Cancelled: appointment on ")
    assert "has been cancelled" in m.body and "Hei" not in m.body
    assert "Oppfølging" in m.body  # the clinic's own names stay as they are


def test_a_bokmaal_booking_is_unchanged(book, outbox_dirs):
    appt = book(language="nb")
    assert appt.language == "nb"
    assert mail.outbox[0].subject.startswith("Timebekreftelse: ")
