"""The patient's own page behind the personal link: see the appointment, change its time or
cancel it (each after a confirmation step) before the cancellation deadline."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from timebok.appointments.errors import AlreadyCancelled, CancellationTooLate, DomainError
from timebok.appointments.models import Appointment
from timebok.appointments.services import availability, catalog
from timebok.appointments.services.booking import cancel_appointment, cancellation_deadline
from timebok.appointments.services.moving import move_appointment
from timebok.core import display, language, ratelimit
from timebok.notifications import content, links


def _private(response: HttpResponse) -> HttpResponse:
    # The URL is the secret: never cache it, never index it, never send it to another site as a referrer.
    response["Cache-Control"] = "no-store, private"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"  # not no-referrer: browsers then send Origin: null, which CSRF rejects
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    allowed = ratelimit.hit(
        "manage-link", ratelimit.client_key(request),
        limit=settings.MANAGE_LINK_RATE_LIMIT, window=settings.MANAGE_LINK_RATE_WINDOW_SECONDS,
    )
    if not allowed:
        response = render(request, "notifications/manage_limited.html", status=429)
        response["Retry-After"] = str(settings.MANAGE_LINK_RATE_WINDOW_SECONDS)
        return _private(response)
    appt = links.find_appointment(token)
    if appt is None:
        return _private(render(request, "notifications/manage_unknown.html", status=404))
    language.use_stored(request, appt.language)

    handling = request.POST.get("handling") if request.method == "POST" else request.GET.get("handling")
    error = None
    if request.method == "POST" and handling == "avbestill":
        try:
            cancel_appointment(appt, by_patient=True)
        except AlreadyCancelled:
            pass
        except CancellationTooLate as exc:
            error = exc.message
        else:
            chosen = f"&lang={request.LANGUAGE_CODE}" if getattr(request, "language_chosen", False) else ""
            return _private(HttpResponseRedirect(reverse("notifications:manage", args=[token]) + "?avbestilt=1"
                                                 + chosen))
        appt.refresh_from_db()
    elif request.method == "POST" and handling == "flytt":
        error = _move(appt, request.POST)
        if error is None:
            chosen = f"&lang={request.LANGUAGE_CODE}" if getattr(request, "language_chosen", False) else ""
            return _private(HttpResponseRedirect(reverse("notifications:manage", args=[token]) + "?endret=1"
                                                 + chosen))
        appt.refresh_from_db()
    elif request.method == "POST":
        handling = "avbestill"  # an old form without the step: ask first

    now = timezone.now()
    deadline = cancellation_deadline(appt)
    can_change = appt.is_booked and now <= deadline
    ctx = content.context(appt)
    ctx.update({
        "appointment": appt,
        "clinic": appt.clinic,
        "type_label": appt.appointment_type.name,  # the patient may see it here; messages never
        "cancelled": appt.status == appt.Status.CANCELLED,
        "just_cancelled": request.GET.get("avbestilt") == "1",
        "just_moved": request.GET.get("endret") == "1" and appt.is_booked,
        "past": appt.start <= now,
        "can_cancel": can_change,
        "confirm_cancel": can_change and handling == "avbestill" and error is None,
        "error": error,
        "clinic_phone_e164": display.phone_uri(appt.clinic.phone),
        "token": token,
    })
    if can_change and handling in ("endre", "flytt"):
        ctx.update(_change_context(appt, request))
    return _private(render(request, "notifications/manage.html", ctx, status=409 if error else 200))


#: How many days ahead the change page offers, from the first day the rules allow.
CHANGE_DAYS = 21


def _change_context(appt: Appointment, request: HttpRequest) -> dict[str, Any]:
    """The days with free times for the same type and practitioner (any practitioner when
    booked as "Første ledige behandler"), and the chosen day's times."""
    clinic = appt.clinic
    practitioner = None if appt.any_practitioner else appt.practitioner
    today = display.local_today(clinic)
    levels = availability.day_levels(clinic, appt.appointment_type, practitioner, today,
                                     today + timedelta(days=CHANGE_DAYS))
    days = [(d, info) for d, info in sorted(levels.items()) if info.free]
    chosen = None
    try:
        wanted = date.fromisoformat(request.GET.get("dato") or request.POST.get("dato") or "")
    except ValueError:
        wanted = None
    chosen = next((d for d, _info in days if d == wanted), days[0][0] if days else None)
    times = availability.free_slots(clinic, appt.appointment_type, practitioner, chosen) if chosen else []
    return {
        "changing": True,
        "change_days": [{"day": d, "label": display.day_text(d), "level": display.level_text(info.level),
                         "chosen": d == chosen} for d, info in days],
        "change_day": chosen,
        "change_day_text": display.day_text(chosen) if chosen else "",
        "change_times": [{"value": s.start.isoformat(), "practitioner": s.practitioner_id,
                          "label": display.time_text(s.start, clinic.tz)} for s in times],
    }


def _move(appt: Appointment, data: Any) -> str | None:
    """Move to the posted time through move_appointment; the error message, or None."""
    value = data.get("tid")
    when, _sep, who = (value if isinstance(value, str) else "").partition("|")
    try:
        start = catalog.parse_start(when)
    except catalog.StartError:
        return str(_("Velg en av de ledige tidene."))
    # The time's practitioner (the engine's choice for "Første ledige behandler"); otherwise
    # always the booked one.
    practitioner = catalog.clinic_practitioner(appt.clinic, who) if appt.any_practitioner else appt.practitioner
    if practitioner is None:
        return str(_("Velg en av de ledige tidene."))
    try:
        move_appointment(appt, start=start, practitioner=practitioner, by_patient=True)
    except DomainError as exc:
        return str(exc.message)
    return None
