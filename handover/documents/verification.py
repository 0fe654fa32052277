"""A visitor's copy of a confirmation, checked by the worker and never by a web process.

The verification page keeps the upload in the shared cache under a random key and queues
``handover.tasks.check_uploaded_pdf``; the worker checks it in the sandbox (bounded in time
and memory) and keeps the result under the same key, which the page polls. Upload and result
expire after HANDOVER_VERIFY_KEEP_SECONDS, and the upload goes as soon as it is checked:
nothing of a visitor's file stays behind.
"""

import hashlib
import logging
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from handover.documents import sandbox, seal

logger = logging.getLogger(__name__)

PENDING = "pending"
DONE = "done"
UNREADABLE = "unreadable"
FAILED = "failed"
NO_KEY = "no_key"
KEY = re.compile(r"^[A-Za-z0-9_-]{22}$")


@dataclass(frozen=True)
class Check:
    state: str
    sha256: str
    verdict: seal.Verdict | None = None


def _upload_key(key: str) -> str:
    return f"verify:upload:{key}"


def _check_key(key: str) -> str:
    return f"verify:check:{key}"


def check_start(*, data: bytes) -> str:
    """Keep the upload for the worker; the key that names it and, later, its result."""
    key = secrets.token_urlsafe(16)
    check = Check(state=PENDING, sha256=hashlib.sha256(data).hexdigest())
    cache.set_many(
        {_upload_key(key): data, _check_key(key): check}, timeout=settings.HANDOVER_VERIFY_KEEP_SECONDS
    )
    return key


def check_result(key: str) -> Check | None:
    """Where the check of this upload stands; None when the key is unknown or expired."""
    if not KEY.match(key):
        return None
    return cache.get(_check_key(key))


def check_run(*, key: str) -> str:
    """Check the upload kept under ``key`` and keep the result; a second run finds it done."""
    check = check_result(key)
    data = cache.get(_upload_key(key))
    if check is None or check.state != PENDING or data is None:
        return check.state if check else "expired"
    verdict = None
    try:
        verdict = sandbox.check_pdf(
            data,
            seconds=settings.HANDOVER_VERIFY_CHECK_SECONDS,
            memory_bytes=settings.HANDOVER_VERIFY_CHECK_MEMORY_MB * 1024 * 1024,
        )
        state = DONE
    except ValueError:
        state = UNREADABLE
    except seal.SealError:
        state = NO_KEY
    except sandbox.CheckAborted as error:
        logger.info("An uploaded PDF (SHA-256 %s) could not be checked: %s", check.sha256, error)
        state = FAILED
    cache.set(
        _check_key(key),
        Check(state=state, sha256=check.sha256, verdict=verdict),
        timeout=settings.HANDOVER_VERIFY_KEEP_SECONDS,
    )
    cache.delete(_upload_key(key))
    return state


def check_give_up(*, key: str) -> None:
    """The task ran out of time outside the sandbox: the page says the file could not be checked."""
    check = check_result(key)
    if check is not None and check.state == PENDING:
        failed = Check(state=FAILED, sha256=check.sha256)
        cache.set(_check_key(key), failed, timeout=settings.HANDOVER_VERIFY_KEEP_SECONDS)
    cache.delete(_upload_key(key))
