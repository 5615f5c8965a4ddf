# Bearing — the two commands: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
# The port `make run` serves on (make run PORT=8010); links in emails follow it.
PORT ?= 8000
export PORT
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# Find a Python >= 3.12: $PYTHON, the pyenv version named in .python-version, then PATH.
PYTHON_VERSION_FILE := $(shell cat .python-version 2>/dev/null)
FIND_PYTHON := for c in "$$PYTHON" \
	"$${PYENV_ROOT:-$$HOME/.pyenv}/versions/$(PYTHON_VERSION_FILE)/bin/python" \
	python3.13 python3.12 python3; do \
	  [ -n "$$c" ] || continue; \
	  p=$$(command -v "$$c" 2>/dev/null) || continue; \
	  "$$p" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null && { echo "$$p"; exit 0; }; \
	done; exit 1

.PHONY: help
help:
	@echo "make run    set up (first time) and serve Bearing on http://127.0.0.1:$(PORT) with its task worker"
	@echo "make test   lint, migrations check, the suite on SQLite, PostgreSQL and in Chromium"
	@echo "make seed SCALE=0.01   build a large deterministic data set for benchmarks"
	@echo "make bench SCALE=0.05  every page of every role under the production server, beside the floor"
	@echo "make eval-companion   measure the companion, safety net, transcript coder and role-play on their frozen sets"

$(STAMP): pyproject.toml requirements-dev.lock
	@py=$$($(FIND_PYTHON)) || { \
	  echo "Bearing needs Python 3.12 or newer and none was found."; \
	  echo "Install one (for example: pyenv install $(PYTHON_VERSION_FILE)) or set PYTHON=/path/to/python3.12."; \
	  exit 1; }; \
	if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)'; then \
	  echo "Creating $(VENV) with $$py"; rm -rf $(VENV); "$$py" -m venv $(VENV); fi
	$(PY) -m pip install --quiet --upgrade pip
	@# Development and tests: the runtime pins plus the dev tools. Production installs
	@# requirements.lock only (see the README).
	$(PY) -m pip install --quiet -r requirements-dev.lock
	@# Quiet setuptools' editable-install banner: a newcomer needs no warning about folders.
	PYTHONWARNINGS="ignore:Editable installation" $(PY) -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

.PHONY: install
install: $(STAMP)

.PHONY: migrate
migrate: install
	$(PY) manage.py migrate --noinput

.PHONY: demo
demo: migrate
	$(PY) manage.py demo_data --if-empty

.PHONY: run
run: demo
	@$(PY) manage.py runall

.PHONY: seed
seed: migrate
	$(PY) manage.py seed --scale $(or $(SCALE),0.01)

# Seeds (once) SQLite and PostgreSQL at SCALE, serves with `manage.py serve`, drives every
# page at USERS concurrent users beside /healthz; writes docs/bench/scale-<SCALE>.md.
DATABASES ?= sqlite,postgres
USERS ?= 1,8
.PHONY: bench
bench: install
	nice -n 10 $(PY) scripts/bench.py --scale $(or $(SCALE),0.05) \
		--databases $(DATABASES) --users $(USERS)

.PHONY: eval-companion
eval-companion: install
	$(PY) manage.py eval_companion

.PHONY: lint
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

.PHONY: test
test: install
	@$(PY) scripts/test_layers.py

.PHONY: lock
lock:
	@echo "Regenerate requirements.lock (runtime) and requirements-dev.lock (runtime + dev tools)"
	@echo "from the pins in pyproject.toml, each in a clean virtual environment. FRESH=1 lets"
	@echo "the unpinned packages move to their newest versions."
	@py=$$($(FIND_PYTHON)) || { echo "Bearing needs Python 3.12 or newer."; exit 1; }; \
	FRESH=$(FRESH) "$$py" scripts/lock.py
