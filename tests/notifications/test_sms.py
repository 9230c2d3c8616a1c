"""SMS backends: file (default), console, and the HTTP gateway adapter against a local fake."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core import mail

from tests.factories import details
from timebok.notifications import outbox, sms
from timebok.notifications.models import OutgoingMessage

ROOT = Path(__file__).resolve().parents[2]


class FakeGateway:
    """A JSON SMS gateway on 127.0.0.1, port chosen by the OS. `replies` is a list of
    (status, delay_seconds) answered in order; the last one repeats."""

    def __init__(self, replies: list[tuple[int, float]] | None = None) -> None:
        self.replies = replies or [(202, 0)]
        self.requests: list[dict] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                gateway.requests.append({"path": self.path, "headers": dict(self.headers), "json": json.loads(body)})
                status, delay = gateway.replies[min(len(gateway.requests), len(gateway.replies)) - 1]
                time.sleep(delay)
                payload = json.dumps({"id": f"msg-{len(gateway.requests)}"}).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1/sms"

    def __enter__(self) -> FakeGateway:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def backend(url: str, timeout: float = 2) -> sms.HttpSmsBackend:
    return sms.HttpSmsBackend(url=url, token="hemmelig-token", sender="Fysio", timeout=timeout)


def test_http_adapter_posts_json_with_bearer_token():
    with FakeGateway() as gw:
        backend(gw.url).send("+4741234567", "Time hos Fysio Sentrum … æøå")
    [req] = gw.requests
    assert req["path"] == "/v1/sms"
    assert req["headers"]["Authorization"] == "Bearer hemmelig-token"
    assert req["headers"]["Content-Type"] == "application/json"
    assert req["json"] == {"to": "+4741234567", "from": "Fysio", "text": "Time hos Fysio Sentrum … æøå"}


@pytest.mark.parametrize(("status", "permanent"), [(400, True), (401, True), (422, True), (429, False),
                                                    (500, False), (503, False)])
def test_http_adapter_errors(status, permanent):
    with FakeGateway([(status, 0)]) as gw, pytest.raises(sms.SmsError) as info:
        backend(gw.url).send("+4741234567", "x")
    assert info.value.permanent is permanent
    assert str(status) in str(info.value)
    assert "hemmelig-token" not in str(info.value)


def test_http_adapter_timeout_is_temporary():
    with FakeGateway([(200, 1.5)]) as gw, pytest.raises(sms.SmsError) as info:
        backend(gw.url, timeout=0.3).send("+4741234567", "x")
    assert info.value.permanent is False


def test_http_adapter_connection_refused_is_temporary():
    with FakeGateway() as gw:
        url = gw.url
    with pytest.raises(sms.SmsError) as info:
        backend(url).send("+4741234567", "x")
    assert info.value.permanent is False


@pytest.mark.django_db
def test_outbox_sends_sms_through_the_gateway_and_retries_after_a_5xx(book, settings, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from timebok.notifications import tasks

    monkeypatch.setattr(tasks, "enqueue_now", lambda ids: None)
    with FakeGateway([(503, 0), (202, 0)]) as gw:
        settings.SMS_BACKEND = "timebok.notifications.sms.HttpSmsBackend"
        settings.SMS_HTTP_URL, settings.SMS_HTTP_TOKEN, settings.SMS_SENDER = gw.url, "tok", "Fysio"
        appt = book(patient=details(email=""))
        row = OutgoingMessage.objects.get(kind="confirmation", channel="sms")
        now = timezone.now()
        assert outbox.process(row.pk, now=now) == "pending"
        assert outbox.process(row.pk, now=now + timedelta(minutes=1)) == "sent"
        assert outbox.process(row.pk, now=now + timedelta(minutes=2)) == ""
    assert len(gw.requests) == 2
    assert gw.requests[1]["json"]["to"] == "+4741234567"
    assert f"/t/{appt.manage_token}/" in gw.requests[1]["json"]["text"]
    assert mail.outbox == []


def test_file_backend_writes_one_file_per_message(settings, tmp_path):
    settings.SMS_FILE_PATH = tmp_path
    sms.FileSmsBackend().send("+4741234567", "Hei")
    sms.FileSmsBackend().send("+4799999999", "Hallo")
    files = sorted(p.read_text() for p in tmp_path.glob("*.txt"))
    assert len(files) == 2 and any(f.startswith("To: +4741234567\n") and f.endswith("Hei\n") for f in files)
    assert not list(tmp_path.glob("*.tmp"))


def test_console_backend(settings):
    out = io.StringIO()
    sms.ConsoleSmsBackend(stream=out).send("+4741234567", "Hei")
    assert "SMS to +4741234567" in out.getvalue() and "Hei" in out.getvalue()


def test_backend_is_chosen_by_setting(settings):
    settings.SMS_BACKEND = "timebok.notifications.sms.ConsoleSmsBackend"
    assert isinstance(sms.get_backend(), sms.ConsoleSmsBackend)


def _check(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TIMEBOK_SMS")
             and k not in {"DATABASE_URL", "TEST_DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    clean.update({"TIMEBOK_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "timebok.settings",
                  "TIMEBOK_DEMO": "1"})
    clean.update(env)
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), "check"], env=clean, capture_output=True,
                          text=True, timeout=120, check=False)


@pytest.mark.parametrize(("env", "message"), [
    ({"TIMEBOK_SMS_BACKEND": "http"}, "TIMEBOK_SMS_HTTP_URL must be an https:// URL"),
    ({"TIMEBOK_SMS_BACKEND": "http", "TIMEBOK_SMS_HTTP_URL": "http://sms.example.no/x",
      "TIMEBOK_SMS_HTTP_TOKEN": "t"}, "TIMEBOK_SMS_HTTP_URL must be an https:// URL"),
    ({"TIMEBOK_SMS_BACKEND": "http", "TIMEBOK_SMS_HTTP_URL": "https://sms.example.no/x"},
     "TIMEBOK_SMS_HTTP_TOKEN is required"),
    ({"TIMEBOK_SMS_BACKEND": "carrier-pigeon"}, "TIMEBOK_SMS_BACKEND must be file, console, http"),
    ({"TIMEBOK_SMS_SENDER": "Fysioterapi Sentrum"}, "TIMEBOK_SMS_SENDER must be"),
    ({"TIMEBOK_SMS_HTTP_TIMEOUT": "ti"}, "TIMEBOK_SMS_HTTP_TIMEOUT must be an integer"),
])
def test_bad_sms_settings_stop_start_up(tmp_path, env, message):
    result = _check(env, tmp_path)
    assert result.returncode != 0
    assert message in result.stderr


def test_good_http_sms_settings_start(tmp_path):
    result = _check({"TIMEBOK_SMS_BACKEND": "http", "TIMEBOK_SMS_HTTP_URL": "https://sms.example.no/v1/sms",
                     "TIMEBOK_SMS_HTTP_TOKEN": "t", "TIMEBOK_SMS_SENDER": "Fysio"}, tmp_path)
    assert result.returncode == 0, result.stderr
