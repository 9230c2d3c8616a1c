#!/usr/bin/env bash
# The whole suite: always on SQLite; again on PostgreSQL when TEST_DATABASE_URL (or a
# postgres DATABASE_URL) is set. Browser tests run in the SQLite pass.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DJANGO_ALLOW_ASYNC_UNSAFE=true

PG_URL="${TEST_DATABASE_URL:-}"
if [[ -z "$PG_URL" && "${DATABASE_URL:-}" == postgres* ]]; then PG_URL="$DATABASE_URL"; fi

echo "== lint (ruff) =="
.venv/bin/ruff check src tests bench
echo "== types (mypy, scheduling + validation) =="
.venv/bin/mypy

if [[ "${TIMEBOK_REQUIRE_REDIS:-}" == "1" ]] && ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
  echo "TIMEBOK_REQUIRE_REDIS=1 but no Redis answers at 127.0.0.1:6379" >&2
  exit 1
fi

echo "== tests on SQLite =="
env -u DATABASE_URL -u TEST_DATABASE_URL $PY -m pytest -m "not postgres_only" "$@"

if [[ -n "$PG_URL" ]]; then
  echo "== tests on PostgreSQL =="
  TEST_DATABASE_URL="$PG_URL" $PY -m pytest -m "not browser" -p no:cacheprovider "$@"
else
  if [[ "${TIMEBOK_REQUIRE_POSTGRES:-}" == "1" ]]; then
    echo "TIMEBOK_REQUIRE_POSTGRES=1 but no TEST_DATABASE_URL is set" >&2
    exit 1
  fi
  echo "(PostgreSQL pass skipped: set TEST_DATABASE_URL=postgres://... to run it)"
fi
