#!/usr/bin/env bash
# The Debian/Ubuntu packages Handover needs, per purpose, in one place:
#   runtime  the production image: translations (msgfmt), PDF rendering, fonts
#   run      make run: runtime + Python's venv when the venv is still to be made
#   test     make test: run + Chromium for the browser tests
#   ci       .ci/run: test + docker-compose to check the compose file
# Usage: scripts/system_packages.sh runtime|run|test|ci [--dry-run]
# Installs what is missing with apt-get when it can (as root, or through sudo without a
# password); otherwise prints the one command that installs it and exits 1 at once.
# --dry-run only reports and exits 1 when something is missing. SYSTEM_PACKAGES_EXTRA
# (space-separated package names) adds to the list, e.g. for a package only you need.
# Without dpkg (not Debian/Ubuntu) it names what is needed and goes on only when the
# programs the purpose needs are found. PYTHON and VENV are the Makefile's.
set -euo pipefail

RUNTIME_PACKAGES=(gettext fonts-noto-cjk fonts-dejavu-core fonts-liberation libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0)
RUN_PACKAGES=("${RUNTIME_PACKAGES[@]}")
TEST_PACKAGES=("${RUN_PACKAGES[@]}" chromium)
CI_PACKAGES=("${TEST_PACKAGES[@]}" docker-compose)
# What stands for the packages where there is no dpkg to ask; tests/e2e uses /usr/bin/chromium.
RUNTIME_PROGRAMS=(msgfmt)
RUN_PROGRAMS=("${RUNTIME_PROGRAMS[@]}")
TEST_PROGRAMS=("${RUN_PROGRAMS[@]}" /usr/bin/chromium)
CI_PROGRAMS=("${TEST_PROGRAMS[@]}" docker-compose)
PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}

usage() {
	echo "usage: $0 runtime|run|test|ci [--dry-run]" >&2
	exit 2
}

purpose=${1:-}
dry_run=false
case ${2:-} in
"") ;;
--dry-run) dry_run=true ;;
*) usage ;;
esac
case $purpose in
runtime) packages=("${RUNTIME_PACKAGES[@]}") programs=("${RUNTIME_PROGRAMS[@]}") who="Handover" ;;
run) packages=("${RUN_PACKAGES[@]}") programs=("${RUN_PROGRAMS[@]}") who="'make run'" ;;
test) packages=("${TEST_PACKAGES[@]}") programs=("${TEST_PROGRAMS[@]}") who="'make test'" ;;
ci) packages=("${CI_PACKAGES[@]}") programs=("${CI_PROGRAMS[@]}") who="CI (.ci/run)" ;;
*) usage ;;
esac
# Making the venv needs Python 3.11+ with its venv module (Debian and Ubuntu ship that apart).
if [[ $purpose != runtime && ! -x $VENV/bin/python ]]; then
	if ! command -v "$PYTHON" >/dev/null 2>&1; then
		packages+=(python3 python3-venv)
		programs+=("$PYTHON")
	elif ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
		echo "error: Handover needs Python 3.11 or newer; $PYTHON is $("$PYTHON" -V 2>&1)." >&2
		echo "Run it again with a newer one, e.g. 'make $purpose PYTHON=python3.12'." >&2
		exit 1
	elif ! "$PYTHON" -c 'import ensurepip' 2>/dev/null; then
		packages+=(python3-venv)
	fi
fi
# shellcheck disable=SC2206 # a list of names, split on spaces
packages+=(${SYSTEM_PACKAGES_EXTRA:-})

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "note: not a Debian/Ubuntu system; $who needs the equivalents of: ${packages[*]}" >&2
	not_found=()
	for program in "${programs[@]}"; do
		command -v "$program" >/dev/null 2>&1 || not_found+=("$program")
	done
	if ((${#not_found[@]})); then
		echo "error: not found: ${not_found[*]}; install them with your system's package manager" >&2
		exit 1
	fi
	exit 0
fi

missing=()
for package in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$package")
	fi
done
if ((${#missing[@]} == 0)); then
	exit 0
fi

install_args=(install -y --no-install-recommends "${missing[@]}")
if $dry_run; then
	as_root=()
elif [[ $(id -u) -eq 0 ]]; then
	as_root=(env)
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	as_root=(sudo -n env)
else
	as_root=()
fi
if ((${#as_root[@]} == 0)); then
	{
		echo "error: $who needs these Debian/Ubuntu packages, which are not installed: ${missing[*]}"
		echo "Install them (as root), then start again:"
		echo "  sudo apt-get update && sudo apt-get ${install_args[*]}"
	} >&2
	exit 1
fi

echo "installing the system packages $who needs: ${missing[*]}"
"${as_root[@]}" DEBIAN_FRONTEND=noninteractive apt-get update -q
"${as_root[@]}" DEBIAN_FRONTEND=noninteractive apt-get "${install_args[@]}"
