"""Background tasks (django-tasks; the database backend in production, so SQLite works).

send_message(id): sends one outbox row now (enqueued right after a booking or a
cancellation). sweep_outbox(): sends every due row (reminders, retries, rows a dead
worker left behind) and schedules the next sweep SWEEP_SECONDS later, before it does
its work, so a crash during a sweep does not break the chain. The task table holds
only row ids, never a message text or a token.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from timebok.notifications import outbox

logger = logging.getLogger(__name__)


@task()
def send_message(message_id: int) -> str:
    return outbox.process(message_id)


@task()
def sweep_outbox() -> dict[str, int]:
    ensure_sweep_scheduled(delay=settings.OUTBOX_SWEEP_SECONDS)
    _prune_finished_sweeps()
    return outbox.sweep()


def _prune_finished_sweeps() -> None:
    """One sweep a minute would leave 1,440 task rows a day; keep a day's worth."""
    if not _supports_defer():
        return
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(
        task_path=sweep_outbox.module_path, status="SUCCESSFUL", finished_at__lt=timezone.now() - timedelta(days=1),
    ).delete()


def _supports_defer() -> bool:
    return bool(sweep_outbox.get_backend().supports_defer)


def ensure_sweep_scheduled(*, delay: float = 0) -> bool:
    """Enqueue the next sweep unless one is already waiting. Needs a backend that can defer
    (the database backend); with the immediate backend (tests) it does nothing."""
    if not _supports_defer():
        return False
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path=sweep_outbox.module_path, status="READY",
    ).exists()
    if waiting:
        return False
    sweep_outbox.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue()
    return True


def enqueue_now(message_ids: list[Any]) -> None:
    """Fast path after an event. A failure here loses nothing: the sweep finds the rows."""
    for pk in message_ids:
        try:
            send_message.enqueue(pk)
        except Exception:
            logger.exception("could not enqueue outgoing message %s; the sweep will send it", pk)
    try:
        ensure_sweep_scheduled(delay=settings.OUTBOX_SWEEP_SECONDS)
    except Exception:
        logger.exception("could not schedule the outbox sweep")


def enqueue_in_transaction(message_ids: list[Any]) -> None:
    """Inside the booking's transaction: with the database backend, one task row per message
    in one multi-row INSERT, committed with the booking (the worker cannot see them before).
    Other backends (the tests' immediate one) get them after commit, as enqueue_now."""
    from django.db import transaction

    backend = send_message.get_backend()
    if not message_ids:
        return
    if not backend.supports_defer or not hasattr(backend, "_get_id"):
        transaction.on_commit(lambda: enqueue_now(message_ids))
        return
    from django_tasks.signals import task_enqueued
    from django_tasks_db.models import DBTaskResult, get_date_max

    rows = [
        DBTaskResult(id=backend._get_id(), args_kwargs={"args": [pk], "kwargs": {}}, priority=send_message.priority,
                     task_path=send_message.module_path, queue_name=send_message.queue_name,
                     run_after=send_message.run_after or get_date_max(), backend_name=backend.alias)
        for pk in message_ids
    ]
    DBTaskResult.objects.bulk_create(rows)
    for row in rows:
        task_enqueued.send(type(backend), task_result=row.task_result)
    if _sweep_check_due():
        ensure_sweep_scheduled(delay=settings.OUTBOX_SWEEP_SECONDS)


#: When this process next asks the shared cache's marker (time.monotonic()).
_next_marker_check = 0.0


def _sweep_check_due() -> bool:
    """Whether this booking should make sure the sweep is scheduled: once per
    OUTBOX_SWEEP_SECONDS over all app servers (a shared-cache marker), not one query per
    booking; and each process asks the marker at most once per that period, not one Redis
    round trip per booking. Without the shared cache, always."""
    global _next_marker_check
    from timebok.core import sharedcache

    if not sharedcache.available():
        return True
    now = time.monotonic()
    if now < _next_marker_check:
        return False
    _next_marker_check = now + settings.OUTBOX_SWEEP_SECONDS
    try:
        return bool(sharedcache.default().add("outbox:sweep-checked", 1, timeout=settings.OUTBOX_SWEEP_SECONDS))
    except sharedcache.ERRORS as exc:
        sharedcache.failed(exc)
        return True
