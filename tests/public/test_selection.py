"""The booking page's calendar helpers (timebok.public.selection)."""

from __future__ import annotations

from datetime import date

from timebok.public import selection


def test_months():
    assert selection.add_months(date(2026, 12, 1), 1) == date(2027, 1, 1)
    assert selection.add_months(date(2026, 1, 1), -1) == date(2025, 12, 1)
    assert selection.month_last_day(date(2028, 2, 1)) == date(2028, 2, 29)
