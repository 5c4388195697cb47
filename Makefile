# The two commands of the README: `make run` and `make test`. Everything they need is set up here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
LOAD_SECONDS ?= 300

.PHONY: run test lint bench clean

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

# pip-audit asks PyPI's vulnerability data (or OSV: PIP_AUDIT_FLAGS="-s osv"). Offline it lists
# every package as "could not be audited" and passes; CI with network can add --strict to fail then.
PIP_AUDIT_FLAGS ?=

test: lint
	$(BIN)/python -m pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/bandit -q -c pyproject.toml -r server heuristics
	$(BIN)/pip-audit --progress-spinner off $(PIP_AUDIT_FLAGS)

bench: $(VENV)/.dev
	$(BIN)/python bench/check_api.py
	$(BIN)/python bench/faults.py
	$(BIN)/python bench/load.py --seconds $(LOAD_SECONDS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
