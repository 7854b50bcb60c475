# Two commands for a newcomer: `make run` and `make test`. Both create .venv on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
SCENARIO ?= scenarios/un-convention-baseline.toml

.PHONY: run test lint format bench clean browser docs docs-serve

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-docs: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[docs]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-test: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed $(VENV)/.installed-docs

# Debian's Chromium for the report tests in a real browser (tests/reporting/test_browser.py); needs root.
browser:
	@test -x /usr/bin/chromium || { apt-get update && apt-get install -y chromium; }
	@/usr/bin/chromium --version

run: $(VENV)/.installed
	$(BIN)/mlasim run $(SCENARIO)

test: browser $(VENV)/.installed-test
	$(BIN)/ruff check simulator tests bench docs
	$(BIN)/ruff format --check simulator tests bench docs
	$(BIN)/python -m pytest -n 2

lint: $(VENV)/.installed-test
	$(BIN)/ruff check --fix simulator tests bench docs
	$(BIN)/ruff format simulator tests bench docs

# The documentation site, built as CI builds it (warnings are errors: a broken link or a missing page
# fails), into build/docs; `make docs-serve` builds it and serves it on http://127.0.0.1:8000.
docs: $(VENV)/.installed-docs
	$(BIN)/python -m sphinx -b html -W --keep-going -E -q docs build/docs
	@echo "open build/docs/index.html"

docs-serve: docs
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory build/docs 8000

bench: $(VENV)/.installed
	$(BIN)/python bench/throughput.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build/docs
