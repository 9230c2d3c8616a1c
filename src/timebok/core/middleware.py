"""Security headers: a strict Content-Security-Policy on every response.

A view can widen it for itself by setting ``response.csp_extra`` to a dict of
directive -> list of sources (the booking page adds the clinic's tracking hosts),
and can allow framing by setting ``response.csp_frame_ancestors``.

The header is built by :func:`build_policy`, which lets through only sources of the CSP
grammar in plain ASCII (keywords, schemes, ``scheme://host[:port]``): a source with a space,
``;``, ``,``, a quote, a path or any non-ASCII character is left out and logged, so no stored
value can add a directive, start a second policy, or make Django MIME-encode the header
(which browsers ignore, leaving the page without a policy).
"""

from __future__ import annotations

import ipaddress
import logging
import re
import threading
from collections.abc import Callable, Iterable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from timebok.core.hosts import DNS_NAME

logger = logging.getLogger(__name__)

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

KEYWORDS = frozenset({"'self'", "'none'"})
SCHEMES = frozenset({"data:", "blob:", "https:"})
MAX_SOURCE_LENGTH = 300
_DIRECTIVE = re.compile(r"[a-z]+(?:-[a-z]+)*")
_HOST_SOURCE = re.compile(r"(?P<scheme>https?)://(?P<host>\*|(?:\*\.)?[a-z0-9.-]+|\[[0-9a-f:.]+\])"
                          r"(?::(?P<port>\*|[0-9]{1,5}))?")


class UnsafeCspSource(ValueError):
    """A value that is not a plain ASCII source of the CSP grammar."""


def csp_source(value: str) -> str:
    """``value`` if it is a safe CSP source expression, else UnsafeCspSource."""
    if not isinstance(value, str) or not value.isascii() or not 0 < len(value) <= MAX_SOURCE_LENGTH:
        raise UnsafeCspSource(f"not a short ASCII CSP source: {value!r}")
    if value == "*" or value in KEYWORDS or value in SCHEMES:
        return value
    match = _HOST_SOURCE.fullmatch(value)
    if match is None:
        raise UnsafeCspSource(f"not a CSP source (scheme://host[:port]): {value!r}")
    host, port = match["host"], match["port"]
    if host.startswith("["):
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            raise UnsafeCspSource(f"not an IPv6 address: {value!r}") from None
    elif host != "*" and not DNS_NAME.fullmatch(host.removeprefix("*.")):
        raise UnsafeCspSource(f"not a host name: {value!r}")
    if port not in (None, "*") and not 1 <= int(port) <= 65535:
        raise UnsafeCspSource(f"port out of range: {value!r}")
    return value


def _safe_sources(directive: str, sources: Iterable[str]) -> list[str]:
    kept = []
    for source in sources:
        try:
            kept.append(csp_source(source))
        except UnsafeCspSource as exc:
            logger.warning("CSP: left out of %s: %s", directive, exc)
    return kept


def build_policy(extra: dict[str, list[str]] | None, frame_ancestors: list[str] | None) -> str:
    """The Content-Security-Policy header value: the base policy, widened by ``extra``.
    Unsafe sources are left out (and logged); the result is always plain printable ASCII."""
    policy = {k: list(v) for k, v in BASE_POLICY.items()}
    for directive, sources in (extra or {}).items():
        if not isinstance(directive, str) or not _DIRECTIVE.fullmatch(directive):
            logger.warning("CSP: left out an invalid directive %r", directive)
            continue
        current = policy.setdefault(directive, ["'self'"])
        current.extend(s for s in _safe_sources(directive, sources) if s not in current)
    if frame_ancestors is not None:
        policy["frame-ancestors"] = _safe_sources("frame-ancestors", frame_ancestors) or ["'none'"]
    header = "; ".join(f"{k} {' '.join(v)}" for k, v in policy.items())
    if not (header.isascii() and header.isprintable()):  # cannot happen after the checks above
        raise UnsafeCspSource("the policy is not printable ASCII")
    return header


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
