"""Sending what the outbox holds, each message once.

A worker claims a due message with one conditional UPDATE (whoever changes the row owns the send)
for ``HANDOVER_OUTBOX_LEASE_SECONDS``; sends it with a Message-ID made from its key, so that a resend
after a crash is the same message to the receiving mail system; and marks it sent. A worker that
dies while sending leaves the claim to expire: the message is sent again with the same Message-ID.
A failure waits longer each time and, after ``MAX_ATTEMPTS``, is kept as failed with its reason
for HR."""

import hashlib
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F, Q
from django.utils import timezone

from handover import vault
from handover.models import Channel, OutboxMessage, OutboxState

from . import calendar, chat

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
# At most this many messages a run; the next run (a minute later) takes the rest.
BATCH = 500


def lease() -> timedelta:
    return timedelta(seconds=settings.HANDOVER_OUTBOX_LEASE_SECONDS)


def due(now: datetime) -> Q:
    """Messages to send now: waiting and due, or claimed by a worker whose claim has run out."""
    return Q(state=OutboxState.PENDING, not_before__lte=now) | Q(
        state=OutboxState.SENDING, lease_until__lt=now
    )


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failure: 2, 4, 8, 16, 32 minutes."""
    return timedelta(minutes=2**attempts)


def deliver_due(now: datetime | None = None) -> int:
    """Send every message due now (a bounded batch); how many were sent."""
    now = now or timezone.now()
    ids = list(
        OutboxMessage.objects.filter(due(now))
        .order_by("not_before", "pk")
        .values_list("pk", flat=True)[:BATCH]
    )
    return sum(deliver(pk, now=now) for pk in ids)


def claim(message_id: int, now: datetime) -> OutboxMessage | None:
    """The message, now this worker's to send, or None if it is not due or another worker has it."""
    # The lease runs from the claim itself: a long run must not hand later messages a lease that
    # has already ended.
    claimed = OutboxMessage.objects.filter(due(now), pk=message_id).update(
        state=OutboxState.SENDING, lease_until=timezone.now() + lease(), attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    return OutboxMessage.objects.get(pk=message_id)


def deliver(message_id: int, *, now: datetime | None = None) -> bool:
    """Send one message if it is due and nobody else is sending it; whether it was sent now."""
    message = claim(message_id, now or timezone.now())
    if message is None:
        return False
    try:
        send(message)
    except Exception as error:
        failed(message, error)
        return False
    OutboxMessage.objects.filter(pk=message.pk, state=OutboxState.SENDING, attempts=message.attempts).update(
        state=OutboxState.SENT, sent_at=timezone.now(), lease_until=None, last_error=""
    )
    return True


def failed(message: OutboxMessage, error: Exception) -> None:
    reason = f"{type(error).__name__}: {error}"[:500]
    # A chat platform that refused the message for good (a wrong signature, a removed bot) will
    # refuse it again: HR sees it now.
    final = isinstance(error, chat.ChatDeliveryError) and not error.retryable
    last = final or message.attempts >= MAX_ATTEMPTS
    log.warning(
        "outbox message %s failed (attempt %s%s): %s",
        message.pk,
        message.attempts,
        ", giving up" if last else "",
        reason,
    )
    OutboxMessage.objects.filter(pk=message.pk, state=OutboxState.SENDING, attempts=message.attempts).update(
        state=OutboxState.FAILED if last else OutboxState.PENDING,
        not_before=timezone.now() + backoff(message.attempts),
        lease_until=None,
        last_error=reason,
    )


def may_send_again(message: OutboxMessage) -> bool:
    """Whether HR may send a message again: only one the outbox has given up on. One still being
    tried goes out by itself, and one sent must not go twice."""
    return message.state == OutboxState.FAILED


def message_id(message: OutboxMessage) -> str:
    """The same Message-ID for every send of one outbox message: receiving systems that see it
    twice know it is one message."""
    digest = hashlib.sha256(message.key.encode()).hexdigest()[:32]
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].rstrip(">").strip() or "handover"
    return f"<{digest}@{domain}>"


def send(message: OutboxMessage) -> None:
    if message.channel == Channel.CHAT:
        _post(message)
        return
    mail = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.address],
        headers={"Message-ID": message_id(message)},
    )
    if message.html:
        mail.attach_alternative(message.html, "text/html")
    if message.calendar:
        calendar.attach(mail, message.calendar.encode())
    mail.send()


def _post(message: OutboxMessage) -> None:
    group = message.chat_channel
    if group is None:
        raise chat.ChatDeliveryError("The chat group was disconnected.", retryable=False)
    chat.post(
        platform=group.platform,
        url=vault.decrypt(group.webhook_token),
        secret=vault.decrypt(group.secret_token) if group.secret_token else "",
        message=chat.ChatMessage(
            title=message.subject,
            text=message.text,
            link=settings.HANDOVER_BASE_URL + message.link,
            link_label=message.link_label,
            key=message.key,
        ),
    )
