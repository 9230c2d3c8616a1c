"""Real servers for tests: gunicorn in a subprocess, and clients that talk to it over TCP.

Every wait here is for a condition (a log line, a port that answers), with a generous
deadline for a busy machine; none sleeps for a fixed time.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEADLINE = 120  # seconds; only reached when something is broken


def clean_env(**extra: str) -> dict[str, str]:
    """The test process's environment for a child process, with the given variables set."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT)])
    env.update(extra)
    return env


@contextmanager
def gunicorn(env: dict[str, str], *args: str) -> Iterator[str]:
    """Start gunicorn on a free port of 127.0.0.1 and yield its base URL; stop it afterwards."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", "127.0.0.1:0", "--log-level", "info", *args, "timebok.wsgi"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )
    found: dict[str, str] = {}
    ready = threading.Event()
    lines: list[str] = []

    def read() -> None:  # gunicorn logs to stderr: "Listening at: http://127.0.0.1:PORT"
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.append(line)
            match = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", line)
            if match:
                found["url"] = match.group(1)
            if "Booting worker" in line and "url" in found:
                ready.set()
        ready.set()  # stderr closed: gunicorn has exited

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        ready.wait(DEADLINE)
        if "url" not in found or proc.poll() is not None:
            raise RuntimeError("gunicorn did not start:\n" + "".join(lines))
        yield found["url"]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=DEADLINE)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
