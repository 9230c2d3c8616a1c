"""An SMS backend for the worker-restart test: it announces that it has started, then takes
its time, so the test can kill the worker between the claim and the send."""

from __future__ import annotations

import os
import time
from pathlib import Path

from timebok.notifications.sms import FileSmsBackend


class SlowFileSmsBackend(FileSmsBackend):
    def send(self, to: str, text: str) -> None:
        Path(os.environ["SLOW_SMS_MARKER"]).write_text("started")
        time.sleep(float(os.environ.get("SLOW_SMS_SECONDS", "60")))
        super().send(to, text)
