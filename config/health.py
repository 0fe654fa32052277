"""/healthz and /readyz for orchestrators and docker-compose healthchecks.

Answered by a middleware at the head of MIDDLEWARE, before anything else runs: a probe comes
over plain HTTP from inside the network, addressed by IP, so it must not meet the HTTPS
redirect, the ALLOWED_HOSTS check, sessions, sign-in or two-factor checks. Both are anonymous,
never cached, and say nothing a visitor could use: check names and ``ok``/``failed``, the detail
only in the log.
"""

import hashlib
import logging
import uuid
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

OK = "ok"
FAILED = "failed"


def healthz(request: HttpRequest) -> HttpResponse:
    """Alive: the process answers. Touches nothing else, so a database outage does not get every
    web container restarted."""
    return HttpResponse("ok", content_type="text/plain")


def readyz(request: HttpRequest) -> HttpResponse:
    """Ready for traffic: 200 and each check's ``ok``, or 503 naming the checks that failed."""
    results = {name: _run(name, check) for name, check in CHECKS.items()}
    ready = all(result == OK for result in results.values())
    response = JsonResponse(
        {"status": OK if ready else FAILED, "checks": results}, status=200 if ready else 503
    )
    # Each failed check has its warning above. Django would add an error line per probe (every
    # few seconds while, say, the database restarts), and Sentry an event for each.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def _run(name: str, check: Callable[[], None]) -> str:
    try:
        check()
    except Exception as error:
        # The class and message name the cause (connection refused, permission denied, wrong
        # passphrase) without a traceback; none of them carries a password.
        logger.warning("Readiness check %s failed: %s: %s", name, type(error).__name__, error)
        return FAILED
    return OK


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _broker() -> None:
    """A connection to the broker, not a task round-trip: a busy worker is not a web outage."""
    from config.celery import app

    with app.connection_for_write(connect_timeout=2) as broker:
        broker.ensure_connection(max_retries=0)


def _writable(storage: Callable[[], Storage]) -> Callable[[], None]:
    """Write and delete a small file through the same storage the application saves with."""

    def check() -> None:
        where = storage()
        name = where.save(f"readyz-{uuid.uuid4().hex}", ContentFile(b"ok"))
        where.delete(name)

    return check


def _signing_key() -> None:
    from handover.documents import seal

    if not seal.exists():
        raise seal.SealError("no document-signing key in HANDOVER_SIGNING_DIR")
    folder = Path(settings.HANDOVER_SIGNING_DIR)
    files = tuple(
        (path.name, path.stat().st_mtime_ns, path.stat().st_size)
        for path in sorted(folder.iterdir())
        if path.is_file()
    )
    passphrase = hashlib.sha256(settings.HANDOVER_SIGNING_PASSPHRASE.encode()).hexdigest()
    _signing_key_opens(str(folder), passphrase, files)


@lru_cache(maxsize=4)
def _signing_key_opens(folder: str, passphrase: str, files: tuple) -> None:
    """Opening the key costs about 0.2 s of CPU: done once per process for the same files and
    passphrase (a replaced or imported key has other files), not on every probe. Only a key
    that opens is remembered: a failure raises and is tried again at the next probe."""
    from handover.documents import seal

    seal.signer()


def _document_storage() -> Storage:
    from handover.documents.storage import document_storage

    return document_storage()


def _upload_storage() -> Storage:
    from handover.documents.storage import upload_storage

    return upload_storage()


CHECKS: dict[str, Callable[[], None]] = {
    "database": _database,
    "broker": _broker,
    "documents": _writable(_document_storage),
    "uploads": _writable(_upload_storage),
    "media": _writable(lambda: default_storage),
    "signing_key": _signing_key,
}

PATHS: dict[str, Callable[[HttpRequest], HttpResponse]] = {"/healthz": healthz, "/readyz": readyz}


class HealthCheckMiddleware:
    """Answers /healthz and /readyz itself; every other request goes on down the stack."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        view = PATHS.get(request.path_info)
        if view is None:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        response = view(request)
        add_never_cache_headers(response)
        response["X-Content-Type-Options"] = "nosniff"
        return response
