# Handover: everyday commands. `make run` starts the embedded mode (SQLite,
# filesystem broker, real worker + beat); `make test` runs the suite.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
RUFF := $(VENV)/bin/ruff
MANAGE := $(PY) manage.py
# Newer than the lock and pyproject.toml means the venv already has what they pin.
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
# Every Python dependency (main, dev and the build backend), pinned with the hashes of its
# files on PyPI; requirements-prod.lock is its production part, for the Docker image.
LOCK := requirements.lock
PROD_LOCK := requirements-prod.lock

.PHONY: install run test lint migrate messages ci lock system-packages-run system-packages-test

install: $(STAMP)

# Exactly the locked versions; the project itself last, built by the locked setuptools.
$(STAMP): $(LOCK) pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --require-hashes -r $(LOCK)
	$(PIP) install --no-deps --no-build-isolation -e .
	@touch $@

# Re-pins after a change to pyproject.toml, keeping every pin it still allows;
# `make lock UPGRADE=1` moves every package to the newest version allowed. Resolved on PyPI
# for every platform and Python 3.11+ (pip's local configuration plays no part).
UV_COMPILE := $(VENV)/bin/uv pip compile --quiet --no-config --default-index https://pypi.org/simple \
	--universal --python-version 3.11 --generate-hashes --custom-compile-command 'make lock' \
	$(if $(UPGRADE),--upgrade)
BUILD_REQUIRES := $(PY) -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['build-system']['requires'], sep='\n')"

lock: install
	$(BUILD_REQUIRES) | $(UV_COMPILE) pyproject.toml - --extra dev -o $(LOCK)
	$(BUILD_REQUIRES) | $(UV_COMPILE) pyproject.toml - --constraint $(LOCK) -o $(PROD_LOCK)
	@$(MAKE) --no-print-directory install

# The Debian/Ubuntu packages (scripts/system_packages.sh has the list): installed when
# root or passwordless sudo allows, else the one command that installs them, at once.
system-packages-run:
	@PYTHON=$(PYTHON) VENV=$(VENV) bash scripts/system_packages.sh run

system-packages-test:
	@PYTHON=$(PYTHON) VENV=$(VENV) bash scripts/system_packages.sh test

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

run: system-packages-run install messages migrate
	$(MANAGE) signing_key init --if-missing
	PORT=$(PORT) $(MANAGE) seed_demo
	PORT=$(PORT) bash scripts/run_embedded.sh

# One worker per core (pytest-xdist); each has its own test database.
test: system-packages-test install messages
	$(PY) -m pytest -n auto $(PYTEST_ARGS)

lint: install
	$(RUFF) check .
	$(RUFF) format --check .
	$(VENV)/bin/mypy config accounts handover
	$(MANAGE) makemigrations --check --dry-run

# What CI runs: system packages, services, lint, compose check, both test runs.
ci:
	bash .ci/run
