"""Settings come from the environment and fail loudly."""

from __future__ import annotations

import os
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


def _start(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items()
             if k not in {"SECRET_KEY", "FNR_ENCRYPTION_KEYS", "FNR_HASH_KEY", "DEBUG", "TIMEBOK_DEMO",
                          "DATABASE_URL", "TEST_DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    clean.update({"TIMEBOK_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "timebok.settings"})
    clean.update(env)
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check"], env=clean, capture_output=True, text=True,
        timeout=120, check=False,
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
