"""`make loadtest`'s calibration views exist only with TIMEBOK_LOADTEST=1 (never in production)."""

from __future__ import annotations

import importlib
import sys

import pytest
from django.urls import clear_url_caches

pytestmark = pytest.mark.django_db


def test_not_routed_without_the_setting(anon_client, clinic, settings):
    assert settings.LOADTEST is False
    assert anon_client.get("/loadtest/bare/").status_code == 404
    assert anon_client.get(f"/loadtest/cached-read/{clinic.slug}/").status_code == 404
    assert anon_client.post(f"/loadtest/write/{clinic.slug}/").status_code == 404


def test_routed_and_working_with_the_setting(anon_client, clinic, settings):
    from timebok.core.models import AuditEntry

    settings.LOADTEST = True
    try:
        clear_url_caches()
        importlib.reload(sys.modules["timebok.urls"])
        assert anon_client.get("/loadtest/bare/").json() == {"ok": True}
        assert anon_client.get(f"/loadtest/cached-read/{clinic.slug}/").content.startswith(b'{"days"')
        assert anon_client.get("/loadtest/cached-read/nope/").status_code == 404
        assert anon_client.post(f"/loadtest/write/{clinic.slug}/").status_code == 201
        assert AuditEntry.objects.filter(action="loadtest.write").count() == 8
    finally:
        settings.LOADTEST = False
        clear_url_caches()
        importlib.reload(sys.modules["timebok.urls"])
