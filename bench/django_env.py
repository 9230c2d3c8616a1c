"""Set up Django on a throwaway test database for a benchmark run."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup() -> object:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("TIMEBOK_VAR_DIR", tempfile.mkdtemp(prefix="timebok-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "timebok.settings_test"
    os.environ.setdefault("TIMEBOK_TEST_DB_NAME", "test_timebok_bench")
    # As in production: a booking writes its outbox rows and enqueues the send tasks in the
    # database; the sending itself is the worker's job and not part of the request.
    os.environ.setdefault("TIMEBOK_TEST_TASKS", "db")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    return connection


def teardown(connection: object, old_name: str | None = None) -> None:
    from django.conf import settings

    connection.creation.destroy_test_db(settings.DATABASES["default"]["NAME"], verbosity=0)  # type: ignore[attr-defined]
