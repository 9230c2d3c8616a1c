"""`make run` serves the demo as production does: gunicorn (with WhiteNoise for static files)
and the background worker, 50 simultaneous connections all get an answer, and Ctrl-C stops
both processes."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

from tests.servers import DEADLINE, ROOT

SCRIPT = ROOT / "scripts" / "run-demo.sh"
# Variables of the test run that would change what the demo does.
DROP = {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "TEST_DATABASE_URL", "SECRET_KEY", "FNR_ENCRYPTION_KEYS",
        "FNR_HASH_KEY", "TIMEBOK_ALLOW_TEST_IDENTITIES", "SECURE_SSL_REDIRECT", "TIMEBOK_VAR_DIR", "DEBUG"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _until(condition, what: str) -> None:  # type: ignore[no-untyped-def]
    """Wait for a condition (polling), failing after DEADLINE seconds."""
    end = time.monotonic() + DEADLINE * 2
    while not condition():
        assert time.monotonic() < end, f"timed out waiting for {what}"
        time.sleep(0.05)


def _get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=DEADLINE)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _answers(port: int) -> bool:
    try:
        return _get(port, "/timebok/logg-inn/")[0] == 200
    except OSError:
        return False


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _group_commands(pgid: int) -> list[str]:
    commands = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if os.getpgid(int(pid)) == pgid:
                commands.append(Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode())
        except (ProcessLookupError, FileNotFoundError, PermissionError):
            continue
    return commands


def test_make_run_serves_through_gunicorn_and_ctrl_c_stops_both(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in DROP}
    env.update({"PORT": str(port), "TIMEBOK_VAR_DIR": str(tmp_path)})
    proc = subprocess.Popen(["bash", str(SCRIPT)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(proc.stdout), daemon=True)  # type: ignore[arg-type]
    reader.start()
    pgid = proc.pid
    try:
        _until(lambda: _answers(port) or proc.poll() is not None, "the demo server")
        assert proc.poll() is None, "".join(output)
        commands = _group_commands(pgid)
        assert any("gunicorn" in c and "timebok.gunicorn_conf" in c for c in commands), commands
        assert any("db_worker" in c for c in commands), commands

        # 50 connections open at once; each then asks for the booking page.
        barrier = threading.Barrier(50)
        statuses: list[int | str] = []

        def client() -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=DEADLINE * 2)
            try:
                conn.connect()
                barrier.wait(timeout=DEADLINE)
                conn.request("GET", "/b/demo/")
                response = conn.getresponse()
                response.read()
                statuses.append(response.status)
            except (OSError, threading.BrokenBarrierError) as exc:
                statuses.append(type(exc).__name__)
            finally:
                conn.close()

        threads = [threading.Thread(target=client) for _ in range(50)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert statuses == [200] * 50

        # Static files come from WhiteNoise, with its headers.
        status, body = _get(port, "/static/timebok/insights/tracking.js")
        assert status == 200 and b"localStorage" in body

        os.killpg(pgid, signal.SIGINT)  # what Ctrl-C in the terminal sends
        proc.wait(timeout=DEADLINE)
        _until(lambda: not _group_alive(pgid), "gunicorn and the worker to stop")
    finally:
        if _group_alive(pgid):
            os.killpg(pgid, signal.SIGKILL)
        proc.wait(timeout=DEADLINE)
    reader.join(timeout=DEADLINE)
    text = "".join(output)
    assert "Timebok kjører (demo):" in text
    assert f"http://127.0.0.1:{port}/b/demo/" in text
    assert "development server" not in text.lower()
