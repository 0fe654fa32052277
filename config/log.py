"""Logging filters referenced from ``LOGGING`` in settings."""

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """Keep the one line Django logs for a 4xx (``Forbidden (Permission denied): /path``) but drop
    the exception it attaches: a PermissionDenied is the expected answer to a visitor, and its
    traceback would bury the real errors around it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if 400 <= getattr(record, "status_code", 0) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
