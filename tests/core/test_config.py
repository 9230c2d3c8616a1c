"""Settings come from the environment and fail loudly."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from timebok.config import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parents[2]


def test_env_bool(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert env_bool("X_FLAG") is True
    monkeypatch.setenv("X_FLAG", "0")
    assert env_bool("X_FLAG", True) is False
    monkeypatch.setenv("X_FLAG", "kanskje")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env_bool("X_FLAG")


def test_env_int(monkeypatch):
    monkeypatch.setenv("X_NUM", "12")
    assert env_int("X_NUM", 1) == 12
    monkeypatch.setenv("X_NUM", "tolv")
    with pytest.raises(ImproperlyConfigured, match="X_NUM"):
        env_int("X_NUM", 1)
    monkeypatch.setenv("X_NUM", "0")
    with pytest.raises(ImproperlyConfigured):
        env_int("X_NUM", 1, minimum=1)


def test_env_list(monkeypatch):
    monkeypatch.setenv("X_LIST", "a.no, b.no,,")
    assert env_list("X_LIST") == ["a.no", "b.no"]


GOOD_KEYS = {
    "SECRET_KEY": "s" * 50,
    "FNR_ENCRYPTION_KEYS": "dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktdGVzdC0=",
    "FNR_HASH_KEY": "h" * 40,
    "ALLOWED_HOSTS": "timebok.example.no",
}


def _env(env: dict[str, str], tmp_path: Path, settings: str = "timebok.settings") -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items()
             if k not in {"SECRET_KEY", "FNR_ENCRYPTION_KEYS", "FNR_HASH_KEY", "DEBUG", "TIMEBOK_DEMO",
                          "DATABASE_URL", "TEST_DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SECURE_SSL_REDIRECT",
                          "TIMEBOK_ALLOW_TEST_IDENTITIES", "TIMEBOK_VAR_DIR", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    clean.update({"TIMEBOK_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": settings,
                  "PYTHONPATH": str(ROOT / "src")})
    clean.update(env)
    return clean


def _start(env: dict[str, str], tmp_path: Path, *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *(command or ["check"])], env=_env(env, tmp_path),
        capture_output=True, text=True, timeout=120, check=False,
    )


def test_production_without_secrets_stops_with_a_clear_message(tmp_path):
    result = _start({}, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY is required outside demo/debug mode" in result.stderr


def test_production_without_encryption_key_stops(tmp_path):
    result = _start({"SECRET_KEY": "x" * 50, "FNR_HASH_KEY": "h"}, tmp_path)
    assert result.returncode != 0
    assert "FNR_ENCRYPTION_KEYS is required" in result.stderr


def test_malformed_encryption_key_is_reported(tmp_path):
    result = _start({"SECRET_KEY": "x" * 50, "FNR_HASH_KEY": "h", "FNR_ENCRYPTION_KEYS": "short",
                     "ALLOWED_HOSTS": "example.no"}, tmp_path)
    assert result.returncode != 0
    assert "FNR_ENCRYPTION_KEYS must be Fernet keys" in result.stderr


def test_bad_boolean_stops(tmp_path):
    result = _start({"TIMEBOK_DEMO": "ja takk"}, tmp_path)
    assert result.returncode != 0
    assert "TIMEBOK_DEMO must be a boolean" in result.stderr


def test_demo_mode_generates_and_keeps_secrets(tmp_path):
    first = _start({"TIMEBOK_DEMO": "1"}, tmp_path)
    assert first.returncode == 0, first.stderr
    secrets_file = tmp_path / "dev-secrets.json"
    content = secrets_file.read_text()
    assert _start({"TIMEBOK_DEMO": "1"}, tmp_path).returncode == 0
    assert secrets_file.read_text() == content
    assert oct(secrets_file.stat().st_mode)[-3:] == "600"


@pytest.mark.parametrize("bad", [
    {"FNR_ENCRYPTION_KEYS": "not-a-fernet-key"},
    {"FNR_ENCRYPTION_KEYS": "dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktdGVzdC0=,not-a-fernet-key"},
    {"FNR_ENCRYPTION_KEYS": " , "},
    {"FNR_HASH_KEY": "too-short"},
])
def test_malformed_keys_stop_every_entry_point(tmp_path, bad):
    """The settings refuse a malformed key, so nothing starts: not manage.py (any command, also
    the worker), not gunicorn, not the test settings."""
    env = {**GOOD_KEYS, **bad}
    name = "FNR_HASH_KEY" if "FNR_HASH_KEY" in bad else "FNR_ENCRYPTION_KEYS"
    for command in (["check"], ["migrate", "--noinput"], ["db_worker", "--batch"]):
        result = _start(env, tmp_path, *command)
        assert result.returncode != 0, command
        assert name in result.stderr and "ImproperlyConfigured" in result.stderr, command

    gunicorn = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--bind", "127.0.0.1:0", "--workers", "1", "timebok.wsgi"],
        env=_env(env, tmp_path), capture_output=True, text=True, timeout=120, check=False, cwd=tmp_path,
    )
    assert gunicorn.returncode != 0
    assert name in gunicorn.stderr and "ImproperlyConfigured" in gunicorn.stderr

    tests = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=_env(bad, tmp_path, settings="timebok.settings_test"),
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert tests.returncode != 0
    assert name in tests.stderr


def test_good_keys_start(tmp_path):
    result = _start(GOOD_KEYS, tmp_path)
    assert result.returncode == 0, result.stderr


def test_load_demo_refuses_outside_demo_mode(tmp_path):
    result = _start(GOOD_KEYS, tmp_path, "load_demo")
    assert result.returncode != 0
    assert "load_demo runs only in demo mode (TIMEBOK_DEMO=1)" in result.stderr
    assert "Demo clinic" not in result.stdout


def _setting(env: dict[str, str], tmp_path: Path, *names: str) -> list[str]:
    code = "import django; django.setup(); from django.conf import settings; " + "; ".join(
        f"print(repr(getattr(settings, {n!r}, None)))" for n in names)
    result = subprocess.run([sys.executable, "-c", code], env=_env(env, tmp_path), capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_hsts_is_on_in_production_and_configurable(tmp_path):
    names = ("SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_SSL_REDIRECT")
    assert _setting(GOOD_KEYS, tmp_path, *names) == ["31536000", "True", "False", "True"]
    assert _setting({**GOOD_KEYS, "SECURE_HSTS_SECONDS": "600", "SECURE_HSTS_INCLUDE_SUBDOMAINS": "0"},
                    tmp_path, *names[:2]) == ["600", "False"]
    # Demo mode runs on plain http on localhost: no HSTS, no redirect.
    assert _setting({"TIMEBOK_DEMO": "1"}, tmp_path, "SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT") == ["0", "False"]


def test_check_deploy_warns_only_about_what_the_readme_explains(tmp_path):
    import secrets

    env = {**GOOD_KEYS, "SECRET_KEY": secrets.token_urlsafe(50)}
    result = _start(env, tmp_path, "check", "--deploy")
    assert result.returncode == 0, result.stderr
    warnings = sorted(set(re.findall(r"\((\w+\.[WE]\d+)\)", result.stdout + result.stderr)))
    assert warnings == ["security.W021"]  # HSTS preload: README, Deployment
    readme = (ROOT / "README.md").read_text()
    assert "security.W021" in readme
