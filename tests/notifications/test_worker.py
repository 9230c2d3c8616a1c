"""The background worker (django-tasks' database backend): idempotent, and neither loses
nor duplicates a message when it is killed and restarted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from tests import factories
from tests.factories import at, weekday_in
from tests.notifications.conftest import sms_files
from timebok.notifications import tasks
from timebok.notifications.models import OutgoingMessage

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def db_tasks(settings, outbox_dirs, monkeypatch):
    settings.TASKS = DB_TASKS
    monkeypatch.setattr(tasks, "_next_marker_check", 0.0)  # each test is a fresh process's first booking
    return outbox_dirs


def run_worker() -> None:
    Worker(queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
           max_tasks=None, worker_id="test-worker", excluded_queue_names=[]).run()


def book(clinic, hour: int = 10):
    return factories.book(clinic, start=at(weekday_in(7), hour))


def test_booking_enqueues_and_the_worker_sends_once(clinic, db_tasks):
    book(clinic)
    assert mail.outbox == [] and sms_files(db_tasks) == []  # nothing is sent in the request
    queued = DBTaskResult.objects.filter(task_path=tasks.send_message.module_path)
    assert queued.count() == 2 and {q.status for q in queued} == {"READY"}
    # the task table holds row ids only: no address, no text, no token
    ids = set(OutgoingMessage.objects.filter(kind="confirmation").values_list("pk", flat=True))
    assert {(tuple(q.args_kwargs["args"]), len(q.args_kwargs["kwargs"])) for q in queued} == {((i,), 0) for i in ids}
    assert DBTaskResult.objects.filter(task_path=tasks.sweep_outbox.module_path, status="READY").count() == 1
    run_worker()
    assert len(mail.outbox) == 1 and len(sms_files(db_tasks)) == 1
    run_worker()
    # the same rows enqueued again (a duplicate task) are not sent again
    for row in OutgoingMessage.objects.filter(kind="confirmation"):
        tasks.send_message.enqueue(row.pk)
    run_worker()
    assert len(mail.outbox) == 1 and len(sms_files(db_tasks)) == 1


def test_the_sweep_reschedules_itself_once_and_sends_what_is_due(clinic, db_tasks):
    appt = book(clinic)
    run_worker()
    old = tasks.sweep_outbox.enqueue().db_result  # a sweep that finished two days ago
    DBTaskResult.objects.filter(pk=old.pk).update(status="SUCCESSFUL", finished_at=timezone.now() - timedelta(days=2))
    DBTaskResult.objects.filter(task_path=tasks.sweep_outbox.module_path, status="READY").update(
        run_after=timezone.now())
    # the reminder is due now
    OutgoingMessage.objects.filter(kind="reminder").update(send_after=timezone.now() - timedelta(seconds=1))
    run_worker()
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Timebekreftelse", "Påminnelse"]
    sweeps = DBTaskResult.objects.filter(task_path=tasks.sweep_outbox.module_path)
    assert sweeps.filter(status="SUCCESSFUL").count() == 1  # this one; the old one was pruned
    assert not sweeps.filter(pk=old.pk).exists()
    assert sweeps.filter(status="READY").count() == 1  # the next one, and only one
    reminder = OutgoingMessage.objects.get(appointment=appt, kind="reminder", channel="email")
    assert reminder.status == "sent"


def test_a_task_claimed_by_a_worker_that_died_is_recovered_by_the_sweep(clinic, db_tasks):
    book(clinic)
    # A worker takes both tasks and dies before running them.
    for result in DBTaskResult.objects.filter(task_path=tasks.send_message.module_path):
        result.claim("dead-worker")
    run_worker()
    assert mail.outbox == []
    DBTaskResult.objects.filter(task_path=tasks.sweep_outbox.module_path).update(run_after=timezone.now())
    run_worker()
    assert len(mail.outbox) == 1 and len(sms_files(db_tasks)) == 1


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _start_worker(tmp: Path, **extra: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TEST_DATABASE_URL"}}
    env.update({
        "DJANGO_SETTINGS_MODULE": "timebok.settings_test",
        "TIMEBOK_TEST_TASKS": "db",
        "DATABASE_URL": _database_url(),
        "TEST_DATABASE_URL": _database_url() if connection.vendor != "sqlite" else "",
        "EMAIL_FILE_PATH": str(tmp / "eml"),
        "TIMEBOK_SMS_FILE_PATH": str(tmp / "sms"),
        "TIMEBOK_OUTBOX_SWEEP_SECONDS": "1",
        "SLOW_SMS_MARKER": str(tmp / "sms-started"),
        "PYTHONPATH": str(ROOT),
    })
    if connection.vendor != "sqlite":
        env.pop("TIMEBOK_TEST_DB_NAME", None)
    env.update(extra)
    return subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "db_worker", "--interval", "0.2", "--no-startup-delay",
         "--no-reload"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def _wait_for(predicate, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_killing_and_restarting_a_real_worker_sends_everything_exactly_once(clinic, db_tasks, settings, tmp_path):
    """db_worker is SIGKILLed while it is sending the SMS (after the claim, before the send).
    After a restart the SMS goes out once, and the e-mail that was already sent is not repeated."""
    settings.OUTBOX_SWEEP_SECONDS = 1
    book(clinic)
    slow = "tests.notifications.slow_sms.SlowFileSmsBackend"
    first = _start_worker(tmp_path, TIMEBOK_SMS_BACKEND=slow, SLOW_SMS_SECONDS="60")
    try:
        assert _wait_for(lambda: (tmp_path / "sms-started").exists()), "the worker never started sending"
        assert _wait_for(lambda: len(list((tmp_path / "eml").glob("*.eml"))) == 1)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    sms_row = OutgoingMessage.objects.get(kind="confirmation", channel="sms")
    assert sms_row.status == "sending" and not (tmp_path / "sms").exists()

    second = _start_worker(tmp_path, TIMEBOK_OUTBOX_STALE_SECONDS="2")
    try:
        assert _wait_for(lambda: len(list((tmp_path / "sms").glob("*.txt"))) == 1), "the SMS was lost"
        # Three more sweeps finish after it: nothing more may go out.
        sent_at = timezone.now()
        assert _wait_for(lambda: DBTaskResult.objects.filter(
            task_path=tasks.sweep_outbox.module_path, status="SUCCESSFUL", finished_at__gt=sent_at).count() >= 3)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(20)
    assert len(list((tmp_path / "eml").glob("*.eml"))) == 1
    assert len(list((tmp_path / "sms").glob("*.txt"))) == 1
    assert set(OutgoingMessage.objects.filter(kind="confirmation").values_list("status", flat=True)) == {"sent"}
