"""Send every due message now and make sure the periodic sweep is scheduled.

`make run` calls it before starting db_worker, so a worker that was down finds its
chain of sweeps again; operators can run it from cron as a belt-and-braces check.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from timebok.notifications import outbox, tasks


class Command(BaseCommand):
    help = "Send due outgoing messages (confirmations, reminders, retries) and schedule the sweep."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--schedule-only", action="store_true", help="Only make sure the sweep is scheduled.")

    def handle(self, *args: Any, schedule_only: bool = False, **options: Any) -> None:
        if not schedule_only:
            counts = outbox.sweep()
            self.stdout.write(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "nothing due")
        scheduled = tasks.ensure_sweep_scheduled()
        self.stdout.write("sweep scheduled" if scheduled else "sweep already scheduled (or no deferring backend)")
