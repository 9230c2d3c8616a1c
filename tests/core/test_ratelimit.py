from __future__ import annotations

import pytest
from django.core.cache import caches
from django.test import RequestFactory, override_settings

from timebok.core import ratelimit


def test_limit_counts_per_key():
    caches["default"].clear()
    results = [ratelimit.hit("t", "1.2.3.4", limit=3, window=60) for _ in range(5)]
    assert results == [True, True, True, False, False]
    assert ratelimit.hit("t", "5.6.7.8", limit=3, window=60)


@pytest.mark.django_db
@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                                       "LOCATION": "timebok_cache"}})
def test_limit_is_shared_through_the_database_cache():
    from django.core.cache.backends.db import DatabaseCache
    from django.core.management import call_command

    call_command("createcachetable", verbosity=0)
    assert ratelimit.hit("s", "9.9.9.9", limit=2, window=3600)
    # A second app server is a second cache client on the same table: it sees the count.
    other_server = DatabaseCache("timebok_cache", {})
    keys = [k for k in _rows() if k.startswith(":1:rl:s:")]
    assert len(keys) == 1 and other_server.get(keys[0][3:]) == 1
    assert ratelimit.hit("s", "9.9.9.9", limit=2, window=3600)
    assert not ratelimit.hit("s", "9.9.9.9", limit=2, window=3600)


def _rows() -> list[str]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT cache_key FROM timebok_cache")
        return [r[0] for r in cur.fetchall()]


@pytest.mark.parametrize(("proxies", "remote", "forwarded", "expected"), [
    (0, "10.0.0.1", "6.6.6.6, 1.2.3.4", "10.0.0.1"),  # no proxy trusted: the header is ignored
    (1, "10.0.0.1", "6.6.6.6, 1.2.3.4", "1.2.3.4"),  # the client's own entry (6.6.6.6) is ignored
    (1, "10.0.0.1", "1.2.3.4", "1.2.3.4"),
    (2, "10.0.0.1", "6.6.6.6, 1.2.3.4, 10.0.0.2", "1.2.3.4"),
    (2, "10.0.0.1", "1.2.3.4", "10.0.0.1"),  # too few entries: did not come through both proxies
    (1, "10.0.0.1", "", "10.0.0.1"),
    (1, "10.0.0.1", "rubbish, 1.2.3.4", "1.2.3.4"),  # entries that are no address are skipped
    (1, "10.0.0.1", "rubbish", "10.0.0.1"),
    (1, "10.0.0.1", "1.2.3.4:5678", "1.2.3.4"),
    (1, "10.0.0.1", "[2001:db8::1]:443", "2001:db8::1"),
    (1, "10.0.0.1", "::ffff:1.2.3.4", "1.2.3.4"),
    (0, "::ffff:10.0.0.9", "", "10.0.0.9"),
    (0, "", "", "unknown"),
])
def test_client_ip_trusts_only_configured_proxies(proxies, remote, forwarded, expected):
    rf = RequestFactory()
    meta = {"REMOTE_ADDR": remote}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    with override_settings(TRUSTED_PROXY_COUNT=proxies):
        assert ratelimit.client_ip(rf.get("/", **meta)) == expected


def test_ipv6_is_limited_per_64_network():
    assert ratelimit.address_key("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"
    assert ratelimit.address_key("192.0.2.1") == "192.0.2.1"
    assert ratelimit.address_key("unknown") == "unknown"
