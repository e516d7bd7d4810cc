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
TEMPLATE_DIRS = $(wildcard templates */templates)

# The dependencies (project and dev) straight from pyproject.toml. The project itself is not
# a package (`packages = []`), so building it would only leave a `spoke.egg-info` behind and
# need README.md: installing its requirement list gives the same environment, faster.
define PRINT_REQUIREMENTS
import tomllib
with open("pyproject.toml", "rb") as fh:
    project = tomllib.load(fh)["project"]
print("\n".join(project["dependencies"] + project["optional-dependencies"]["dev"]))
endef
export PRINT_REQUIREMENTS

.PHONY: help install demo migrate seed run test test-e2e test-integration lint format \
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

$(STAMP): pyproject.toml | $(PY)
	@echo "Installing the dependencies from pyproject.toml into $(VENV)"
	$(PY) -c "$$PRINT_REQUIREMENTS" > $(VENV)/requirements.txt
	$(PY) -m pip install --quiet --requirement $(VENV)/requirements.txt
	@touch $@

install: $(STAMP) ## Create .venv with Python 3.11 and install the dependencies (again when pyproject.toml changes)

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
