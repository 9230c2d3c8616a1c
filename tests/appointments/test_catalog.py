"""The catalogue: parsing raw ids, dates and times, and what a clinic offers online."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from tests.factories import practs, types
from timebok.appointments.services import catalog


@pytest.mark.parametrize(("raw", "expected"), [
    ("12", 12), (" 7 ", 7), (7, 7), ("0", None), ("-3", None), (-3, None), ("1e3", None), ("abc", None), ("", None),
    (None, None), (True, None), (3.0, None), (["1"], None), ("9" * 17, None), (str(2**53), 2**53),
    (str(2**53 + 1), None), (2**53 + 1, None), ("１２", None), ("1\x00", None),
])
def test_parse_id(raw, expected):
    assert catalog.parse_id(raw) == expected


def test_parse_date_and_month_only_within_the_years_1900_to_2200():
    assert catalog.parse_date("2026-12-03") == date(2026, 12, 3)
    assert catalog.parse_date(date(2026, 12, 3)) == date(2026, 12, 3)
    for bad in ("2026-02-30", "03.12.2026", "9999-12-31", "0001-01-01", "1899-12-31", "2201-01-01", "x" * 5000,
                None, "2026-12-03\x00"):
        assert catalog.parse_date(bad) is None, bad
    assert catalog.parse_date("1900-01-01") == date(1900, 1, 1)
    assert catalog.parse_month("2026-12") == date(2026, 12, 1)
    for bad in ("2026-13", "0000-01", "9999-12", "0001-01", "2026-1"):
        assert catalog.parse_month(bad) is None, bad


@pytest.mark.parametrize(("raw", "code"), [
    (None, "missing"), ("", "missing"), ("  ", "missing"), ("i morgen", "format"), ("x" * 41, "format"),
    ("2026-12-03T09:00:00", "naive"), ("9999-12-31T23:00:00+00:00", "range"), ("0001-01-01T12:00:00+01:00", "range"),
    ("2026-12-03T09:00:00\x00+01:00", "format"), (12, "format"),
])
def test_parse_start_refuses_what_cannot_be_used(raw, code):
    with pytest.raises(catalog.StartError) as caught:
        catalog.parse_start(raw)
    assert caught.value.code == code


def test_parse_start_keeps_the_offset():
    moment = catalog.parse_start("2026-12-03T09:00:00+01:00")
    assert moment == datetime.fromisoformat("2026-12-03T08:00:00+00:00")
    assert moment.isoformat() == "2026-12-03T09:00:00+01:00"


@pytest.mark.django_db
def test_get_clinic_refuses_values_that_are_no_slug(clinic):
    assert catalog.get_clinic("fysio") == clinic
    for bad in ("nope", "", "fysio\x00", "fysio\n", "a" * 61, "../fysio", None, 5):
        assert catalog.get_clinic(bad) is None


@pytest.mark.django_db
def test_online_look_ups(clinic, other_clinic):
    t = types(clinic)
    p = practs(clinic)
    assert [x.name for x in catalog.online_types(clinic)] == ["Førstegangstime", "Oppfølging"]
    assert catalog.online_type(clinic, str(t["Oppfølging"].pk)) == t["Oppfølging"]
    assert catalog.online_type(clinic, t["Gruppetime"].pk) is None  # not online
    assert catalog.online_type(clinic, types(other_clinic)["Oppfølging"].pk) is None  # another clinic's
    assert catalog.clinic_type(clinic, t["Gruppetime"].pk) == t["Gruppetime"]  # staff may book it
    assert catalog.online_practitioner(clinic, p["Anne Lie"].pk, t["Oppfølging"]) == p["Anne Lie"]
    assert catalog.online_practitioner(clinic, p["Cecilie Ås"].pk, None) is None  # offline
    p["Anne Lie"].week_templates.all().delete()
    assert catalog.online_practitioner(clinic, p["Anne Lie"].pk, t["Oppfølging"]) is None  # offers nothing
    assert catalog.online_practitioner(clinic, p["Anne Lie"].pk, None) == p["Anne Lie"]
    assert [x.name for x in catalog.online_practitioners(clinic, t["Oppfølging"])] == ["Bjørn Dahl"]
