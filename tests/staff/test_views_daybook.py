"""Timebok: the clinic's day view, every practitioner at a glance (/timebok/<clinic>/)."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.urls import reverse

from tests.factories import at, book, details, next_weekday, practs, valid_fnr
from timebok.appointments.models import Appointment
from timebok.clinics.closures import ClosureSpec
from timebok.clinics.models import Practitioner
from timebok.clinics.services import create_closure
from timebok.core import display
from timebok.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def day_view(client, clinic, **params):
    return client.get(reverse("staff:clinic", kwargs={"clinic": clinic.slug}), params)


def test_every_practitioner_in_order_with_bookings_free_and_source(staff_client, clinic, staff_user):
    from datetime import date

    day = next_weekday(date.today(), 1)
    online = book(clinic, day=day, hour=10, comment="Vondt i kneet",
                  patient=details(fnr=valid_fnr(3, 3, 70), first_name="Nina", last_name="Nett", phone="+4741234567"))
    phoned = book(clinic, day=day, hour=9, practitioner="Bjørn Dahl", source=Appointment.Source.STAFF,
                  actor=staff_user, patient=details(fnr=valid_fnr(4, 4, 71), first_name="Per", last_name="Telefon",
                                                    phone="+46701234567"))
    # A practitioner added last, with a lower sort_order, comes first; equal order goes by name.
    Practitioner.objects.create(clinic=clinic, name="Aase Først", sort_order=0)
    response = day_view(staff_client, clinic, dato=day.isoformat())
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    html = response.content.decode()
    names = ["Aase Først", "Anne Lie", "Bjørn Dahl", "Cecilie Ås"]
    positions = [html.index(f">{n}") for n in names]
    assert positions == sorted(positions)
    assert display.date_text(day) in html
    assert f'id="time-{online.pk}"' in html and f'id="time-{phoned.pk}"' in html
    assert "Nina Nett" in html and "Vondt i kneet" in html and "Bestilt på nett" in html
    assert "Lagt inn av resepsjon" in html
    # One national format for phone numbers: +47 without the country code, others international.
    assert "412 34 567" in html and "+4741234567<" not in html and "+46 70 123 45 67" in html
    # Free time, in the clinic's time zone: Anne's morning 08:00–10:00 before the booking.
    assert ">08:00</time>–<time" in html and "Ledig" in html
    # Patient list access is logged (ids only).
    entry = AuditEntry.objects.filter(action="patient.list_viewed").latest("created_at")
    assert set(entry.data["patients"]) == {online.patient_id, phoned.patient_id}


def test_forward_back_today_and_picker_work_without_javascript(staff_client, clinic):
    today = display.local_today(clinic)
    html = day_view(staff_client, clinic).content.decode()
    assert "(i dag)" in html
    from datetime import timedelta

    for day in (today - timedelta(days=1), today + timedelta(days=1)):
        assert f"?dato={day.isoformat()}" in html
    assert 'type="date"' in html and 'name="dato"' in html
    html = day_view(staff_client, clinic, dato="2.12.2026").content.decode()
    assert "onsdag 2. desember 2026" in html


@pytest.mark.parametrize("bad", ["31.02.2027", "i morgen", "0001-01-01", "9999-12-31", "\x00"])
def test_bad_dates_get_a_message_and_today(staff_client, clinic, bad):
    response = day_view(staff_client, clinic, dato=bad)
    assert response.status_code == 200
    html = response.content.decode()
    assert "(i dag)" in html and 'class="field-error"' in html


def test_closures_show_with_a_warning_about_booked_patients(staff_client, clinic, staff_user):
    from datetime import date

    day = next_weekday(date.today(), 2)
    appt = book(clinic, day=day, hour=10)
    create_closure(clinic, ClosureSpec(day, day, reason="Planleggingsdag"), actor=staff_user, shown=[appt.pk])
    anne = practs(clinic)["Bjørn Dahl"]
    other_day = next_weekday(day, 3)
    create_closure(clinic, ClosureSpec(other_day, other_day, time(12), time(13), anne.pk, "Lunsj"), actor=staff_user)
    html = day_view(staff_client, clinic, dato=day.isoformat()).content.decode()
    assert "Klinikken er stengt" in html and "Planleggingsdag" in html
    assert "1 bestilt time ligger i stengt tid." in html and f'id="time-{appt.pk}"' in html
    assert "Ledig" not in html
    html = day_view(staff_client, clinic, dato=other_day.isoformat()).content.decode()
    assert "Blokkert:</strong> Lunsj" in html and ">12:00</time>–<time" in html
    assert "stengt tid" not in html


def test_times_are_on_the_clinics_clock(staff_client, clinic):
    day = next_weekday(display.local_today(clinic), 1)
    appt = book(clinic, start=at(day, 14, 15), source=Appointment.Source.STAFF)
    html = day_view(staff_client, clinic, dato=day.isoformat()).content.decode()
    assert f'id="time-{appt.pk}"' in html and ">14:15</time>–<time" in html


def test_other_clinics_day_is_404(staff_client, other_clinic):
    assert day_view(staff_client, other_clinic).status_code == 404


def _block(client, clinic, **data):
    return client.post(reverse("staff:block", kwargs={"clinic": clinic.slug}), data, follow=True)


def test_block_a_lunch_and_remove_it_again(staff_client, clinic, staff_user):
    from datetime import date

    from timebok.appointments.services.availability import free_slots
    from timebok.clinics.models import Closure

    day = next_weekday(date.today() + timedelta(days=2), 2)
    anne = practs(clinic)["Anne Lie"]
    atype = clinic.appointment_types.get(name="Oppfølging")
    assert at(day, 12) in [s.start for s in free_slots(clinic, atype, anne, day)]
    response = _block(staff_client, clinic, behandler=anne.pk, dato=day.isoformat(), fra="12", til="13.00",
                      arsak="Lunsj")
    html = response.content.decode()
    assert "Anne Lie er blokkert 12:00–13:00: Lunsj." in html and "Blokkert:</strong> Lunsj" in html
    closure = Closure.objects.get(clinic=clinic)
    assert (closure.practitioner_id, closure.start_date, closure.end_date, closure.reason) == (anne.pk, day, day,
                                                                                              "Lunsj")
    # Gone from online booking at once.
    starts = [s.start for s in free_slots(clinic, atype, anne, day)]
    assert at(day, 12) not in starts and at(day, 12, 30) not in starts and at(day, 13) in starts
    assert AuditEntry.objects.filter(action="closure.created", actor=staff_user).exists()
    html = staff_client.post(reverse("staff:unblock", kwargs={"clinic": clinic.slug, "pk": closure.pk}),
                             follow=True).content.decode()
    assert "er fjernet" in html and not Closure.objects.exists()
    assert at(day, 12) in [s.start for s in free_slots(clinic, atype, anne, day)]


def test_blocking_sends_availability_changed_after_commit(staff_client, clinic, django_capture_on_commit_callbacks):
    from datetime import date

    from timebok.clinics import signals

    seen = []

    def receiver(sender, clinic, practitioner_ids, **kwargs):  # type: ignore[no-untyped-def]
        seen.append((clinic.pk, sorted(practitioner_ids or [])))

    anne = practs(clinic)["Anne Lie"]
    signals.availability_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            _block(staff_client, clinic, behandler=anne.pk, dato=next_weekday(date.today(), 2).isoformat(),
                   fra="9", til="10", annen_arsak="Kurs i taping")
    finally:
        signals.availability_changed.disconnect(receiver)
    assert seen == [(clinic.pk, [anne.pk])]


@pytest.mark.parametrize("bad", [{"fra": "25"}, {"til": ""}, {"fra": "13", "til": "12"}, {"annen_arsak": "x" * 201}])
def test_bad_block_input_keeps_what_was_typed(staff_client, clinic, bad):
    from timebok.clinics.models import Closure

    anne = practs(clinic)["Anne Lie"]
    data = {"behandler": anne.pk, "dato": next_weekday(display.local_today(clinic), 2).isoformat(), "fra": "12",
            "til": "13", "annen_arsak": "Møte med leverandør", **bad}
    response = _block(staff_client, clinic, **data)
    html = response.content.decode()
    assert response.status_code == 400 and 'class="field-error"' in html
    assert '<details class="block-time" open>' in html
    assert data["annen_arsak"] in html
    assert not Closure.objects.exists()


def test_blocking_over_a_booked_time_is_refused(staff_client, clinic):
    from timebok.clinics.models import Closure

    day = next_weekday(display.local_today(clinic), 2)
    appt = book(clinic, day=day, hour=12)
    response = _block(staff_client, clinic, behandler=appt.practitioner_id, dato=day.isoformat(), fra="12", til="13",
                      arsak="Lunsj")
    assert "Det er 1 bestilt time i tiden." in response.content.decode() and not Closure.objects.exists()


def test_whole_day_closure_cannot_be_removed_as_a_block(staff_client, clinic, staff_user):
    day = next_weekday(display.local_today(clinic), 2)
    result = create_closure(clinic, ClosureSpec(day, day, reason="Fagdag"), actor=staff_user)
    url = reverse("staff:unblock", kwargs={"clinic": clinic.slug, "pk": result.closures[0].pk})
    assert staff_client.post(url).status_code == 404 and staff_client.get(url).status_code == 405


def test_cancel_from_the_day_view_asks_and_returns_to_the_day(staff_client, clinic):
    day = next_weekday(display.local_today(clinic), 2)
    appt = book(clinic, day=day, hour=10)
    html = day_view(staff_client, clinic, dato=day.isoformat()).content.decode()
    link = reverse("staff:cancel", kwargs={"clinic": clinic.slug, "pk": appt.pk})
    assert f"{link}?behandler={appt.practitioner_id}&amp;dato={day.isoformat()}&amp;visning=dag&amp;tilbake=dag" in html
    page = staff_client.get(link, {"behandler": appt.practitioner_id, "dato": day.isoformat(), "tilbake": "dag"})
    assert "Avbestill timen?" in page.content.decode() and 'name="tilbake" value="dag"' in page.content.decode()
    response = staff_client.post(link, {"behandler": appt.practitioner_id, "dato": day.isoformat(), "visning": "dag",
                                        "tilbake": "dag"})
    assert response["Location"] == reverse("staff:clinic", kwargs={"clinic": clinic.slug}) + f"?dato={day}"
    assert Appointment.objects.get(pk=appt.pk).status == "cancelled"
