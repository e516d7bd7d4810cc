# Spoke's everyday commands. `make help` lists them.
#
#   make demo    the demo site on http://127.0.0.1:8000 with demo accounts
#   make test    the whole test suite (pass pytest options with ARGS="...")

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
MAKEFLAGS += --no-print-directory

PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
# Written once the dependencies are installed; pip runs again only when pyproject.toml changes.
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
ARGS ?=
# Test processes (pytest-xdist): "auto" is one per CPU core; WORKERS=0 runs in this process.
WORKERS ?= auto
CHROMIUM := /usr/bin/chromium
DEMO_PASSWORD := spoke-demo
TEMPLATE_DIRS = $(wildcard templates */templates */*/templates)

# pyproject.toml says which ranges we accept; the lock files say exactly what is installed,
# with hashes, so a developer, CI and the image run the same packages. `make lock` re-resolves
# them (with uv, pinned here) after a change to pyproject.toml; commit the lock files with it.
LOCK_DIR := requirements
UV_VERSION := 0.13.9
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --quiet --generate-hashes --universal \
	--python-version 3.11 --no-header

.PHONY: help install lock demo migrate seed run test test-e2e test-integration lint format bench-pages \
	worker beat e2e-browser ci clean distclean

help: ## Show this list
	@echo "Spoke: make <target>"
	@echo
	@awk 'BEGIN {FS = ":.*?## "} /^[a-zA-Z0-9_-]+:.*?## / {printf "  %-17s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo
	@echo "Variables: PYTHON=$(PYTHON) VENV=$(VENV) HOST=$(HOST) PORT=$(PORT) ARGS=\"pytest options\" WORKERS=$(WORKERS)"

$(PY):
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11 (or pass PYTHON=/path/to/python3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(LOCK_DIR)/dev.lock | $(PY)
	@echo "Installing the locked dependencies ($(LOCK_DIR)/dev.lock) into $(VENV)"
	$(PY) -m pip install --quiet --require-hashes --requirement $(LOCK_DIR)/dev.lock
	@touch $@

install: $(STAMP) ## Create .venv with Python 3.11 and install the locked dependencies (again when the lock changes)

lock: | $(PY) ## Re-resolve pyproject.toml into requirements/{base,dev}.lock, with hashes (commit them)
	$(PY) -m pip install --quiet "uv==$(UV_VERSION)"
	$(UV_COMPILE) --output-file $(LOCK_DIR)/base.lock
	$(UV_COMPILE) --extra dev --output-file $(LOCK_DIR)/dev.lock
	@echo "Locked: $(LOCK_DIR)/base.lock (the image) and $(LOCK_DIR)/dev.lock (make install, CI)"

var:
	@mkdir -p var

demo: export DJANGO_SETTINGS_MODULE = lms.settings.local
demo: install var ## Run the demo site with demo accounts: SQLite under var/, no Redis needed
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	@echo
	@echo "Spoke is starting on http://$(HOST):$(PORT)/"
	@echo "  log in as learner@ manager@ trainer@ hr@ lead@ or admin@spoke.example"
	@echo "  password for all: $(DEMO_PASSWORD)     (Ctrl-C stops the server)"
	@echo
	$(MANAGE) runserver $(HOST):$(PORT)

migrate: install var ## Apply the database migrations
	$(MANAGE) migrate --noinput

seed: install var ## Add the demo content and demo accounts (refused in production)
	$(MANAGE) seed_demo

run: install var ## Run the development server without seeding
	$(MANAGE) runserver $(HOST):$(PORT)

test: install ## Run the whole test suite, e.g. make test ARGS="-x -k dashboard"
	$(BIN)/pytest --numprocesses $(WORKERS) $(ARGS)

test-e2e: install ## Run only the browser tests (needs /usr/bin/chromium: make e2e-browser)
	$(BIN)/pytest -m e2e tests/e2e $(ARGS)

test-integration: install ## Run only the tests with a real Redis and Celery worker
	$(BIN)/pytest -m integration tests/integration $(ARGS)

# The side-by-side page harness (docs/performance.md): outside the project, shared by the team.
PERF ?= ../shared/perf
PERF_ROUNDS ?= 4
PERF_DURATION ?= 6s

bench-pages: install ## Learner and visitor pages on the demo, side by side with bare Django and wagtail-lms (needs wrk)
	@test -x "$(PERF)/side_by_side.sh" || { echo "No page harness at $(PERF): pass PERF=/path/to/shared/perf"; exit 1; }
	@command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }
	@test -f /tmp/perf-wlms/peer.conf || bash "$(PERF)/wlms_prepare.sh"
	bash "$(PERF)/spoke_prepare.sh" $(PY)
	bash "$(PERF)/side_by_side.sh" -f /tmp/perf-wlms/peer.conf -f /tmp/perf-spoke/spoke.conf \
		-r $(PERF_ROUNDS) -d $(PERF_DURATION)

lint: install ## Check the code: ruff, djLint on the templates, the apps' layering (import-linter)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint --lint $(TEMPLATE_DIRS)
	$(BIN)/lint-imports

format: install ## Fix what can be fixed: ruff check --fix, ruff format
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

worker: install var ## Run a Celery worker (needs REDIS_URL; without it tasks run in-process)
	$(BIN)/celery -A lms worker -l info

beat: install var ## Run Celery beat, the scheduler (needs REDIS_URL)
	$(BIN)/celery -A lms beat -l info --schedule var/celerybeat-schedule

e2e-browser: ## Install Debian's chromium for the browser tests (apt-get, as root)
	@if [ -x $(CHROMIUM) ]; then \
		echo "$(CHROMIUM) is installed"; \
	elif [ "$$(id -u)" = 0 ]; then \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
		echo "$(CHROMIUM) is missing: run 'sudo make e2e-browser' or 'sudo apt-get install chromium'"; \
		exit 1; \
	fi

ci: ## Run what CI runs: system packages, lint, the suite on SQLite and on PostgreSQL + Redis
	bash .ci/run

clean: ## Remove caches, screenshots and collected static files (keeps .venv and the demo database)
	rm -rf .pytest_cache .ruff_cache test-results var/e2e var/static
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean ## Also remove .venv and everything under var/ (the demo database, uploads)
	rm -rf $(VENV) var
