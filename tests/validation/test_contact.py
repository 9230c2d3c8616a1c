"""Tests for timebok.validation.contact (pure Python, no Django)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from timebok.validation.contact import (
    MSG_EMAIL,
    MSG_PHONE,
    ContactError,
    format_phone,
    is_mobile,
    normalize_email,
    normalize_phone,
)

# --- normalize_phone --------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "+47 412 34 567",
        "0047 41234567",
        "41234567",
        "+4741234567",
        "412 34 567",
        "41 23 45 67",
        " 41234567 ",
        "(+47) 412-34-567",
        "+47\u00a0412\u00a034\u00a0567",  # no-break spaces, as pasted from web pages
    ],
)
def test_norwegian_formats(value: str) -> None:
    assert normalize_phone(value) == "+4741234567"


@pytest.mark.parametrize(
    ("value", "e164"),
    [
        ("+46 70 123 45 67", "+46701234567"),
        ("0046 70 123 45 67", "+46701234567"),
        ("+44 7911 123456", "+447911123456"),
        ("+1 650 253 0000", "+16502530000"),
        ("22 12 34 56", "+4722123456"),  # Oslo landline
        ("90012345", "+4790012345"),
    ],
)
def test_other_valid_numbers(value: str, e164: str) -> None:
    assert normalize_phone(value) == e164


def test_default_region() -> None:
    assert normalize_phone("070-123 45 67", default_region="SE") == "+46701234567"
    # A number with a country code ignores the default region.
    assert normalize_phone("+47 412 34 567", default_region="SE") == "+4741234567"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "abc",
        "+47 ABCDEFGH",
        "41234567A",  # phonenumbers alone would silently drop the letter
        "A41234567",
        "41234567 ext 12",  # extension: lost in E.164
        "41234567;ext=12",
        "41234567,12",
        "4123",  # too short
        "4123456",  # 7 digits
        "412345678",  # 9 digits
        "+47 41234567890",  # too long
        "+47 12345678",  # no Norwegian number starts with 1
        "0000",
        "+",
        "+999 1234567",  # no such country code
    ],
)
def test_invalid_phone(value: str) -> None:
    with pytest.raises(ContactError) as exc:
        normalize_phone(value)
    assert exc.value.code == "phone"
    assert exc.value.message == MSG_PHONE == "Telefonnummeret er ikke gyldig."
    assert isinstance(exc.value, ValueError)


def test_invalid_default_region_is_an_invalid_number() -> None:
    with pytest.raises(ContactError):
        normalize_phone("41234567", default_region="XX")


@given(st.text(max_size=40))
def test_normalize_phone_raises_only_contact_error(value: str) -> None:
    try:
        result = normalize_phone(value)
    except ContactError as exc:
        assert exc.code == "phone"
    else:
        assert result.startswith("+")
        assert result[1:].isascii() and result[1:].isdigit()
        assert normalize_phone(result) == result  # idempotent


@given(st.sampled_from("49"), st.integers(0, 9_999_999))
def test_norwegian_mobile_roundtrip(first: str, rest: int) -> None:
    national = f"{first}{rest:07d}"
    try:
        e164 = normalize_phone(national)
    except ContactError:
        return  # not every 4xxxxxxx range is allocated (e.g. 42, 43, 44)
    assert e164 == "+47" + national
    assert is_mobile(e164)
    assert normalize_phone(format_phone(e164)) == e164


# --- is_mobile --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("e164", "expected"),
    [
        ("+4741234567", True),
        ("+4790012345", True),
        ("+4745012345", True),
        ("+4722123456", False),  # landline
        ("+4780012345", False),  # freephone 800
        ("+4702000", False),  # 5-digit service number
        ("+46701234567", True),  # Swedish mobile
        ("+46812345678", False),  # Stockholm landline
        ("+447911123456", True),  # UK mobile
        ("+16502530000", True),  # NANP: FIXED_LINE_OR_MOBILE
        ("", False),
        ("not a number", False),
        ("41234567", False),  # not E.164: no region to guess with
        ("+4712345678", False),  # invalid Norwegian number
    ],
)
def test_is_mobile(e164: str, expected: bool) -> None:
    assert is_mobile(e164) is expected


# --- format_phone -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("e164", "display"),
    [
        ("+4741234567", "+47 412 34 567"),
        ("+4790012345", "+47 900 12 345"),
        ("+4722123456", "+47 22 12 34 56"),
        ("+4780012345", "+47 800 12 345"),
        ("+46701234567", "+46 70 123 45 67"),
        ("+447911123456", "+44 7911 123456"),
    ],
)
def test_format_phone(e164: str, display: str) -> None:
    assert format_phone(e164) == display
    assert normalize_phone(display) == e164


@pytest.mark.parametrize("value", ["", "abc", "+4712345678"])
def test_format_phone_invalid(value: str) -> None:
    with pytest.raises(ContactError):
        format_phone(value)


# --- normalize_email --------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "normalized"),
    [
        ("ola.nordmann@example.no", "ola.nordmann@example.no"),
        ("Ola.Nordmann@Example.NO", "Ola.Nordmann@example.no"),  # domain lower-cased only
        ("  kari@example.com \n", "kari@example.com"),  # surrounding whitespace stripped
        ("øl@blåbær.no", "øl@blåbær.no"),
        ("ØL@BLÅBÆR.NO", "ØL@blåbær.no"),
        ("post@xn--blbr-roah.no", "post@blåbær.no"),  # punycode shown as Unicode
        ("kari+booking@example.com", "kari+booking@example.com"),
        ("ola@ex\u0061\u030ample.no", "ola@ex\u00e5mple.no"),  # NFC: a + ring -> å
    ],
)
def test_valid_email(value: str, normalized: str) -> None:
    assert normalize_email(value) == normalized


def test_idn_email() -> None:
    assert normalize_email("øl@blåbær.no") == "øl@blåbær.no"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "ola",
        "ola.example.no",  # no @
        "ola@",
        "@example.no",
        "ola@@example.no",
        "ola@example",  # no dot in the domain
        "ola@localhost",
        "ola nordmann@example.no",
        "ola@exa mple.no",
        "ola@example..no",
        "ola@clinic.test",  # special-use TLD: rejected by email-validator
    ],
)
def test_invalid_email(value: str) -> None:
    with pytest.raises(ContactError) as exc:
        normalize_email(value)
    assert exc.value.code == "email"
    assert exc.value.message == MSG_EMAIL == "E-postadressen er ikke gyldig."


@given(st.text(max_size=40))
def test_normalize_email_raises_only_contact_error(value: str) -> None:
    try:
        result = normalize_email(value)
    except ContactError as exc:
        assert exc.code == "email"
    else:
        assert "@" in result
        assert normalize_email(result) == result  # idempotent
