"""Timebok: moving an appointment from the day view."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from tests.factories import at, book, details, next_weekday, practs, valid_fnr
from timebok.appointments.models import Appointment
from timebok.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def url(appt):
    return reverse("staff:move", kwargs={"clinic": appt.clinic.slug, "pk": appt.pk})


def _day():
    return next_weekday(date.today() + timedelta(days=3), 1)


def test_the_page_lists_free_times_of_the_chosen_day_and_practitioner(staff_client, clinic):
    day = _day()
    appt = book(clinic, day=day, hour=10)
    html = staff_client.get(url(appt)).content.decode()
    assert "Flytt timen" in html and 'value="08:00"' in html and 'value="10:00"' not in html
    bjorn = practs(clinic)["Bjørn Dahl"]
    book(clinic, day=day + timedelta(days=1), hour=9, practitioner=bjorn, patient=details(fnr=valid_fnr(2, 2, 72)))
    html = staff_client.get(url(appt), {"dato": (day + timedelta(days=1)).isoformat(),
                                        "behandler": bjorn.pk}).content.decode()
    assert 'value="09:00"' not in html and 'value="09:30"' in html and "Bjørn Dahl" in html


def test_moving_to_a_free_time_goes_back_to_the_new_day(staff_client, clinic, staff_user):
    day = _day()
    appt = book(clinic, day=day, hour=10)
    new_day = day + timedelta(days=1)
    response = staff_client.post(url(appt), {"dato": new_day.isoformat(), "behandler": appt.practitioner_id,
                                             "tid": "13:00"}, follow=True)
    moved = Appointment.objects.get(pk=appt.pk)
    assert moved.start == at(new_day, 13) and moved.sequence == 1
    html = response.content.decode()
    assert "er flyttet til" in html and f'id="time-{appt.pk}"' in html
    assert AuditEntry.objects.get(action="appointment.moved").actor == staff_user


def test_outside_the_template_asks_for_confirmation_and_keeps_the_input(staff_client, clinic):
    day = _day()
    appt = book(clinic, day=day, hour=10)
    data = {"dato": day.isoformat(), "behandler": appt.practitioner_id, "tid": "7.15"}
    response = staff_client.post(url(appt), data)
    assert response.status_code == 409
    html = response.content.decode()
    assert "utenfor behandlerens arbeidstid" in html and 'value="7.15"' in html
    assert Appointment.objects.get(pk=appt.pk).start == appt.start
    staff_client.post(url(appt), {**data, "utenfor": "on"})
    assert Appointment.objects.get(pk=appt.pk).start == at(day, 7, 15)


def test_a_taken_time_says_so_with_alternatives(staff_client, clinic):
    day = _day()
    appt = book(clinic, day=day, hour=10)
    book(clinic, day=day, hour=13, patient=details(fnr=valid_fnr(3, 3, 73)))
    response = staff_client.post(url(appt), {"dato": day.isoformat(), "behandler": appt.practitioner_id,
                                             "tid": "13:00"})
    html = response.content.decode()
    assert response.status_code == 409 and "tatt" in html and "Nærmeste ledige tider" in html
    assert Appointment.objects.get(pk=appt.pk).start == appt.start


@pytest.mark.parametrize("bad", [{"dato": "31.02.2027"}, {"tid": "25"}, {"behandler": "x"}, {"tid": ""},
                                 {"dato": "0001-01-01"}])
def test_bad_input_gets_a_message_and_changes_nothing(staff_client, clinic, bad):
    appt = book(clinic, day=_day(), hour=10)
    data = {"dato": _day().isoformat(), "behandler": appt.practitioner_id, "tid": "13:00", **bad}
    response = staff_client.post(url(appt), data)
    assert response.status_code == 200 and 'class="field-error"' in response.content.decode()
    assert Appointment.objects.get(pk=appt.pk).sequence == 0


def test_day_view_links_to_move(staff_client, clinic):
    day = _day()
    appt = book(clinic, day=day, hour=10)
    html = staff_client.get(reverse("staff:clinic", kwargs={"clinic": clinic.slug}), {"dato": day}).content.decode()
    assert f'href="{url(appt)}"' in html
