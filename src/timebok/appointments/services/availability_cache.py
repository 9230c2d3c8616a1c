"""The availability cache: ready answers (JSON of a month's day levels or a day's times, the
booking page's HTML) in Django's shared cache, invalidated exactly per clinic.

**Keys.** An answer is stored under a key made of everything it depends on: the kind of
answer, the clinic's slug as asked, the request's parameters as given (type, practitioner or
"first free", ukemal, dates; the booking page's query), the active language, and the time
bucket (``TIMEBOK_AVAILABILITY_CACHE_BUCKET`` seconds, 60 by default). An answer is computed
with ``now`` set to the last instant of its bucket, so a time is shown only if it is still
bookable (notice) at the end of the bucket: time moving on never shows a stale free time,
and the horizon's day is the same for the whole bucket (a bucket is whole minutes of UTC,
and every time zone's midnight falls on a whole minute). Entries expire after two buckets.

**Generation.** Each clinic has a generation token (``avgen:<slug>``, no expiry). An entry
holds the token it was computed under; it is served only while that token is the clinic's
current one. A hit is one round trip (``get_many`` of the token and the entry, one MGET on
Redis) and touches no database. The token is read before the database, so an answer computed
from data that changed meanwhile carries the old token and is never served. Every write that
can change free times sets a new token after commit (:func:`bump`, hooked to the models'
post_save/post_delete/m2m_changed, to ``clinics.signals.availability_changed``, and called by
the bulk paths). A bump lost while Redis is unreachable is bounded by the bucket: keys of the
next minute are new.

**Faults.** Redis down: every read is a miss, answered from the database, and nothing is
written (core.sharedcache logs one warning). An entry that cannot be read (an unknown shape,
a failed unpickling) is a miss and is overwritten.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation

from timebok.core import sharedcache

logger = logging.getLogger(__name__)

VERSION = "a1"  # part of every key: a new shape of entry never reads an old one


def bucket_seconds() -> int:
    return int(getattr(settings, "AVAILABILITY_CACHE_BUCKET_SECONDS", 60))


def enabled() -> bool:
    return bool(getattr(settings, "AVAILABILITY_CACHE", True))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def generation_key(slug: str) -> str:
    return f"avgen:{_digest(slug)}"


@dataclass
class Entry:
    """One looked-up answer: ``body`` is None on a miss; ``meta`` holds what the caller stored
    with it (e.g. the clinic's id and time zone)."""

    key: str
    gen_key: str
    bucket: int
    generation: str | None
    body: bytes | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def hit(self) -> bool:
        return self.body is not None

    @property
    def now(self) -> datetime:
        """The ``now`` to compute this entry's answer with: the last instant of its bucket."""
        end = (self.bucket + 1) * bucket_seconds()
        return datetime.fromtimestamp(end, UTC) - timedelta(microseconds=1)

    @property
    def etag(self) -> str:
        """Derived from the clinic's generation and the key (parameters, language, bucket);
        without a generation (cache off or down), from the answer itself."""
        if self.generation is None:
            return f'"b{hashlib.sha256(self.body or b"").hexdigest()[:24]}"'
        return f'"{_digest(f"{self.generation}|{self.key}")[:24]}"'


def lookup(kind: str, slug: str, params: tuple[Any, ...], *, now: float | None = None) -> Entry:
    """Find the answer ``kind`` for ``params`` of the clinic ``slug``: one cache round trip."""
    bucket = int((time.time() if now is None else now) // bucket_seconds())
    language = translation.get_language() or settings.LANGUAGE_CODE
    key = f"av:{VERSION}:{kind}:{_digest(repr((slug, params, language, bucket)))}"
    entry = Entry(key=key, gen_key=generation_key(slug), bucket=bucket, generation=None)
    if not enabled() or not sharedcache.available():
        return entry
    cache = sharedcache.default()
    try:
        found = cache.get_many([entry.gen_key, key])
    except sharedcache.ERRORS as exc:
        sharedcache.failed(exc)
        return entry
    except Exception:  # an entry that cannot be unpickled: a miss, overwritten by store()
        logger.warning("unreadable availability cache entry %s; treated as a miss", kind)
        found = _generation_only(cache, entry.gen_key)
    sharedcache.succeeded()
    generation = found.get(entry.gen_key)
    entry.generation = generation if isinstance(generation, str) else None
    stored = found.get(key)
    if entry.generation is not None and _valid(stored) and stored[1] == entry.generation:
        entry.body = stored[2]
        entry.meta = stored[3]
    if entry.generation is None:
        entry.generation = _new_generation(cache, entry.gen_key)
    return entry


def _valid(stored: Any) -> bool:
    return (isinstance(stored, tuple) and len(stored) == 4 and stored[0] == VERSION
            and isinstance(stored[2], bytes) and isinstance(stored[3], dict))


def _generation_only(cache: Any, gen_key: str) -> dict[str, Any]:
    try:
        return {gen_key: cache.get(gen_key)}
    except Exception:
        return {}


def _new_generation(cache: Any, gen_key: str) -> str | None:
    """The clinic has no generation yet (first use, or evicted): create one before the answer
    is computed, so a bump during the computation still wins."""
    try:
        cache.add(gen_key, secrets.token_hex(8), timeout=None)
        value = cache.get(gen_key)
    except sharedcache.ERRORS as exc:
        sharedcache.failed(exc)
        return None
    return value if isinstance(value, str) else None


def store(entry: Entry, body: bytes, **meta: Any) -> None:
    """Keep ``body`` under ``entry``'s key, tagged with the generation read before computing."""
    entry.body = body
    entry.meta = meta
    if entry.generation is None or not enabled() or not sharedcache.available():
        return
    try:
        sharedcache.default().set(entry.key, (VERSION, entry.generation, body, meta),
                                  timeout=2 * bucket_seconds())
    except sharedcache.ERRORS as exc:
        sharedcache.failed(exc)


def bump(*slugs: str) -> None:
    """New generations for these clinics: every stored answer of theirs is out of date."""
    slugs = tuple(s for s in dict.fromkeys(slugs) if s)
    if not slugs or not sharedcache.available():
        if slugs and enabled():
            logger.info("availability cache not bumped (shared cache down): entries expire with their bucket")
        return
    try:
        sharedcache.default().set_many({generation_key(s): secrets.token_hex(8) for s in slugs}, timeout=None)
    except sharedcache.ERRORS as exc:
        sharedcache.failed(exc)


def bump_after_commit(*slugs: str) -> None:
    """Bump once the current transaction commits (at once outside one; never on rollback)."""
    transaction.on_commit(lambda: bump(*slugs))
