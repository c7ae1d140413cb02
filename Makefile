# Set-up and everyday commands. Everything installs into .venv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup system-packages demo test lint format serve clean

$(BIN)/cis: pyproject.toml devtools/pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "CIS needs Python 3.11+: run make with PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]" -e ./devtools
	touch $@

# The portal's front-end packages (DSFR, htmx, Leaflet, axe-core for its tests), exactly as
# the lockfile says; DSFR's licence is accepted in .dsfr.yml.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(BIN)/cis node_modules/.package-lock.json

demo: setup  ## crawl the fixture sites, dedup, index (embedded engine), serve the portal on :8000
	$(BIN)/cis demo

system-packages:  ## Debian packages the tests run for real (Redis, nginx, Chromium)
	devtools/bin/system-packages

test: setup system-packages lint  ## lint, type-check, then every test, Elasticsearch included
	$(BIN)/cis es check
	$(BIN)/pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

serve: setup
	$(BIN)/cis serve

clean:
	rm -rf $(VENV) data node_modules test-artifacts .mypy_cache .ruff_cache .pytest_cache
