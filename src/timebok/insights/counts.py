"""Built-in counts of the booking page, without cookies and without personal data.

Definitions (per clinic and local day):

* **Besøk (visits):** a view of the booking page that did not come from the booking page
  itself, i.e. the request has no ``Referer`` of our own host. Arriving from the clinic's
  website, a bookmark or a typed address counts; choosing a type or a day on the page
  (which reloads it, or calls the API) does not. A reload of the first page counts again.
  Nothing is stored on the visitor's device and nothing about the visitor is stored here.
* **Søk (searches):** each time a visitor chooses an appointment type, a practitioner or a
  day on the booking page: a page view that carries such a choice and came from the booking
  page itself (without JavaScript), or a request for a day's free times through the API
  (with JavaScript). A pre-selection in the link the visitor arrived with is not a search.
* **Bestillinger (bookings):** each appointment booked online (counted after commit from
  the ``appointment_booked`` signal).

**Where a count goes first.** With Redis as the shared cache (``REDIS_URL``), a visit or a
search is one ``INCR`` of a per-clinic, per-day counter in Redis (no database write on a page
view or a slots request, which the availability cache serves without the database); the
counters are moved into ``DailyCount`` when the counts are read (:func:`last_days`). Without
Redis, or while it is down, the count is written to the database at once.
"""

from __future__ import annotations

import logging
import zoneinfo
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal
from urllib.parse import urlsplit

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from timebok.clinics.models import Clinic
from timebok.core import sharedcache
from timebok.core.display import local_today
from timebok.insights.models import DailyCount

logger = logging.getLogger(__name__)

Kind = Literal["visits", "searches", "bookings"]
KINDS: tuple[Kind, ...] = ("visits", "searches", "bookings")


def count_event(clinic: Clinic, kind: Kind, *, day: date | None = None) -> None:
    """Add one to today's counter (the clinic's local day) in the database."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind: {kind}")
    add_count(clinic.pk, day or local_today(clinic), kind, 1)


def add_count(clinic_id: int, day: date, kind: Kind, n: int) -> None:
    """Add ``n`` to a day's counter. Atomic under concurrency: an UPDATE ... SET n = n + 1, and
    an INSERT when the day's row does not exist yet. Counting must never break the booking
    page: a database error is logged and swallowed."""
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # A count is not worth waiting for the disk: a crash may lose the last few.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit = off")
            rows = DailyCount.objects.filter(clinic_id=clinic_id, day=day).update(**{kind: F(kind) + n})
            if rows:
                return
            try:
                with transaction.atomic():
                    DailyCount.objects.create(clinic_id=clinic_id, day=day, **{kind: n})
            except IntegrityError:
                # Created by a concurrent request between our UPDATE and INSERT.
                DailyCount.objects.filter(clinic_id=clinic_id, day=day).update(**{kind: F(kind) + n})
    except DatabaseError:
        logger.warning("could not count %s for clinic %s", kind, clinic_id, exc_info=True)


BUFFER_SECONDS = 40 * 86400  # a counter not read within 40 days is dropped


def _redis_client() -> Any:
    """The raw Redis client of the shared cache, or None when it is not Redis or is down."""
    from django.core.cache.backends.redis import RedisCache

    cache = sharedcache.default()
    if not isinstance(cache, RedisCache) or not sharedcache.available():
        return None
    return cache._cache.get_client(write=True)


def _buffer_key(clinic_id: int, day: date, kind: str) -> str:
    return sharedcache.default().make_key(f"cnt:{clinic_id}:{day.isoformat()}:{kind}")


def count_quickly(clinic_id: int, tz: Any, kind: Kind) -> None:
    """Count one visit or search: in Redis when it is the shared cache (one round trip, no
    database), else in the database. ``tz`` is the clinic's time zone (its day counts)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind: {kind}")
    if isinstance(tz, str):
        tz = zoneinfo.ZoneInfo(tz)
    day = timezone.localtime(timezone.now(), tz).date()
    client = _redis_client()
    if client is not None:
        key = _buffer_key(clinic_id, day, kind)
        try:
            pipe = client.pipeline(transaction=False)
            pipe.incr(key)
            pipe.expire(key, BUFFER_SECONDS)
            pipe.execute()
            sharedcache.succeeded()
            return
        except sharedcache.ERRORS as exc:
            sharedcache.failed(exc)
    add_count(clinic_id, day, kind, 1)


def flush_buffered(clinic: Clinic, first: date, last: date) -> None:
    """Move the clinic's Redis counters of ``first..last`` into the database (GETDEL: two
    readers never move one count twice)."""
    client = _redis_client()
    if client is None:
        return
    keys = [(d, kind) for d in (first + timedelta(days=i) for i in range((last - first).days + 1)) for kind in KINDS]
    try:
        pipe = client.pipeline(transaction=False)
        for d, kind in keys:
            pipe.getdel(_buffer_key(clinic.pk, d, kind))
        values = pipe.execute()
    except sharedcache.ERRORS as exc:
        sharedcache.failed(exc)
        return
    for (d, kind), value in zip(keys, values, strict=True):
        if value:
            add_count(clinic.pk, d, kind, int(value))


def is_new_visit(request: HttpRequest) -> bool:
    """True when the request did not come from a page of our own host (see the module doc)."""
    referer = request.headers.get("Referer", "")
    if not referer:
        return True
    try:
        return urlsplit(referer).netloc.lower() != request.get_host().lower()
    except ValueError:
        return True


def is_search(request: HttpRequest, has_choice: bool) -> bool:
    """A page view carrying a choice that the visitor made on the booking page itself (not
    the pre-selection of the link they arrived with)."""
    return has_choice and not is_new_visit(request)


def record_booking_page_view(request: HttpRequest, clinic: Clinic, *, has_choice: bool) -> None:
    """Call from the booking page's GET view: counts a visit or a search (see the module doc).
    ``has_choice``: the request carries a type, practitioner, day or month."""
    if is_new_visit(request):
        count_quickly(clinic.pk, clinic.tz, "visits")
    elif has_choice:
        count_quickly(clinic.pk, clinic.tz, "searches")


def on_appointment_booked(sender: Any, appointment: Any, **kwargs: Any) -> None:
    """Receiver of ``appointment_booked`` (sent after commit): counts online bookings."""
    if appointment.source == "online":
        count_quickly(appointment.clinic_id, appointment.clinic.tz, "bookings")


@dataclass(frozen=True)
class DayRow:
    day: date
    visits: int
    searches: int
    bookings: int


@dataclass(frozen=True)
class Summary:
    rows: list[DayRow]  # oldest first
    visits: int
    searches: int
    bookings: int
    peak: int  # the largest number of any kind on any day (at least 1)

    @property
    def conversion_percent(self) -> float | None:
        return round(100 * self.bookings / self.visits, 1) if self.visits else None


def last_days(clinic: Clinic, days: int = 30, *, today: date | None = None) -> Summary:
    """The last ``days`` days up to and including today, with zeros for quiet days."""
    today = today or local_today(clinic)
    first = today - timedelta(days=days - 1)
    flush_buffered(clinic, first, today)
    stored = {
        d: (v, s, b)
        for d, v, s, b in DailyCount.objects.filter(clinic=clinic, day__gte=first, day__lte=today)
        .values_list("day", "visits", "searches", "bookings")
    }
    rows = [DayRow(d, *stored.get(d, (0, 0, 0))) for d in (first + timedelta(days=i) for i in range(days))]
    return Summary(
        rows=rows,
        visits=sum(r.visits for r in rows),
        searches=sum(r.searches for r in rows),
        bookings=sum(r.bookings for r in rows),
        peak=max([1, *(max(r.visits, r.searches, r.bookings) for r in rows)]),
    )
