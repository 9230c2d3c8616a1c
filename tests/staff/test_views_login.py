"""Staff login: bokmål, and a limit on password guessing (staff login and admin login)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import override_settings

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def test_login_page_is_in_bokmaal(anon_client):
    html = anon_client.get("/timebok/logg-inn/").content.decode()
    assert "Logg inn i Timebok" in html and 'lang="nb"' in html


def test_login_works(anon_client, staff_user):
    resp = anon_client.post("/timebok/logg-inn/", {"username": "resepsjon", "password": "pw-resepsjon-1"})
    assert resp.status_code == 302


@override_settings(LOGIN_RATE_LIMIT=3)
def test_password_guessing_is_limited_per_username(anon_client, staff_user):
    for _ in range(3):
        resp = anon_client.post("/timebok/logg-inn/", {"username": "resepsjon", "password": "feil"})
        assert resp.status_code == 200
    resp = anon_client.post("/timebok/logg-inn/", {"username": "resepsjon", "password": "pw-resepsjon-1"})
    assert resp.status_code == 429
    assert "For mange innloggingsforsøk" in resp.content.decode()
    assert "_auth_user_id" not in anon_client.session


@override_settings(LOGIN_RATE_LIMIT=3)
def test_admin_login_shares_the_limit(anon_client, staff_user):
    for name in ("a", "b", "c"):
        anon_client.post("/admin/login/", {"username": name, "password": "feil"})
    resp = anon_client.post("/admin/login/", {"username": "d", "password": "feil"})
    assert resp.status_code == 429
