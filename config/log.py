"""Logging pieces referenced from ``LOGGING`` and ``MIDDLEWARE`` in settings."""

import json
import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
# What a proxy may hand on as the request's id: short, and nothing that could break a log line.
_GIVEN_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


class ClientErrorsWithoutTraceback(logging.Filter):
    """Keep the one line Django logs for a 4xx (``Forbidden (Permission denied): /path``) but drop
    the exception it attaches: a PermissionDenied is the expected answer to a visitor, and its
    traceback would bury the real errors around it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if 400 <= getattr(record, "status_code", 0) < 500:
            record.exc_info = None
            record.exc_text = None
        return True


class RequestIdMiddleware:
    """Give each request an id (the proxy's X-Request-ID when it sends a sane one), answer it in
    the X-Request-ID header and put it on every log line written while the request runs, so the
    lines of one request can be found together."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _GIVEN_ID.fullmatch(given) else uuid.uuid4().hex
        _request_id.set(request_id)
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


def _forget_request_id(**kwargs: Any) -> None:
    # Not when the middleware returns: Django logs a 4xx or 5xx answer after that, and the line
    # should carry the id too.
    _request_id.set(None)


request_finished.connect(_forget_request_id, dispatch_uid="config.log.forget_request_id")


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` (None outside a request) to every record the handler writes."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for a log collector: time (UTC), level, logger, message, and when
    there are any the request id, the HTTP status Django logged and the exception's traceback.
    Other attributes a caller attached are left out: a log line carries only what is named here."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None)
        if request_id:
            entry["request_id"] = request_id
        status_code = getattr(record, "status_code", None)
        if isinstance(status_code, int):
            entry["status_code"] = status_code
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str)
