"""`make loadtest`: a benchmark (not a test) of one app server under load, as an operator
would run it on one machine.

gunicorn with production settings (timebok.gunicorn_conf: 2 workers x 4 threads by default)
against PostgreSQL and Redis: those of DATABASE_URL and REDIS_URL, or the local ones at their
default ports. A throwaway database is created on that PostgreSQL server and dropped
afterwards; the Redis keys carry a prefix of their own and are deleted afterwards. The bench
clinic (bench/data.py: 10 practitioners, 6,000 appointments) is loaded, and `wrk` drives
each URL with 8 connections (LOADTEST_CONNECTIONS) for LOADTEST_SECONDS (10) each.

Why wrk: a Debian package (apt-get install wrk), a small C program that keeps 8 connections
busy with a fraction of one core and measures latency percentiles exactly (HdrHistogram), so
on a 2-core machine nearly all CPU is left to the server; a Lua hook counts answers by status
and feeds each booking a body of its own. Python load generators (locust) need about as much
CPU as the server they measure.

Printed: req/s, p50, p99 and statuses for the bare view, the two calibration views (cached
read: one ORM look-up and one cache GET; write: one transaction, 2 reads, 8 inserts), a month
of availability, a day of slots, the booking page, and bookings; each as a share of the bare
view or of its calibration view; a 50-way race for one time; overlaps; the workers' RSS.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
SECONDS = int(os.environ.get("LOADTEST_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("LOADTEST_CONNECTIONS", "8"))
THREADS = 2
RACE = 50


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _throwaway_database() -> tuple[str, str, str]:
    """(url of a new database, url of the server's maintenance database, its name)."""
    import psycopg

    base = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    if not base.startswith("postgres"):
        sys.exit("make loadtest needs PostgreSQL: set DATABASE_URL=postgres://... (or run one at 127.0.0.1:5432)")
    parts = urlsplit(base)
    admin = urlunsplit(parts._replace(path="/postgres"))
    name = f"timebok_loadtest_{os.getpid()}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}")), admin, name


def _drop_database(admin: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _environment(database_url: str, redis_url: str, prefix: str, var: Path, port: int) -> dict[str, str]:
    from cryptography.fernet import Fernet

    env = {k: v for k, v in os.environ.items()
           if k not in {"TEST_DATABASE_URL", "TIMEBOK_DEMO", "DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env.update({
        "DJANGO_SETTINGS_MODULE": "timebok.settings",  # production settings
        "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FNR_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "FNR_HASH_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "TIMEBOK_CACHE_PREFIX": prefix,
        "TIMEBOK_VAR_DIR": str(var),
        "TIMEBOK_LOADTEST": "1",
        # One load generator is one client address: lift the per-address booking limit.
        "TIMEBOK_BOOKING_RATE_LIMIT": "100000000",
        "TIMEBOK_ALLOW_TEST_IDENTITIES": "1",  # the bookings use synthetic (Tenor) numbers
        "TIMEBOK_BIND": f"127.0.0.1:{port}",
        "TIMEBOK_WEB_LOG_LEVEL": "warning",
        "LOG_LEVEL": "ERROR",  # no "Conflict:" line per refused booking
    })
    return env


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True,  # noqa: S603
                   stdout=subprocess.DEVNULL)


def _wait_for(url: str, deadline: float = 60.0) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})  # noqa: S310
            with urllib.request.urlopen(request, timeout=5):  # noqa: S310 - the local server
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer {url}")


def _get(url: str) -> int:
    try:
        request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})  # noqa: S310
        with urllib.request.urlopen(request, timeout=30) as r:  # noqa: S310 - the local server
            r.read()
            return int(r.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def _post(url: str, body: dict[str, object] | None) -> int:
    data = json.dumps(body or {}).encode()
    request = urllib.request.Request(url, data=data, method="POST",  # noqa: S310
                                     headers={"Content-Type": "application/json", "X-Forwarded-Proto": "https"})
    try:
        with urllib.request.urlopen(request, timeout=60) as r:  # noqa: S310
            r.read()
            return int(r.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def wrk(url: str, *, bodies: Path | None = None, method_post: bool = False) -> dict[str, object]:
    env = dict(os.environ)
    env["TIMEBOK_THREADS"] = str(THREADS)
    if bodies is not None:
        env["TIMEBOK_BODIES"] = str(bodies)
    elif method_post:
        env["TIMEBOK_BODIES"] = "/dev/null"
    out = subprocess.run(  # noqa: S603
        ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--timeout", "30s",  # noqa: S607
         "-s", str(ROOT / "bench" / "loadtest.lua"), url],
        env=env, capture_output=True, text=True, check=True,
    ).stdout
    statuses = {int(k): int(v) for k, v in re.findall(r"(\d+):(\d+)", out.split("STATUSES", 1)[1].splitlines()[0])}
    p50, p99 = (float(x) / 1000 for x in re.search(r"LATENCY_US (\S+) (\S+)", out).groups())  # type: ignore[union-attr]
    duration = int(re.search(r"DURATION_US (\d+)", out).group(1)) / 1e6  # type: ignore[union-attr]
    errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": sum(statuses.values()) / duration, "p50": p50, "p99": p99, "statuses": statuses,
            "ok_per_s": sum(v for k, v in statuses.items() if 200 <= k < 300) / duration,
            "socket_errors": errors.group(1) if errors else ""}


def race(url: str, body: dict[str, object], fnrs: list[str]) -> dict[int, int]:
    """50 clients POST the same time at once, each for its own patient."""
    barrier = threading.Barrier(RACE)
    results: list[int] = []
    lock = threading.Lock()

    def one(i: int) -> None:
        mine = {**body, "fornavn": "Kappløp", "etternavn": f"Nr {i}", "fodselsnummer": fnrs[i],
                "epost": f"race{i}@example.com", "telefon": "+4791234567"}
        barrier.wait()
        status = _post(url, mine)
        with lock:
            results.append(status)

    workers = [threading.Thread(target=one, args=(i,)) for i in range(RACE)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    counts: dict[int, int] = {}
    for s in results:
        counts[s] = counts.get(s, 0) + 1
    return counts


def overlaps(database_url: str) -> int:
    import psycopg

    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM appointments_appointment a JOIN appointments_appointment b "
            "ON a.practitioner_id = b.practitioner_id AND a.id < b.id AND a.start < b.\"end\" AND b.start < a.\"end\" "
            "WHERE a.status = 'booked' AND b.status = 'booked'"
        ).fetchone()
    return int(row[0]) if row else 0


def workers_cpu_seconds(master: int) -> float:
    """User + system CPU time of the gunicorn workers so far."""
    total = 0.0
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master)],  # noqa: S603, S607
                         capture_output=True, text=True, check=False).stdout
    for pid in out.split():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def worker_rss_mb(master: int) -> list[float]:
    out = subprocess.run(["ps", "-o", "rss=", "--ppid", str(master)],  # noqa: S603, S607
                         capture_output=True, text=True, check=False).stdout
    return [int(x) / 1024 for x in out.split()]


def _forget_redis(redis_url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(f"{prefix}:*", count=1000))
    for i in range(0, len(keys), 500):
        client.delete(*keys[i:i + 500])


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk (scripts/loadtest.sh does it)")
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    prefix = f"timebok-loadtest-{os.getpid()}"
    database_url, admin, name = _throwaway_database()
    var = Path(tempfile.mkdtemp(prefix="timebok-loadtest-"))
    port = _free_port()
    env = _environment(database_url, redis_url, prefix, var, port)
    server = None
    try:
        print(f"Throwaway database {name}; Redis {redis_url} (prefix {prefix}); gunicorn on port {port}")
        _manage(env, "migrate", "--noinput")
        _manage(env, "collectstatic", "--noinput")
        bodies = var / "bookings.jsonl"
        data = json.loads(subprocess.run(  # noqa: S603
            [PY, "-m", "bench.loadtest_data", str(bodies), "4000"], cwd=ROOT, env=env, check=True,
            capture_output=True, text=True).stdout.strip().splitlines()[-1])
        server = subprocess.Popen([PY, "-m", "gunicorn", "-c", "python:timebok.gunicorn_conf", "timebok.wsgi"],  # noqa: S603
                                  cwd=ROOT, env=env)
        base = f"http://127.0.0.1:{port}"
        slug = data["slug"]
        urls = {
            "bare JSON view": f"{base}/loadtest/bare/",
            "cached-read ceiling": f"{base}/loadtest/cached-read/{slug}/",
            "month availability": (f"{base}/api/v1/clinics/{slug}/availability?timetype={data['month_type']}"
                                   f"&from={data['from']}&to={data['to']}"),
            "day slots": f"{base}/api/v1/clinics/{slug}/slots?timetype={data['month_type']}&date={data['day']}",
            "booking page": f"{base}/b/{slug}/",
        }
        _wait_for(urls["bare JSON view"])
        for url in urls.values():  # warm up: every worker's first request, and the cache
            for _ in range(4):
                _get(url)
        def measured(url: str, **kwargs: object) -> dict[str, object]:
            before = workers_cpu_seconds(server.pid)
            result = wrk(url, **kwargs)  # type: ignore[arg-type]
            spent = workers_cpu_seconds(server.pid) - before
            count = sum(result["statuses"].values())  # type: ignore[attr-defined]
            result["cpu_ms"] = 1000 * spent / count if count else 0.0
            return result

        only = os.environ.get("LOADTEST_ONLY", "")  # e.g. "bookings": skip the reads (a quicker look)
        results = {label: measured(url) for label, url in urls.items() if not only or label in only}
        results["write ceiling"] = measured(f"{base}/loadtest/write/{slug}/", method_post=True)
        race_result = race(f"{base}/api/v1/clinics/{slug}/bookings", data["race"], data["race_fnrs"])
        results["bookings"] = measured(f"{base}/api/v1/clinics/{slug}/bookings", bodies=bodies)
        rss = worker_rss_mb(server.pid)
        report(results, race_result, overlaps(database_url), rss, data)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        _drop_database(admin, name)
        _forget_redis(redis_url, prefix)
        shutil.rmtree(var, ignore_errors=True)


def report(results: dict[str, dict[str, object]], race_result: dict[int, int], overlap: int, rss: list[float],
           data: dict[str, object]) -> None:
    empty = {"rps": float("nan"), "ok_per_s": 0.0, "p50": 0.0, "p99": 0.0, "statuses": {}, "cpu_ms": 0.0}
    for label in ("bare JSON view", "cached-read ceiling", "month availability", "day slots", "booking page"):
        results.setdefault(label, empty)
    bare = float(results["bare JSON view"]["rps"])  # type: ignore[arg-type]
    cached = float(results["cached-read ceiling"]["rps"])  # type: ignore[arg-type]
    write = float(results["write ceiling"]["ok_per_s"])  # type: ignore[arg-type]
    share = {
        "bare JSON view": ("", None), "cached-read ceiling": ("bare", bare), "write ceiling": ("", None),
        "month availability": ("bare", bare), "day slots": ("bare", bare), "booking page": ("bare", bare),
        "bookings": ("write ceiling", write),
    }
    targets = {"month availability": f"≥ cached-read ceiling ({100 * cached / bare:.0f} % of bare); aim 50 %",
               "day slots": f"≥ cached-read ceiling ({100 * cached / bare:.0f} % of bare); aim 50 %",
               "booking page": "≥ 25 % of bare", "bookings": "≥ 50 % of write ceiling"}
    print(f"\nTimebok load test: {CONNECTIONS} connections, {SECONDS} s each, gunicorn "
          f"{os.environ.get('TIMEBOK_WEB_WORKERS', '2')} workers x {os.environ.get('TIMEBOK_WEB_THREADS', '4')} "
          "threads, production settings, PostgreSQL + Redis\n")
    print("| request | req/s | p50 ms | p99 ms | share | target | app CPU ms/request | statuses |\n"
          "|---|---|---|---|---|---|---|---|")
    order = ["bare JSON view", "cached-read ceiling", "month availability", "day slots", "booking page",
             "write ceiling", "bookings"]
    for label in order:
        r = results[label]
        rps = float(r["ok_per_s"] if label in ("bookings", "write ceiling") else r["rps"])  # type: ignore[arg-type]
        base_name, base = share[label]
        ratio = f"{100 * rps / base:.0f} % of {base_name}" if base else ""
        if label in ("month availability", "day slots"):
            ratio += f"; {100 * rps / cached:.0f} % of cached-read"
        unit = " bookings/s" if label == "bookings" else (" tx/s" if label == "write ceiling" else "")
        statuses = " ".join(f"{k}×{v}" for k, v in sorted(r["statuses"].items()))  # type: ignore[attr-defined]
        print(f"| {label} | {rps:,.0f}{unit} | {r['p50']:.1f} | {r['p99']:.1f} | {ratio} | "
              f"{targets.get(label, '')} | {r['cpu_ms']:.1f} | {statuses} |")
    five = sum(v for k, v in results["bookings"]["statuses"].items() if k >= 500)  # type: ignore[attr-defined]
    print(f"\nBookings: {five} answers 5xx, {overlap} overlapping booked appointments.")
    ok = race_result.get(201, 0) == 1 and race_result.get(409, 0) == RACE - 1
    print(f"Race of {RACE} for one time: {race_result} -> {'OK' if ok else 'FAILED'} (exactly one 201, the rest 409)")
    print(f"gunicorn workers' RSS: {', '.join(f'{x:.0f} MB' for x in rss)} (target ≤ 150 MB)")


if __name__ == "__main__":
    main()
