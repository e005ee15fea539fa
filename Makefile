# metricwatch — run `make` (or `make help`) to list the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO ?= demo
PROJECT ?=
CONFIG ?=
REPORT_ARGS ?=
PYTEST_ARGS ?=
# the suite runs on every core (pytest-xdist; one worker per file keeps module fixtures whole):
# three workers for two cores, as the suite waits a good part of its time (servers starting,
# browsers, timeouts it provokes): 8 min 14 s against 9 min 26 s with one worker per core
# (docs/testing.md)
WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); echo $$(( n + (n + 1) / 2 )))
PYTEST_PARALLEL ?= -n $(WORKERS) --dist loadfile --no-loadscope-reorder

.PHONY: help install chromium report test test-fast demo lab lint format clean failure-modes audit bench-drift

help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# The packages: uv (pinned in requirements.lock) resolves against the same lock and fetches and
# unpacks in parallel (a cold install here: 40 s against pip's 1 min 53 s); pip installs them when
# uv cannot (no uv for this platform, an index only pip is configured for).
# The bytecode (venv and src/) is compiled up front, on every core (`compileall -j 0`), packages'
# own tests/ folders left out: keep it. With PYTHONDONTWRITEBYTECODE set (it is on the machines
# this suite runs on) nothing compiled later is ever cached, and every process of the suite
# would compile mlflow, pandas, … again (measured without any up-front compile: 10 % of the
# suite done after 15 minutes, half of it normally).
$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@if $(BIN)/python -m pip install --quiet -c requirements.lock uv \
	  && $(BIN)/uv pip install --quiet --native-tls --python $(BIN)/python -c requirements.lock -e '.[dev]'; then \
	  echo "Installed the packages of requirements.lock with uv"; \
	else \
	  echo "uv could not install the packages: installing them with pip"; \
	  $(BIN)/python -m pip install --quiet --no-compile -c requirements.lock -e '.[dev]'; \
	fi
	$(BIN)/python -m compileall -q -j 0 -x '/site-packages/.*/tests?/' $(VENV)/lib src
	@touch $(STAMP)

install: $(STAMP) chromium ## Make .venv with the package and its dev tools (only when pyproject.toml changed)

chromium: ## Install Debian's chromium when no Chromium/Chrome is found (root + apt only)
	@if command -v chromium >/dev/null || command -v chromium-browser >/dev/null || command -v google-chrome >/dev/null; then \
	  :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian's chromium (needed for screenshots and PDF)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-color-emoji >/dev/null; \
	else \
	  echo "No Chromium/Chrome found: install it (e.g. 'sudo apt-get install chromium') or set evidence.browser in metricwatch.yaml"; \
	fi

report: install ## The deliverable: reports/metrics_monitoring.{html,pdf} (the demo, or PROJECT=path [CONFIG=file])
	@if [ -z "$(PROJECT)$(CONFIG)" ]; then \
	  test -f $(DEMO)/metricwatch.yaml || $(BIN)/metricwatch demo $(DEMO) --force; \
	  $(BIN)/metricwatch report --config $(DEMO)/metricwatch.yaml --output reports $(REPORT_ARGS); \
	else \
	  $(BIN)/metricwatch report --config "$(or $(CONFIG),$(PROJECT)/metricwatch.yaml)" $(REPORT_ARGS); \
	fi

test: install ## Run the whole test suite (in parallel; PYTEST_PARALLEL= for one process)
	$(BIN)/python -m pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)

test-fast: install ## Run the tests not marked slow
	$(BIN)/python -m pytest -m "not slow" $(PYTEST_PARALLEL) $(PYTEST_ARGS)

demo: install ## Build the embedded demo project into ./demo
	$(BIN)/metricwatch demo $(DEMO) --force

lab: install ## Start JupyterLab on notebooks/
	$(BIN)/jupyter lab --notebook-dir=notebooks

lint: install ## ruff check + format check + mypy (config in pyproject.toml)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/python -m mypy

format: install ## Apply ruff's formatting and safe fixes
	$(BIN)/ruff check --fix src tests benchmarks
	$(BIN)/ruff format src tests benchmarks

clean: ## Remove the venv, build folders, caches and generated reports
	rm -rf $(VENV) build .pytest_cache .ruff_cache .mypy_cache .hypothesis
	find reports -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

audit: install ## pip-audit of requirements.lock (needs the vulnerability database online; not in CI here)
	$(BIN)/python -m pip install --quiet pip-audit
	$(BIN)/python -m pip_audit -r requirements.lock --no-deps --disable-pip

failure-modes: install ## Regenerate docs/failure-modes.md from the fault corpus (tests/faults)
	cd tests/faults && ../../$(BIN)/python corpus.py

bench-drift: install ## Drift benchmark (speed vs Evidently, scaling, 10M streamed, windows, Spark) into benchmarks/RESULTS.md
	$(BIN)/python benchmarks/bench_drift.py $(BENCH_ARGS)
