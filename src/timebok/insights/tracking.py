"""The clinic's tracking links on the booking page.

The public views call :func:`apply_tracking_headers` to widen the page's
Content-Security-Policy to exactly the configured tracking hosts, and render
``insights/_tracking.html`` (inside ``{% block tracking %}``). The static script
``timebok/insights/tracking.js`` asks for consent ("Godta"/"Avslå", remembered in
localStorage) and only then requests:

* the search link once per visit (a sessionStorage flag), when the page was rendered with
  ``tracking_event == "search"`` or when the booking page's own script dispatches the DOM
  event ``timebok:search`` on ``document``;
* the booked link once on the receipt (``tracking_event == "booked"``).

A request is an image beacon of the configured URL exactly as configured, with
``referrerPolicy = "no-referrer"``: it carries no personal data and no appointment details.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from timebok.clinics.models import Clinic
from timebok.core.hosts import ascii_host
from timebok.core.middleware import UnsafeCspSource, csp_source


def tracking_origin(url: str) -> str | None:
    """``scheme://host[:port]`` of a tracking URL in the ASCII form a CSP needs (an
    international host in IDNA form), or None if it is empty or malformed.

    Tolerant of links stored before the form normalised them: a Unicode host is converted
    here, and anything that is still no safe CSP source gives None (no tracking host), never
    a broken header."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
        host = ascii_host(parts.hostname or "")
    except ValueError:
        return None
    if parts.scheme not in ("https", "http") or port == 0:
        return None
    if ":" in host:
        host = f"[{host}]"
    origin = f"{parts.scheme}://{host}" + (f":{port}" if port else "")
    try:
        return csp_source(origin)
    except UnsafeCspSource:
        return None


def tracking_origins(clinic: Clinic) -> list[str]:
    origins: list[str] = []
    for url in (clinic.tracking_search_url, clinic.tracking_booked_url):
        origin = tracking_origin(url)
        if origin and origin not in origins:
            origins.append(origin)
    return origins


def tracking_csp(clinic: Clinic) -> dict[str, list[str]]:
    """CSP additions for the booking page: only the configured tracking hosts. Assign it to
    ``response.csp_extra`` (merge if the view adds sources of its own)."""
    origins = tracking_origins(clinic)
    if not origins:
        return {}
    return {"img-src": list(origins), "connect-src": list(origins)}


def apply_tracking_headers(response: Any, clinic: Clinic) -> Any:
    """Add the clinic's tracking hosts to a booking-page response's CSP. (The page's own URL
    stays out of tracking requests: the project's Referrer-Policy is strict-origin, and each
    beacon is sent with referrerPolicy "no-referrer".)"""
    extra = dict(getattr(response, "csp_extra", None) or {})
    for directive, sources in tracking_csp(clinic).items():
        extra[directive] = [*extra.get(directive, []), *(s for s in sources if s not in extra.get(directive, []))]
    response.csp_extra = extra
    return response
