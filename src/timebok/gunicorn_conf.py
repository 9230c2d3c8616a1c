"""gunicorn's settings: ``gunicorn -c python:timebok.gunicorn_conf timebok.wsgi``.

Sized for a small server (1–2 cores): TIMEBOK_WEB_WORKERS processes (default 2), each with
TIMEBOK_WEB_THREADS threads (default 4), so 8 requests are served at once and more wait in
the listen queue instead of being refused. Static files are served by WhiteNoise inside
the app. See README, Deployment.
"""

from __future__ import annotations

from timebok.config import env_int, env_str

bind = env_str("TIMEBOK_BIND") or f"127.0.0.1:{env_int('PORT', 8000, minimum=1)}"
workers = env_int("TIMEBOK_WEB_WORKERS", 2, minimum=1)
threads = env_int("TIMEBOK_WEB_THREADS", 4, minimum=1)
worker_class = "gthread"
# A request that takes longer than this is stopped (its worker restarted).
timeout = env_int("TIMEBOK_WEB_TIMEOUT", 30, minimum=1)
graceful_timeout = 10
backlog = 2048
# Access log off (it would hold every booking page's query string); errors go to stderr.
accesslog = None
loglevel = env_str("TIMEBOK_WEB_LOG_LEVEL") or "info"
