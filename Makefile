# estatedesk — the two commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := cd site && ../$(PY) manage.py
PYTEST := $(PY) -m pytest
PG_URL ?= postgres://postgres@127.0.0.1:5432/estatedesk_test
REDIS_TEST_URL ?= redis://127.0.0.1:6379/0

.PHONY: install run test test-postgres e2e bench migrations-check check-deploy lint messages roles-doc clean

# The virtual environment is (re)built when a requirements file changes.
$(VENV)/.installed: requirements/base.txt requirements/production.txt requirements/dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is needed (Python 3.11)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/dev.txt
	touch $@

install: $(VENV)/.installed

# Migrate, load the demo data once, then serve the site and run the Huey consumer together;
# the demo logins are printed last, once the server answers. Ctrl-C stops both.
run: install
	@$(PY) scripts/run_dev.py

# The test suite on the embedded defaults (SQLite, SqliteHuey in immediate mode).
test: install
	$(PYTEST) -m "not e2e" -n 2 $(PYTEST_ARGS)

# The same suite against PostgreSQL and Redis (see .ci/run for starting them).
test-postgres: install
	DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL) REDIS_TEST_URL=$(REDIS_TEST_URL) $(PYTEST) -m "not e2e" -n 2 $(PYTEST_ARGS)

# Browser journeys: Playwright driving Debian's Chromium (/usr/bin/chromium) on a live server.
e2e: install
	$(PYTEST) -m e2e tests/e2e $(PYTEST_ARGS)

bench: install
	@for script in benchmarks/[!_]*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

migrations-check: install
	$(MANAGE) makemigrations --check --dry-run

check-deploy: install
	cd site && SECRET_KEY=check-deploy-$$(date +%s)-a-long-random-enough-secret-key-value \
	  DJANGO_SETTINGS_MODULE=estatedesk.settings.production ../$(PY) manage.py check --deploy --fail-level WARNING

lint: install
	$(VENV)/bin/ruff check site tests benchmarks

# Needs GNU gettext (apt-get install gettext); the compiled .mo files are committed.
messages: install
	$(PY) scripts/messages.py

# docs/roles.md is generated from the roles.py of every app (a test checks it is current).
roles-doc: install
	tmp=$$(mktemp -d) && cd site && ESTATEDESK_VAR_DIR=$$tmp ../$(PY) manage.py migrate --no-input -v0 \
	  && ESTATEDESK_VAR_DIR=$$tmp ../$(PY) manage.py roles_doc && rm -rf $$tmp

clean:
	rm -rf var $(VENV)
