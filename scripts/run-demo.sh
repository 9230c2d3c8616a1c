#!/usr/bin/env bash
# Demo server: migrate, load the demo clinic (idempotent), start the background worker
# and the web server. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export TIMEBOK_DEMO=1
PORT="${PORT:-8000}"
export TIMEBOK_BASE_URL="${TIMEBOK_BASE_URL:-http://127.0.0.1:${PORT}}"
mkdir -p var
$PY manage.py migrate --noinput >/dev/null
$PY manage.py load_demo
$PY manage.py send_outbox >/dev/null  # due messages, and the periodic sweep
$PY manage.py db_worker --interval 2 >var/worker.log 2>&1 &
WORKER=$!
trap 'kill $WORKER 2>/dev/null || true' EXIT INT TERM
cat <<TXT

  Timebok kjører (demo):
    Bestillingsside:  ${TIMEBOK_BASE_URL}/b/demo/
    Timebok (ansatte): ${TIMEBOK_BASE_URL}/timebok/   bruker: demo   passord: demo
    Admin:            ${TIMEBOK_BASE_URL}/admin/   (bare superbrukere: manage.py createsuperuser)
    Utgående e-post:  var/outbox/   (bakgrunnsjobber logges i var/worker.log)

TXT
exec $PY manage.py runserver "127.0.0.1:${PORT}" --noreload
