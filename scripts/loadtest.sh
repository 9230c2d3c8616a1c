#!/usr/bin/env bash
# `make loadtest`: a benchmark, not a test (bench/loadtest.py). Needs PostgreSQL and Redis
# (DATABASE_URL / REDIS_URL, or the local ones at their default ports) and wrk, which is
# installed from Debian's packages when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null; then
  echo "Installing wrk (Debian package) ..."
  if [[ $(id -u) -eq 0 ]]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; fi
fi
exec .venv/bin/python -m bench.loadtest
