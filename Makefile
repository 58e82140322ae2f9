# Every target documents itself: `make help` lists the lines that carry "## ".
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
# a poetry on PATH wins; otherwise the one `make poetry` installs into $(PYTHON)
POETRY ?= $(or $(shell command -v poetry 2>/dev/null),$(PYTHON) -m poetry)
RUN := $(POETRY) run
# the prerequisite of every target that runs code; `make <target> INSTALL=` skips it when .venv is
# already up to date (RUN= then runs the tools from PATH, e.g. PATH=.venv/bin:$PATH)
INSTALL := install
LIB := airbyte_provisioning sandboxes devtools benchmarks deploy/build_connector_image.py

.PHONY: help poetry install lint fmt test demo sandboxes sync image publish versions bench refresh-specs clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  \033[36m%-15s\033[0m %s\n", $$1, $$2}'

poetry: ## Install Poetry when it is missing
	@$(POETRY) --version >/dev/null 2>&1 || { echo "installing poetry into $(PYTHON)"; \
	  $(PYTHON) -m pip install --quiet 'poetry>=2.1,<3' || \
	  $(PYTHON) -m pip install --quiet --user --break-system-packages 'poetry>=2.1,<3'; }

install: poetry ## Install the project and its dev tools into .venv (poetry install)
	@$(POETRY) install --no-interaction --quiet

lint: $(INSTALL) ## ruff check, ruff format --check, mypy on the library code
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy $(LIB)

fmt: $(INSTALL) ## Apply ruff formatting and safe fixes
	$(RUN) ruff check --fix .
	$(RUN) ruff format .

test: $(INSTALL) lint ## Install everything, lint, and run the whole offline test suite
	$(RUN) pytest -q tests
	@# one session per connector, as Airbyte runs them: each folder's unit_tests/ is a package of
	@# that name, so two connectors in one session would shadow each other's test modules
	@for folder in connectors/source-*/; do echo "pytest $$folder"; $(RUN) pytest -q "$$folder" || exit 1; done

demo: $(INSTALL) ## The whole stack rehearsed locally on embedded defaults (sandboxes, connectors into DuckDB, provisioning) [ARGS=--json]
	$(RUN) python -m devtools.demo $(ARGS)

sandboxes: $(INSTALL) ## The Airbyte API, TikTok and LinkedIn sandboxes on 127.0.0.1:8000/8765/8771 until Ctrl-C; prints the .env lines [ARGS=--env-file .env]
	$(RUN) python -m devtools.sandboxes $(ARGS)

# Targets that run a command of the registry (airbyte_provisioning/commands/registry.py) call it as
# `airbyte-stack <command>`; tests/commands/test_registry.py checks they match the registry.
sync: $(INSTALL) ## Run a connector into DuckDB keeping state: make sync CONNECTOR=tiktok-ads CONFIG=secrets/tiktok.json
	@test -n "$(CONNECTOR)" -a -n "$(CONFIG)" || { echo "usage: make sync CONNECTOR=<linkedin-ads|tiktok-ads> CONFIG=<config.json> [DUCKDB=local.duckdb] [ARGS=--streams ...]"; exit 2; }
	$(RUN) airbyte-stack sync --connector $(CONNECTOR) --config $(CONFIG) --duckdb $(or $(DUCKDB),local.duckdb) $(ARGS)

image: $(INSTALL) ## Build a connector's manifest-only image: make image CONNECTOR=linkedin-ads [ARGS="--dry-run --tag dev"]
	@test -n "$(CONNECTOR)" || { echo "usage: make image CONNECTOR=<linkedin-ads|tiktok-ads> [ARGS=...]"; exit 2; }
	$(RUN) python deploy/build_connector_image.py $(CONNECTOR) $(ARGS)

publish: $(INSTALL) ## Publish the custom connectors into AIRBYTE_WORKSPACE_ID: make publish [ENV_FILE=.env] [ARGS=--dry-run]
	$(RUN) airbyte-stack publish --env-file $(or $(ENV_FILE),.env) $(ARGS)

versions: $(INSTALL) ## Warn when a connector's pinned API version (LinkedIn-Version) is near or past its sunset [ARGS=--strict]
	$(RUN) airbyte-stack versions $(ARGS)

bench: $(INSTALL) ## Benchmarks (not part of make test); BENCH=name runs one
	$(RUN) python -m benchmarks $(BENCH)

refresh-specs: $(INSTALL) ## Regenerate the pinned spec snapshots of the official connectors (needs PyPI) [ARGS=--only ...]
	$(RUN) airbyte-stack refresh-specs $(ARGS)

clean: ## Remove caches and local outputs
	rm -rf .pytest_cache .mypy_cache .ruff_cache .tmp build dist
