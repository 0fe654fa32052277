"""Every user-facing string is translated into both Chinese scripts, and the catalogues are current."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ["zh_Hans", "zh_Hant"]
SOURCES = ["accounts", "config", "handover", "templates", "manage.py"]


def statistics(po: Path) -> str:
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stderr


@pytest.fixture(scope="module")
def fresh_catalogues(tmp_path_factory) -> Path:
    """The catalogues as makemessages would write them from today's code, in a copy of the tree."""
    copy = tmp_path_factory.mktemp("tree")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, copy / name)
    shutil.copytree(ROOT / "locale", copy / "locale")
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--no-obsolete", *(f"-l{code}" for code in LOCALES)],
        cwd=copy,
        capture_output=True,
        check=True,
    )
    return copy / "locale"


@pytest.mark.parametrize("code", LOCALES)
def test_catalogue_is_complete_and_current(fresh_catalogues, code):
    report = statistics(fresh_catalogues / code / "LC_MESSAGES" / "django.po")
    assert re.fullmatch(r"\d+ translated messages\.\n", report), (
        f"{code}: {report.strip()} — run makemessages and translate what is new"
    )
