"""Fixed-window rate limits kept in Django's cache (Redis or the database cache in
production), so a limit holds across several app servers that share the cache.

The client's address comes from the socket (``REMOTE_ADDR``), or, behind
``TIMEBOK_TRUSTED_PROXIES`` reverse proxies, from the entry that the nearest of them
appended to ``X-Forwarded-For`` (python-ipware parses and validates the header). An
IPv6 client is limited per /64 network, the block one subscriber usually gets.

Login policy (README, "Logging in"): attempts are limited per (username, address) and per
address, never per username alone, so nobody can lock a user out by guessing their
username from many addresses. Many attempts on one username within a window are logged
as a warning and written to each of the user's clinics' audit log instead.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import logging
import time
from functools import lru_cache, wraps
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from python_ipware import IpWare
from python_ipware.modern.parsers import parse_ip

from timebok.core import sharedcache

logger = logging.getLogger(__name__)


@lru_cache(maxsize=8)
def _ipware(proxies: int) -> IpWare:
    # Only X-Forwarded-For, the header our documented proxies set: every other header in
    # ipware's default list can be forged by any client. ipware counts the proxies *before*
    # the last one, which appears only as REMOTE_ADDR, hence proxies - 1.
    return IpWare(precedence=("HTTP_X_FORWARDED_FOR",), proxy_count=proxies - 1)


def client_ip(request: HttpRequest) -> str:
    """The client's address; X-Forwarded-For is trusted only for TRUSTED_PROXY_COUNT proxies.

    With N trusted proxies the address is the N-th entry from the right of X-Forwarded-For,
    the one the outermost trusted proxy wrote; entries further left come from the client
    and are ignored. A request with fewer entries did not pass through all the proxies:
    its socket address is used.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        # Not strict: a client may send its own X-Forwarded-For, which the proxies extend.
        ip, _trusted = _ipware(proxies).get_client_ip(request.META, strict=False)
        if ip is not None:
            return str(ip)
    remote = parse_ip(str(request.META.get("REMOTE_ADDR", "")))
    return str(remote) if remote is not None else "unknown"


def address_key(ip: str) -> str:
    """What a per-address limit counts: the address, or for IPv6 its /64 network."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def client_key(request: HttpRequest) -> str:
    return address_key(client_ip(request))


def _cache_key(scope: str, key: str, window: int) -> str:
    bucket = int(time.time() // window)
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]  # never store an IP in clear
    return f"rl:{scope}:{digest}:{bucket}"


def count(scope: str, key: str, *, window: int) -> int:
    """Count one attempt and return the number of attempts in this window so far. In the
    shared cache; while it is down (Redis unreachable), in the fallback cache (the database
    cache, shared by every app server), so the limits keep holding."""
    cache_key = _cache_key(scope, key, window)
    if sharedcache.available():
        try:
            n = _count_in(sharedcache.default(), cache_key, window)
        except sharedcache.ERRORS as exc:
            sharedcache.failed(exc)
        else:
            sharedcache.succeeded()
            return n
    return _count_in(sharedcache.fallback(), cache_key, window)


def _count_in(cache: Any, cache_key: str, window: int) -> int:
    from django.core.cache.backends.redis import RedisCache

    if isinstance(cache, RedisCache):
        # One round trip: INCR, and the expiry set by the first attempt of the window.
        pipe = cache._cache.get_client(write=True).pipeline(transaction=False)
        key = cache.make_and_validate_key(cache_key)
        pipe.incr(key)
        pipe.expire(key, window + 5, nx=True)
        return int(pipe.execute()[0])
    if cache.add(cache_key, 1, timeout=window + 5):
        return 1
    try:
        return int(cache.incr(cache_key))
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=window + 5)
        return 1


def refund(scope: str, key: str, *, window: int) -> None:
    """Take back one attempt (a successful login does not count against anyone)."""
    cache_key = _cache_key(scope, key, window)
    cache = sharedcache.default() if sharedcache.available() else sharedcache.fallback()
    try:
        with contextlib.suppress(ValueError):  # expired meanwhile
            cache.decr(cache_key)
    except sharedcache.ERRORS as exc:
        sharedcache.failed(exc)


def hit(scope: str, key: str, *, limit: int, window: int) -> bool:
    """Count one attempt; True while within the limit, False once it is exceeded."""
    return count(scope, key, window=window) <= limit


def booking_allowed(request: HttpRequest) -> bool:
    return hit("booking", client_key(request), limit=settings.BOOKING_RATE_LIMIT,
               window=settings.BOOKING_RATE_WINDOW_SECONDS)


# --- Logging in ----------------------------------------------------------------------------

def _username(request: HttpRequest) -> str:
    return str(request.POST.get("username", "")).strip().lower()[:150]


def _login_keys(request: HttpRequest) -> list[tuple[str, str, int]]:
    """(scope, key, limit) of each limit a login attempt counts against."""
    address = client_key(request)
    keys = [("login-ip", address, settings.LOGIN_IP_RATE_LIMIT)]
    username = _username(request)
    if username:
        keys.append(("login-user-ip", f"{username}\x00{address}", settings.LOGIN_RATE_LIMIT))
    return keys


def login_allowed(request: HttpRequest) -> bool:
    """Password guessing: a limit per (username, address) and a higher one per address.
    Counts the attempt (before the password is checked, so parallel guesses count too)."""
    if request.method != "POST":
        return True
    window = settings.LOGIN_RATE_WINDOW_SECONDS
    allowed = True
    for scope, key, limit in _login_keys(request):
        allowed = count(scope, key, window=window) <= limit and allowed
    username = _username(request)
    if username:
        attempts = count("login-user", username, window=window)
        if attempts == settings.LOGIN_USERNAME_ALERT:  # once per window
            _alert_username_attack(username, attempts, window)
    return allowed


def _login_succeeded(request: HttpRequest) -> None:
    window = settings.LOGIN_RATE_WINDOW_SECONDS
    for scope, key, _limit in _login_keys(request):
        refund(scope, key, window=window)
    if username := _username(request):
        refund("login-user", username, window=window)


def _alert_username_attack(username: str, attempts: int, window: int) -> None:
    """Someone tries one username from many addresses. Nobody is locked out; the operator
    (log) and the user's clinics (audit log in the admin) are told."""
    from django.contrib.auth import get_user_model

    from timebok.core import audit

    user = get_user_model().objects.filter(username__iexact=username).first()
    logger.warning(
        "Login: %s attempts for one username (user id %s) within %s s, from several addresses. "
        "Nobody is locked out; see the audit log (auth.login_attack_suspected).",
        attempts, user.pk if user else "none: no such user", window,
    )
    if user is None:
        return
    with transaction.atomic():
        for clinic in user.clinics.all():  # type: ignore[attr-defined]
            audit.record(audit.AuditAction.AUTH_LOGIN_ATTACK_SUSPECTED, actor=None, clinic=clinic, obj=user,
                         attempts=attempts, window_seconds=window)


def limit_logins(view):  # type: ignore[no-untyped-def]
    """Wrap a login view: over the limit, answer 429 with the login form's message."""
    from django.shortcuts import render
    from django.utils.translation import gettext as _

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not login_allowed(request):
            response = render(
                request, "staff/login_limited.html",
                {"message": _("For mange innloggingsforsøk. Vent noen minutter og prøv igjen.")},
                status=429,
            )
            response["Retry-After"] = str(settings.LOGIN_RATE_WINDOW_SECONDS)
            return response
        response = view(request, *args, **kwargs)
        if request.method == "POST" and response.status_code == 302 and request.user.is_authenticated:
            _login_succeeded(request)
        return response

    return wrapped
