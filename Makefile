# ARML Governance — the two commands: `make run` and `make test` (see README.md).
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/arml_test
HOST ?= 127.0.0.1
PORT ?= 8000
# Development targets run with DEBUG on unless told otherwise (README § DEBUG).
DEV := DEBUG=$${DEBUG:-1}

.PHONY: run serve worker install test test-pg test-e2e bench check messages lint clean

$(VENV)/.installed: pyproject.toml
	@PYTHON=$$(scripts/find-python) || exit 1; \
	 if [ ! -x $(PY) ]; then echo "Creating $(VENV) with $$PYTHON"; $$PYTHON -m venv $(VENV) || exit 1; fi
	$(PY) -m pip install --quiet --upgrade pip "setuptools<81" wheel
	@# xstatic-bootstrap ships only an sdist whose setup.py imports pkg_resources (gone in setuptools 81).
	$(PY) -m pip install --quiet --no-build-isolation xstatic-bootstrap
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

messages: install
	DEBUG=1 $(PY) manage.py compilemessages --ignore '.venv' -v 0

run: install messages
	$(DEV) $(PY) manage.py migrate --noinput -v 0
	$(DEV) $(PY) manage.py demo
	@echo "Serving http://$(HOST):$(PORT)/ with the tasks worker beside it (Ctrl-C stops both)"
	@$(DEV) HOST=$(HOST) PORT=$(PORT) PYTHON=$(PY) scripts/dev

serve: install messages
	@echo "Production serving: migrate, collect static files, gunicorn on $(HOST):$(PORT)"
	@HOST=$(HOST) PORT=$(PORT) PYTHON=$(PY) scripts/serve

worker: install
	@PYTHON=$(PY) scripts/worker

check: install messages
	$(DEV) $(PY) manage.py check
	$(DEV) $(PY) manage.py makemigrations --check --dry-run

test: check
	$(PY) -m pytest $(PYTEST_ARGS)

test-e2e: install messages
	$(PY) -m pytest tests/e2e $(PYTEST_ARGS)

test-pg: install messages
	$(DEV) DATABASE_URL=$(PG_URL) $(PY) manage.py check
	DATABASE_URL=$(PG_URL) $(PY) -m pytest $(PYTEST_ARGS)

bench: install messages
	$(DEV) $(PY) -m benchmarks

lint: install
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) db.sqlite3 var/
