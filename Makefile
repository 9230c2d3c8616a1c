# Timebok: `make run` starts the demo clinic, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test test-sqlite test-postgres bench loadtest lint install install-test clean

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

run: install
	@TIMEBOK_DEMO=1 PORT=$(PORT) bash scripts/run-demo.sh

test: install-test
	@bash scripts/test.sh

bench: install-test
	$(PY) -m bench

loadtest: install-test
	@bash scripts/loadtest.sh

lint: install-test
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) var/timebok.sqlite3* var/static
