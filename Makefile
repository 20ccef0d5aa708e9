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

.PHONY: run test setup lint format dataset clean

run: setup
	$(RUN) python -m local_stack

test: setup
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy .
	$(RUN) pytest

setup: $(UV)
	$(UV) sync --frozen
	$(RUN) python -m temporal_devserver build

$(UV):
	@echo "Installing uv $(UV_VERSION) into $(UV_HOME)"
	$(PYTHON) -m venv $(UV_HOME)
	$(UV_HOME)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

lint: setup
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy .

format: setup
	$(RUN) ruff format .
	$(RUN) ruff check --fix .

# Regenerate the default sandbox dataset (deterministic: the same seed gives the same files).
dataset: setup
	$(RUN) python -m sandbox_agencies.dataset_generator --out sandbox_data/default --seed 2026

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
