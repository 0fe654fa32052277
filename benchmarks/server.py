"""Handover served as in production for the load scripts (throughput.py, load.py): gunicorn with
DEBUG=0 and hashed static files, against a benchmark database, with one extra URL, a bare Django
view (/bench/bare/) that goes through the same middleware; a Celery worker beside it; signed-in
sessions made in the database; wrk (a C load generator) to drive it.

The scripts import it as ``server`` (Python puts the script's own folder first on sys.path).
"""

from __future__ import annotations

import functools
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from harness import ROOT, sign_in

HERE = Path(__file__).resolve().parent
BARE = "/bench/bare/"
# What the TLS proxy adds to every request: the scheme it came in by. A server started with
# BEHIND_HTTPS_PROXY=1 sends a request without it to HTTPS; any other ignores it.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


def require_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit(
            "These figures are measured with wrk, which is not installed. "
            "Debian/Ubuntu: sudo apt-get install wrk   macOS: brew install wrk"
        )
    return wrk


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def share_secret_key() -> None:
    """One secret key of this run for the script and the server, set before Django starts: the
    sessions the script signs in are signed with it."""
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(48)


@functools.cache
def run_keys() -> dict[str, str]:
    """Fresh keys of this run only, the same for every process it starts (web, worker, commands)."""
    from cryptography.fernet import Fernet

    return {
        "HANDOVER_VAULT_KEYS": Fernet.generate_key().decode(),
        "HANDOVER_SIGNING_PASSPHRASE": secrets.token_urlsafe(24),
    }


def production_environment(database_url: str, runtime_dir: Path, **extra: str) -> dict[str, str]:
    """What gunicorn and the worker run with: DEBUG=0, the run's secret key and keys, and ``extra``
    (e.g. BEHIND_HTTPS_PROXY, CELERY_BROKER_URL)."""
    if "SECRET_KEY" not in os.environ:
        raise RuntimeError("call share_secret_key() before Django starts")

    runtime_dir.mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "DEBUG": "0",
        "DATABASE_URL": database_url,
        "HANDOVER_VAR_DIR": str(runtime_dir),
        "STATIC_ROOT": str(runtime_dir / "static"),
        **run_keys(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "PYTHONPATH": os.pathsep.join([str(HERE), str(ROOT)]),
        **extra,
    }


@contextmanager
def gunicorn(database_url: str, runtime_dir: Path, workers: int = 2, log: Path | None = None, **extra: str):
    """Collect the static files, start gunicorn (sync workers, as the Dockerfile), wait until it
    answers, yield its base URL; stop it afterwards. ``extra``: more environment. Its output goes to
    ``log``; without one, its access log (stdout, a line a request if gunicorn.conf.py turns it on)
    is dropped and its warnings and errors (stderr) show here."""
    environment = production_environment(database_url, runtime_dir, **extra)
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"],
        env=environment,
        check=True,
        cwd=ROOT,
    )
    port = free_port()
    output = open(log or os.devnull, "w")  # noqa: SIM115 (closed with the server, below)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        env=environment,
        cwd=ROOT,
        stdout=output,
        stderr=output if log else None,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                probe = urllib.request.Request(base + BARE, headers=PROXY_HEADERS)
                with urllib.request.urlopen(probe, timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not answer within 20 s")
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        output.close()


@contextmanager
def celery_worker(database_url: str, runtime_dir: Path, log: Path, *options: str, **extra: str):
    """A Celery worker on the server's broker and cache (those of ``runtime_dir`` and ``extra``),
    with ``options`` (e.g. --pool=solo); its log, at INFO, goes to ``log``. Yields the process;
    stops it afterwards (TERM: a task already running finishes first)."""
    environment = production_environment(database_url, runtime_dir, LOG_LEVEL="INFO", **extra)
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel=info", *options],
            env=environment,
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            yield process
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)


def empty_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    if client.connection_pool.connection_kwargs.get("db", 0) == 0:
        raise SystemExit(
            "Refusing to empty Redis database 0: give a scratch database, e.g. redis://host:6379/13."
        )
    client.flushdb()


def session_cookie(username: str) -> str:
    """A signed-in session of ``username``, stored in the database the server reads."""
    from django.conf import settings
    from django.test import Client

    from accounts.models import User

    client = Client()
    sign_in(client, User.objects.get(username=username))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


@dataclass
class Run:
    requests_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    requests: int
    errors: int  # socket errors, timeouts and answers other than 2xx


# Requests go round the users, each user round their own pages; at the end, the latency
# percentiles and the errors, one line, for the script to read.
LUA = """
local users = {%(users)s}
local counter = 0
local turns = {}
function request()
  counter = counter + 1
  local user = users[(counter %% #users) + 1]
  local turn = (turns[user] or 0) + 1
  turns[user] = turn
  local path = user.paths[(turn %% #user.paths) + 1]
  return wrk.format("GET", path, {
    ["Cookie"] = user.cookie, ["Accept-Language"] = "en", ["X-Forwarded-Proto"] = "https"})
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%f %%f %%f %%f %%d %%d\\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.requests, e.connect + e.read + e.write + e.timeout + e.status))
end
"""


def wrk(
    base: str,
    sessions: list[tuple[str, list[str]]],
    *,
    seconds: int,
    connections: int,
    threads: int = 1,
) -> Run:
    """Drive the server for ``seconds`` with ``connections`` open connections; requests go round
    ``sessions`` (a cookie and the pages that user opens, in turn)."""

    def quoted(values: list[str]) -> str:
        return ", ".join(f'"{v}"' for v in values)

    users = ", ".join(f'{{cookie = "{cookie}", paths = {{{quoted(paths)}}}}}' for cookie, paths in sessions)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(LUA % {"users": users})
    try:
        output = subprocess.run(
            [
                require_wrk(),
                f"-t{threads}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "30s",
                "-s",
                handle.name,
                base + sessions[0][1][0],
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(handle.name)
    match = re.search(r"^RESULT (\S+) (\S+) (\S+) (\S+) (\d+) (\d+)$", output, re.MULTILINE)
    if match is None:
        raise SystemExit(f"wrk printed no result:\n{output}")
    rate, p50, p95, p99, count, errors = match.groups()
    return Run(float(rate), float(p50), float(p95), float(p99), int(count), int(errors))


def check_page(base: str, path: str, cookie: str, marker: str) -> None:
    """One GET as that user: it must answer 200 with ``marker`` in the page (not a login page)."""
    request = urllib.request.Request(base + path, headers={"Cookie": cookie, **PROXY_HEADERS})
    with urllib.request.urlopen(request, timeout=30) as answer:
        body = answer.read().decode()
    if answer.status != 200 or marker not in body:
        raise SystemExit(f"GET {path} did not show {marker!r} (status {answer.status})")
