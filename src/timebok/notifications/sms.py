"""SMS through a pluggable backend, chosen by settings.SMS_BACKEND (a dotted path).

- FileSmsBackend (default): one .txt file per message under SMS_FILE_PATH
  (var/outbox/sms/), like the .eml files for e-mail.
- ConsoleSmsBackend: prints the message (development).
- HttpSmsBackend: a JSON HTTP gateway. POST {"to": "+47...", "from": SMS_SENDER,
  "text": "..."} to SMS_HTTP_URL with "Authorization: Bearer SMS_HTTP_TOKEN"; any 2xx
  is success. The shape most European gateways offer (and a tiny proxy can adapt any
  other): timeouts, 5xx and 429 are temporary failures (tried again later); other 4xx
  are permanent (a bad number or a bad token will not get better by retrying).
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


class SmsError(Exception):
    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class BaseSmsBackend:
    def send(self, to: str, text: str) -> None:
        raise NotImplementedError


class FileSmsBackend(BaseSmsBackend):
    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path or settings.SMS_FILE_PATH)

    def send(self, to: str, text: str) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        target = self.path / f"{timezone.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}.txt"
        tmp = target.with_suffix(".tmp")
        tmp.write_text(f"To: {to}\nFrom: {settings.SMS_SENDER}\n\n{text}\n", encoding="utf-8")
        tmp.replace(target)


class ConsoleSmsBackend(BaseSmsBackend):
    def __init__(self, stream: Any = None) -> None:
        self.stream = stream or sys.stdout

    def send(self, to: str, text: str) -> None:
        self.stream.write(f"--- SMS to {to} from {settings.SMS_SENDER} ---\n{text}\n---\n")
        self.stream.flush()


class HttpSmsBackend(BaseSmsBackend):
    def __init__(self, url: str | None = None, token: str | None = None, sender: str | None = None,
                 timeout: float | None = None) -> None:
        self.url = url or settings.SMS_HTTP_URL
        self.token = token if token is not None else settings.SMS_HTTP_TOKEN
        self.sender = sender or settings.SMS_SENDER
        self.timeout = timeout or settings.SMS_HTTP_TIMEOUT
        if not self.url:
            raise SmsError("SMS_HTTP_URL is not set", permanent=True)

    def send(self, to: str, text: str) -> None:
        payload = json.dumps({"to": to, "from": self.sender, "text": text}).encode()
        request = urllib.request.Request(  # noqa: S310 - the URL is the operator's setting (http/https checked)
            self.url, data=payload, method="POST",
            headers={
                "Content-Type": "application/json",
                "Accept": "application/json",
                "Authorization": f"Bearer {self.token}",
                "User-Agent": "Timebok",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                response.read(4096)
        except urllib.error.HTTPError as exc:
            permanent = 400 <= exc.code < 500 and exc.code not in (408, 429)
            raise SmsError(f"SMS gateway answered HTTP {exc.code}", permanent=permanent) from None
        except (TimeoutError, urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise SmsError(f"SMS gateway not reachable: {type(reason).__name__}") from None


def get_backend() -> BaseSmsBackend:
    backend_cls = import_string(settings.SMS_BACKEND)
    return backend_cls()  # type: ignore[no-any-return]


def send_sms(to_e164: str, text: str) -> None:
    get_backend().send(to_e164, text)
