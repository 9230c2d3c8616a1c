"""Two clients behind a real reverse proxy (a small threaded HTTP proxy that appends the
client's address to X-Forwarded-For, as nginx's proxy_add_x_forwarded_for does) in front of
a live server.

With TIMEBOK_TRUSTED_PROXIES=1 each client has its own rate limits. With 0 (the default, for
a server that faces the internet directly) every client shares the proxy's address and so its
limits, as README, Deployment, says, and the server logs one warning."""

from __future__ import annotations

import http.client
import json
import re
import threading
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode, urlsplit

import pytest

from timebok.core.middleware import ForwardedForWarningMiddleware

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


def start_proxy(upstream: str) -> ThreadingHTTPServer:
    target = urlsplit(upstream)

    class Proxy(BaseHTTPRequestHandler):
        def forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP | {"x-forwarded-for"}}
            prior = self.headers.get("X-Forwarded-For")
            headers["X-Forwarded-For"] = f"{prior}, {self.client_address[0]}" if prior else self.client_address[0]
            headers["Host"] = self.headers.get("Host", "")
            upstream_conn = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
            upstream_conn.request(self.command, self.path, body=body, headers=headers)
            response = upstream_conn.getresponse()
            data = response.read()
            upstream_conn.close()
            self.send_response(response.status)
            for name, value in response.getheaders():
                if name.lower() not in HOP_BY_HOP:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = forward

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class Browser:
    """A client with its own source address (127.0.0.2, 127.0.0.3, …) and cookie jar."""

    def __init__(self, port: int, source: str) -> None:
        self.port, self.source = port, source
        self.cookies: dict[str, str] = {}
        self.spoof = 0

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, source_address=(self.source, 0), timeout=60)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        # Each request claims another address in its own X-Forwarded-For: that must not help.
        self.spoof += 1
        headers["X-Forwarded-For"] = f"198.51.100.{self.spoof}"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode()
        for value in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(value).items():
                self.cookies[name] = morsel.value
        conn.close()
        return response.status, text

    def book(self) -> int:
        status, _ = self.request("POST", "/api/v1/clinics/fysio/bookings", json.dumps({}).encode(),
                                 {"Content-Type": "application/json"})
        return status

    def login(self, password: str) -> int:
        status, html = self.request("GET", "/timebok/logg-inn/")
        assert status == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert token is not None
        form = urlencode({"username": "resepsjon", "password": password, "csrfmiddlewaretoken": token.group(1)})
        status, _ = self.request("POST", "/timebok/logg-inn/", form.encode(),
                                 {"Content-Type": "application/x-www-form-urlencoded"})
        return status


@pytest.fixture
def proxy(live_server):  # type: ignore[no-untyped-def]
    server = start_proxy(live_server.url)
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.fixture
def fresh_warning(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(ForwardedForWarningMiddleware, "_warned", False)


@pytest.mark.parametrize("trusted", [1, 0])
def test_two_clients_behind_a_proxy(trusted, proxy, clinic, staff_user, settings, caplog, fresh_warning):
    settings.TRUSTED_PROXY_COUNT = trusted
    a, b = Browser(proxy, "127.0.0.2"), Browser(proxy, "127.0.0.3")

    with caplog.at_level("WARNING", logger="timebok.proxy"):
        # Client A uses up its booking attempts (each is refused as incomplete: 422).
        attempts = [a.book() for _ in range(settings.BOOKING_RATE_LIMIT + 1)]
        assert attempts == [422] * settings.BOOKING_RATE_LIMIT + [429]
        # Client A guesses passwords for a staff user until it is stopped.
        assert [a.login("feil") for _ in range(11)] == [200] * 10 + [429]

        if trusted:
            assert b.book() == 422  # B's first attempt is B's own
            assert b.login("pw-resepsjon-1") == 302  # and B logs in
        else:
            assert b.book() == 429  # documented: without a trusted proxy, clients share limits
            assert b.login("pw-resepsjon-1") == 429

    warnings = [r.getMessage() for r in caplog.records if r.name == "timebok.proxy"]
    if trusted:
        assert warnings == []
    else:
        assert len(warnings) == 1  # once per process, not once per request
        assert "X-Forwarded-For, but TIMEBOK_TRUSTED_PROXIES is 0" in warnings[0]
