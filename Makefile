# Two commands do all set-up on a fresh machine: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PY ?= $(shell for p in python3.13 python3.12 python3.11 python3; do command -v $$p >/dev/null && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' && echo $$p && break; done)
VENV := .venv
PYTHON := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: venv frontend run test lint e2e screenshots chromium libreoffice migrate seed clean bench loadtest

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	@test -n "$(PY)" || { echo "Python 3.11 or newer is required (python3.11+ not found on PATH)." >&2; exit 1; }
	test -x $(PYTHON) || $(PY) -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	touch $(STAMP)

# GOV.UK Frontend, compiled with the partnership's settings into cms/static_build/ (not committed).
FRONTEND_STAMP := cms/static_build/build/app.css

frontend: $(FRONTEND_STAMP)

$(FRONTEND_STAMP): package.json package-lock.json cms/frontend/build.mjs cms/frontend/app.scss cms/frontend/app.js cms/frontend/js-enabled.js
	@command -v npm >/dev/null || { echo "npm (Node.js 18 or newer) is required to build the front end: install nodejs and npm." >&2; exit 1; }
	npm ci --no-audit --no-fund
	npm run --silent build

migrate: venv
	$(PYTHON) manage.py migrate --noinput

seed: migrate
	$(PYTHON) manage.py seed_demo

run: frontend seed
	$(PYTHON) manage.py runserver 127.0.0.1:8000

# Lint and format are checked before the suite, so CI fails on either.
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: venv frontend lint libreoffice
	$(PYTHON) -m pytest -m "not e2e" $(PYTEST_ARGS)

# Browser tests need Debian's Chromium; install it when missing, and fail (never skip) if that fails.
chromium:
	@test -x /usr/bin/chromium || { echo "Chromium missing: installing it with apt-get."; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) || true; }
	@test -x /usr/bin/chromium || { echo "FAIL: /usr/bin/chromium is not installed and could not be installed." >&2; exit 1; }

# The board pack's print test converts it to PDF with LibreOffice: install Debian's headless Calc when soffice is
# missing, and fail (never skip) if that fails.
libreoffice:
	@command -v soffice >/dev/null || { echo "LibreOffice missing: installing libreoffice-calc-nogui with apt-get."; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-calc-nogui) || true; }
	@command -v soffice >/dev/null || { echo "FAIL: soffice (LibreOffice) is not installed and could not be installed." >&2; exit 1; }

e2e: venv frontend chromium
	$(PYTHON) -m pytest -m e2e tests/e2e $(PYTEST_ARGS)

# Refresh the committed desktop and mobile screenshots of the main pages (README shows some).
screenshots: venv frontend chromium
	SCREENSHOT_DIR=docs/screenshots $(PYTHON) -m pytest -m e2e tests/e2e/test_accessibility.py

# Benchmarks (bench/run.py) and the deadline-day load test (loadtest/run.py): see docs/performance.md.
bench: venv
	$(PYTHON) -m bench.run $(BENCH_ARGS)

loadtest: venv
	$(PYTHON) -m loadtest.run $(LOADTEST_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 static test-artifacts node_modules cms/static_build
