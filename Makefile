# `make run` starts the whole stack and files the demo declarations; `make test` runs the tests.
# Both set up everything on a fresh machine first: uv, the Python packages, and the pinned
# Temporal dev server, built once into a cache outside the checkout.

SHELL := /bin/bash
PYTHON ?= python3
CACHE_DIR ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/lienthong
UV_VERSION := 0.13.8
UV_HOME := $(CACHE_DIR)/uv-$(UV_VERSION)
UV := $(UV_HOME)/bin/uv
RUN := $(UV) run --frozen

export PATH := /usr/local/go/bin:$(PATH)
export LIENTHONG_CACHE_DIR := $(CACHE_DIR)
export UV_PYTHON_DOWNLOADS := never

# apt-get needs root; on a developer's machine that is sudo, as root (CI, a fresh box) nothing.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: run test setup postgresql browser fonts lint format dataset clean faults bench token migration

run: setup fonts
	$(RUN) python -m devstack

# The suite runs twice, side by side: as developers run it (the store in SQLite, workers in the
# test process, fresh for each test), and as the product is deployed (the store on a PostgreSQL
# server of its own, the workers in separate processes, two orchestrator workers sharing the
# load: tests/test_scale_out.py shows both took work). Each run starts its own Temporal server,
# sandbox and ports, and keeps its files and log under var/test-runs/; much of a run is waiting
# on servers, so the two together take about two thirds of the time one after the other. A run
# that fails prints its whole log; one that passes, its summary.
TEST_RUNS := var/test-runs

test: setup postgresql browser fonts
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy .
	$(RUN) lint-imports
	@rm -rf $(TEST_RUNS) && mkdir -p $(TEST_RUNS)
	@echo "pytest on SQLite and on PostgreSQL, side by side: $(TEST_RUNS)/sqlite.log, $(TEST_RUNS)/postgresql.log"
	@LIENTHONG_STORE_FREE_TESTS=skip $(RUN) pytest -p no:cacheprovider --basetemp=$(TEST_RUNS)/sqlite \
		> $(TEST_RUNS)/sqlite.log 2>&1 & sqlite=$$!; \
	LIENTHONG_TEST_STORE=postgresql LIENTHONG_STORE_FREE_TESTS=run \
		$(RUN) pytest -p no:cacheprovider --basetemp=$(TEST_RUNS)/postgresql \
		> $(TEST_RUNS)/postgresql.log 2>&1 & postgresql=$$!; \
	wait $$sqlite; sqlite=$$?; wait $$postgresql; postgresql=$$?; \
	for run in sqlite postgresql; do \
		echo "=== pytest on $$run"; \
		if [ "$${!run}" -eq 0 ]; then tail -n 3 $(TEST_RUNS)/$$run.log; else cat $(TEST_RUNS)/$$run.log; fi; \
	done; \
	[ $$sqlite -eq 0 ] && [ $$postgresql -eq 0 ]

# The PostgreSQL run starts its own throwaway server from Debian's `postgresql` package
# (tests/harness/postgres_server.py); install the package unless its initdb is already here. Debian keeps
# initdb off PATH, in /usr/lib/postgresql/<version>/bin.
postgresql:
	@if ! command -v initdb >/dev/null && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		echo "Installing Debian's postgresql package for the PostgreSQL run of the tests"; \
		$(SUDO) apt-get update && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y --no-install-recommends postgresql; \
	fi

# The operator's view of decoded payloads is checked in a real browser: Debian's headless
# Chromium and its driver (tests/test_codec_in_the_browser.py).
browser:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
		echo "Installing Debian's chromium and chromium-driver for the browser check"; \
		$(SUDO) apt-get update && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y --no-install-recommends chromium chromium-driver; \
	fi

# Electronic results are printed in Vietnamese in DejaVu Sans, from Debian's fonts-dejavu-core
# (adapters/case_worker/result_documents.py).
fonts:
	@if ! test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf; then \
		echo "Installing Debian's fonts-dejavu-core for the electronic results"; \
		$(SUDO) apt-get update && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y --no-install-recommends fonts-dejavu-core; \
	fi

# Every process of the stack and of the tests starts from bytecode compiled here, once: where
# the environment says PYTHONDONTWRITEBYTECODE (as containers often do), each process would
# otherwise compile every module it imports, about 3 s of CPU for a worker.
setup: $(UV)
	$(UV) sync --frozen --compile-bytecode
	$(RUN) python -m compileall -q -j 0 -x '/(\.venv|var|\.git)/' .
	$(RUN) python -m devstack.temporal_server build

$(UV):
	@echo "Installing uv $(UV_VERSION) into $(UV_HOME)"
	$(PYTHON) -m venv $(UV_HOME)
	$(UV_HOME)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

lint: setup
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy .
	$(RUN) lint-imports

format: setup
	$(RUN) ruff format .
	$(RUN) ruff check --fix .

# A signed token for local use: `make token ROLE=portal`, `make token ROLE=citizen
# CITIZEN_ID=001090012345` (the token's subject is that citizen's own), `make token ROLE=operator`
# (for the codec server; AUDIENCE=portal-api for the trust store's routes).
ROLE ?= portal
token: $(UV)
	@$(UV) sync --frozen --quiet
	@$(RUN) --quiet python -m devstack.tokens $(ROLE) \
		$(if $(CITIZEN_ID),--citizen-id $(CITIZEN_ID)) \
		$(if $(AUDIENCE),--audience $(AUDIENCE),$(if $(filter operator,$(ROLE)),--audience codec-server))

# A new revision of the store's schema, after a change to store/models.py:
# `make migration MESSAGE="what changes"`. Alembic compares the models with a scratch store at
# the head revision and writes the difference into store/migrations/versions/, to be read (and
# completed, when rows must move) before it is committed. tests/test_store_migrations.py fails
# while the models and the revisions disagree.
MIGRATION_STORE := sqlite:///$(CURDIR)/var/migration-scratch.db
migration: setup
	@test -n "$(MESSAGE)" || { echo 'Say what changes: make migration MESSAGE="..."'; exit 1; }
	rm -f var/migration-scratch.db*
	DATABASE_URL=$(MIGRATION_STORE) $(RUN) python -m store.migrations upgrade head
	DATABASE_URL=$(MIGRATION_STORE) $(RUN) python -m store.migrations revision --autogenerate \
		-m "$(MESSAGE)"
	rm -f var/migration-scratch.db*

# Regenerate the default sandbox dataset (deterministic: the same seed gives the same files).
dataset: setup
	$(RUN) python -m sandbox.dataset_generator --out sandbox/data/default --seed 2026

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache

# The fault suite: a few hundred declarations through killed workers (the orchestrator's and each
# agency's case worker), an agency outage and a Temporal restart; fails unless nothing is lost or
# duplicated (docs/fault-suite.md).
faults: setup
	$(RUN) python -m devstack.faults.fault_suite

# The benchmark: the product at its peak, a bare workflow of the same shape (the same Nexus
# operations, each backed by a bare handler), and the product at half its peak rate, in one run,
# with the orchestrator's CPU and history events per declaration against the baseline's
# (docs/benchmarks.md). Pass more with BENCH_ARGS, for example
# BENCH_ARGS="--hold 10000" to also hold ten thousand declarations open on the officers.
bench: setup
	$(RUN) python -m devstack.bench $(BENCH_ARGS)
