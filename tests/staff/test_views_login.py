"""Staff login: bokmål, and a limit on password guessing (staff login and admin login)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

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


def _login(client, password: str, address: str, username: str = "resepsjon", url: str = "/timebok/logg-inn/"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_wrong_passwords_from_many_addresses_do_not_lock_out_the_right_one(anon_client, staff_user):
    """An attacker who knows a username cannot lock its owner out: there is no limit per
    username alone."""
    for i in range(30):  # 3 wrong passwords from each of 10 addresses
        assert _login(Client(), "feil", f"203.0.113.{i % 10 + 1}").status_code == 200
    response = _login(anon_client, "pw-resepsjon-1", "198.51.100.7")
    assert response.status_code == 302
    assert anon_client.session["_auth_user_id"] == str(staff_user.pk)


def test_eleven_wrong_passwords_from_one_address_give_429_there_only(anon_client, staff_user):
    for _ in range(10):
        assert _login(Client(), "feil", "203.0.113.5").status_code == 200
    response = _login(Client(), "feil", "203.0.113.5")
    assert response.status_code == 429
    assert "For mange innloggingsforsøk" in response.content.decode()
    assert response["Retry-After"] == "900"
    # The right password from that address waits too; from another address it works.
    assert _login(Client(), "pw-resepsjon-1", "203.0.113.5").status_code == 429
    assert _login(anon_client, "pw-resepsjon-1", "203.0.113.6").status_code == 302


def test_ipv6_addresses_of_one_network_share_a_limit(staff_user):
    for i in range(10):
        assert _login(Client(), "feil", f"2001:db8:1:2::{i + 1:x}").status_code == 200
    assert _login(Client(), "feil", "2001:db8:1:2:ffff::1").status_code == 429
    assert _login(Client(), "pw-resepsjon-1", "2001:db8:1:3::1").status_code == 302


@override_settings(LOGIN_IP_RATE_LIMIT=5)
def test_one_address_trying_many_usernames_is_limited(staff_user):
    for name in ("a", "b", "c", "d", "e"):
        assert _login(Client(), "feil", "203.0.113.9", username=name).status_code == 200
    assert _login(Client(), "pw-resepsjon-1", "203.0.113.9").status_code == 429


@override_settings(LOGIN_IP_RATE_LIMIT=3)
def test_successful_logins_do_not_use_up_the_address_limit(staff_user):
    """A clinic's staff behind one office address log in every morning."""
    for _ in range(6):
        assert _login(Client(), "pw-resepsjon-1", "203.0.113.20").status_code == 302


@override_settings(LOGIN_USERNAME_ALERT=12)
def test_many_attempts_on_one_username_alert_the_clinic(staff_user, clinic, caplog):
    from timebok.core.models import AuditEntry

    with caplog.at_level("WARNING", logger="timebok.core.ratelimit"):
        for i in range(20):
            _login(Client(), "feil", f"203.0.113.{i + 1}")
    alerts = [r for r in caplog.records if "attempts for one username" in r.getMessage()]
    assert len(alerts) == 1
    assert f"user id {staff_user.pk}" in alerts[0].getMessage()
    entry = AuditEntry.objects.get(action="auth.login_attack_suspected")
    assert entry.clinic == clinic and entry.object_id == str(staff_user.pk)
    assert entry.data == {"attempts": 12, "window_seconds": 900}
    # Still nobody is locked out.
    assert _login(Client(), "pw-resepsjon-1", "198.51.100.1").status_code == 302


@override_settings(LOGIN_RATE_LIMIT=3)
def test_admin_login_shares_the_limit(anon_client, staff_user):
    for _ in range(2):
        _login(anon_client, "feil", "203.0.113.30")
    _login(anon_client, "feil", "203.0.113.30", url="/admin/login/")
    assert _login(anon_client, "pw-resepsjon-1", "203.0.113.30", url="/admin/login/").status_code == 429
    assert _login(anon_client, "pw-resepsjon-1", "203.0.113.30").status_code == 429
