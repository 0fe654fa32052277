"""`PORT=8100 make run`: the server, the worker and every printed or mailed link use that port."""

import os
import stat
import subprocess
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from tests.settings_probe import ROOT, settings_under


def test_base_url_defaults_to_port_8000():
    assert settings_under("HANDOVER_BASE_URL") == {"HANDOVER_BASE_URL": "http://127.0.0.1:8000"}


def test_base_url_follows_port():
    assert settings_under("HANDOVER_BASE_URL", PORT="8100") == {"HANDOVER_BASE_URL": "http://127.0.0.1:8100"}


def test_an_explicit_base_url_wins_over_port():
    probe = settings_under("HANDOVER_BASE_URL", PORT="8100", HANDOVER_BASE_URL="https://handover.example.com")
    assert probe == {"HANDOVER_BASE_URL": "https://handover.example.com"}


def fake_venv(folder: Path) -> Path:
    """A venv whose python and celery only note how they were started (the server waits until
    the worker has, so that stopping the worker cannot race its note)."""
    log = folder / "started.log"
    scripts = {
        "celery": f'echo "celery PORT=$PORT $*" >> {log}\n',
        "python": (
            f"for _ in $(seq 100); do grep -q celery {log} 2>/dev/null && break; sleep 0.1; done\n"
            f'echo "python PORT=$PORT $*" >> {log}\n'
        ),
    }
    (folder / "bin").mkdir()
    for name, body in scripts.items():
        script = folder / "bin" / name
        script.write_text("#!/bin/sh\n" + body)
        script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return log


def run_script(venv: Path, port: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "scripts/run_embedded.sh"],
        cwd=ROOT,
        env={**os.environ, "VENV": str(venv), "PORT": port},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_run_script_serves_on_port_and_gives_the_worker_the_same_port(tmp_path):
    log = fake_venv(tmp_path)
    result = run_script(tmp_path, "8100")
    assert result.returncode == 0, result.stderr
    started = log.read_text().splitlines()
    assert "python PORT=8100 manage.py runserver 127.0.0.1:8100" in started
    assert any(line.startswith("celery PORT=8100 -A config worker") for line in started)
    assert "http://127.0.0.1:8100/" in result.stdout


def test_run_script_refuses_a_port_that_is_not_a_port(tmp_path):
    log = fake_venv(tmp_path)
    result = run_script(tmp_path, "80a")
    assert result.returncode == 2
    assert "PORT must be a TCP port number" in result.stderr
    assert not log.exists()


def test_seed_demo_prints_the_base_url(settings, case):
    """With a case in the database the command only makes sure of the people and prints."""
    settings.HANDOVER_BASE_URL = "http://127.0.0.1:8100"
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "Log in at http://127.0.0.1:8100 with any of these" in out.getvalue()
