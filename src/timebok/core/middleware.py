"""Security headers: a strict Content-Security-Policy on every response.

A view can widen it for itself by setting ``response.csp_extra`` to a dict of
directive -> list of sources (the booking page adds the clinic's tracking hosts),
and can allow framing by setting ``response.csp_frame_ancestors``.
"""

from __future__ import annotations

from collections.abc import Callable

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
