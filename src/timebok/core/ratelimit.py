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
