# Every target documents itself: `make help` lists the lines that carry "## ".
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
# a poetry on PATH wins; otherwise the one `make poetry` installs into $(PYTHON)
POETRY ?= $(or $(shell command -v poetry 2>/dev/null),$(PYTHON) -m poetry)
RUN := $(POETRY) run
LIB := airbyte_provisioning sandboxes devtools benchmarks deploy/build_connector_image.py

.PHONY: help poetry install lint fmt test demo sync image publish bench refresh-specs clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  \033[36m%-15s\033[0m %s\n", $$1, $$2}'

poetry: ## Install Poetry when it is missing
	@$(POETRY) --version >/dev/null 2>&1 || { echo "installing poetry into $(PYTHON)"; \
	  $(PYTHON) -m pip install --quiet 'poetry>=2.1,<3' || \
	  $(PYTHON) -m pip install --quiet --user --break-system-packages 'poetry>=2.1,<3'; }

install: poetry ## Install the project and its dev tools into .venv (poetry install)
	@$(POETRY) install --no-interaction --quiet

lint: install ## ruff check, ruff format --check, mypy on the library code
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy $(LIB)

fmt: install ## Apply ruff formatting and safe fixes
	$(RUN) ruff check --fix .
	$(RUN) ruff format .

test: install lint ## Install everything, lint, and run the whole offline test suite
	$(RUN) pytest -q

demo: install ## The whole stack rehearsed locally on embedded defaults (sandboxes, connectors into DuckDB, provisioning)
	$(RUN) python -m devtools.demo

sync: install ## Run a connector into DuckDB keeping state: make sync CONNECTOR=tiktok-ads CONFIG=secrets/tiktok.json
	@test -n "$(CONNECTOR)" -a -n "$(CONFIG)" || { echo "usage: make sync CONNECTOR=<linkedin-ads|tiktok-ads> CONFIG=<config.json> [DUCKDB=local.duckdb]"; exit 2; }
	$(RUN) python -m airbyte_provisioning.cli sync --connector $(CONNECTOR) --config $(CONFIG) --duckdb $(or $(DUCKDB),local.duckdb)

image: install ## Build a connector's manifest-only image: make image CONNECTOR=linkedin-ads [ARGS="--dry-run --tag dev"]
	@test -n "$(CONNECTOR)" || { echo "usage: make image CONNECTOR=<linkedin-ads|tiktok-ads> [ARGS=...]"; exit 2; }
	$(RUN) python deploy/build_connector_image.py $(CONNECTOR) $(ARGS)

publish: install ## Publish the custom connectors into AIRBYTE_WORKSPACE_ID: make publish [ENV_FILE=.env] [ARGS=--dry-run]
	$(RUN) python scripts/publish_custom_connectors.py --env-file $(or $(ENV_FILE),.env) $(ARGS)

bench: install ## Benchmarks (not part of make test); BENCH=name runs one
	$(RUN) python -m benchmarks $(BENCH)

refresh-specs: install ## Regenerate the pinned spec snapshots of the official connectors (needs PyPI)
	$(RUN) python scripts/refresh_specs.py

clean: ## Remove caches and local outputs
	rm -rf .pytest_cache .mypy_cache .ruff_cache .tmp build dist
