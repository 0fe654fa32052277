"""Immediate notices of the acts that need an answer, each told to whoever the policy says must act
next (in their language, once per event). Called inside the act's transaction."""

import logging
import uuid
from collections.abc import Callable, Iterable
from datetime import time
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department, User
from handover import formatting, places, policy, vault
from handover.errors import HandoverError, NotFound
from handover.models import (
    Channel,
    ChatChannel,
    ChecklistItem,
    ConfirmationDocument,
    Departure,
    Event,
    NoticeKind,
    NoticePreference,
    Notification,
    OutboxMessage,
    OutboxState,
    Signature,
    Timing,
    TrialTask,
)
from handover.notifications import chat
from handover.notifications.notices import Notice, notify, send_soon

from ._base import facts_of

log = logging.getLogger(__name__)


def _next_movers(kind: str, departure: Departure, module_id: int, actor: User) -> list[User]:
    facts = facts_of(departure)
    module = next(m for m in facts.modules if m.id == module_id)
    ids = {person.user_id for person in policy.notice_recipients(kind, facts, module)} - {actor.pk}
    return list(User.objects.filter(pk__in=ids))


def _tell_next(
    kind: str,
    departure: Departure,
    module_id: int,
    actor: User,
    event: Event,
    compose: Callable[[User], Notice],
) -> None:
    notify(
        kind=kind,
        users=_next_movers(kind, departure, module_id, actor),
        case_id=departure.pk,
        key=f"event:{event.pk}",
        compose=compose,
    )


def item_returned(departure: Departure, item: ChecklistItem, actor: User, event: Event) -> None:
    _tell_next(
        NoticeKind.ITEM_RETURNED,
        departure,
        item.module_id,
        actor,
        event,
        lambda user: Notice(
            title=_("“%(item)s” came back with a question") % {"item": item.title},
            body=_("%(name)s asks: %(question)s") % {"name": actor.name, "question": item.question},
            link=places.module_url(departure.pk, item.module_id, item.pk),
        ),
    )


def item_answered(departure: Departure, item: ChecklistItem, actor: User, event: Event) -> None:
    _tell_next(
        NoticeKind.ITEM_ANSWERED,
        departure,
        item.module_id,
        actor,
        event,
        lambda user: Notice(
            title=_("Your question on “%(item)s” is answered") % {"item": item.title},
            body=_("%(name)s answers: %(answer)s") % {"name": actor.name, "answer": item.answer},
            link=places.module_url(departure.pk, item.module_id, item.pk),
        ),
    )


def trial_done(departure: Departure, task: TrialTask, actor: User, event: Event) -> None:
    _tell_next(
        NoticeKind.TRIAL_DONE,
        departure,
        task.module_id,
        actor,
        event,
        lambda user: Notice(
            title=_("“%(task)s” is done: check it") % {"task": task.title},
            body=_("%(name)s did it: %(note)s") % {"name": actor.name, "note": task.done_note},
            link=places.case_url(departure.pk, "trial"),
        ),
    )


def trial_sent_back(departure: Departure, task: TrialTask, actor: User, event: Event) -> None:
    _tell_next(
        NoticeKind.TRIAL_REWORK,
        departure,
        task.module_id,
        actor,
        event,
        lambda user: Notice(
            title=_("“%(task)s” was sent back for rework") % {"task": task.title},
            body=_("%(name)s says: %(feedback)s") % {"name": actor.name, "feedback": task.feedback},
            link=places.case_url(departure.pk, "trial"),
        ),
    )


def signatures_voided(departure: Departure, voided: Iterable[Signature]) -> None:
    """Each signer whose signature a change voided must read and sign again."""
    for signature in voided:
        notify(
            kind=NoticeKind.SIGNATURE_VOIDED,
            users=User.objects.filter(pk=signature.signer_id),
            case_id=departure.pk,
            key=f"voided:{signature.pk}",
            compose=lambda user: Notice(
                title=_("Your signature on %(number)s was voided by a change") % {"number": departure.number},
                body=_("What you signed has changed since. Read the confirmation again and sign it."),
                link=places.case_url(departure.pk, "signatures"),
            ),
        )


def confirmation_ready(departure: Departure, document: ConfirmationDocument) -> None:
    """The signers and the HR owner: the sealed confirmation can be downloaded."""
    people = set(departure.signatures.filter(voided_at__isnull=True).values_list("signer_id", flat=True))
    people.add(departure.hr_owner_id)
    notify(
        kind=NoticeKind.CONFIRMATION_READY,
        users=User.objects.filter(pk__in=people),
        case_id=departure.pk,
        key=f"confirmation:{document.pk}",
        compose=lambda user: Notice(
            title=_("The signed confirmation of %(number)s is ready") % {"number": departure.number},
            body=_("Version %(version)s, sealed on %(day)s.")
            % {"version": document.version, "day": formatting.day(document.created_at.date())},
            link=places.case_url(departure.pk, "signatures"),
        ),
    )


def notice_settings_save(
    *, user: User, time_zone: str, quiet_from: time | None, quiet_until: time | None, timings: dict[str, str]
) -> None:
    """A person's choices: their time zone and quiet hours, and for each kind of message whether it
    is mailed at once, in the daily digest or only shown in the app."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(
            time_zone=time_zone, quiet_from=quiet_from, quiet_until=quiet_until
        )
        for kind, timing in timings.items():
            if kind not in NoticeKind.values or timing not in Timing.values:
                raise HandoverError(_("Choose how each kind of message reaches you."))
            NoticePreference.objects.update_or_create(user=user, kind=kind, defaults={"timing": timing})


def notifications_read(*, user: User, notification_id: int | None = None) -> int:
    """Mark one of the person's notices read (another's is not found), or all of them."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        if not Notification.objects.filter(user=user, pk=notification_id).exists():
            raise NotFound
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())


def outbox_retry(*, actor: User, message_id: int) -> None:
    """HR sends a failed message again (after fixing what made it fail, say a mailbox)."""
    if not policy.may_use_hr_pages(actor):
        raise NotFound
    updated = OutboxMessage.objects.filter(pk=message_id, state=OutboxState.FAILED).update(
        state=OutboxState.PENDING, attempts=0, not_before=timezone.now(), last_error=""
    )
    if not updated:
        raise HandoverError(_("This message is no longer waiting to be sent again."))
    transaction.on_commit(send_soon)


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
    try:
        chat.validate_webhook_url(platform, url.strip())
    except ValidationError as error:
        raise HandoverError(" ".join(error.messages)) from None
    webhook, key_id = vault.encrypt(url.strip())
    channel = ChatChannel.objects.create(
        name=name.strip(),
        department=department,
        platform=platform,
        host=urlsplit(url.strip()).hostname or "",
        webhook_token=webhook,
        secret_token=vault.encrypt(secret.strip())[0] if secret.strip() else b"",
        key_id=key_id,
        announcements=announcements,
        escalations=escalations,
        created_by_name=actor.name,
    )
    log.info("chat channel %s (%s, %s) connected by %s", channel.pk, platform, channel.host, actor.pk)
    return channel


def chat_channel_disconnect(*, actor: User, channel_id: int) -> None:
    """HR disconnects a group chat; what still waited to go there goes nowhere."""
    if not policy.may_use_hr_pages(actor):
        raise NotFound
    deleted, _rows = ChatChannel.objects.filter(pk=channel_id).delete()
    if not deleted:
        raise NotFound
    log.info("chat channel %s disconnected by %s", channel_id, actor.pk)


def chat_channel_test(*, actor: User, channel_id: int) -> None:
    """HR sends a test message to a group chat, to see it arrive (or why not, on the outbox page)."""
    if not policy.may_use_hr_pages(actor):
        raise NotFound
    channel = ChatChannel.objects.filter(pk=channel_id).first()
    if channel is None:
        raise NotFound
    OutboxMessage.objects.create(
        key=f"chat-test:{channel.pk}:{uuid.uuid4().hex}",
        channel=Channel.CHAT,
        kind="test",
        chat_channel=channel,
        address=channel.name,
        subject=_("Handover is connected to this group"),
        text=_("%(name)s sent this test message.") % {"name": actor.name},
        link=reverse("handover:my_work"),
        link_label=_("Open it in Handover"),
        not_before=timezone.now(),
    )
    transaction.on_commit(send_soon)
