# Two commands on a fresh machine:
#   make run   – environment, install, migrate, demo municipality, serve on http://127.0.0.1:8000
#   make test  – install test tools (incl. PostgreSQL and chromium from Debian), then run every check
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
HOUSEHOLDS ?= 300
PYTEST_WORKERS ?= 2
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)

.PHONY: run install install-test system-test-deps test lint typecheck migrations-check test-sqlite test-postgres test-browser messages bench load system-postgres clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

# The test tools through uv (from PyPI, into the venv): the same packages as pip would pick, downloaded in
# parallel (measured once on a clean venv, slow index: 1.5 minutes against pip's 5.5). uv does not read
# pip's configuration (private indexes): where it cannot install, pip does.
$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet uv && $(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[test]' \
		|| $(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

# The installed command defaults to the production settings; `make run` asks for development explicitly
# (DEBUG stays off: the product's own error pages; `DEBUG=true make run` shows Django's debug pages).
DEV := DJANGO_SETTINGS_MODULE=wijkkracht.conf.dev

run: install
	$(DEV) $(BIN)/wijkkracht migrate --no-input
	$(DEV) $(BIN)/wijkkracht demo --households $(HOUSEHOLDS)
	@echo "Wijkkracht draait op http://$(HOST):$(PORT)/ – stoppen met Ctrl+C"
	$(DEV) $(BIN)/wijkkracht runserver $(HOST):$(PORT)

# Debian packages the tests need: chromium for the browser tests, PostgreSQL for the second database run.
system-test-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		$(SUDO) apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium postgresql fonts-dejavu-core; \
	fi

test: install-test system-test-deps lint typecheck migrations-check test-sqlite test-postgres test-browser

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install-test
	$(BIN)/mypy

migrations-check: install-test
	DJANGO_SETTINGS_MODULE=wijkkracht.conf.test $(BIN)/wijkkracht makemigrations --check --dry-run

test-sqlite: install-test
	DATABASE_URL= $(BIN)/pytest -m "not browser" -n $(PYTEST_WORKERS) -p no:cacheprovider

test-postgres: install-test system-test-deps
	scripts/with-postgres.sh $(BIN)/pytest -m "not browser" -n $(PYTEST_WORKERS) -p no:cacheprovider

# Browser tests wait on chromium and the live server half the time: two workers, each with its own live
# server, test database and chromium, keep both cores busy.
test-browser: install-test system-test-deps
	DATABASE_URL= $(BIN)/pytest -m browser -n $(PYTEST_WORKERS) -p no:cacheprovider

messages: install-test
	cd src/wijkkracht && DJANGO_SETTINGS_MODULE=wijkkracht.conf.test ../../$(BIN)/wijkkracht makemessages -l nl --no-obsolete --no-location --ignore "*/tests/*"
	cd src/wijkkracht && DJANGO_SETTINGS_MODULE=wijkkracht.conf.test ../../$(BIN)/wijkkracht compilemessages

# PostgreSQL from Debian for the bench and the load test (the test targets install it with chromium).
system-postgres:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		$(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q postgresql; \
	fi

# The pages of a working day at 10,000 and 100,000 households on SQLite and PostgreSQL (docs/performance.md).
# The demo municipalities are built once into var/bench/ (BENCH_CACHE) and reused; BENCH_SQLITE_<N> and
# BENCH_POSTGRES_<N> point at sets built elsewhere. BENCH_ARGS="--databases sqlite --repeat 50" and the like.
# Then the outcomes dashboard against its floor query (bench/outcomes.py; BENCH_OUTCOMES_ARGS="--rebuild" counts
# the outcomes of the sets again and times it).
BENCH_SIZES ?= 10000 100000
bench: install system-postgres
	$(BIN)/python bench/caseload.py --sizes $(BENCH_SIZES) $(BENCH_ARGS)
	$(BIN)/python bench/outcomes.py --sizes $(BENCH_SIZES) $(BENCH_ARGS) $(BENCH_OUTCOMES_ARGS)

# The load test's own tools (locust, gunicorn): an extra of their own, not part of the test install.
$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[bench]'
	touch $@ $(VENV)/.installed

# 100 simulated social workers against gunicorn + PostgreSQL with the production settings (docs/performance.md).
# LOAD_ARGS="--rate 0" measures the most the server manages; see bench/load.py --help.
load: $(VENV)/.installed-bench system-postgres
	$(BIN)/python bench/load.py $(LOAD_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
