"""Fixed-window rate limits kept in Django's cache (Redis or the database cache in
production), so a limit holds across several app servers that share the cache."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address; X-Forwarded-For is trusted only for TRUSTED_PROXY_COUNT proxies."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def hit(scope: str, key: str, *, limit: int, window: int) -> bool:
    """Count one attempt; True while within the limit, False once it is exceeded."""
    bucket = int(time.time() // window)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]  # never store an IP in clear
    cache_key = f"rl:{scope}:{digest}:{bucket}"
    if cache.add(cache_key, 1, timeout=window + 5):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.add(cache_key, 1, timeout=window + 5)
            count = 1
    return count <= limit


def booking_allowed(request: HttpRequest) -> bool:
    return hit("booking", client_ip(request), limit=settings.BOOKING_RATE_LIMIT,
               window=settings.BOOKING_RATE_WINDOW_SECONDS)


def login_allowed(request: HttpRequest) -> bool:
    """Password guessing: a limit per client IP and one per username tried."""
    if request.method != "POST":
        return True
    window = settings.LOGIN_RATE_WINDOW_SECONDS
    limit = settings.LOGIN_RATE_LIMIT
    username = str(request.POST.get("username", "")).strip().lower()
    by_ip = hit("login-ip", client_ip(request), limit=limit, window=window)
    by_user = hit("login-user", username, limit=limit, window=window) if username else True
    return by_ip and by_user


def limit_logins(view):  # type: ignore[no-untyped-def]
    """Wrap a login view: over the limit, answer 429 with the login form's message."""
    from functools import wraps

    from django.shortcuts import render
    from django.utils.translation import gettext as _

    @wraps(view)
    def wrapped(request, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not login_allowed(request):
            return render(
                request, "staff/login_limited.html",
                {"message": _("For mange innloggingsforsøk. Vent noen minutter og prøv igjen.")},
                status=429,
            )
        return view(request, *args, **kwargs)

    return wrapped
