"""The one time field every staff form uses, and the date field."""

from __future__ import annotations

from datetime import date, time

from django import forms

from timebok.staff.fields import ClockField, DayField


class F(forms.Form):
    fra = ClockField(label="Fra")
    til = ClockField(label="Til", required=False)
    dato = DayField(label="Dato", required=False)


def test_norwegian_input_and_shown_back_as_hh_mm():
    form = F({"fra": "8.30", "til": "", "dato": "2.12.2026"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"fra": time(8, 30), "til": None, "dato": date(2026, 12, 2)}
    assert 'value="08:30"' in str(F(initial={"fra": time(8, 30)})["fra"])
    html = str(form["fra"])
    assert 'inputmode="decimal"' in html and 'type="text"' in html


def test_messages_with_an_example():
    form = F({"fra": "halv ni", "dato": "2026/12/02"})
    assert not form.is_valid()
    assert form.errors["fra"] == ["Skriv klokkeslettet som 8, 0830, 8.30 eller 08:30."]
    assert form.errors["dato"] == ["Skriv datoen som dd.mm.åååå, f.eks. 2.12.2026."]
    assert F({"fra": ""}).errors["fra"] == ["Fyll inn et klokkeslett, f.eks. 8.30."]
    assert 'value="halv ni"' in str(form["fra"])  # kept as typed


def test_a_day_outside_the_calendars_years_is_refused_with_a_message():
    from django import forms

    from timebok.staff.fields import DayField

    class F(forms.Form):
        dato = DayField()

    for text in ("9999-12-31", "0001-01-01", "1.1.1899"):
        form = F({"dato": text})
        assert not form.is_valid()
        assert form.errors["dato"] == ["Velg en dato mellom år 1900 og 2200."], text
    assert F({"dato": "2.12.2026"}).is_valid()
