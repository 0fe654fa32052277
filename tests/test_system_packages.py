"""scripts/system_packages.sh, which `make run`, `make test`, CI and the Docker image run first:
a missing Debian package stops them at once with the one command that installs it."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "system_packages.sh"


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(SCRIPT), *args],
        cwd=ROOT,
        env={**os.environ, "PYTHON": sys.executable, **env},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


@pytest.mark.skipif(shutil.which("dpkg-query") is None, reason="needs Debian/Ubuntu's dpkg")
def test_a_missing_package_stops_at_once_with_the_command_that_installs_it():
    started = time.monotonic()
    result = run("test", "--dry-run", SYSTEM_PACKAGES_EXTRA="handover-no-such-package")
    assert time.monotonic() - started < 5
    assert result.returncode == 1
    assert "'make test' needs these Debian/Ubuntu packages" in result.stderr
    assert "handover-no-such-package" in result.stderr
    command = "sudo apt-get update && sudo apt-get install -y --no-install-recommends"
    assert f"  {command} " in result.stderr
    assert result.stderr.rstrip().endswith("handover-no-such-package")


def test_an_unknown_purpose_is_refused():
    result = run("everything")
    assert result.returncode == 2
    assert "usage:" in result.stderr


def without_dpkg(folder: Path, *programs: str) -> str:
    """A PATH with bash and the named programs from this machine, and no dpkg."""
    folder.mkdir()
    for program in ("bash", "grep", "id", *programs):
        found = shutil.which(program)
        assert found, program
        (folder / program).symlink_to(found)
    return str(folder)


def test_elsewhere_it_goes_on_when_the_programs_are_found(tmp_path):
    if shutil.which("msgfmt") is None:
        pytest.skip("needs msgfmt (gettext)")
    result = run("run", PATH=without_dpkg(tmp_path / "bin", "msgfmt"))
    assert result.returncode == 0, result.stderr
    assert "not a Debian/Ubuntu system" in result.stderr
    assert "gettext" in result.stderr


def test_elsewhere_it_stops_when_a_program_is_missing(tmp_path):
    result = run("run", PATH=without_dpkg(tmp_path / "bin"))
    assert result.returncode == 1
    assert "error: not found: msgfmt" in result.stderr


def test_a_python_older_than_3_11_is_named_before_any_install(tmp_path):
    old_python = tmp_path / "python3.10"
    old_python.write_text('#!/bin/sh\n[ "$1" = -V ] && echo "Python 3.10.12" && exit 0\nexit 1\n')
    old_python.chmod(0o755)
    result = run("run", PYTHON=str(old_python), VENV=str(tmp_path / "no-venv-yet"))
    assert result.returncode == 1
    assert "Handover needs Python 3.11 or newer" in result.stderr
    assert "Python 3.10.12" in result.stderr
    assert "make run PYTHON=python3.12" in result.stderr
