# Handover: everyday commands. `make run` starts the embedded mode (SQLite,
# filesystem broker, real worker + beat); `make test` runs the suite.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
RUFF := $(VENV)/bin/ruff
MANAGE := $(PY) manage.py
# Newer than pyproject.toml means the venv already has what pyproject asks for.
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: install run test lint migrate messages ci

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -e '.[dev]'
	@touch $@

# Only where the project has translations; msgfmt comes from gettext.
messages: install
	@if [ -d locale ]; then \
		if ! command -v msgfmt >/dev/null 2>&1; then \
			echo "error: compiling translations needs gettext (msgfmt), which is not installed." >&2; \
			echo "hint: Debian/Ubuntu: sudo apt-get install gettext   macOS: brew install gettext" >&2; \
			exit 1; \
		fi; \
		$(MANAGE) compilemessages --ignore=$(VENV) --ignore=var; \
	fi

migrate: install
	$(MANAGE) migrate --noinput

# `PORT=8100 make run` (or `make run PORT=8100`) serves on 127.0.0.1:8100; links in mails and
# QR codes follow unless HANDOVER_BASE_URL is set.
PORT ?= 8000

run: install messages migrate
	$(MANAGE) signing_key init --if-missing
	PORT=$(PORT) $(MANAGE) seed_demo
	PORT=$(PORT) bash scripts/run_embedded.sh

# One worker per core (pytest-xdist); each has its own test database.
test: install messages
	$(PY) -m pytest -n auto $(PYTEST_ARGS)

lint: install
	$(RUFF) check .
	$(RUFF) format --check .
	$(VENV)/bin/mypy config accounts handover
	$(MANAGE) makemigrations --check --dry-run

# What CI runs: system packages, services, lint, compose check, both test runs.
ci:
	bash .ci/run
