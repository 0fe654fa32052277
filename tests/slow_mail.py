"""A mail server in a folder, for a worker process that a test kills in the middle of a send.

Each message the server accepts becomes a file of its own (two sends of one Message-ID are two
files). A marker file in the folder, read at each send, makes the server hang on the message it
is given, either before accepting it (the worker dies before the provider took the message) or
after (the provider took it and the worker dies before marking it sent); while it hangs, a second
file names the message. The folder is ``SLOW_MAIL_DIR`` in the worker's environment."""

import hashlib
import os
import time
import uuid
from collections.abc import Sequence
from email import message_from_bytes
from email.message import EmailMessage as ParsedMessage
from email.policy import default
from pathlib import Path

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

BEFORE_ACCEPTING = "before"
AFTER_ACCEPTING = "after"
HANG = "hang"
HANGING = "hanging"
# A worker that nobody kills (the test failed first) is not left hanging for good.
LONGEST_HANG_SECONDS = 120


class SlowMailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        folder = Path(os.environ["SLOW_MAIL_DIR"])
        for message in email_messages:
            mime = message.message()
            moment = _read(folder / HANG)
            if moment == BEFORE_ACCEPTING:
                _hang(folder, mime["Message-ID"])
            _accept(folder, mime["Message-ID"], mime.as_bytes())
            if moment == AFTER_ACCEPTING:
                _hang(folder, mime["Message-ID"])
        return len(email_messages)


def hang(folder: Path, moment: str) -> None:
    """The next message sent hangs ``moment`` (``BEFORE_ACCEPTING`` or ``AFTER_ACCEPTING``)."""
    _write(folder / HANG, moment)


def release(folder: Path) -> None:
    """Sends go through again; a send hanging now finishes."""
    (folder / HANG).unlink(missing_ok=True)


def hanging_on(folder: Path) -> str:
    """The Message-ID of the message the server hangs on now, or an empty string."""
    return _read(folder / HANGING)


def received(folder: Path) -> list[ParsedMessage]:
    """Every message the server accepted, one per send."""
    return [message_from_bytes(path.read_bytes(), policy=default) for path in sorted(folder.glob("*.eml"))]


def _accept(folder: Path, message_id: str, content: bytes) -> None:
    digest = hashlib.sha256(message_id.encode()).hexdigest()[:16]
    path = folder / f"{digest}-{uuid.uuid4().hex}.eml"
    partial = path.with_suffix(".part")
    partial.write_bytes(content)
    partial.replace(path)


def _hang(folder: Path, message_id: str) -> None:
    _write(folder / HANGING, message_id)
    deadline = time.monotonic() + LONGEST_HANG_SECONDS
    while (folder / HANG).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    (folder / HANGING).unlink(missing_ok=True)


def _write(path: Path, text: str) -> None:
    """Whole or not at all, for the other process that reads it meanwhile."""
    partial = path.with_name(f"{path.name}.{uuid.uuid4().hex}.part")
    partial.write_text(text)
    partial.replace(path)


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except FileNotFoundError:
        return ""
