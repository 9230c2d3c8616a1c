# Timebok: `make run` starts the demo clinic, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test test-sqlite test-postgres bench loadtest lint install install-test clean messages compilemessages

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	@$(MAKE) --no-print-directory compilemessages
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $@

# The translation catalogues (.mo) are built from the .po files with Babel (pure Python), at
# every install and whenever a .po file is newer than its .mo; they are not kept in git.
LOCALE := src/timebok/locale
PO_FILES := $(wildcard $(LOCALE)/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)

compilemessages: $(MO_FILES)

$(LOCALE)/%/LC_MESSAGES/django.mo: $(LOCALE)/%/LC_MESSAGES/django.po
	$(VENV)/bin/pybabel --quiet compile -D django -i $< -o $@

# Rebuild the English catalogue from the source strings (Django's makemessages; needs GNU gettext).
messages: install
	cd src/timebok && ../../$(PY) -m django makemessages --settings=timebok.settings_test -l en -e html,txt,py --no-obsolete --no-location
	@echo "Translate the new entries in $(LOCALE)/en/LC_MESSAGES/django.po; the .mo is built by make."

install: $(VENV)/.installed $(MO_FILES)
install-test: $(VENV)/.installed-test $(MO_FILES)

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
