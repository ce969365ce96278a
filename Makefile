# Assess: the two commands a new user needs are `make run` and `make test`.
# Both install what is missing (system packages only when absent), then reuse it.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 2

# Pango/HarfBuzz subsetting for WeasyPrint; pdftotext for PDF tests; Debian's Chromium for
# browser tests; PostgreSQL server binaries for the scale-out tests.
RUN_PACKAGES := libharfbuzz-subset0
TEST_PACKAGES := $(RUN_PACKAGES) poppler-utils chromium chromium-driver postgresql

.PHONY: run test check wheel lint typecheck system-run system-test system-npm clean help

help:
	@echo "make run   - set up and serve Assess with demo data at http://$(HOST):$(PORT)"
	@echo "make test  - set up and run ruff and the whole test suite"
	@echo "make check - ruff and the fast tests (no browser, server, PostgreSQL or slow test)"
	@echo "make wheel - build the installable wheel into dist/"
	@echo "make screenshots - retake the README screenshots (docs/screenshots/) from demo data"

define ensure_packages
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  if [ "$$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

system-run:
	$(call ensure_packages,$(RUN_PACKAGES))

system-test:
	$(call ensure_packages,$(TEST_PACKAGES))

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed-run

run: export ASSESS_BASE_URL ?= http://$(HOST):$(PORT)
run: system-run $(VENV)/.installed-run
	$(BIN)/assess init-db
	$(BIN)/assess demo --if-empty
	@echo "Serving Assess at http://$(HOST):$(PORT) (Ctrl-C stops it)"
	exec $(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) 'assess:create_app()'

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

# mypy over the whole package, then strictly over the pure layers (numbers and files only);
# each run keeps its own cache, which the other's options would otherwise invalidate.
STRICT_PACKAGES := assess/scoring assess/definitions assess/reports

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy
	$(BIN)/mypy --strict --follow-imports=silent --cache-dir .mypy_cache/strict $(STRICT_PACKAGES)

# axe-core, the accessibility checker the browser tests inject into pages.
AXE := tests/browser/node_modules/axe-core/axe.min.js

$(AXE): tests/browser/package.json tests/browser/package-lock.json
	@command -v npm >/dev/null || $(MAKE) --no-print-directory system-npm
	npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
	touch $@

system-npm:
	$(call ensure_packages,npm)

test: system-test $(VENV)/.installed-test $(AXE) lint typecheck
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The edit-test loop: ruff, then the tests that need no browser, server, PostgreSQL or long
# run, spread over every core (pytest-xdist). `make test` still runs everything.
CHECK_MARKERS := not slow and not browser and not postgres

check: $(VENV)/.installed-test
	$(call ensure_packages,$(RUN_PACKAGES) poppler-utils)
	$(BIN)/ruff check .
	$(MAKE) --no-print-directory typecheck
	$(BIN)/python -m pytest -n auto -m "$(CHECK_MARKERS)" $(PYTEST_ARGS)

# A wheel with the code and the shipped content (questionnaires, templates, reports) in it.
# build/ goes first: setuptools would otherwise pack files left there by an earlier build.
wheel: | $(BIN)/python
	rm -rf build
	$(BIN)/pip wheel --no-deps -w dist .

# The README screenshots: a throwaway demo database, a local server and Debian's Chromium.
.PHONY: screenshots
screenshots: $(VENV)/.installed-test
	$(call ensure_packages,$(RUN_PACKAGES) chromium)
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
