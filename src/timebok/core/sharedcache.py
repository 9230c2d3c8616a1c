"""The shared cache (Redis with ``REDIS_URL``) when it may be down.

Redis is a speed-up, never a dependency of an answer: when a call to it fails, the caller
goes on without it (the availability cache reads the database; rate limits count in the
``fallback`` cache, the database cache every app server shares). The first failure logs one
warning per process; for ``RETRY_SECONDS`` after it Redis is not asked at all, so an outage
costs no connection attempt per request. Nothing about availability is kept in process
memory: only this process's "Redis is down until" mark.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.core.cache import caches

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0

_lock = threading.Lock()
_down_until = 0.0
_warned = False


def _redis_errors() -> tuple[type[BaseException], ...]:
    try:
        from redis.exceptions import RedisError
    except ImportError:  # pragma: no cover - redis is a dependency
        return (OSError,)
    return (RedisError, OSError)


ERRORS = _redis_errors()


def default() -> Any:
    return caches["default"]


def fallback() -> Any:
    """The cache to count in while the default one is down (the default when none is set)."""
    from django.conf import settings

    return caches["fallback"] if "fallback" in settings.CACHES else caches["default"]


def available() -> bool:
    """False for a few seconds after the default cache failed."""
    return time.monotonic() >= _down_until


def failed(exc: BaseException) -> None:
    """Record a failure of the default cache; warn once until it works again."""
    global _down_until, _warned
    with _lock:
        _down_until = time.monotonic() + RETRY_SECONDS
        if _warned:
            return
        _warned = True
    logger.warning(
        "The shared cache (REDIS_URL) is not reachable (%s: %s). Timebok keeps answering: free times "
        "from the database (slower), rate limits in the database cache. Retrying every %g s.",
        type(exc).__name__, exc, RETRY_SECONDS,
    )


def succeeded() -> None:
    """A call to the default cache worked: log once that it is back."""
    global _warned
    if not _warned:
        return
    with _lock:
        if not _warned:
            return
        _warned = False
    logger.warning("The shared cache (REDIS_URL) is reachable again.")


def reset() -> None:
    """Forget a recorded failure (tests)."""
    global _down_until, _warned
    with _lock:
        _down_until = 0.0
        _warned = False
