"""Chat bots Handover posts to: group chats HR connects per department (or for the organisation),
and the chat a person connects for themselves. Webhook addresses and signing secrets are kept
encrypted and never shown or logged again."""

import logging
import uuid
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department, User
from handover import policy, vault
from handover.errors import HandoverError, NotFound
from handover.models import Channel, ChatChannel, OutboxMessage
from handover.notifications import chat
from handover.notifications.chat import Platform
from handover.notifications.notices import send_soon

log = logging.getLogger(__name__)


def _bot(platform: str, url: str, secret: str) -> dict[str, Any]:
    """A bot's fields: the platform's own address only, kept encrypted with its secret."""
    url, secret = url.strip(), secret.strip()
    try:
        chat.validate_webhook_url(platform, url)
    except ValidationError as error:
        raise HandoverError(" ".join(error.messages)) from None
    webhook, key_id = vault.encrypt(url)
    return {
        "platform": platform,
        "host": urlsplit(url).hostname or "",
        "webhook_token": webhook,
        "secret_token": vault.encrypt(secret)[0] if secret else b"",
        "key_id": key_id,
    }


def _test_message(channel: ChatChannel, actor: User, subject: str) -> None:
    OutboxMessage.objects.create(
        key=f"chat-test:{channel.pk}:{uuid.uuid4().hex}",
        channel=Channel.CHAT,
        kind="test",
        chat_channel=channel,
        address=channel.name,
        subject=subject,
        text=_("%(name)s sent this test message.") % {"name": actor.name},
        link=reverse("handover:my_work"),
        link_label=_("Open it in Handover"),
        not_before=timezone.now(),
    )
    transaction.on_commit(send_soon)


def _group(actor: User, channel_id: int) -> ChatChannel:
    """A group chat, for HR; a person's own chat is theirs alone and not found here."""
    if not policy.may_use_hr_pages(actor):
        raise NotFound
    channel = ChatChannel.objects.filter(pk=channel_id, owner__isnull=True).first()
    if channel is None:
        raise NotFound
    return channel


def chat_channel_connect(
    *,
    actor: User,
    name: str,
    department: Department | None,
    platform: str,
    url: str,
    secret: str = "",
    announcements: bool = True,
    escalations: bool = True,
) -> ChatChannel:
    """HR connects a group chat's bot; its address and signing secret are kept encrypted."""
    if not policy.may_use_hr_pages(actor):
        raise NotFound
    channel = ChatChannel.objects.create(
        name=name.strip(),
        department=department,
        announcements=announcements,
        escalations=escalations,
        created_by_name=actor.name,
        **_bot(platform, url, secret),
    )
    log.info("chat channel %s (%s, %s) connected by %s", channel.pk, platform, channel.host, actor.pk)
    return channel


def chat_channel_disconnect(*, actor: User, channel_id: int) -> None:
    """HR disconnects a group chat; what still waited to go there goes nowhere."""
    _group(actor, channel_id).delete()
    log.info("chat channel %s disconnected by %s", channel_id, actor.pk)


def chat_channel_test(*, actor: User, channel_id: int) -> None:
    """HR sends a test message to a group chat, to see it arrive (or why not, on the outbox page)."""
    _test_message(_group(actor, channel_id), actor, _("Handover is connected to this group"))


def own_chat_connect(*, actor: User, platform: str, url: str, secret: str = "") -> ChatChannel:
    """A person connects their own chat's bot (it replaces the one they had); then they choose, per
    kind of message, what it hears."""
    fields = _bot(platform, url, secret)
    with transaction.atomic():
        # One at a time per person: a second submit waits, then replaces the first.
        User.objects.select_for_update().filter(pk=actor.pk).first()
        ChatChannel.objects.filter(owner=actor).delete()
        channel = ChatChannel.objects.create(
            name=f"{actor.name} ({Platform(platform).label})",
            owner=actor,
            announcements=False,
            escalations=False,
            created_by_name=actor.name,
            **fields,
        )
    log.info("own chat %s (%s, %s) connected by %s", channel.pk, platform, channel.host, actor.pk)
    return channel


def own_chat_disconnect(*, actor: User) -> None:
    """A person disconnects their own chat; nothing more goes there (their choices are kept)."""
    deleted, _rows = ChatChannel.objects.filter(owner=actor).delete()
    if not deleted:
        raise NotFound
    log.info("own chat of %s disconnected", actor.pk)


def own_chat_test(*, actor: User) -> None:
    """A person sends their own chat a test message."""
    channel = ChatChannel.objects.filter(owner=actor).first()
    if channel is None:
        raise NotFound
    _test_message(channel, actor, _("Handover is connected to your chat"))
