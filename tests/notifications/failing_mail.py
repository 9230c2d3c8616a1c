"""Test mail backends: an SMTP server that is down, or down only for its first message.
Configured through settings.EMAIL_BACKEND, like a real backend."""

from __future__ import annotations

from typing import Any

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

state = {"failures_left": 0}


class DownBackend(LocmemBackend):
    def send_messages(self, email_messages: Any) -> int:
        raise ConnectionRefusedError("smtp down")


class FlakyBackend(LocmemBackend):
    """Refuses the next ``state["failures_left"]`` messages, then delivers to mail.outbox."""

    def send_messages(self, email_messages: Any) -> int:
        if state["failures_left"] > 0:
            state["failures_left"] -= 1
            raise ConnectionRefusedError("smtp down")
        return super().send_messages(email_messages)
