"""The patient's own page behind the personal link: see the appointment, cancel it."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from timebok.appointments.errors import AlreadyCancelled, CancellationTooLate
from timebok.appointments.services.booking import cancel_appointment, cancellation_deadline
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

    error = None
    if request.method == "POST":
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

    now = timezone.now()
    deadline = cancellation_deadline(appt)
    ctx = content.context(appt)
    ctx.update({
        "appointment": appt,
        "clinic": appt.clinic,
        "type_label": appt.appointment_type.name,  # the patient may see it here; messages never
        "cancelled": appt.status == appt.Status.CANCELLED,
        "just_cancelled": request.GET.get("avbestilt") == "1",
        "past": appt.start <= now,
        "can_cancel": appt.is_booked and now <= deadline,
        "error": error,
        "clinic_phone_e164": display.phone_uri(appt.clinic.phone),
    })
    return _private(render(request, "notifications/manage.html", ctx, status=409 if error else 200))
