"""Tests for timebok.validation.fnr (pure Python, no Django)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from timebok.validation.fnr import (
    MSG_CHECKSUM,
    MSG_DATE,
    MSG_FORMAT,
    MSG_SYNTHETIC,
    FnrError,
    fnr_kind,
    mask_fnr,
    normalize_fnr,
    validate_fnr,
)

W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2, 1)
W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1)


def _wsum(weights: tuple[int, ...], digits: str) -> int:
    return sum(w * int(d) for w, d in zip(weights, digits, strict=False))


def classic(first9: str) -> str | None:
    """Complete nine digits by the classic (pre-2032) rule, or None."""
    k1 = (11 - _wsum(W1, first9) % 11) % 11
    if k1 == 10:
        return None
    first10 = first9 + str(k1)
    k2 = (11 - _wsum(W2, first10) % 11) % 11
    if k2 == 10:
        return None
    return first10 + str(k2)


def with_k1_remainder(first9: str, remainder: int) -> str | None:
    """Pick k1 so digits 1-10 leave ``remainder`` (mod 11), then compute k2."""
    k1 = (remainder - _wsum(W1, first9)) % 11
    if k1 == 10:
        return None
    first10 = first9 + str(k1)
    k2 = (-_wsum(W2, first10)) % 11
    if k2 == 10:
        return None
    return first10 + str(k2)


def remainders(fnr: str) -> tuple[int, int]:
    return _wsum(W1, fnr[:10]) % 11, _wsum(W2, fnr) % 11


def _with_valid_checksum(first9: str) -> str:
    for r in (0, 1, 2, 3):
        number = with_k1_remainder(first9, r)
        if number is not None:
            return number
    raise AssertionError(f"no check digits for {first9}")  # pragma: no cover


# --- the test helpers themselves -------------------------------------------------


def test_helper_reproduces_published_example() -> None:
    # fnrinfo.no works through 311299567xx by hand: k1 = 11-10 = 1, k2 = 11-6 = 5.
    assert classic("311299567") == "31129956715"


def test_helpers_agree() -> None:
    for first9 in ("010190124", "241299500", "311299123", "290200123"):
        assert classic(first9) == with_k1_remainder(first9, 0)


# --- literal, hand-verified valid numbers -----------------------------------------

# 15076500565 (the usual textbook example), verified by hand:
#   digits      1  5  0  7  6  5  0  0  5  6  5
#   W1 * d1-10: 3+35+0+7+48+45+0+0+10+6       = 154 = 14*11 -> remainder 0
#   W2 * d1-11: 5+20+0+14+42+30+0+0+15+12+5   = 143 = 13*11 -> remainder 0
# 31129956715: fnrinfo.no's worked example (see above).
# The others were computed with ``classic`` and re-checked via ``remainders``.
KNOWN_VALID = {
    "15076500565": "fnr",
    "31129956715": "fnr",
    "01019012480": "fnr",
    "24129950052": "fnr",
    "29020012380": "fnr",  # 29.02.00: 2000 was a leap year
    "29020450051": "fnr",  # 29.02.04
    "41019012393": "dnr",  # 01.01.90 + 4 on the first digit
    "71129912302": "dnr",  # 31.12.99 as D-number
    "45129012378": "dnr",  # 05.12.90 as D-number
    "01419012382": "nav_synthetic",  # month 01 + 40
    "01819012365": "tenor_synthetic",  # month 01 + 80
    "45419012312": "nav_synthetic",  # D-number and NAV synthetic: 05.01.90
}


@pytest.mark.parametrize(("number", "kind"), KNOWN_VALID.items())
def test_known_valid_literals(number: str, kind: str) -> None:
    assert remainders(number) == (0, 0)  # guard: literals really are classic-valid
    assert validate_fnr(number, allow_synthetic=True) == number
    assert fnr_kind(number) == kind


def test_well_known_01010150277_is_not_valid() -> None:
    # Often quoted as a test number, but it fails both checks:
    # W1 sum = 48 (remainder 4), W2 sum = 119 (remainder 9).
    assert remainders("01010150277") == (4, 9)
    with pytest.raises(FnrError) as exc:
        validate_fnr("01010150277")
    assert exc.value.code == "checksum"


# --- 2032 rule --------------------------------------------------------------------


@pytest.mark.parametrize("remainder", [1, 2, 3])
def test_2032_rule_remainders_accepted(remainder: int) -> None:
    found = 0
    for individual in range(100, 200):
        number = with_k1_remainder(f"150765{individual:03d}", remainder)
        if number is None:
            continue
        assert remainders(number) == (remainder, 0)
        assert validate_fnr(number) == number
        assert fnr_kind(number) == "fnr"
        found += 1
    assert found > 50


@pytest.mark.parametrize("remainder", range(4, 11))
def test_first_remainder_4_to_10_rejected(remainder: int) -> None:
    found = 0
    for individual in range(100, 200):
        number = with_k1_remainder(f"150765{individual:03d}", remainder)
        if number is None:
            continue
        assert remainders(number) == (remainder, 0)  # second check digit is fine
        with pytest.raises(FnrError) as exc:
            validate_fnr(number)
        assert exc.value.code == "checksum"
        found += 1
    assert found > 50


def test_2032_literal_examples() -> None:
    # Computed with with_k1_remainder and checked with remainders().  By hand,
    # 15076510021: W1 sum = 3+35+0+7+48+45+4+0+0+2 = 144 = 13*11 + 1,
    #              W2 sum = 5+20+0+14+42+30+5+0+0+4+1 = 121 = 11*11.
    for number, r1 in (("15076510021", 1), ("15076510110", 2), ("15076510048", 3)):
        assert remainders(number) == (r1, 0)
        assert validate_fnr(number) == number


# --- D-numbers and synthetic numbers ----------------------------------------------


def test_d_number_accepted_without_allow_synthetic() -> None:
    assert validate_fnr("41019012393") == "41019012393"
    assert validate_fnr("71129912302") == "71129912302"
    assert validate_fnr("45129012378") == "45129012378"


@pytest.mark.parametrize(
    "number", ["01419012382", "01819012365", "45419012312", _with_valid_checksum("458190123")]
)
def test_synthetic_only_when_allowed(number: str) -> None:
    with pytest.raises(FnrError) as exc:
        validate_fnr(number)
    assert exc.value.code == "synthetic"
    assert exc.value.message == MSG_SYNTHETIC == "Testnummer kan ikke brukes her."
    assert validate_fnr(number, allow_synthetic=True) == number


def test_synthetic_d_number_kinds() -> None:
    assert fnr_kind(_with_valid_checksum("454190123")) == "nav_synthetic"
    assert fnr_kind(_with_valid_checksum("458190123")) == "tenor_synthetic"


@pytest.mark.parametrize(
    ("ddmm", "kind"),
    [
        ("0112", "fnr"),
        ("4152", "nav_synthetic"),  # D-number, December NAV
        ("3152", "nav_synthetic"),
        ("3181", "tenor_synthetic"),
        ("3192", "tenor_synthetic"),
        ("7192", "tenor_synthetic"),
        ("3112", "fnr"),
        ("7112", "dnr"),
    ],
)
def test_offset_boundaries_accepted(ddmm: str, kind: str) -> None:
    number = _with_valid_checksum(f"{ddmm}90123")
    assert fnr_kind(number) == kind


# --- dates ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ddmmyy",
    [
        "320190",  # 32nd
        "000190",  # day 0
        "011390",  # month 13
        "010090",  # month 0
        "300290",  # 30 February
        "290201",  # 29 February, YY not divisible by 4
        "290299",
        "310490",  # 31 April
        "310690",
        "310990",
        "311190",
        "400190",  # D-number day 0
        "720190",  # D-number day 32
        "810190",  # first digit 8: old H-number/FH style, not a date
        "990190",
        "014090",  # month 40 (NAV month 0)
        "015390",  # month 53 (NAV month 13)
        "018090",  # month 80
        "019390",  # month 93
        "016090",  # month 60: no offset
        "304290",  # NAV 30 February
        "718490",  # D + Tenor 31 April
    ],
)
def test_invalid_dates(ddmmyy: str) -> None:
    number = _with_valid_checksum(f"{ddmmyy}123")
    with pytest.raises(FnrError) as exc:
        validate_fnr(number, allow_synthetic=True)
    assert exc.value.code == "date"
    assert exc.value.message == MSG_DATE == "Fødselsnummeret har ugyldig dato."


def test_date_error_even_with_valid_checksum() -> None:
    # 29029900157 passes both checksums, but 1999/1899/2099 were not leap years.
    assert remainders("29029900157") == (0, 0)
    with pytest.raises(FnrError) as exc:
        validate_fnr("29029900157")
    assert exc.value.code == "date"


@pytest.mark.parametrize("yy", ["00", "04", "48", "96"])
def test_29_february_when_yy_divisible_by_4(yy: str) -> None:
    for prefix in (f"2902{yy}", f"6902{yy}", f"2942{yy}", f"2982{yy}"):
        number = _with_valid_checksum(f"{prefix}500")
        assert validate_fnr(number, allow_synthetic=True) == number


@pytest.mark.parametrize("ddmm", ["3101", "3103", "3105", "3107", "3108", "3110", "3112"])
def test_day_31_in_long_months(ddmm: str) -> None:
    number = _with_valid_checksum(f"{ddmm}77123")
    assert validate_fnr(number) == number


# --- checksum, format -------------------------------------------------------------


@pytest.mark.parametrize("number", ["15076500566", "15076500575", "15076500465", "31129956714"])
def test_wrong_checksum(number: str) -> None:
    with pytest.raises(FnrError) as exc:
        validate_fnr(number)
    assert exc.value.code == "checksum"
    assert exc.value.message == MSG_CHECKSUM
    assert exc.value.message == (
        "Fødselsnummeret er ikke gyldig. Sjekk at du har skrevet det riktig."
    )


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "1507650056",  # 10 digits
        "150765005651",  # 12 digits
        "15076500S65",  # a letter
        "abcdefghijk",
        "150765_00565",
        "+15076500565",
        "15/07/65 00565",
        "1507650056\u00b2",  # superscript two: str.isdigit() but not a digit here
        "1507650056\u0665",  # Arabic-Indic five
        "\uff11\uff15\uff10\uff17\uff16\uff15\uff10\uff10\uff15\uff16\uff15",  # full-width
    ],
)
def test_format_errors(value: str) -> None:
    with pytest.raises(FnrError) as exc:
        validate_fnr(value, allow_synthetic=True)
    assert exc.value.code == "format"
    assert exc.value.message == MSG_FORMAT == "Fødselsnummeret må ha 11 siffer."


@pytest.mark.parametrize(
    "value",
    [
        "150765 00565",
        " 15076500565 ",
        "150765-00565",
        "15.07.65 005 65",
        "15 07 65 00 565",
        "150765\u00a000565",  # no-break space
        "150765\u201300565",  # en dash
        "\t15076500565\n",
    ],
)
def test_separators_are_normalised(value: str) -> None:
    assert normalize_fnr(value) == "15076500565"
    assert validate_fnr(value) == "15076500565"


def test_normalize_does_not_validate() -> None:
    assert normalize_fnr("12-34 ab.") == "1234ab"
    assert normalize_fnr("") == ""


def test_error_is_value_error_and_hides_the_number() -> None:
    with pytest.raises(ValueError, match="ikke gyldig") as exc:
        validate_fnr("15076500566")
    assert "15076500566" not in str(exc.value)
    assert "15076500566" not in repr(exc.value)


def test_fnr_kind_rejects_invalid() -> None:
    with pytest.raises(FnrError):
        fnr_kind("15076500566")


# --- masking ----------------------------------------------------------------------


def test_mask() -> None:
    assert mask_fnr("01019012480") == "010190*****"
    assert mask_fnr("010190 12480") == "010190*****"
    assert mask_fnr("41019012393") == "410190*****"


@pytest.mark.parametrize("value", ["", "123", "0101901248", "010190124800", "01019O12480"])
def test_mask_malformed_hides_everything(value: str) -> None:
    assert mask_fnr(value) == "***********"


# --- properties -------------------------------------------------------------------

_DAYS = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@st.composite
def valid_numbers(draw: st.DrawFn) -> tuple[str, str]:
    """Draw (number, kind) for a valid number of any kind, any k1 remainder."""
    yy = draw(st.integers(0, 99))
    month = draw(st.integers(1, 12))
    max_day = 28 if month == 2 and yy % 4 else _DAYS[month]
    day = draw(st.integers(1, max_day))
    dnr = draw(st.booleans())
    synthetic = draw(st.sampled_from([0, 40, 80]))
    individual = draw(st.integers(0, 999))
    remainder = draw(st.sampled_from([0, 1, 2, 3]))
    first9 = f"{day + (40 if dnr else 0):02d}{month + synthetic:02d}{yy:02d}{individual:03d}"
    number = with_k1_remainder(first9, remainder)
    assume(number is not None)
    assert number is not None
    kind = {40: "nav_synthetic", 80: "tenor_synthetic"}.get(synthetic, "dnr" if dnr else "fnr")
    return number, kind


@given(valid_numbers())
def test_generated_numbers_validate(drawn: tuple[str, str]) -> None:
    number, kind = drawn
    assert validate_fnr(number, allow_synthetic=True) == number
    assert fnr_kind(number) == kind
    assert mask_fnr(number) == number[:6] + "*****"
    if kind in ("fnr", "dnr"):
        assert validate_fnr(number) == number
    else:
        with pytest.raises(FnrError):
            validate_fnr(number)


@given(valid_numbers(), st.integers(0, 10), st.integers(1, 9))
def test_any_single_digit_change_is_rejected(
    drawn: tuple[str, str], position: int, delta: int
) -> None:
    # A change of one digit by e (0 < |e| < 10) moves the second weighted sum
    # by w*e; every weight in 5 4 3 2 7 6 5 4 3 2 1 is nonzero mod 11 and 11 is
    # prime, so w*e is never 0 mod 11: the second check always fails (unless
    # the date check fails first).  No ambiguous cases exist.
    number, _ = drawn
    new_digit = (int(number[position]) + delta) % 10
    changed = number[:position] + str(new_digit) + number[position + 1 :]
    assert remainders(changed)[1] != 0
    with pytest.raises(FnrError) as exc:
        validate_fnr(changed, allow_synthetic=True)
    assert exc.value.code in ("date", "checksum")


@given(valid_numbers(), st.integers(0, 9))
def test_adjacent_transposition_is_rejected(drawn: tuple[str, str], position: int) -> None:
    # Swapping digits i and i+1 moves the second sum by (w_i - w_{i+1})(d_{i+1} - d_i);
    # adjacent weights of W2 always differ by 1..5 (never 0 mod 11).
    number, _ = drawn
    a, b = number[position], number[position + 1]
    assume(a != b)
    swapped = number[:position] + b + a + number[position + 2 :]
    with pytest.raises(FnrError) as exc:
        validate_fnr(swapped, allow_synthetic=True)
    assert exc.value.code in ("date", "checksum")


def test_single_digit_change_exhaustive_on_literals() -> None:
    for number in KNOWN_VALID:
        for position, digit in itertools.product(range(11), "0123456789"):
            if number[position] == digit:
                continue
            changed = number[:position] + digit + number[position + 1 :]
            with pytest.raises(FnrError):
                validate_fnr(changed, allow_synthetic=True)


@given(st.text(max_size=20))
def test_never_raises_anything_but_fnr_error(value: str) -> None:
    try:
        result = validate_fnr(value, allow_synthetic=True)
    except FnrError as exc:
        assert exc.code in ("format", "date", "checksum")
    else:
        assert len(result) == 11 and result.isascii() and result.isdigit()
    masked = mask_fnr(value)
    assert len(masked) == 11 and masked.endswith("*****")
