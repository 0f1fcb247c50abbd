# socialcrm: the README's two commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python

# Tests talk to real services: PostgreSQL is the production database and
# Redis the Celery broker. Override either (an empty value means SQLite /
# eager Celery), e.g. `make test DATABASE_URL= REDIS_URL=`.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/socialcrm
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: run test lint format clean bench bench-ingest load audit-deps

$(VENV)/.app-installed: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] < (3, 11))' || { echo "Python 3.11+ is required"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.app-installed
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

## make run: install, migrate, seed the demo when empty, serve on http://127.0.0.1:8000
run: $(VENV)/.app-installed
	@scripts/run.sh

## make test: install the test dependencies and run the whole suite
test: $(VENV)/.dev-installed
	DATABASE_URL=$${DATABASE_URL-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL-$(TEST_REDIS_URL)} \
		scripts/test.sh $(PYTEST_ARGS)

## make bench: ingestion, the data generator, pages and webhooks at each size, on PostgreSQL (SIZE="10000 100000")
SIZE ?= 10000 100000
bench: $(VENV)/.app-installed
	$(PY) -m bench.run $(foreach size,$(SIZE),--size $(size)) $(BENCH_ARGS)

## make bench-ingest: ingestion throughput against TextBlob alone, on PostgreSQL (SIZES="10000 100000")
SIZES ?= 10000 100000
bench-ingest: $(VENV)/.app-installed
	$(PY) -m bench.ingest $(foreach size,$(SIZES),--posts $(size))

## make load: 50 agents browse the console while 200 posts/s arrive by webhook, over loopback (LOAD_ARGS="--seconds 60")
load: $(VENV)/.app-installed
	$(PY) -m bench.load $(LOAD_ARGS)

## make audit-deps: pip-audit of the installed dependencies (CI runs it after the tests)
audit-deps: $(VENV)/.dev-installed
	scripts/audit_deps.sh

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf var/staticfiles var/*.log .pytest_cache
