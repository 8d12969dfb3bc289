# ARML Governance — the two commands: `make run` and `make test` (see README.md).
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/arml_test
HOST ?= 127.0.0.1
PORT ?= 8000
# Development targets run with DEBUG on unless told otherwise; `make serve` runs with it off.
DEV := DEBUG=$${DEBUG:-1}
# Announces a step (bold on a terminal).
STEP := @step() { if [ -t 1 ]; then printf '\033[1m==> %s\033[0m\n' "$$1"; else printf '==> %s\n' "$$1"; fi; }; step

.PHONY: run serve worker install test test-pg test-e2e bench check messages lint clean

$(VENV)/.installed: pyproject.toml
	$(STEP) "Installing (1/3): the virtual environment $(VENV)"
	@PYTHON=$$(scripts/find-python) || exit 1; \
	 if [ ! -x $(PY) ]; then echo "    creating it with $$PYTHON"; $$PYTHON -m venv $(VENV) || exit 1; \
	 else echo "    already there"; fi
	$(STEP) "Installing (2/3): pip, setuptools and wheel"
	@$(PY) -m pip install --quiet --upgrade pip "setuptools<81" wheel
	@# xstatic-bootstrap ships only an sdist whose setup.py imports pkg_resources (gone in setuptools 81).
	@$(PY) -m pip install --quiet --no-build-isolation xstatic-bootstrap
	$(STEP) "Installing (3/3): ARML Governance and its dependencies (about a minute the first time)"
	@set -o pipefail; $(PY) -m pip install --progress-bar off -e '.[dev]' 2>&1 \
	  | tee $(VENV)/install.log \
	  | awk '/^Collecting /                     { n++; printf "\r    %3d packages checked: %-40s", n, $$2; fflush() } \
	         /^Requirement already satisfied: / { n++; printf "\r    %3d packages checked: %-40s", n, $$4; fflush() } \
	         /^Installing collected/            { printf "\r    %3d packages checked; installing the new ones…%-20s\n", n, ""; fflush() } \
	         END                                { printf "\r    %3d packages checked%-40s\n", n, "" }' \
	  || { echo "pip failed; its full output is in $(VENV)/install.log:"; tail -30 $(VENV)/install.log; exit 1; }
	@touch $@

install: $(VENV)/.installed

messages: install
	$(STEP) "Compiling the French catalogue"
	@DEBUG=1 $(PY) manage.py compilemessages --ignore '.venv' -v 0

run: install messages
	$(STEP) "Applying the database migrations"
	@$(DEV) $(PY) manage.py migrate --noinput -v 0
	$(STEP) "Loading the demo data"
	@$(DEV) HOST=$(HOST) PORT=$(PORT) $(PY) manage.py demo
	$(STEP) "Serving http://$(HOST):$(PORT)/ with the tasks worker beside it (Ctrl-C stops both)"
	@$(DEV) HOST=$(HOST) PORT=$(PORT) PYTHON=$(PY) scripts/dev

serve: install messages
	$(STEP) "Production serving: migrate, collect static files, gunicorn on $(HOST):$(PORT)"
	@HOST=$(HOST) PORT=$(PORT) PYTHON=$(PY) scripts/serve

worker: install
	@PYTHON=$(PY) scripts/worker

check: install messages
	$(DEV) $(PY) manage.py check
	$(DEV) $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check --quiet .
	$(VENV)/bin/ruff format --check --quiet .
	$(VENV)/bin/mypy

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
