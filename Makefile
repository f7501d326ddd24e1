# Two commands: `make run` (set up, train if needed, start) and `make test`
# (set up, lint, validate, run the whole suite). Everything else is a helper.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
FINBOT := $(BIN)/finbot
# Written by `make lock` (scripts/lock.py), one resolved set split in two: requirements.lock is the
# runtime (all that `pip install .` needs; the image installs only it and requirements-nodeps.lock),
# requirements-dev.lock what the dev extra adds. The -nodeps locks hold packages installed without
# their declared dependencies (pyproject.toml's [tool.finbot] no-deps and no-deps-dev say why).
# The Python client (clients/python/) is a distribution of its own; .venv has it installed editable too.
CLIENT_PYPROJECT := clients/python/pyproject.toml
LOCKS := requirements.lock requirements-dev.lock requirements-nodeps.lock requirements-dev-nodeps.lock
# Re-created from scratch only when the pins change, so it holds exactly the locks.
STAMP := $(VENV)/.installed-$(shell cat $(LOCKS) pyproject.toml $(CLIENT_PYPROJECT) 2>/dev/null | sha256sum | cut -c1-16)
PYTEST_ARGS ?=

export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS :=
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

.PHONY: help setup train run shell test lint validate browser client-check test-services bench lock clean

help:
	@echo "make run            set up, train the model if its inputs changed, start the assistant"
	@echo "make test           set up, lint, validate the training data, run the whole test suite"
	@echo "make client-check   the Python client's tests (clients/python/) on a Python newer than 3.10"
	@echo "make test-services  tests against PostgreSQL, Redis and RabbitMQ"
	@echo "make lock           re-resolve pyproject.toml into the requirements*.lock files (UPGRADE='NAME ...' lets those move)"

# The web widget's front-end packages (widget/package-lock.json), served by the Rasa server.
WIDGET_STAMP := widget/node_modules/.installed-$(shell cat widget/package.json widget/package-lock.json 2>/dev/null | sha256sum | cut -c1-16)

setup: $(STAMP) $(WIDGET_STAMP)

$(WIDGET_STAMP): widget/package.json widget/package-lock.json
	rm -rf widget/node_modules
	npm ci --prefix widget --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

# `pip check` runs before the no-deps packages go in: it would name their absent dependencies.
$(STAMP): $(LOCKS) pyproject.toml $(CLIENT_PYPROJECT) scripts/find-python310.sh
	@set -e; \
	PY310=$$(scripts/find-python310.sh); \
	echo "creating $(VENV) with $$PY310 (the pins changed or it did not exist)"; \
	rm -rf $(VENV); \
	"$$PY310" -m venv $(VENV)
	@echo "setup 1/4: pip 24.3.1"
	$(PY) -m pip install --quiet --disable-pip-version-check "pip==24.3.1"
	@echo "setup 2/4: $$(cat requirements.lock requirements-dev.lock | grep -c '==') pinned packages from requirements.lock and requirements-dev.lock (several minutes on a fresh machine)"
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock -r requirements-dev.lock
	@echo "setup 3/4: finbot itself and its Python client (both editable), then pip check"
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e clients/python
	$(PY) -m pip check
	@echo "setup 4/4: $$(cat requirements-nodeps.lock requirements-dev-nodeps.lock | grep -c '==') packages without their dependencies (requirements-nodeps.lock, requirements-dev-nodeps.lock)"
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements-nodeps.lock -r requirements-dev-nodeps.lock
	@echo "setup done: $(VENV)"
	touch $@

train: setup
	$(FINBOT) train

run: setup
	$(FINBOT) run

shell: setup
	$(FINBOT) shell

# deptry: every package that bot/ and actions/ import is declared in pyproject.toml's dependencies
# (none only in the dev extra); tests/, bench/ and scripts/ may import the dev extra as well.
lint: setup
	$(BIN)/ruff check bot actions tests bench scripts clients
	$(BIN)/mypy bot actions
	$(BIN)/mypy clients/python/src
	$(BIN)/deptry bot actions
	$(BIN)/deptry tests bench scripts --ignore DEP002,DEP004

validate: setup
	$(FINBOT) validate

# Debian's chromium, driven by Playwright in the browser tests.
browser:
	scripts/ensure-chromium.sh

# The Python client's own tests, on a Python newer than the server's 3.10, in clients/python/.venv
# (re-created when clients/python/constraints.txt or its pyproject.toml change). The main run below
# does not collect clients/python/tests (testpaths): they run here, once.
client-check:
	scripts/client-check.sh

test: setup lint validate browser client-check
	$(PY) -m pytest -m "not services" --durations=25 $(PYTEST_ARGS)

test-services: setup
	$(PY) -m pytest -m services $(PYTEST_ARGS)

# Redaction engine, end to end (redaction on and off), processor time per message with the stock rasa init bot
# beside ours, load, then docs/benchmarks.md from bench/results/.
# The report is written even when the load test finds the store incomplete; make still fails then.
bench: setup
	$(PY) -m bench.redaction
	$(PY) -m bench.e2e
	$(PY) -m bench.cpu --profile --stock
	$(PY) -m bench.load; status=$$?; $(PY) -m bench.report && exit $$status

# Needs no environment, only a Python 3.10: pyproject.toml may have changed since .venv was made
# (then setup's `pip check` would fail). The current pins hold unless pyproject.toml pins another
# version, or UPGRADE names the package: make lock UPGRADE="thinc blis".
lock:
	@set -e; PY310=$$(scripts/find-python310.sh); "$$PY310" scripts/lock.py $(addprefix --upgrade=,$(UPGRADE))

clean:
	rm -rf $(VENV) clients/python/.venv widget/node_modules models var .pytest_cache .mypy_cache .ruff_cache
