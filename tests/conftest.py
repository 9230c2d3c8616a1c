"""Shared fixtures: a clinic set up like a real one, a second clinic, and the base users
(a clinic's staff, another clinic's staff, an anonymous visitor)."""

from __future__ import annotations

import os
import shutil

import pytest
from django.test import Client

from tests.factories import make_clinic
from timebok.clinics.models import Clinic


@pytest.fixture(autouse=True)
def _fresh_cache():  # type: ignore[no-untyped-def]
    """Each test starts with an empty cache, so rate-limit counts never leak between tests
    (browser tests log in as "demo" many times)."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def clinic(db) -> Clinic:  # type: ignore[no-untyped-def]
    return make_clinic()


@pytest.fixture
def other_clinic(db) -> Clinic:  # type: ignore[no-untyped-def]
    return make_clinic(slug="annen", name="Annen Klinikk")


@pytest.fixture
def staff_user(clinic, django_user_model):  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user("resepsjon", password="pw-resepsjon-1", is_staff=True)
    clinic.staff.add(user)
    return user


@pytest.fixture
def other_staff_user(other_clinic, django_user_model):  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user("fremmed", password="pw-fremmed-1", is_staff=True)
    other_clinic.staff.add(user)
    return user


@pytest.fixture
def staff_client(staff_user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(staff_user)
    return c


@pytest.fixture
def other_staff_client(other_staff_user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(other_staff_user)
    return c


@pytest.fixture
def anon_client() -> Client:
    return Client()


# --- Browser (Playwright + Debian's chromium) -------------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def _browser_required() -> bool:
    return os.environ.get("TIMEBOK_REQUIRE_BROWSER") == "1"


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    if not os.path.exists(CHROMIUM):
        if _browser_required():
            pytest.fail("chromium is required (TIMEBOK_REQUIRE_BROWSER=1) but /usr/bin/chromium is missing")
        pytest.skip("chromium is not installed here: apt-get install chromium to run browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="nb-NO", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def phone_page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="nb-NO", viewport={"width": 375, "height": 812},
                                  is_mobile=True, has_touch=True)
    pg = context.new_page()
    yield pg
    context.close()


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    """``postgres_only`` tests skip by themselves on SQLite (the PostgreSQL pass runs them)."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set TEST_DATABASE_URL=postgres://... to run it")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)
