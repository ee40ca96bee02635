# Hromada — `make help` lists every target.
SHELL := /bin/bash
.DEFAULT_GOAL := help
UV ?= $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
PY := .venv/bin/python
STACK := $(PY) deploy/local/stack.py

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2}'

.PHONY: install
install: ## Install uv if missing, then the locked Python environment (.venv)
	@command -v uv >/dev/null 2>&1 || [ -x "$(HOME)/.local/bin/uv" ] || python3 -m pip install --user --quiet uv
	@$(UV) sync --frozen --quiet

.PHONY: up
up: install ## Start the whole suite locally: Kafka, FerretDB, S3, Jaeger, SMTP sink, services, gateway (first run builds for many minutes)
	@$(STACK) up

.PHONY: up-infra
up-infra: install ## Start only the infrastructure servers
	@$(STACK) up --infra

.PHONY: down
down: ## Stop everything, keep data
	@$(STACK) down

.PHONY: status
status: ## Print every component's endpoint and health as JSON
	@$(STACK) status

.PHONY: clean
clean: ## Stop everything and wipe local state (.stack/); caches stay
	@$(STACK) clean

.PHONY: test
test: install ## Lint, unit and contract tests, then integration and e2e tests on the real local stack
	@bash scripts/test.sh

.PHONY: test-unit
test-unit: install ## Unit and contract tests only (no servers)
	@$(UV) run --frozen pytest -q tests/unit tests/contracts

.PHONY: lint
lint: install ## ruff lint + format check, mypy
	@$(UV) run --frozen ruff check .
	@$(UV) run --frozen ruff format --check .
	@$(UV) run --frozen mypy

.PHONY: format
format: install ## Format the code
	@$(UV) run --frozen ruff format .
	@$(UV) run --frozen ruff check --fix .

.PHONY: cli
cli: install ## Show the `hromada` CLI's commands (stack, tenant, demo seed, token): `uv run hromada --help`
	@$(UV) run --frozen hromada --help

.PHONY: demo
demo: install ## File a few demo appeals in the demo councils through the gateway (needs `make up`)
	@$(UV) run --frozen hromada demo seed

.PHONY: asyncapi
asyncapi: install ## Write each service's AsyncAPI document into docs/asyncapi/
	@$(UV) run --frozen python scripts/asyncapi.py

.PHONY: chart-check
chart-check: install ## Helm chart offline: lint, render (default + production values), K8s 1.33 strict schemas, invariants, image smoke (helm built once into ~/.cache/hromada)
	@$(UV) run --frozen python scripts/chart_check.py

.PHONY: image
image: ## Build one component's image: make image SERVICE=appeals [TAG=dev] (needs docker or podman)
	@test -n "$(SERVICE)" || { echo "make image SERVICE=<gateway|appeals|petitions|budget|queue|payments|notify>"; exit 2; }
	@engine=$$(command -v docker || command -v podman) || { echo "image: no container engine (docker/podman)"; exit 1; }; \
	$$engine build --build-arg SERVICE=$(SERVICE) -t hromada/$(SERVICE):$(or $(TAG),dev) .

.PHONY: bench
bench: install ## Every scenario through the gateway + the machine's ceilings -> bench/results/report.md, latest.json, plots (BENCH_SECONDS=20)
	@$(UV) run --frozen python bench/run.py

.PHONY: screenshots
screenshots: install ## PNGs of the web frontend's main pages -> web/screenshots/ (needs `make up`; Debian's chromium)
	@bash scripts/ensure_chromium.sh
	@$(UV) run --frozen python scripts/web_screenshots.py

.PHONY: fuzz
fuzz: install ## schemathesis on every operation through the gateway, the long form (FUZZ_EXAMPLES=50, coverage phase on; needs `make up`)
	@set -a; [ -f .stack/env ] && . ./.stack/env; set +a; \
	HROMADA_FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-50} HROMADA_FUZZ_COVERAGE=1 $(UV) run --frozen pytest -q tests/fuzz

.PHONY: chaos
chaos: install ## kill -9 each component in turn under load, then check acknowledged writes -> bench/results/chaos.md (never on a shared stack)
	@$(UV) run --frozen python bench/chaos.py

.PHONY: soak
soak: install ## SOAK_MINUTES (30) of steady load; memory growth per process, errors -> bench/results/soak.md
	@$(UV) run --frozen python bench/soak.py
