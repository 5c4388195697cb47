# The two commands of the README: `make run` and `make test`. Everything they need is set up here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
LOAD_SECONDS ?= 300
# The extension's test tools (jsdom, web-ext) live here, pinned by its package-lock.json.
EXT_TESTS := tests/extension
# Root installs system packages directly; anyone else goes through sudo.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test test-deps test-extension lint audit bench figures figures-check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

run: $(VENV)/.runtime
	$(BIN)/flask --app server run --host $(HOST) --port $(PORT)

# Everything the tests need: Python tools, the extension's npm tools, and Debian's Chromium and
# Firefox ESR for the browser tests (Playwright drives Chromium, `playwright install` is never
# used; marionette-driver drives Firefox through its own Marionette protocol).
test-deps: $(VENV)/.dev $(EXT_TESTS)/node_modules/.installed
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/firefox-esr ]; then \
		$(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium firefox-esr; \
	fi

$(EXT_TESTS)/node_modules/.installed: $(EXT_TESTS)/package.json $(EXT_TESTS)/package-lock.json
	cd $(EXT_TESTS) && npm ci --no-audit --no-fund
	touch $@

# The extension alone: extractor/banner/client unit tests (node:test + jsdom) and web-ext lint.
test-extension: $(EXT_TESTS)/node_modules/.installed
	cd $(EXT_TESTS) && node --test
	cd $(EXT_TESTS) && npx --no-install web-ext lint --source-dir ../../extension

# pytest-xdist: the suite in this many processes (2 on the 2-core machines CI runs on; its tests
# wait on Redis, browsers and gunicorn as much as they compute).
PYTEST_WORKERS ?= 2

test: test-deps lint
	$(MAKE) test-extension
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS)

# pip-audit asks PyPI's vulnerability data (or OSV: PIP_AUDIT_FLAGS="-s osv"). Offline it cannot
# audit anything and would pass in silence; `make lint` then says loudly that the audit did not
# happen. `make audit` is the strict form (--strict: a package it cannot audit fails it).
PIP_AUDIT_FLAGS ?=

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -c pyproject.toml -r server heuristics
	@out=$$(mktemp); $(BIN)/pip-audit --progress-spinner off $(PIP_AUDIT_FLAGS) >$$out 2>&1; status=$$?; \
	unaudited=$$(grep -c "could not be audited" $$out); \
	if [ "$$status" -ne 0 ] || [ "$$unaudited" -eq 0 ]; then cat $$out; else \
		echo "pip-audit: $$unaudited packages NOT AUDITED (the vulnerability data could not be reached):"; \
		echo "  this lint passed without a dependency audit; run 'make audit' where PyPI is reachable."; \
	fi; rm -f $$out; exit $$status

audit: $(VENV)/.dev
	$(BIN)/pip-audit --progress-spinner off --strict $(PIP_AUDIT_FLAGS)

bench: $(VENV)/.dev
	$(BIN)/python bench/check_api.py
	$(BIN)/python bench/faults.py
	$(BIN)/python bench/protected_photos.py
	$(BIN)/python bench/load.py --seconds $(LOAD_SECONDS)

# Every table and example output published in README.md and docs/ (see docs/figures.md). Data that
# may not live in the repository is given by path, e.g.
#   make figures FIGURES_DATA="cresci=E13-genuine.csv cresci=INT-fake.csv"
# Figures whose data is not given are left as they are and listed.
FIGURES_DATA ?=

figures: $(VENV)/.dev
	$(BIN)/python -m bench.figures $(foreach d,$(FIGURES_DATA),--data $(d))

# Writes nothing; fails if a figure is out of date.
figures-check: $(VENV)/.dev
	$(BIN)/python -m bench.figures --check $(foreach d,$(FIGURES_DATA),--data $(d))

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache $(EXT_TESTS)/node_modules artifacts
