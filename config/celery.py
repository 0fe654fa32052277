import fcntl
import functools
import hashlib
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ParamSpec, TypeVar

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("handover")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def exclusive(name: str) -> Iterator[bool]:
    """Whether this run holds the lock ``name``, for as long as the block runs; False at once when
    another process holds it.

    The database is what every beat, worker and web process reaches, whatever the broker. On
    PostgreSQL a session advisory lock: it goes with the connection, so a worker killed mid-run
    leaves no stale lock and there is no expiry to guess. SQLite lives on one machine, so a file
    lock in the var folder, which the web server and the worker share, does the same there.
    """
    from django.conf import settings
    from django.db import connection

    if connection.vendor == "postgresql":
        key = int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            held = bool(cursor.fetchone()[0])
        try:
            yield held
        finally:
            # A connection lost during the run took the lock with it.
            if held and connection.is_usable():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
        return
    folder = Path(settings.VAR_DIR) / "locks"
    folder.mkdir(exist_ok=True)
    # One lock per database, as PostgreSQL's advisory locks are: processes that share the var
    # folder but not the database (tests side by side) do not hold each other back.
    database = hashlib.blake2b(str(connection.settings_dict["NAME"]).encode(), digest_size=4).hexdigest()
    with open(folder / f"{name}-{database}.lock", "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def one_at_a_time(function: Callable[P, R]) -> Callable[P, R | None]:
    """For a periodic task: a run that starts while another is under way does nothing and returns
    None. A second beat (one started by mistake, or an old one still running during a deploy)
    then sends nothing twice; a run after the first has finished finds the work done, because
    each task is idempotent on its own."""
    name = f"{function.__module__}.{function.__name__}"

    @functools.wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R | None:
        with exclusive(name) as held:
            if not held:
                logger.info("%s skipped: another run of it is under way", name)
                return None
            return function(*args, **kwargs)

    return run
