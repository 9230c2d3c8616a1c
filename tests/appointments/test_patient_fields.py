"""The patient's fields, declared once: every text field's rules and messages."""

from __future__ import annotations

import pytest

from tests.factories import FNR, valid_fnr
from timebok.appointments.patient_fields import FIELDS, PATIENT_FIELDS, clean_patient


def good(**overrides):
    data = {"fornavn": "Kari", "etternavn": "Nordmann", "fodselsnummer": FNR, "epost": "kari@example.com",
            "telefon": "412 34 567", "kommentar": "Vondt i kneet"}
    data.update(overrides)
    return data


def test_valid_details_are_normalised():
    details, comment, errors = clean_patient(good(fornavn="  Kari ", telefon="0047 41234567",
                                                  kommentar="Linje 1\r\nLinje 2"))
    assert errors == {}
    assert (details.first_name, details.fnr, details.phone) == ("Kari", FNR, "+4741234567")
    assert comment == "Linje 1\nLinje 2"


def test_the_declaration_has_one_limit_per_field():
    assert [f.name for f in PATIENT_FIELDS] == ["fornavn", "etternavn", "kommentar", "fodselsnummer", "epost",
                                                "telefon"]
    assert {f.name: f.max_length for f in PATIENT_FIELDS} == {
        "fornavn": 100, "etternavn": 100, "kommentar": 1000, "fodselsnummer": 20, "epost": 254, "telefon": 40}
    assert [f.name for f in PATIENT_FIELDS if not f.required] == ["kommentar"]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("fornavn", "Ka\ud800ri", "Navnet inneholder tegn som ikke kan brukes."),
    ("etternavn", "Nord\x00mann", "Navnet inneholder tegn som ikke kan brukes."),
    ("etternavn", "Nord\nmann", "Navnet inneholder tegn som ikke kan brukes."),
    ("fornavn", "Kari\u202eirak", "Navnet inneholder tegn som ikke kan brukes."),
    ("etternavn", "\u2066Nordmann\u2069", "Navnet inneholder tegn som ikke kan brukes."),
    ("kommentar", "a\ud800b", "Kommentaren inneholder tegn som ikke kan brukes."),
    ("kommentar", "a\x07b", "Kommentaren inneholder tegn som ikke kan brukes."),
    ("kommentar", "a\tb", "Kommentaren inneholder tegn som ikke kan brukes."),
    ("epost", "kari\ud800@example.com", "E-postadressen er ikke gyldig."),
    ("telefon", "412\x0034567", "Telefonnummeret er ikke gyldig."),
    ("fodselsnummer", FNR[:5] + "\ud800" + FNR[5:], "Fødselsnummeret må ha 11 siffer."),
    ("fornavn", "x" * 101, "Bruk høyst 100 tegn."),
    ("fodselsnummer", "1" * 21, "Fødselsnummeret må ha 11 siffer."),
    ("fornavn", 5, "Ugyldig verdi. Skriv feltet som tekst."),
    ("fornavn", "", "Fyll inn fornavn."),
])
def test_bad_characters_and_values_get_the_fields_message(field, value, message):
    details, _comment, errors = clean_patient(good(**{field: value}))
    assert details is None
    assert errors == {field: message}


def test_bidi_marks_are_allowed_in_the_comment_but_not_in_names():
    assert clean_patient(good(kommentar="\u202eTekst"))[2] == {}
    assert "fornavn" in clean_patient(good(fornavn="\u202eKari"))[2]


@pytest.mark.parametrize("written", [FNR, f"{FNR[:6]} {FNR[6:]}", f"{FNR[:6]}-{FNR[6:]}",
                                     f"Mitt nummer er {FNR}.", valid_fnr(1, 1, 90, offset=0)])
def test_a_valid_fnr_in_the_comment_is_refused_with_a_request_to_remove_it(written):
    details, _comment, errors = clean_patient(good(kommentar=written))
    assert details is None
    assert errors == {"kommentar": "Ta fødselsnummeret ut av kommentaren. Det skal bare stå i feltet "
                                   "«Fullt fødselsnummer», der det lagres kryptert."}


@pytest.mark.parametrize("harmless", ["Ring meg på 41234567", "Ordre 12345678901", FNR + "9", "Kl. 09:00"])
def test_other_numbers_in_the_comment_are_fine(harmless):
    assert clean_patient(good(kommentar=harmless))[2] == {}


def test_fields_are_keyed_by_public_name():
    assert FIELDS["fodselsnummer"].attr == "fnr" and FIELDS["kommentar"].newlines
