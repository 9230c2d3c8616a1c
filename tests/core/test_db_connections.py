"""Persistent database connections are health-checked: when the database server drops a
connection between two requests (a restart, an idle timeout, pg_terminate_backend), the next
request gets a fresh connection instead of a 500."""

from __future__ import annotations

import urllib.request

import pytest
from django.db import connection

from tests.factories import make_clinic
from tests.servers import clean_env, gunicorn

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def _other_backends() -> set[int]:
    """The server processes of connections to the test database other than this test's own."""
    with connection.cursor() as cur:
        cur.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        return {row[0] for row in cur.fetchall()}


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (our own test server)
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_a_connection_killed_between_two_requests_costs_no_500():
    assert connection.vendor == "postgresql"
    make_clinic()
    s = connection.settings_dict
    url = f"postgres://{s['USER']}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"
    env = clean_env(DJANGO_SETTINGS_MODULE="timebok.settings_test", TEST_DATABASE_URL=url, DATABASE_URL=url)
    before = _other_backends()
    # One sync worker: both requests use the same process and so the same persistent connection.
    with gunicorn(env, "--workers", "1") as base:
        page = f"{base}/api/v1/clinics/fysio/appointment-types"
        assert _get(page) == 200
        served_by = _other_backends() - before
        assert len(served_by) == 1  # gunicorn's worker keeps its connection open (CONN_MAX_AGE)
        with connection.cursor() as cur:
            cur.execute("SELECT pg_terminate_backend(%s)", [next(iter(served_by))])
            assert cur.fetchone() == (True,)
        assert _get(page) == 200
        now = _other_backends() - before
        assert len(now) == 1 and now.isdisjoint(served_by)  # a new connection answered
