"""A real Celery worker in its own process, reading a queue of the test's own: tests running beside
it (pytest-xdist) share the broker, and must not take each other's tasks."""

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def own_queue(app) -> Iterator[str]:
    """Tasks queued meanwhile go to a new queue, which only a worker started with it reads."""
    queue = f"test-{uuid.uuid4().hex}"
    before = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    try:
        yield queue
    finally:
        app.conf.task_default_queue = before


@contextmanager
def celery_worker(*, queue: str, log: Path, **environment: str) -> Iterator[subprocess.Popen]:
    """A worker (solo pool, as in embedded mode) on the configured broker, reading ``queue``, with
    ``environment`` added to this process's; its output goes to ``log``."""
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "config", "worker", "--queues", queue,
                "--pool=solo", "--without-mingle", "--without-gossip", "--loglevel=info",
            ],
            cwd=ROOT,
            env={**os.environ, "CELERY_BROKER_URL": settings.CELERY_BROKER_URL, **environment},
            stdout=output,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            yield process
        finally:
            process.terminate()
            process.wait(timeout=30)
