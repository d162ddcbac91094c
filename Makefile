# Two commands do all set-up on a fresh machine: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PY ?= $(shell for p in python3.13 python3.12 python3.11 python3; do command -v $$p >/dev/null && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' && echo $$p && break; done)
VENV := .venv
PYTHON := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: venv run test migrate seed clean bench loadtest

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	@test -n "$(PY)" || { echo "Python 3.11 or newer is required (python3.11+ not found on PATH)." >&2; exit 1; }
	test -x $(PYTHON) || $(PY) -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	touch $(STAMP)

migrate: venv
	$(PYTHON) manage.py migrate --noinput

seed: migrate
	$(PYTHON) manage.py seed_demo

run: seed
	$(PYTHON) manage.py runserver 127.0.0.1:8000

test: venv
	$(PYTHON) -m pytest $(PYTEST_ARGS)

# Benchmarks (bench/run.py) and the deadline-day load test (loadtest/run.py): see docs/performance.md.
bench: venv
	$(PYTHON) -m bench.run $(BENCH_ARGS)

loadtest: venv
	$(PYTHON) -m loadtest.run $(LOADTEST_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 static test-artifacts
