"""The counts' table moved from the staff app to insights: the rows survive the migration."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from timebok.insights.models import DailyCount

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("staff", "0001_initial"), ("insights", None)]


def test_rows_counted_before_the_move_are_kept():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state([("staff", "0001_initial")]).apps
    clinic = old.get_model("clinics", "Clinic").objects.create(slug="gammel", name="Gammel Klinikk")
    old.get_model("staff", "DailyCount").objects.create(clinic=clinic, day=date(2026, 5, 1), visits=7, searches=3,
                                                        bookings=1)
    assert "staff_dailycount" in connection.introspection.table_names()

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    tables = connection.introspection.table_names()
    assert "insights_dailycount" in tables and "staff_dailycount" not in tables
    row = DailyCount.objects.get(clinic__slug="gammel")
    assert (row.day, row.visits, row.searches, row.bookings) == (date(2026, 5, 1), 7, 3, 1)
    # The unique (clinic, day) still holds, and new rows get new ids.
    assert DailyCount.objects.create(clinic_id=clinic.pk, day=date(2026, 5, 2)).pk != row.pk
