"""Production logs one JSON object per line, for a log collector; embedded mode plain lines."""

import json
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from cryptography.fernet import Fernet

from config.log import JsonFormatter
from tests.settings_probe import settings_under

ROOT = Path(__file__).resolve().parents[1]

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 50,
    "ALLOWED_HOSTS": "handover.example.com",
    "HANDOVER_VAULT_KEYS": Fernet.generate_key().decode(),
    "HANDOVER_SIGNING_PASSPHRASE": "a-real-passphrase-for-the-organisation-key",
}

# What a process configured by the settings writes: a line of a module, an error with its
# traceback, a mail in embedded mode's mail log, and two requests that Django logs (one with an
# id given by the proxy, one with a header that is no id).
WRITE = """
import logging
import django
django.setup()
from django.core.mail import send_mail
from django.test import Client

logging.getLogger("handover.tasks").info("Case %s moved on", 42)
try:
    1 / 0
except ZeroDivisionError:
    logging.getLogger("handover.tasks").exception("A task failed")
logging.getLogger("handover.tasks").info("with extras", extra={"secret": "do-not-log-me"})
send_mail("张磊 将于 1月31日 离职", "交接清单", "hr@example.com", ["manager@example.com"])
client = Client(HTTP_HOST="127.0.0.1")
print(client.get("/no-such-page/", HTTP_X_REQUEST_ID="proxy-id.7")["X-Request-ID"])
print(client.get("/no-such-page/", HTTP_X_REQUEST_ID="not an id\\twith tabs")["X-Request-ID"])
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_logs(tmp_path, **env) -> tuple[list[str], list[str]]:
    result = subprocess.run(
        [sys.executable, "-c", WRITE],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k not in ("DEBUG", "LOG_FORMAT", "EMAIL_BACKEND")},
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "HANDOVER_VAR_DIR": str(tmp_path),
            "EMAIL_BACKEND": "config.mail.LogEmailBackend",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines(), result.stderr.splitlines()


def test_json_in_production_and_text_in_embedded_mode():
    assert settings_under("LOG_FORMAT", **PRODUCTION) == {"LOG_FORMAT": "json"}
    assert settings_under("LOG_FORMAT") == {"LOG_FORMAT": "text"}
    assert settings_under("LOG_FORMAT", LOG_FORMAT="json") == {"LOG_FORMAT": "json"}
    assert settings_under("LOG_FORMAT", **PRODUCTION, LOG_FORMAT="text") == {"LOG_FORMAT": "text"}


def test_each_console_line_is_one_json_object(tmp_path):
    ids, lines = write_logs(tmp_path, LOG_FORMAT="json")
    entries = [json.loads(line) for line in lines]
    assert [(e["level"], e["logger"]) for e in entries] == [
        ("INFO", "handover.tasks"),
        ("ERROR", "handover.tasks"),
        ("INFO", "handover.tasks"),
        ("INFO", "handover.mail"),
        ("WARNING", "django.request"),
        ("WARNING", "django.request"),
    ]
    moved, failed, extras, mail, given, made_up = entries
    assert set(moved) == {"time", "level", "logger", "message"}
    assert moved["message"] == "Case 42 moved on"
    assert moved["time"].endswith("+00:00")
    assert failed["message"] == "A task failed"
    assert failed["exception"].startswith("Traceback (most recent call last):")
    assert failed["exception"].endswith("ZeroDivisionError: division by zero")
    # Only the named fields: what a caller attaches is not written.
    assert set(extras) == {"time", "level", "logger", "message"}
    assert "do-not-log-me" not in lines[2]
    # A mail in several lines, in Chinese, is still one line of the log.
    assert mail["message"].startswith("Mail from hr@example.com to manager@example.com\nSubject: 张磊")
    # Django's request lines carry the status and the request's id, the one the client was given.
    assert given["message"] == "Not Found: /no-such-page/"
    assert (given["status_code"], given["request_id"]) == (404, "proxy-id.7")
    assert ids[0] == "proxy-id.7"
    assert made_up["request_id"] == ids[1]
    assert len(ids[1]) == 32
    # A line outside any request has no request id.
    assert "request_id" not in moved


def test_embedded_mode_writes_plain_lines(tmp_path):
    _, lines = write_logs(tmp_path)
    assert lines[0] == "Case 42 moved on"
    assert "Not Found: /no-such-page/" in lines


def test_the_formatter_survives_what_json_cannot_hold():
    record = logging.LogRecord("handover", logging.INFO, __file__, 1, "value %s", (object(),), None)
    record.status_code = "not a number"
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"].startswith("value <object object at ")
    assert "status_code" not in entry


def test_gunicorn_writes_its_own_lines_as_json_in_production(tmp_path):
    """The master's start, a worker booting and the access log: JSON like the application's."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "-b", f"127.0.0.1:{port}"]
    process = subprocess.Popen(
        [*command, "-w", "1", "--access-logfile", "-"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k not in ("DEBUG", "LOG_FORMAT", "DATABASE_URL")},
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "HANDOVER_VAR_DIR": str(tmp_path),
            **PRODUCTION,
            "ALLOWED_HOSTS": "127.0.0.1",
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
    finally:
        process.terminate()
        stdout, stderr = process.communicate(timeout=30)
    lines = [line for line in (stdout + stderr).splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]
    messages = " ".join(entry["message"] for entry in entries)
    assert "Booting worker" in messages and "GET /healthz" in messages
    assert {entry["logger"] for entry in entries} >= {"gunicorn.error", "gunicorn.access"}
