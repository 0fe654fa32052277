"""Immediate notices of the acts that need an answer, each told to whoever the policy says must act
next (in their language, once per event). Called inside the act's transaction."""

from collections.abc import Callable, Iterable
from datetime import time
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from handover import formatting, places, policy
from handover.errors import HandoverError, NotFound
from handover.models import (
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
from handover.notifications import outbox
from handover.notifications.notices import Notice, notify, send_soon

from ._base import facts_of


def _next_movers(kind: str, departure: Departure, module_id: int, actor: User) -> list[User]:
    facts = facts_of(departure)
    module = next(m for m in facts.modules if m.id == module_id)
    ids = {person.user_id for person in policy.notice_recipients(kind, facts, module)} - {actor.pk}
    return list(User.objects.filter(pk__in=ids))


# What whoever must act next is told of each act on an item or a trial task: built from the case,
# the row and the person who acted, in the reader's language.
NEXT_NOTICES: dict[str, Callable[[Departure, Any, User], Notice]] = {
    NoticeKind.ITEM_RETURNED: lambda departure, item, actor: Notice(
        title=_("“%(item)s” came back with a question") % {"item": item.title},
        body=_("%(name)s asks: %(question)s") % {"name": actor.name, "question": item.question},
        link=places.module_url(departure.pk, item.module_id, item.pk),
    ),
    NoticeKind.ITEM_ANSWERED: lambda departure, item, actor: Notice(
        title=_("Your question on “%(item)s” is answered") % {"item": item.title},
        body=_("%(name)s answers: %(answer)s") % {"name": actor.name, "answer": item.answer},
        link=places.module_url(departure.pk, item.module_id, item.pk),
    ),
    NoticeKind.TRIAL_DONE: lambda departure, task, actor: Notice(
        title=_("“%(task)s” is done: check it") % {"task": task.title},
        body=_("%(name)s did it: %(note)s") % {"name": actor.name, "note": task.done_note},
        link=places.case_url(departure.pk, "trial"),
    ),
    NoticeKind.TRIAL_REWORK: lambda departure, task, actor: Notice(
        title=_("“%(task)s” was sent back for rework") % {"task": task.title},
        body=_("%(name)s says: %(feedback)s") % {"name": actor.name, "feedback": task.feedback},
        link=places.case_url(departure.pk, "trial"),
    ),
}


def _tell_next(
    kind: str, departure: Departure, row: ChecklistItem | TrialTask, actor: User, event: Event
) -> None:
    compose = NEXT_NOTICES[kind]
    notify(
        kind=kind,
        users=_next_movers(kind, departure, row.module_id, actor),
        case_id=departure.pk,
        key=f"event:{event.pk}",
        compose=lambda user: compose(departure, row, actor),
    )


def item_returned(departure: Departure, item: ChecklistItem, actor: User, event: Event) -> None:
    _tell_next(NoticeKind.ITEM_RETURNED, departure, item, actor, event)


def item_answered(departure: Departure, item: ChecklistItem, actor: User, event: Event) -> None:
    _tell_next(NoticeKind.ITEM_ANSWERED, departure, item, actor, event)


def trial_done(departure: Departure, task: TrialTask, actor: User, event: Event) -> None:
    _tell_next(NoticeKind.TRIAL_DONE, departure, task, actor, event)


def trial_sent_back(departure: Departure, task: TrialTask, actor: User, event: Event) -> None:
    _tell_next(NoticeKind.TRIAL_REWORK, departure, task, actor, event)


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
    *,
    user: User,
    time_zone: str,
    quiet_from: time | None,
    quiet_until: time | None,
    timings: dict[str, str],
    chats: dict[str, bool] | None = None,
) -> None:
    """A person's choices: their time zone and quiet hours, and for each kind of message whether it
    is mailed at once, in the daily digest or not at all, and whether their own chat hears it."""
    chats = chats or {}
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(
            time_zone=time_zone, quiet_from=quiet_from, quiet_until=quiet_until
        )
        for kind, timing in timings.items():
            if kind not in NoticeKind.values or timing not in Timing.values:
                raise HandoverError(_("Choose how each kind of message reaches you."))
            NoticePreference.objects.update_or_create(
                user=user, kind=kind, defaults={"timing": timing, "chat": chats.get(kind, False)}
            )


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
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or not outbox.may_send_again(message):
            raise HandoverError(_("This message is no longer waiting to be sent again."))
        OutboxMessage.objects.filter(pk=message.pk).update(
            state=OutboxState.PENDING, attempts=0, not_before=timezone.now(), last_error=""
        )
    transaction.on_commit(send_soon)
