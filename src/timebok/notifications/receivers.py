"""Signal receivers: turn booking events into outbox rows, then hand them to the worker.

The signals are sent after the booking's transaction has committed. A failure here
must never turn a completed booking into an error page, so it is logged (without
personal data) and swallowed.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from timebok.notifications import compose, tasks
from timebok.notifications.models import OutgoingMessage
from timebok.notifications.mute import is_muted

logger = logging.getLogger(__name__)


def _hand_over(rows: list[OutgoingMessage]) -> None:
    from django.utils import timezone

    now = timezone.now()
    due = [r.pk for r in rows if r.send_after <= now]
    transaction.on_commit(lambda: tasks.enqueue_now(due))


def appointment_created(sender: Any, appointment: Any, manage_token: str | None = None, **kwargs: Any) -> None:
    """Inside the booking's transaction: its outbox rows and their send tasks, written with it
    (one multi-row INSERT each), so they commit together. Building the rows cannot break the
    booking; the worker renders their text."""
    if is_muted():
        return
    try:
        rows = compose.booked_rows(appointment, manage_token)
    except Exception:
        logger.exception("could not create messages for appointment %s", appointment.pk)
        return
    if not rows:
        return
    OutgoingMessage.objects.bulk_create(rows)
    from django.utils import timezone

    now = timezone.now()
    tasks.enqueue_in_transaction([r.pk for r in rows if r.send_after <= now])


def appointment_cancelled(sender: Any, appointment: Any, by_patient: bool = False, reason: str = "",
                          **kwargs: Any) -> None:
    if is_muted():
        return
    try:
        _hand_over(compose.on_cancelled(appointment, by_patient=by_patient, reason=reason))
    except Exception:
        logger.exception("could not create cancellation messages for appointment %s", appointment.pk)


def appointment_moved(sender: Any, appointment: Any, previous_start: Any = None, by_patient: bool = False,
                      **kwargs: Any) -> None:
    if is_muted():
        return
    try:
        _hand_over(compose.on_moved(appointment, previous_start=previous_start, by_patient=by_patient))
    except Exception:
        logger.exception("could not create change messages for appointment %s", appointment.pk)
