"""The availability cache: after every kind of write the next read reflects it; a hit touches
no database; time moving on never serves a stale time; bad entries and a dead Redis are
misses; two app servers sharing Redis see each other's invalidations."""

from __future__ import annotations

import json
import logging
import os
import socket
import urllib.request
from datetime import date, time, timedelta

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import at, book, make_clinic, next_weekday, practs, types, valid_fnr
from timebok.appointments.services import availability_cache
from timebok.appointments.services.booking import cancel_appointment
from timebok.clinics import services as clinic_services
from timebok.clinics.closures import ClosureSpec
from timebok.clinics.models import Closure, TemplateBlock, TemplatePeriod, WeekTemplate
from timebok.core import sharedcache
from timebok.staff import services as staff_services

BASE = "/api/v1/clinics/"
REDIS = ("127.0.0.1", 6379)


@pytest.fixture
def cache_on(settings):  # type: ignore[no-untyped-def]
    settings.AVAILABILITY_CACHE = True
    sharedcache.reset()
    yield
    sharedcache.reset()


@pytest.fixture
def commits(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Run a write and its after-commit hooks (the tests' transactions never commit)."""
    def run(write, *args, **kwargs):  # type: ignore[no-untyped-def]
        with django_capture_on_commit_callbacks(execute=True):
            return write(*args, **kwargs)
    return run


def tuesday() -> date:
    return next_weekday(date.today() + timedelta(days=1), 1)


def slots_params(clinic, type_name="Oppfølging", practitioner="Anne Lie", day=None):  # type: ignore[no-untyped-def]
    return {"timetype": types(clinic)[type_name].pk, "date": (day or tuesday()).isoformat(),
            "behandler": practs(clinic)[practitioner].pk if practitioner else ""}


def slot_times(client, clinic, type_name="Oppfølging", practitioner="Anne Lie", day=None, params=None):  # type: ignore[no-untyped-def]
    params = params or slots_params(clinic, type_name, practitioner, day)
    r = client.get(f"{BASE}{clinic.slug}/slots", params)
    if r.status_code != 200:
        return r.status_code
    return [s["start"][11:16] for s in r.json()["slots"]]


pytestmark = pytest.mark.django_db


def reads(queries) -> list[str]:  # type: ignore[no-untyped-def]
    """The queries apart from the built-in count (a database write only without Redis)."""
    return [q["sql"] for q in queries
            if "insights_dailycount" not in q["sql"] and "SAVEPOINT" not in q["sql"]
            and "synchronous_commit" not in q["sql"]]


def test_a_hit_reads_nothing_from_the_database(anon_client, clinic, cache_on):
    params = slots_params(clinic)
    first = slot_times(anon_client, clinic, params=params)
    assert "10:00" in first
    page = anon_client.get(f"/b/{clinic.slug}/")
    with CaptureQueriesContext(connection) as queries:
        assert slot_times(anon_client, clinic, params=params) == first
        again = anon_client.get(f"/b/{clinic.slug}/")
    assert reads(queries) == []
    assert again.content == page.content and again["Content-Security-Policy"] == page["Content-Security-Policy"]
    assert "Accept-Language" in again["Vary"]


def test_the_redis_cache_keeps_one_client_per_pool(redis_url):
    from timebok.core.rediscache import RedisCache

    cache = RedisCache(redis_url, {"KEY_PREFIX": f"timebok-test-{os.getpid()}-client"})
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=True) is client
    cache.set("k", {"a": 1}, 30)
    assert cache.get("k") == {"a": 1}
    cache.delete("k")


def test_with_redis_a_hit_touches_no_database_at_all(anon_client, clinic, cache_on, settings, redis_url, request):
    prefix = f"timebok-test-{os.getpid()}-hit"
    settings.CACHES = {"default": {"BACKEND": "timebok.core.rediscache.RedisCache", "LOCATION": redis_url,
                                   "KEY_PREFIX": prefix}}
    request.addfinalizer(lambda: _forget(redis_url, prefix))
    params = slots_params(clinic)
    first = slot_times(anon_client, clinic, params=params)
    anon_client.get(f"/b/{clinic.slug}/")
    with CaptureQueriesContext(connection) as queries:
        assert slot_times(anon_client, clinic, params=params) == first
        assert anon_client.get(f"/b/{clinic.slug}/").status_code == 200
    assert len(queries) == 0
    from timebok.insights import counts

    summary = counts.last_days(clinic, 1)  # the counts kept in Redis reach the database
    assert summary.visits == 2 and summary.searches == 2


def test_a_booking_and_a_cancellation_show_at_once(anon_client, clinic, cache_on, commits):
    assert "10:00" in slot_times(anon_client, clinic)
    appt = commits(book, clinic, day=tuesday(), hour=10)
    assert "10:00" not in slot_times(anon_client, clinic)
    commits(cancel_appointment, appt)
    assert "10:00" in slot_times(anon_client, clinic)


def test_a_move_of_an_appointment_shows_at_once(anon_client, clinic, cache_on, commits):
    appt = commits(book, clinic, day=tuesday(), hour=10)
    assert "10:00" not in slot_times(anon_client, clinic)
    appt.start, appt.end = at(tuesday(), 13), at(tuesday(), 13, 30)

    def move():  # type: ignore[no-untyped-def]
        appt.save(update_fields=["start", "end"])
    commits(move)
    times = slot_times(anon_client, clinic)
    assert "10:00" in times and "13:00" not in times


def test_closures_show_at_once(anon_client, clinic, cache_on, commits, staff_user):
    anne = practs(clinic)["Anne Lie"]
    spec = ClosureSpec(tuesday(), tuesday(), time(8), time(12), practitioner_id=anne.pk, reason="Kurs")
    commits(clinic_services.create_closure, clinic, spec, actor=staff_user)
    assert "10:00" not in slot_times(anon_client, clinic)
    commits(clinic_services.delete_closure, Closure.objects.get(clinic=clinic), actor=staff_user)
    assert "10:00" in slot_times(anon_client, clinic)
    # A closure written directly (admin, a script) is seen too.
    commits(Closure.objects.create, clinic=clinic, start_date=tuesday(), end_date=tuesday())
    assert slot_times(anon_client, clinic) == []


def test_template_block_period_and_allowed_types_show_at_once(anon_client, clinic, cache_on, commits):
    anne = practs(clinic)["Anne Lie"]
    template = WeekTemplate.objects.get(practitioner=anne)
    morning = TemplateBlock.objects.get(template=template, weekday=1, start_time=time(8))
    assert "10:00" in slot_times(anon_client, clinic)
    morning.end_time = time(9)
    commits(morning.save)
    assert "10:00" not in slot_times(anon_client, clinic)
    commits(morning.appointment_types.remove, types(clinic)["Oppfølging"])
    assert "08:00" not in slot_times(anon_client, clinic)
    commits(morning.appointment_types.add, types(clinic)["Oppfølging"])
    assert "08:00" in slot_times(anon_client, clinic)
    commits(TemplatePeriod.objects.filter(template=template).delete)
    assert slot_times(anon_client, clinic) == []
    commits(TemplatePeriod.objects.create, template=template, start_date=date.today())
    assert "08:00" in slot_times(anon_client, clinic)
    commits(template.delete)
    assert slot_times(anon_client, clinic) == 404  # Anne offers the type no more


def test_type_practitioner_and_clinic_rules_show_at_once(anon_client, clinic, cache_on, commits, staff_user):
    assert slot_times(anon_client, clinic, type_name="Førstegangstime") != []
    commits(clinic_services.update_appointment_type, types(clinic)["Førstegangstime"], actor=staff_user,
            online=False)
    assert slot_times(anon_client, clinic, type_name="Førstegangstime") == 404
    commits(clinic_services.update_practitioner, practs(clinic)["Anne Lie"], actor=staff_user, online=False)
    assert slot_times(anon_client, clinic) == 404
    assert "10:00" in slot_times(anon_client, clinic, practitioner="Bjørn Dahl")
    commits(staff_services.update_booking_rules, clinic, actor=staff_user, first_free_only=True)
    assert slot_times(anon_client, clinic, practitioner="Bjørn Dahl") == ["08:00"]
    clinic.refresh_from_db()
    clinic.online_booking = False
    commits(clinic.save)  # as the admin saves it
    assert slot_times(anon_client, clinic, practitioner="Bjørn Dahl") == 403


def test_a_new_slug_leaves_no_answer_under_the_old_one(anon_client, clinic, cache_on, commits):
    assert slot_times(anon_client, clinic) != 404
    old = clinic.slug
    clinic.slug = "nytt-navn"
    commits(clinic.save)
    assert anon_client.get(f"{BASE}{old}/slots", {"timetype": types(clinic)["Oppfølging"].pk,
                                                  "date": tuesday().isoformat()}).status_code == 404


def test_the_signal_of_a_bulk_path_bumps(anon_client, clinic, cache_on, commits):
    times = slot_times(anon_client, clinic)
    # A bulk write sends no model signal; the services then send availability_changed.
    TemplateBlock.objects.filter(template__practitioner__clinic=clinic, start_time=time(8)).update(end_time=time(9))
    assert slot_times(anon_client, clinic) == times  # not told: the cached answer
    commits(clinic_services.availability_changed, clinic)
    assert "10:00" not in slot_times(anon_client, clinic)


def test_one_clinics_write_keeps_the_others_answers(anon_client, clinic, cache_on, commits):
    other = make_clinic(slug="annen", name="Annen")
    params = slots_params(other)
    slot_times(anon_client, other, params=params)
    with CaptureQueriesContext(connection) as queries:
        slot_times(anon_client, other, params=params)
    assert reads(queries) == []
    commits(book, clinic, day=tuesday(), hour=10)
    with CaptureQueriesContext(connection) as queries:
        slot_times(anon_client, other, params=params)
    assert reads(queries) == []


def test_answers_are_computed_for_the_end_of_their_minute(clinic, cache_on):
    entry = availability_cache.lookup("slots", clinic.slug, ("x",), now=120.5)
    assert entry.bucket == 2 and entry.now.timestamp() == pytest.approx(180 - 1e-6)
    later = availability_cache.lookup("slots", clinic.slug, ("x",), now=180.0)
    assert later.key != entry.key


def test_the_language_is_part_of_the_key(clinic, cache_on):
    from django.utils import translation

    nb = availability_cache.lookup("slots", clinic.slug, ("x",), now=0)
    with translation.override("en"):
        en = availability_cache.lookup("slots", clinic.slug, ("x",), now=0)
    assert nb.key != en.key


def test_an_unreadable_entry_is_a_miss(anon_client, clinic, cache_on):
    first = slot_times(anon_client, clinic)
    cache = caches["default"]
    keys = [k for k in cache._cache if ":av:" in k]  # locmem: the stored keys
    assert keys
    for k in keys:
        cache._cache[k] = b"not a pickle"
    assert slot_times(anon_client, clinic) == first
    for k in keys:  # a well-formed pickle of the wrong shape
        cache._cache[k] = __import__("pickle").dumps(("a1", "gen", "not bytes", {}))
    assert slot_times(anon_client, clinic) == first


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_redis_down_answers_from_the_database_with_one_warning(anon_client, clinic, cache_on, settings, caplog,
                                                               commits):
    settings.CACHES = {
        "default": {"BACKEND": "timebok.core.rediscache.RedisCache",
                    "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
                    "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}},
        "fallback": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fallback"},
    }
    settings.BOOKING_RATE_LIMIT = 2
    caplog.set_level(logging.WARNING, logger="timebok.core.sharedcache")
    for _ in range(3):
        assert "10:00" in slot_times(anon_client, clinic)
        r = anon_client.get(f"/b/{clinic.slug}/")
        assert r.status_code == 200
        sharedcache._down_until = 0.0  # ask Redis again each time, as after the retry pause
    commits(book, clinic, day=tuesday(), hour=10)
    assert "10:00" not in slot_times(anon_client, clinic)
    warnings = [r for r in caplog.records if "not reachable" in r.getMessage()]
    assert len(warnings) == 1 and "REDIS_URL" in warnings[0].getMessage()
    # Rate limits keep counting (in the fallback cache): the third attempt is refused.
    statuses = [anon_client.post(f"{BASE}{clinic.slug}/bookings", {}, content_type="application/json").status_code
                for _ in range(3)]
    assert statuses[-1] == 429 and 500 not in statuses


def _redis_up() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_url():  # type: ignore[no-untyped-def]
    if not _redis_up():
        if os.environ.get("TIMEBOK_REQUIRE_REDIS") == "1":
            pytest.fail("TIMEBOK_REQUIRE_REDIS=1 but no Redis answers at 127.0.0.1:6379")
        pytest.skip("no Redis at 127.0.0.1:6379 (CI requires it: TIMEBOK_REQUIRE_REDIS=1)")
    return "redis://127.0.0.1:6379/0"


def _server_env(prefix: str, redis: str) -> dict[str, str]:
    from tests.servers import clean_env

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{db['NAME']}"
    else:
        url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = clean_env(DJANGO_SETTINGS_MODULE="timebok.settings_test", DATABASE_URL=url, TIMEBOK_TEST_REDIS_URL=redis,
                    TIMEBOK_TEST_REDIS_PREFIX=prefix, TIMEBOK_AVAILABILITY_CACHE="1", TIMEBOK_BOOKING_RATE_LIMIT="3")
    env.pop("TEST_DATABASE_URL", None)
    return env


def _get(url: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    try:
        with urllib.request.urlopen(url, timeout=30) as r:  # noqa: S310 - a local test server
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, {}


def _post(url: str, body: dict | None = None) -> int:  # type: ignore[type-arg]
    data = json.dumps(body or {}).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as r:  # noqa: S310
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.django_db(transaction=True)
def test_two_app_servers_sharing_redis_see_each_others_invalidations_and_limits(redis_url):
    from tests.servers import gunicorn

    clinic = make_clinic()
    prefix = f"timebok-test-{os.getpid()}-{id(clinic)}"
    env = _server_env(prefix, redis_url)
    t = types(clinic)["Oppfølging"]
    anne = practs(clinic)["Anne Lie"]
    query = f"slots?timetype={t.pk}&behandler={anne.pk}&date={tuesday().isoformat()}"
    with gunicorn(env, "--workers", "1") as one, gunicorn(env, "--workers", "1") as two:
        for server in (one, two):
            status, data = _get(f"{server}{BASE}{clinic.slug}/{query}")
            assert status == 200 and "10:00" in [s["start"][11:16] for s in data["slots"]]
        # A booking through one server is seen by both at once.
        booking = {"timetype": t.pk, "behandler": anne.pk, "start": at(tuesday(), 10).isoformat(),
                   "fornavn": "Kari", "etternavn": "Nordmann", "fodselsnummer": valid_fnr(),
                   "epost": "kari@example.com", "telefon": "+4741234567"}
        assert _post(f"{one}{BASE}{clinic.slug}/bookings", booking) == 201
        for server in (one, two):
            _status, data = _get(f"{server}{BASE}{clinic.slug}/{query}")
            assert "10:00" not in [s["start"][11:16] for s in data["slots"]]
        # The booking limit (3 per address) is shared: the booking and one more attempt on
        # one server, then two on the other.
        statuses = [_post(f"{server}{BASE}{clinic.slug}/bookings") for server in (one, two, two)]
        assert statuses == [422, 422, 429]
    _forget(redis_url, prefix)


def _forget(redis_url: str, prefix: str) -> None:
    """Remove this test's keys from the shared Redis."""
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)


def test_the_cached_booking_page_keeps_a_chosen_language(anon_client, clinic, cache_on):
    # Bokmål by default and a chosen ?lang=nb are the same language but different pages: only
    # the chosen one carries lang=nb in its links and forms, so a cached copy of one is not the other.
    url = f"/b/{clinic.slug}/"
    by_default = anon_client.get(url).content.decode()
    chosen = anon_client.get(url + "?lang=nb").content.decode()
    assert 'name="lang" value="nb"' not in by_default
    assert 'name="lang" value="nb"' in chosen
    assert anon_client.get(url + "?lang=nb").content.decode() == chosen
    assert anon_client.get(url).content.decode() == by_default
