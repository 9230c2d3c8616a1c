#!/usr/bin/env bash
# Demo server: migrate, load the demo clinic (idempotent), start the background worker and
# the web server (gunicorn with WhiteNoise, as in production). Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export TIMEBOK_DEMO=1
PORT="${PORT:-8000}"
VAR="${TIMEBOK_VAR_DIR:-var}"
export TIMEBOK_BASE_URL="${TIMEBOK_BASE_URL:-http://127.0.0.1:${PORT}}"
mkdir -p "$VAR"
$PY manage.py migrate --noinput >/dev/null
$PY manage.py load_demo
$PY manage.py send_outbox >/dev/null  # due messages, and the periodic sweep

WORKER="" WEB=""
stop() {
  trap - INT TERM EXIT
  # TERM lets gunicorn finish the requests it is serving and the worker its current task.
  kill -TERM $WEB $WORKER 2>/dev/null || true
  wait $WEB $WORKER 2>/dev/null || true
}
trap stop INT TERM EXIT

$PY manage.py db_worker --interval 2 >"$VAR/worker.log" 2>&1 &
WORKER=$!
PORT="$PORT" TIMEBOK_WEB_LOG_LEVEL="${TIMEBOK_WEB_LOG_LEVEL:-warning}" \
  $PY -m gunicorn -c python:timebok.gunicorn_conf timebok.wsgi &
WEB=$!
cat <<TXT

  Timebok kjører (demo):
    Bestillingsside:  ${TIMEBOK_BASE_URL}/b/demo/   (in English: ${TIMEBOK_BASE_URL}/b/demo/?lang=en)
    Timebok (ansatte): ${TIMEBOK_BASE_URL}/timebok/   bruker: demo   passord: demo
    Admin:            ${TIMEBOK_BASE_URL}/admin/   (bare superbrukere: manage.py createsuperuser)
    Utgående e-post:  var/outbox/   (bakgrunnsjobber logges i var/worker.log)

TXT
# Whichever stops first (Ctrl-C, or a crash), the other is stopped too.
wait -n $WEB $WORKER || true
