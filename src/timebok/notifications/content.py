"""What the messages say: text rendered from templates, and the calendar file.

They render in the language compose.py has chosen, in one place: the patient's
(``Appointment.language``), or bokmål for the practitioner's notices; ``_language()`` is the
active language (bokmål outside a request).

Nothing here may put the fødselsnummer into a message, and for a sensitive
appointment type its name appears nowhere (subject, text, SMS, .ics): the
templates get ``type_name`` = None then, and say "time" instead.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from timebok.appointments.models import Appointment
from timebok.appointments.services.booking import cancellation_deadline
from timebok.core import display

# Stands in for the personal link in stored text; replaced when the message is sent.
LINK_PLACEHOLDER = "[[timebok-personlig-lenke]]"


def _language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


def manage_url(token: str) -> str:
    return settings.BASE_URL + reverse("notifications:manage", args=[token])


def context(appointment: Appointment, *, link: str | None = None) -> dict[str, Any]:
    clinic = appointment.clinic
    tz = clinic.tz
    atype = appointment.appointment_type
    practitioner = appointment.practitioner
    return {
        "clinic_name": clinic.name,
        "clinic_phone": display.phone_text(clinic.phone),
        "clinic_email": clinic.email,
        "first_name": appointment.first_name,
        "when": display.when_text(appointment.start, tz),
        "end_time": display.time_text(appointment.end, tz),
        "type_name": None if atype.sensitive else atype.name,
        "practitioner": str(practitioner),
        "place": display.place_text(atype),
        "price": display.price_text(appointment.price),
        "reference": appointment.reference,
        "deadline": display.when_text(cancellation_deadline(appointment), tz),
        "link": link or "",
        "booking_url": f"{settings.BASE_URL}/b/{clinic.slug}/",
    }


def render_text(template: str, ctx: dict[str, Any]) -> str:
    with translation.override(_language()):
        text = render_to_string(template, ctx)
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def render_subject(template: str, ctx: dict[str, Any]) -> str:
    with translation.override(_language()):
        return " ".join(render_to_string(template, ctx).split())


def _uid(appointment: Appointment) -> str:
    host = urlsplit(settings.BASE_URL).hostname or "timebok"
    return f"timebok-{appointment.reference}@{host}"


def build_ics(appointment: Appointment, *, cancelled: bool = False, link: str | None = None) -> str:
    """A calendar file with the clinic's VTIMEZONE; times are local wall-clock times."""
    clinic = appointment.clinic
    tz = clinic.tz
    ctx = context(appointment, link=link)
    with translation.override(_language()):
        cal = icalendar.Calendar()
        cal.add("prodid", "-//Timebok//Timebok//NB")
        cal.add("version", "2.0")
        cal.add("method", "CANCEL" if cancelled else "PUBLISH")
        event = icalendar.Event()
        event.add("uid", _uid(appointment))
        event.add("dtstamp", timezone.now())
        event.add("dtstart", appointment.start.astimezone(tz))
        event.add("dtend", appointment.end.astimezone(tz))
        if ctx["type_name"]:
            summary = _("%(type)s hos %(clinic)s") % {"type": ctx["type_name"], "clinic": clinic.name}
        else:
            summary = _("Time hos %(clinic)s") % {"clinic": clinic.name}
        event.add("summary", summary)
        if ctx["place"]:
            event.add("location", ctx["place"])
        lines = [_("Behandler: %(name)s") % {"name": ctx["practitioner"]}]
        if ctx["price"] and not cancelled:  # a cancellation costs nothing: no price
            lines.append(_("Pris: %(price)s") % {"price": ctx["price"]})
        lines.append(_("Referanse: %(ref)s") % {"ref": ctx["reference"]})
        if link and not cancelled:
            lines.append(_("Se eller avbestill timen: %(link)s") % {"link": link})
        if ctx["clinic_phone"]:
            lines.append(_("Telefon til klinikken: %(phone)s") % {"phone": ctx["clinic_phone"]})
        event.add("description", "\n".join(lines))
        if link and not cancelled:
            event.add("url", link)
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        # Same UID for the appointment's whole life; each move raises the SEQUENCE, and a
        # cancellation goes one above the last.
        event.add("sequence", appointment.sequence + (1 if cancelled else 0))
        year = appointment.start.astimezone(tz).year
        cal.add_component(icalendar.Timezone.from_tzid(
            clinic.timezone, first_date=date(year - 1, 1, 1), last_date=date(year + 1, 12, 31),
        ))
        cal.add_component(event)
    return cal.to_ical().decode()


def fill_link(text: str, link: str) -> str:
    return text.replace(LINK_PLACEHOLDER, link)


def fill_ics_link(ics: str, link: str) -> str:
    """Replace the placeholder in a stored .ics (parsed, so line folding cannot split it)."""
    if not ics or LINK_PLACEHOLDER not in ics.replace("\r\n ", ""):
        return ics
    cal = icalendar.Calendar.from_ical(ics)
    for event in cal.walk("VEVENT"):
        for prop in ("description", "url"):
            if prop in event:
                value = str(event[prop]).replace(LINK_PLACEHOLDER, link)
                del event[prop]
                event.add(prop, value)
    return cal.to_ical().decode()
