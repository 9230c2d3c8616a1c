"""What keeps a type, a practitioner's type or a template from being bookable online."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from timebok import scheduling
from timebok.clinics.models import AppointmentType, TemplatePeriod, WeekTemplate
from timebok.clinics.readiness import Setup, period_is_live

pytestmark = pytest.mark.django_db

TODAY = date(2030, 1, 9)  # a Wednesday in ISO week 2 (even)


@pytest.mark.parametrize(("start", "end", "parity", "live"), [
    (date(2029, 1, 1), None, "all", True),
    (date(2029, 1, 1), None, "odd", True),  # open-ended: the next odd week comes
    (date(2029, 1, 1), date(2030, 1, 8), "all", False),  # ended yesterday
    (date(2029, 1, 1), TODAY, "all", True),
    (date(2030, 1, 9), date(2030, 1, 12), "odd", False),  # only days of an even week
    (date(2030, 1, 9), date(2030, 1, 13), "even", True),
    (date(2030, 3, 1), date(2030, 3, 31), "all", True),  # later
])
def test_period_is_live(start, end, parity, live):
    assert period_is_live(scheduling.Period(start, end, parity), TODAY) is live


def test_a_bookable_type_has_nothing_missing(clinic):
    setup = Setup.load(clinic, date.today())
    t30 = clinic.appointment_types.get(name="Oppfølging")
    assert setup.type_missing(t30.pk) == [] and setup.type_problems(t30.pk) == []
    anne = clinic.practitioners.get(name="Anne Lie")
    assert setup.type_problems(t30.pk, anne.pk) == []


def test_reasons(clinic):
    group = clinic.appointment_types.get(name="Gruppetime")
    cecilie = clinic.practitioners.get(name="Cecilie Ås")
    new = AppointmentType.objects.create(clinic=clinic, name="Ny", duration_minutes=30)
    setup = Setup.load(clinic, date.today())
    assert setup.type_problems(group.pk) == ["Timetypen kan ikke bestilles online."]
    assert setup.type_missing(new.pk) == ["Ingen ukemal tillater timetypen."]
    assert setup.type_problems(group.pk, cecilie.pk) == [
        "Timetypen kan ikke bestilles online.", "Cecilie Ås har ikke online timebok."]
    assert setup.template_problems(cecilie.week_templates.get().pk) == ["Cecilie Ås har ikke online timebok."]


def test_template_problems(clinic):
    anne = clinic.practitioners.get(name="Anne Lie")
    empty = WeekTemplate.objects.create(practitioner=anne, name="Tom")
    ended = anne.week_templates.get(name="Uke Anne Lie")
    TemplatePeriod.objects.filter(template=ended).update(end_date=date.today() - timedelta(days=1))
    setup = Setup.load(clinic, date.today())
    assert setup.template_problems(empty.pk) == [
        "Ukemalen har ingen arbeidsperioder.", "Ukemalen har ingen arbeidsplan som gjelder nå eller senere."]
    assert setup.template_problems(ended.pk) == ["Ukemalen har ingen arbeidsplan som gjelder nå eller senere."]
    t30 = clinic.appointment_types.get(name="Oppfølging")
    assert setup.type_missing(t30.pk, anne.pk) == [
        "Ukemalen «Uke Anne Lie» har ingen arbeidsplan som gjelder nå eller senere."]
    assert setup.type_missing(t30.pk) == []  # Bjørn's template still offers it
