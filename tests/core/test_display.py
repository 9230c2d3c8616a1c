"""Display text: one function per thing shown, the same on pages, in the API and in messages."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.template import Context, Template
from django.utils import translation

from timebok.core import display

OSLO = ZoneInfo("Europe/Oslo")
CLINIC = SimpleNamespace(tz=OSLO, address="Kirkegata 2, 0153 Oslo")


def test_price_groups_thousands_with_a_no_break_space():
    assert display.price_text(650) == "kr 650"
    assert display.price_text(1250) == "kr 1\u00a0250"
    assert display.price_text(0) == "kr 0"
    assert display.price_text(None) == ""


def test_phone_in_one_national_format():
    assert display.phone_text("+4741234567") == "412 34 567"
    assert display.phone_text("+47 22 00 00 00") == "22 00 00 00"
    assert display.phone_text("0047 412 34 567") == "412 34 567"
    assert display.phone_text("+46701234567") == "+46 70 123 45 67"
    assert display.phone_text("sentralbord, tast 2") == "sentralbord, tast 2"
    assert display.phone_text("") == ""
    assert display.phone_uri("+47 22 00 00 00") == "+4722000000"
    assert display.phone_uri("ring 22 00 00 00") == "22000000"


def test_place_is_the_types_address_else_the_clinics():
    assert display.place_text(SimpleNamespace(address="3. etasje", clinic=CLINIC)) == "3. etasje"
    assert display.place_text(SimpleNamespace(address="", clinic=CLINIC)) == "Kirkegata 2, 0153 Oslo"


def test_dates_and_times_in_bokmaal_on_the_clinics_clock():
    start = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)  # 10:00 in Oslo
    end = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
    assert display.day_text(date(2026, 12, 3)) == "torsdag 3. desember"
    assert display.date_text(date(2026, 12, 2)) == "onsdag 2. desember 2026"
    assert display.date_range_text(date(2026, 12, 2), date(2026, 12, 2)) == "onsdag 2. desember 2026"
    assert display.date_range_text(date(2026, 12, 2), date(2026, 12, 4)) == (
        "onsdag 2. desember 2026 – fredag 4. desember 2026")
    assert display.time_text(start, OSLO) == "10:00"
    assert display.when_text(start, OSLO) == "torsdag 3. desember 2026 kl. 10:00"
    assert display.when_text(start, OSLO, end) == "torsdag 3. desember 2026 kl. 10:00–10:30"


def test_when_text_on_dst_days():
    # 29 March 2026: clocks go 02:00 -> 03:00; 25 October 2026: 03:00 -> 02:00.
    assert display.when_text(datetime(2026, 3, 29, 1, 0, tzinfo=UTC), OSLO) == "søndag 29. mars 2026 kl. 03:00"
    assert display.time_text(datetime(2026, 10, 25, 0, 30, tzinfo=UTC), OSLO) == "02:30"
    assert display.time_text(datetime(2026, 10, 25, 1, 30, tzinfo=UTC), OSLO) == "02:30"


def test_the_clinics_today():
    late = datetime(2026, 12, 2, 23, 30, tzinfo=UTC)  # already 3 December in Oslo
    assert display.local_today(CLINIC, late) == date(2026, 12, 3)
    assert display.local_date(late, CLINIC) == date(2026, 12, 3)
    assert display.local_now(CLINIC, late).utcoffset().total_seconds() == 3600


def test_template_filters():
    html = Template("{% load display %}{{ p|phone }} {{ p|tel }} {{ n|price }} {{ d|date_long }}").render(
        Context({"p": "+47 22 00 00 00", "n": 1250, "d": date(2026, 12, 2)}))
    assert html == "22 00 00 00 +4722000000 kr 1\u00a0250 onsdag 2. desember 2026"


def test_follows_the_active_language():
    with translation.override("nb"):
        assert display.date_text(date(2026, 11, 30)) == "mandag 30. november 2026"


def test_day_labels_say_the_level_in_words():
    assert display.day_label(date(2026, 12, 3), "few") == "torsdag 3. desember, få ledige"
    assert display.day_label(date(2026, 12, 5), "none") == "lørdag 5. desember, ingen ledige"
    assert display.day_label(date(2026, 1, 5), "many") == "mandag 5. januar, mange ledige"


def test_english_dates_prices_phones_and_labels():
    with translation.override("en"):
        start = datetime(2026, 11, 30, 7, 45, tzinfo=UTC)
        assert display.when_text(start, OSLO) == "Monday 30 November 2026 at 08:45"
        assert display.when_text(start, OSLO, datetime(2026, 11, 30, 8, 15, tzinfo=UTC)) == \
            "Monday 30 November 2026 at 08:45–09:15"
        assert display.day_text(date(2026, 12, 3)) == "Thursday 3 December"
        assert display.price_text(650) == "NOK 650"
        assert display.price_text(1250) == "NOK 1,250"
        assert display.phone_text("+47 22 00 00 00") == "+47 22 00 00 00"  # readable from abroad
        assert display.day_label(date(2026, 12, 3), "few") == "Thursday 3 December, few available"
        html = Template("{% load display %}{{ p|phone }} {{ p|tel }} {{ n|price }} {{ d|date_long }}").render(
            Context({"p": "+47 22 00 00 00", "n": 1250, "d": date(2026, 12, 2)}))
        assert html == "+47 22 00 00 00 +4722000000 NOK 1,250 Wednesday 2 December 2026"
    # The cache of formatted dates is per language.
    assert display.day_text(date(2026, 12, 3)) == "torsdag 3. desember"


def test_short_dates_of_the_counts_in_each_language():
    day = date(2026, 12, 3)
    assert display.day_short_text(day) == "tor 3. des"
    assert display.day_month_short_text(day) == "3. des"
    with translation.override("en"):
        assert display.day_short_text(day) == "Thu 3 Dec"
        assert display.day_month_short_text(day) == "3 Dec"
        assert display.date_text(day) == "Thursday 3 December 2026"
    html = Template("{% load display %}{{ d|day_short }}|{{ d|day_month_short }}|{{ d|day_long }}").render(
        Context({"d": day}))
    assert html == "tor 3. des|3. des|torsdag 3. desember"
