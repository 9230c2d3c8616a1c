"""The calendar file parses with icalendar and keeps the local time on DST days."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core import mail

from timebok.appointments.models import Appointment

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")


@pytest.mark.parametrize(
    ("local", "offset_hours"),
    [
        (datetime(2027, 3, 28, 10, 0), 2),   # the day summer time starts (02:00 -> 03:00)
        (datetime(2027, 3, 28, 3, 30), 2),   # just after the gap
        (datetime(2026, 10, 25, 10, 0), 1),  # the day summer time ends (03:00 -> 02:00)
        (datetime(2026, 10, 25, 1, 30), 2),  # before the repeated hour: still summer time
        (datetime(2026, 12, 3, 10, 30), 1),
    ],
)
def test_ics_has_the_local_time_on_dst_days(book, local, offset_hours):
    start = local.replace(tzinfo=OSLO)
    appt = book(start=start, source=Appointment.Source.STAFF)
    ics = mail.outbox[0].attachments[0][1]
    cal = icalendar.Calendar.from_ical(ics)
    [event] = cal.walk("VEVENT")
    dtstart = event.decoded("dtstart")
    dtend = event.decoded("dtend")
    assert event["dtstart"].params["TZID"] == "Europe/Oslo"
    assert dtstart.replace(tzinfo=None) == local
    assert dtstart.utcoffset() == timedelta(hours=offset_hours)
    # compare instants (== between zones is False for a wall time in the repeated hour, PEP 495)
    assert dtstart.timestamp() == appt.start.timestamp() and dtend.timestamp() == appt.end.timestamp()
    # The VTIMEZONE in the file, on its own, gives the same offset as the tz database.
    [vtz] = cal.walk("VTIMEZONE")
    assert vtz["TZID"] == "Europe/Oslo"
    own_tz = vtz.to_tz()
    assert local.replace(tzinfo=own_tz).utcoffset() == timedelta(hours=offset_hours)
    assert str(event["uid"]).startswith(f"timebok-{appt.reference}@")
    assert cal["method"] == "PUBLISH" and event["status"] == "CONFIRMED"
    assert str(event["url"]).endswith(f"/t/{appt.manage_token}/")
    assert appt.manage_token in str(event["description"])
