"""Clock times typed the Norwegian way."""

from __future__ import annotations

from datetime import time

import pytest

from timebok.validation.clock import MESSAGE_FORMAT, MESSAGE_RANGE, ClockError, format_clock, parse_clock


@pytest.mark.parametrize(("text", "expected"), [
    ("8", time(8)), ("08", time(8)), ("0800", time(8)), ("8:00", time(8)), ("08.00", time(8)),
    ("8.30", time(8, 30)), ("11.30", time(11, 30)), ("830", time(8, 30)), ("1130", time(11, 30)),
    ("8,30", time(8, 30)), (" 15.45 ", time(15, 45)), ("kl. 9", time(9)), ("kl 16.00", time(16)),
    ("0", time(0)), ("23:59", time(23, 59)), ("00.00", time(0)),
])
def test_accepted(text, expected):
    assert parse_clock(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "8.3", "8:5", "8:", ".30", "8.30.00", "8-30", "08:00:00", "12345",
                                  "8 30 am", "8pm", "½9", "٨"])
def test_not_a_time_says_how_with_an_example(text):
    with pytest.raises(ClockError) as info:
        parse_clock(text)
    assert info.value.message == MESSAGE_FORMAT
    assert "8.30" in MESSAGE_FORMAT and "08:30" in MESSAGE_FORMAT


@pytest.mark.parametrize("text", ["24", "2400", "25.00", "8.60", "0860", "99"])
def test_out_of_range(text):
    with pytest.raises(ClockError) as info:
        parse_clock(text)
    assert info.value.message == MESSAGE_RANGE


def test_format_back():
    assert format_clock(time(8)) == "08:00" and format_clock(time(11, 30)) == "11:30"
