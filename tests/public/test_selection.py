"""The booking page's read-side helpers (timebok.public.selection)."""

from __future__ import annotations

from datetime import date

import pytest

from timebok.public import selection


@pytest.mark.parametrize(("raw", "expected"), [
    ("12", 12), (" 7 ", 7), ("0", None), ("-3", None), ("1e3", None), ("abc", None), ("", None), (None, None),
    ("9" * 17, None), (str(2**53), 2**53), (str(2**53 + 1), None), ("１２", None),
])
def test_parse_id(raw, expected):
    assert selection.parse_id(raw) == expected


def test_parse_date_and_month():
    assert selection.parse_date("2026-12-03") == date(2026, 12, 3)
    assert selection.parse_date("2026-02-30") is None
    assert selection.parse_date("03.12.2026") is None
    assert selection.parse_month("2026-12") == date(2026, 12, 1)
    assert selection.parse_month("2026-13") is None
    assert selection.parse_month("0000-01") is None


def test_texts_in_bokmaal():
    assert selection.day_label(date(2026, 12, 3), "few") == "torsdag 3. desember, få ledige"
    assert selection.day_label(date(2026, 12, 5), "none") == "lørdag 5. desember, ingen ledige"
    assert selection.day_label(date(2026, 1, 5), "many") == "mandag 5. januar, mange ledige"


def test_months():
    assert selection.add_months(date(2026, 12, 1), 1) == date(2027, 1, 1)
    assert selection.add_months(date(2026, 1, 1), -1) == date(2025, 12, 1)
    assert selection.month_last_day(date(2028, 2, 1)) == date(2028, 2, 29)
