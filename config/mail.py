"""Mail in embedded mode: written to the log instead of sent."""

import logging
from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

logger = logging.getLogger("handover.mail")


class LogEmailBackend(BaseEmailBackend):
    """Log each message at INFO as it reads (sender, recipients, subject, text body), among the
    web server's and the worker's own log lines. Django's console backend prints the encoded
    MIME message to stdout instead, where a Chinese body is unreadable."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            logger.info(
                "Mail from %s to %s\nSubject: %s\n\n%s",
                message.from_email,
                ", ".join(message.recipients()),
                message.subject,
                message.body,
            )
        return len(email_messages)
