"""Telling people: a notice in the app for each person concerned and, as each chose, a mail now,
after their quiet hours, or in the daily digest. Called inside the transaction of the act that
causes it, so that the act and its messages are kept or lost together."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import User
from handover import policy
from handover.models import (
    Channel,
    ChatChannel,
    Departure,
    NoticePreference,
    Notification,
    OutboxMessage,
    Timing,
)


@dataclass(frozen=True)
class Notice:
    """What one person is told, in their language: a title, a few lines, where to act."""

    title: str
    body: str
    link: str


def person_zone(user: User) -> ZoneInfo:
    """The person's time zone, the company's when they chose none (or one this server lacks)."""
    try:
        return ZoneInfo(user.time_zone or settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def after_quiet_hours(user: User, moment: datetime) -> datetime:
    """``moment``, or the end of the person's quiet hours if it falls inside them (in their own time
    zone; hours that span midnight, e.g. 22:00 to 07:00, included)."""
    start, end = user.quiet_from, user.quiet_until
    if start is None or end is None or start == end:
        return moment
    local = moment.astimezone(person_zone(user))
    now = local.time()
    inside = start <= now < end if start < end else now >= start or now < end
    if not inside:
        return moment
    day = local.date() if now < end else local.date() + timedelta(days=1)
    return _at(day, end, local.tzinfo).astimezone(moment.tzinfo)


def _at(day, clock: time, zone) -> datetime:
    return datetime.combine(day, clock, tzinfo=zone)


def reachable(user: User, kind: str) -> bool:
    """Whether this person is told at all: the active, and a former employee (whose login ended) of
    what the policy says still reaches former employees."""
    return user.is_active or policy.reaches_former_employees(kind)


def mail_address(user: User, kind: str, case_id: int | None) -> str:
    """Where a mail to this person goes: their address, except what reaches former employees, which
    goes to the private address they gave on the case, if they gave one."""
    if case_id is not None and policy.reaches_former_employees(kind):
        private = (
            Departure.objects.filter(pk=case_id, employee=user)
            .values_list("aftercare_email", flat=True)
            .first()
        )
        if private:
            return private
    return user.email


@dataclass(frozen=True)
class Choice:
    """How one person wants one kind of message: mailed at once, in the daily digest or not at
    all; and whether their own chat hears it too (``chat``, the chat they connected)."""

    timing: str = Timing.NOW
    chat: ChatChannel | None = None


DEFAULT = Choice()


def choices(user_ids: Iterable[int], kinds: Iterable[str]) -> dict[tuple[int, str], Choice]:
    """What each of these people chose for each of these kinds; a pair not in it has the default
    (mail at once, not to their chat)."""
    rows = list(
        NoticePreference.objects.filter(user_id__in=list(user_ids), kind__in=list(kinds)).values_list(
            "user_id", "kind", "timing", "chat"
        )
    )
    # What reaches former employees is mailed at once and never posted to a chat: the default.
    rows = [row for row in rows if not policy.reaches_former_employees(row[1])]
    chatting = {user_id for user_id, _kind, _timing, chat in rows if chat}
    own = {c.owner_id: c for c in ChatChannel.objects.filter(owner_id__in=chatting)} if chatting else {}
    return {
        (user_id, kind): Choice(timing, own.get(user_id) if chat else None)
        for user_id, kind, timing, chat in rows
    }


def notify(
    *,
    kind: str,
    users: Iterable[User],
    case_id: int | None,
    key: str,
    compose: Callable[[User], Notice],
    calendar: Callable[[User], bytes] | None = None,
) -> int:
    """Tell each of ``users`` (once per ``key``): a notice in the app and, as they chose, a mail.
    ``compose(user)`` runs in the person's language; ``calendar(user)`` gives an invitation to
    attach. Returns how many people were told now; a notice already given under this key is not
    given again."""
    people = {user.pk: user for user in users if user is not None and reachable(user, kind)}
    if not people:
        return 0
    taken = set(
        Notification.objects.filter(key__in=[f"{key}:{pk}" for pk in people]).values_list(
            "user_id", flat=True
        )
    )
    chosen = choices(people, [kind])
    batch = Batch()
    for pk, user in people.items():
        if pk not in taken:
            batch.add(kind, user, case_id, key, compose, chosen.get((pk, kind), DEFAULT), calendar)
    return batch.save()


class Batch:
    """Notices (and their mails and chat messages) made one by one, in each person's language, and
    written together."""

    def __init__(self) -> None:
        self.notices: list[Notification] = []
        self.outgoing: list[OutboxMessage] = []
        self.keys: set[str] = set()
        self.now = timezone.now()

    def add(
        self,
        kind: str,
        user: User,
        case_id: int | None,
        key: str,
        compose: Callable[[User], Notice],
        choice: Choice,
        calendar: Callable[[User], bytes] | None = None,
    ) -> None:
        if f"{key}:{user.pk}" in self.keys:
            return
        self.keys.add(f"{key}:{user.pk}")
        with translation.override(user.language or settings.LANGUAGE_CODE):
            notice = compose(user)
            self.notices.append(
                Notification(
                    user=user,
                    kind=kind,
                    departure_id=case_id,
                    title=notice.title[:300],
                    body=notice.body,
                    link=notice.link,
                    key=f"{key}:{user.pk}",
                    in_next_digest=choice.timing == Timing.DIGEST,
                )
            )
            if choice.chat is not None:
                message = chat_message(
                    f"{key}:{user.pk}:chat",
                    kind,
                    choice.chat,
                    case_id,
                    notice,
                    after_quiet_hours(user, self.now),
                )
                message.user = user
                self.outgoing.append(message)
            address = mail_address(user, kind, case_id)
            if choice.timing != Timing.NOW or not address:
                return
            context = {"user": user, "notice": notice, "base_url": settings.HANDOVER_BASE_URL}
            self.outgoing.append(
                OutboxMessage(
                    key=f"{key}:{user.pk}:mail",
                    channel=Channel.MAIL,
                    kind=kind,
                    user=user,
                    address=address,
                    departure_id=case_id,
                    subject=notice.title[:300],
                    text=render_to_string("handover/email/notice.txt", context),
                    html=render_to_string("handover/email/notice.html", context),
                    calendar=calendar(user).decode() if calendar is not None else "",
                    not_before=after_quiet_hours(user, self.now),
                )
            )

    def save(self) -> int:
        """Write them; the outbox sends the mails after the commit. A key another run wrote in the
        meantime (two scans at once) is skipped, not doubled: the unique keys, not a lock, keep each
        message once. How many notices were made here (those another run wrote first included)."""
        Notification.objects.bulk_create(self.notices, batch_size=500, ignore_conflicts=True)
        OutboxMessage.objects.bulk_create(self.outgoing, batch_size=500, ignore_conflicts=True)
        if self.notices:
            transaction.on_commit(send_soon)
        return len(self.notices)


def chat_message(
    key: str, kind: str, group: ChatChannel, case_id: int | None, notice: Notice, not_before: datetime
) -> OutboxMessage:
    """A message for a chat (a group's, or a person's own), with the link to where to act; in the
    active language."""
    return OutboxMessage(
        key=key,
        channel=Channel.CHAT,
        kind=kind,
        chat_channel=group,
        address=group.name,
        departure_id=case_id,
        subject=notice.title[:300],
        text=notice.body,
        link=notice.link,
        link_label=gettext("Open it in Handover"),
        not_before=not_before,
    )


def send_soon() -> None:
    from handover.tasks import deliver_outbox

    deliver_outbox.delay()


def post_to_chats(
    *,
    groups: Iterable[ChatChannel],
    purpose: str,
    case_id: int,
    language: str,
    key: str,
    compose: Callable[[], Notice],
) -> list[str]:
    """Queue a message for these chat groups ("announcements" HR chose, or the department's groups
    that hear of late work, "escalations"), in the case's language; once per key and group. Returns
    the names of the groups it was queued for."""
    groups = list(groups)
    if not groups:
        return []
    with translation.override(language or settings.LANGUAGE_CODE):
        notice = compose()
    queued = []
    for group in groups:
        try:
            with transaction.atomic():
                chat_message(f"{key}:chat:{group.pk}", purpose, group, case_id, notice, timezone.now()).save()
        except IntegrityError:
            continue
        queued.append(group.name)
    if queued:
        transaction.on_commit(send_soon)
    return queued
