# safetrain — the verbs people expect. Quick start: `make demo` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
BIN := $(VENV)/bin
# Django 6 needs Python 3.12+: take the newest one this machine has (pyenv installs included).
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 $$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -r) python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then echo $$p; break; fi; done)
HOST ?= 127.0.0.1:8000
PYTEST_ARGS ?=

.PHONY: help venv demo run test test-fast test-pg lint format typecheck migrations-check check clean

help:
	@echo "make demo    create the environment, load the Jincheng demo, serve http://$(HOST)"
	@echo "make test    run the whole test suite (SQLite; browser tests need /usr/bin/chromium)"
	@echo "make test-pg the suite on PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/safetrain)"
	@echo "make lint | typecheck | migrations-check | check (all three)"

$(BIN)/safetrain: pyproject.toml
	@if [ -z "$(PYTHON)" ] || ! $(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	  echo "safetrain needs Python 3.12 or newer (Django 6 requires it); found: $$($(or $(PYTHON),python3) --version 2>&1)." >&2; \
	  echo "Install Python 3.12+, then run make again:" >&2; \
	  echo "  Debian 13, Ubuntu 24.04 or newer:  sudo apt-get install python3 python3-venv" >&2; \
	  echo "  older systems:                     pyenv install 3.12   (or: uv python install 3.12)" >&2; \
	  echo "  or name an interpreter:            make demo PYTHON=/path/to/python3.12" >&2; \
	  exit 1; \
	fi
	@echo "== creating $(VENV) with $(PYTHON) ($$($(PYTHON) --version 2>&1))"
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	  echo "$(PYTHON) cannot create a virtual environment: install its venv module (Debian/Ubuntu: sudo apt-get install python3-venv, or python3.12-venv)" >&2; exit 1; }
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $@

venv: $(BIN)/safetrain

demo: venv
	$(BIN)/safetrain migrate --noinput -v0
	$(BIN)/safetrain demo load --url http://$(HOST)/
	SAFETRAIN_MODE=runserver DEBUG=1 $(BIN)/safetrain runserver $(HOST)

run: venv
	SAFETRAIN_MODE=runserver DEBUG=1 $(BIN)/safetrain runserver $(HOST)

# pytest exits 5 when it collected no tests: that is a failure, and says so.
test: venv
	@$(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc = 5 ]; then echo "pytest collected no tests" >&2; fi; exit $$rc

test-fast: venv
	$(BIN)/python -m pytest -m "not e2e" $(PYTEST_ARGS)

test-pg: venv
	@DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/safetrain} $(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc = 5 ]; then echo "pytest collected no tests" >&2; fi; exit $$rc

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: venv
	$(BIN)/mypy safetrain config

migrations-check: venv
	SAFETRAIN_DATA_DIR=$$(mktemp -d) $(BIN)/safetrain makemigrations --check --dry-run

check: lint typecheck migrations-check

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
