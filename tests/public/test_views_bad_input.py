"""Bad input on the booking pages: a clear message next to the field, never a 500."""

from __future__ import annotations

import re

import pytest

from tests.factories import FNR, types
from tests.public.conftest import form_data

pytestmark = pytest.mark.django_db


def url(clinic, step: str = "") -> str:
    return f"/b/{clinic.slug}/{step}"


@pytest.mark.parametrize("tid", ["9999-12-31T23:00:00+00:00", "0001-01-01T12:00:00+01:00", "1899-12-31T12:00:00+01:00"])
def test_times_outside_the_years_are_a_message_at_the_time_list(anon_client, clinic, tid):
    r = anon_client.post(url(clinic), form_data(clinic, tid=tid))
    assert r.status_code == 422
    error = re.search(r'<p class="error" id="tid-error">([^<]*)</p>', r.content.decode())
    assert error and error.group(1) == "Tidspunktet er for langt unna i tid."
    assert 'value="Kari"' in r.content.decode()  # nothing typed is lost


@pytest.mark.parametrize(("param", "value", "notice"), [
    ("dato", "9999-12-31", "Datoen i lenken er ikke en gyldig dato."),
    ("dato", "0001-01-01", "Datoen i lenken er ikke en gyldig dato."),
    ("dato", "2026-02-30", "Datoen i lenken er ikke en gyldig dato."),
    ("maned", "9999-12", "Måneden i lenken er ikke en gyldig måned."),
    ("maned", "0001-01", "Måneden i lenken er ikke en gyldig måned."),
])
def test_dates_outside_the_years_give_a_notice_and_the_page(anon_client, clinic, param, value, notice):
    r = anon_client.get(url(clinic), {param: value})
    assert r.status_code == 200
    assert notice in r.content.decode()


@pytest.mark.parametrize(("field", "value", "message"), [
    ("fornavn", "Kari\x00", "Navnet inneholder tegn som ikke kan brukes."),
    ("etternavn", "Nord\u202emann", "Navnet inneholder tegn som ikke kan brukes."),
    ("kommentar", "a\x1bb", "Kommentaren inneholder tegn som ikke kan brukes."),
    ("kommentar", f"Nummeret mitt: {FNR}", "Ta fødselsnummeret ut av kommentaren."),
])
def test_bad_characters_and_an_fnr_in_the_comment_get_a_field_message(anon_client, clinic, field, value, message):
    r = anon_client.post(url(clinic), form_data(clinic, **{field: value}))
    assert r.status_code == 422
    error = re.search(rf'<p class="error" id="f-{field}-error">([^<]*)</p>', r.content.decode())
    assert error and error.group(1).startswith(message)


def test_a_comment_on_several_lines_is_fine(anon_client, clinic):
    r = anon_client.post(url(clinic), form_data(clinic, kommentar="Linje 1\r\nLinje 2"))
    assert r.status_code == 200 and "Linje 1<br>Linje 2" in r.content.decode()


@pytest.mark.parametrize("values", [
    {"timetype": "\x00"}, {"behandler": "9" * 40}, {"tid": "\x00"}, {"tid": "2026-12-03T09:00:00\x00+01:00"},
    {"ukemal": "-1"}, {"dato": "\x00"}, {"timetype": ""},
])
def test_garbage_in_the_choice_never_fails(anon_client, clinic, values):
    r = anon_client.post(url(clinic), form_data(clinic, **values))
    assert r.status_code in (200, 422)


@pytest.mark.parametrize("tid", ["9999-12-31T23:00:00+00:00", "", "x", "\x00"])
def test_choosing_a_bad_alternative_is_a_message(anon_client, clinic, tid):
    r = anon_client.post(url(clinic), form_data(clinic))
    token = re.search(r'name="utkast" value="([^"]+)"', r.content.decode()).group(1)
    r = anon_client.post(url(clinic, "bekreft/"), {"utkast": token, "handling": "velg_tid", "tid": tid})
    assert r.status_code == 422 and "Velg en av de ledige timene." in r.content.decode()


@pytest.mark.parametrize("path", ["kvittering/%00/", "kvittering/" + "a" * 5000 + "/", "bekreft/"])
def test_other_steps_with_garbage(anon_client, clinic, path):
    response = anon_client.get(url(clinic, path))
    assert response.status_code in (404, 405)


def test_unknown_type_on_neste_is_a_message(anon_client, clinic):
    r = anon_client.post(url(clinic), form_data(clinic, timetype=str(types(clinic)["Gruppetime"].pk)))
    assert r.status_code == 422
    assert "Timetypen finnes ikke eller kan ikke bestilles på nett." in r.content.decode()
