"""Security headers: a strict Content-Security-Policy on every response.

A view can widen it for itself by setting ``response.csp_extra`` to a dict of
directive -> list of sources (the booking page adds the clinic's tracking hosts),
and can allow framing by setting ``response.csp_frame_ancestors``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

BASE_POLICY: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "font-src": ["'self'"],
    "form-action": ["'self'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
    "frame-ancestors": ["'none'"],
}


def build_policy(extra: dict[str, list[str]] | None, frame_ancestors: list[str] | None) -> str:
    policy = {k: list(v) for k, v in BASE_POLICY.items()}
    for directive, sources in (extra or {}).items():
        policy.setdefault(directive, ["'self'"]).extend(s for s in sources if s not in policy[directive])
    if frame_ancestors is not None:
        policy["frame-ancestors"] = frame_ancestors
    return "; ".join(f"{k} {' '.join(v)}" for k, v in policy.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = build_policy(
                getattr(response, "csp_extra", None),
                getattr(response, "csp_frame_ancestors", None),
            )
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class ForwardedForWarningMiddleware:
    """Logs one warning per process when a request carries X-Forwarded-For while no proxy is
    trusted (TIMEBOK_TRUSTED_PROXIES=0): behind a reverse proxy every client then has the
    proxy's address, and the rate limits are shared by all of them."""

    _warned = False
    _lock = threading.Lock()

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not ForwardedForWarningMiddleware._warned and "HTTP_X_FORWARDED_FOR" in request.META \
                and not settings.TRUSTED_PROXY_COUNT:
            with ForwardedForWarningMiddleware._lock:
                if not ForwardedForWarningMiddleware._warned:
                    ForwardedForWarningMiddleware._warned = True
                    logging.getLogger("timebok.proxy").warning(
                        "A request carries X-Forwarded-For, but TIMEBOK_TRUSTED_PROXIES is 0: the header is "
                        "ignored, and every client behind the proxy shares the proxy's address (%s) and so its "
                        "rate limits. Behind a reverse proxy set TIMEBOK_TRUSTED_PROXIES to the number of proxies "
                        "(see README, Deployment). This warning is logged once per process.",
                        request.META.get("REMOTE_ADDR", "unknown"),
                    )
        return self.get_response(request)
