"""Innstillinger: tracking links, the booking-link generator, the online-booking rules and
the built-in counts."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from timebok.clinics.models import Clinic
from timebok.insights import counts as stats
from timebok.staff import services
from timebok.staff.access import clinic_view
from timebok.staff.forms import BookingRulesForm, LinkChoice, LinkGeneratorForm, TrackingLinksForm, link_groups
from timebok.staff.views._forms import add_errors

CHART_DAY_WIDTH = 16
CHART_HEIGHT = 120


def booking_url(request: HttpRequest, clinic: Clinic, choice: LinkChoice, language: str = "") -> str:
    """The booking link; with ``language`` it opens in that language (``lang=en``), also in an iframe."""
    query: dict[str, Any] = dict(choice.query)
    if language:
        query["lang"] = language
    return request.build_absolute_uri(f"/b/{clinic.slug}/?{urlencode(query)}")


def iframe_snippet(url: str, title: str, loader_url: str) -> str:
    """The iframe, and the loader that sizes it to its content (static/timebok/embed.js).
    Without the script (blocked, or not pasted) the iframe keeps a fixed 900 px and scrolls."""
    return (
        f'<iframe src="{escape(url)}" title="{escape(title)}" width="100%" height="900" loading="lazy" '
        f'data-timebok-embed></iframe>\n<script src="{escape(loader_url)}" async></script>'
    )


def qr_svg(url: str, title: str) -> str:
    return str(segno.make(url, error="m").svg_inline(scale=4, title=title, svgclass="qr", lineclass="qr-line"))


def chart(summary: stats.Summary) -> dict[str, Any]:
    """Geometry of a small SVG bar chart (nested bars: visits widest, bookings narrowest).
    Presentation attributes only: no inline styles under our CSP."""
    bars = []
    scale = (CHART_HEIGHT - 4) / summary.peak
    for i, row in enumerate(summary.rows):
        x = i * CHART_DAY_WIDTH
        day_bars = []
        for kind, inset in (("visits", 1), ("searches", 4), ("bookings", 6)):
            value = getattr(row, kind)
            height = round(value * scale, 1)
            day_bars.append({"kind": kind, "x": x + inset, "width": CHART_DAY_WIDTH - 2 * inset,
                             "y": round(CHART_HEIGHT - height, 1), "height": height, "value": value})
        bars.append({"day": row.day, "bars": day_bars})
    return {"width": CHART_DAY_WIDTH * len(summary.rows), "height": CHART_HEIGHT, "days": bars}


def _context(request: HttpRequest, clinic: Clinic, *, tracking_form: TrackingLinksForm | None = None,
             rules_form: BookingRulesForm | None = None) -> dict[str, Any]:
    groups = link_groups(clinic)
    link_form = LinkGeneratorForm(request.GET if "lenke" in request.GET else None, groups=groups)
    chosen = link_form.chosen
    link: dict[str, Any] | None = None
    if chosen is not None:
        url = booking_url(request, clinic, chosen, link_form.language)
        link = {
            "choice": chosen,
            "url": url,
            "iframe": iframe_snippet(url, _("Bestill time hos %(clinic)s") % {"clinic": clinic.name},
                                     request.build_absolute_uri(static("timebok/embed.js"))),
            "qr": qr_svg(url, _("QR-kode for bestillingslenken")),
            "qr_download": reverse("staff:qr", kwargs={"clinic": clinic.slug}) + "?" + urlencode(
                {"lenke": chosen.value, **({"sprak": link_form.language} if link_form.language else {})}),
        }
    summary = stats.last_days(clinic, 30)
    return {
        "clinic": clinic,
        "tracking_form": tracking_form or TrackingLinksForm(initial={
            "tracking_search_url": clinic.tracking_search_url,
            "tracking_booked_url": clinic.tracking_booked_url,
        }),
        "rules_form": rules_form or BookingRulesForm(instance=clinic),
        "link_form": link_form,
        "link_groups": groups,
        "link": link,
        "summary": summary,
        "chart": chart(summary),
        "nav": "settings",
    }


@clinic_view
@require_GET
def settings_page(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    return render(request, "staff/settings.html", _context(request, clinic))


@clinic_view
@require_POST
def save_tracking(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    form = TrackingLinksForm(request.POST)
    if form.is_valid():
        try:
            services.update_tracking_links(
                clinic, actor=request.user,
                search_url=form.cleaned_data["tracking_search_url"],
                booked_url=form.cleaned_data["tracking_booked_url"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Sporingslenkene er lagret."))
            return redirect(reverse("staff:settings", kwargs={"clinic": clinic.slug}) + "#sporing")
    return render(request, "staff/settings.html", _context(request, clinic, tracking_form=form))


@clinic_view
@require_POST
def save_rules(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    # A fresh instance: a failed form must not change what the rest of the page shows.
    form = BookingRulesForm(request.POST, instance=Clinic.objects.get(pk=clinic.pk))
    if form.is_valid():
        try:
            services.update_booking_rules(clinic, actor=request.user, **{
                name: form.cleaned_data[name] for name in services.RULE_FIELDS
            })
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Reglene for online bestilling er lagret."))
            return redirect(reverse("staff:settings", kwargs={"clinic": clinic.slug}) + "#regler")
    return render(request, "staff/settings.html", _context(request, clinic, rules_form=form))




@clinic_view
@require_GET
def qr_download(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    form = LinkGeneratorForm(request.GET, groups=link_groups(clinic))
    chosen = form.chosen
    if chosen is None:
        raise Http404("unknown link")
    url = booking_url(request, clinic, chosen, form.language)
    svg = segno.make(url, error="m").svg_inline(scale=8, title=url)
    body = '<?xml version="1.0" encoding="utf-8"?>\n' + svg.replace(
        "<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    response = HttpResponse(body, content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bestillingslenke-{clinic.slug}-{chosen.value}.svg"'
    return response
