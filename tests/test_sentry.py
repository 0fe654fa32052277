"""Errors go to Sentry when SENTRY_DSN is set, through sentry-sdk's own transport to a server this
test runs, and carry nothing secret from the request that failed; without a DSN nothing is set up."""

import gzip
import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PASSWORD = "Correct-Horse-Battery-9"
TOKEN = "Bearer an-api-token-from-the-hris"


class Collector(BaseHTTPRequestHandler):
    """Sentry's ingestion endpoint as far as a client can tell: takes each envelope, answers 200."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            # sentry-sdk compresses with Brotli when it is installed (WeasyPrint's fonttools brings it).
            import brotli

            body = brotli.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        self.server.envelopes.append(body)  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format, *args):
        pass


@pytest.fixture
def sentry_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Collector)
    server.envelopes = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def child_env(tmp_path, **env) -> dict[str, str]:
    """Settings are read once, at import: a process of its own, whose database has no tables yet,
    as on a deploy that forgot to migrate."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SENTRY_", "DEBUG", "DATABASE_URL"))},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "HANDOVER_VAR_DIR": str(tmp_path / "never-migrated"),
        **env,
    }


@pytest.fixture
def web_server(tmp_path, sentry_server):
    """gunicorn, as in production, reporting to the collector above."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "-b", f"127.0.0.1:{port}", "-w", "1"],
        cwd=ROOT,
        env=child_env(
            tmp_path,
            SENTRY_DSN=f"http://public-key@127.0.0.1:{sentry_server.server_address[1]}/7",
            SENTRY_ENVIRONMENT="staging",
            SENTRY_RELEASE="handover@1.2.3",
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                # The server this fixture started.
                with urllib.request.urlopen(f"{base}/healthz", timeout=2):  # noqa: S310
                    break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def envelopes_of(server, timeout: float = 15) -> list[bytes]:
    deadline = time.monotonic() + timeout
    while not server.envelopes and time.monotonic() < deadline:
        time.sleep(0.1)
    return server.envelopes


def test_an_error_in_a_view_is_reported_without_the_secrets_of_the_request(sentry_server, web_server):
    cookies = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
    with browser.open(f"{web_server}/accounts/login/") as page:
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode())[1]
    [csrf_cookie] = [cookie.value for cookie in cookies if cookie.name == "csrftoken"]
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "username": "hana", "password": PASSWORD})
    request = urllib.request.Request(  # noqa: S310 (the server the fixture started)
        f"{web_server}/accounts/login/?next=/cases/", data=form.encode(), headers={"Authorization": TOKEN}
    )
    with pytest.raises(urllib.error.HTTPError) as answer:
        browser.open(request)
    assert answer.value.code == 500

    [envelope] = envelopes_of(sentry_server)
    _header, item_header, payload = envelope.split(b"\n", 2)
    assert json.loads(item_header)["type"] == "event"
    event = json.loads(payload)
    # The database's error, and Django's that wraps it.
    exception = event["exception"]["values"][-1]
    assert exception["type"] == "OperationalError"
    assert "no such table" in exception["value"]
    assert (event["environment"], event["release"]) == ("staging", "handover@1.2.3")
    assert (event["request"]["method"], event["request"]["url"]) == ("POST", f"{web_server}/accounts/login/")
    # Where it failed is there (checking the password), without the values the code held.
    frames = [frame for value in event["exception"]["values"] for frame in value["stacktrace"]["frames"]]
    assert any(frame["function"] == "authenticate" for frame in frames)
    assert not any("vars" in frame for frame in frames)
    assert "user" not in event
    text = envelope.decode()
    for secret in (PASSWORD, TOKEN.split()[1], csrf, csrf_cookie, "hana"):
        assert secret not in text


def test_nothing_is_set_up_without_a_dsn(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); import sentry_sdk; print(sentry_sdk.get_client().is_active())",
        ],
        cwd=ROOT,
        env=child_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stdout) == (0, "False\n"), result.stderr
