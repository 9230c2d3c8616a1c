from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth import authenticate

from timebok.appointments.models import Appointment
from timebok.appointments.services import availability
from timebok.clinics.demo import load_demo

pytestmark = pytest.mark.django_db


def test_demo_clinic_is_complete_and_idempotent():
    clinic = load_demo()
    count = Appointment.objects.count()
    assert count > 50
    load_demo()
    assert Appointment.objects.count() == count
    assert clinic.practitioners.count() == 3
    assert clinic.practitioners.filter(online=False).count() == 1
    assert clinic.appointment_types.count() == 4
    assert clinic.appointment_types.filter(online=False).count() == 1
    assert all(t.price and t.info_text for t in clinic.appointment_types.all())
    assert clinic.close_public_holidays
    user = authenticate(username="demo", password="demo")
    assert user is not None and clinic.staff.filter(pk=user.pk).exists()


def test_demo_coming_weeks_show_many_few_and_none():
    clinic = load_demo()
    atype = clinic.appointment_types.get(name="Oppfølgingstime")
    today = date.today()
    levels = availability.day_levels(clinic, atype, None, today + timedelta(days=1), today + timedelta(days=35))
    seen = {info.level for d, info in levels.items() if d.weekday() < 5}
    assert seen == {"none", "few", "many"}
