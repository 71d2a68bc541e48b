# Two-Way: `make run` serves the linter with the bundled rule pack; `make test` installs
# what the tests need and runs them all. Each concern adds its own set-up steps in mk/*.mk
# by appending to SETUP_DEPS / RUN_DEPS / TEST_DEPS, so this file stays the one entry point.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
RUN_STAMP := $(VENV)/.installed-run
HOST   ?= 127.0.0.1
PORT   ?= 8765

SETUP_DEPS :=
RUN_DEPS   :=
TEST_DEPS  :=
BENCH_DEPS :=

-include mk/*.mk

.PHONY: setup run test test-fast bench clean

## setup: create .venv and install the project with its test dependencies (idempotent)
setup: $(STAMP) $(SETUP_DEPS)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@ $(RUN_STAMP)

# `make run` installs only what serving needs: the project and its own dependencies.
$(RUN_STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

## run: serve the API, the lint page and the bundled rule pack on http://$(HOST):$(PORT)
## (gunicorn, one worker per core; WORKERS=n to choose)
run: $(RUN_STAMP) $(RUN_DEPS)
	$(VENV)/bin/twoway serve --host $(HOST) --port $(PORT) $(if $(WORKERS),--workers $(WORKERS))

## test: the whole suite (rules, API, CLI, grammar against a real LanguageTool, browser e2e)
test: setup $(TEST_DEPS)
	$(PY) -m pytest $(PYTEST_ARGS)

## test-fast: the unit tier (pytest -m unit: no LanguageTool, browser, server process or real-email set)
## and the extension's JavaScript unit tests: the edit-test loop, seconds not minutes
test-fast: setup $(NODE_STAMP)
	$(PY) -m pytest -m unit -q -p no:cacheprovider $(PYTEST_ARGS)

## bench: speed figures (lint latency, grammar re-lint, extension draw time); each bench/bench_*.py prints its own
bench: setup $(BENCH_DEPS)
	@set -e; for script in bench/bench_*.py; do echo "== $$script"; $(PY) $$script; done

clean:
	rm -rf $(VENV) .cache .pytest_cache .hypothesis
