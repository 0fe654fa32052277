"""Telling people: a notice in the app for each person concerned and, as each chose, a mail now,
after their quiet hours, or in the daily digest. Called inside the transaction of the act that
causes it, so that the act and its messages are kept or lost together."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import User
from handover.models import (
    Channel,
    ChatChannel,
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


def timings(users: Iterable[User], kind: str) -> dict[int, str]:
    """How each person wants this kind of message (the default: mail at once)."""
    ids = [user.pk for user in users]
    chosen = dict(
        NoticePreference.objects.filter(user_id__in=ids, kind=kind).values_list("user_id", "timing")
    )
    return {pk: chosen.get(pk, Timing.NOW) for pk in ids}


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
    people = {user.pk: user for user in users if user is not None and user.is_active}
    if not people:
        return 0
    taken = set(
        Notification.objects.filter(key__in=[f"{key}:{pk}" for pk in people]).values_list(
            "user_id", flat=True
        )
    )
    chosen = timings(people.values(), kind)
    batch = Batch()
    for pk, user in people.items():
        if pk not in taken:
            batch.add(kind, user, case_id, key, compose, chosen[pk], calendar)
    return batch.save()


class Batch:
    """Notices (and their mails) made one by one, in each person's language, and written together."""

    def __init__(self) -> None:
        self.notices: list[Notification] = []
        self.mails: list[OutboxMessage] = []
        self.keys: set[str] = set()
        self.now = timezone.now()

    def add(
        self,
        kind: str,
        user: User,
        case_id: int | None,
        key: str,
        compose: Callable[[User], Notice],
        timing: str,
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
                    in_next_digest=timing == Timing.DIGEST,
                )
            )
            if timing != Timing.NOW or not user.email:
                return
            context = {"user": user, "notice": notice, "base_url": settings.HANDOVER_BASE_URL}
            self.mails.append(
                OutboxMessage(
                    key=f"{key}:{user.pk}:mail",
                    channel=Channel.MAIL,
                    kind=kind,
                    user=user,
                    address=user.email,
                    departure_id=case_id,
                    subject=notice.title[:300],
                    text=render_to_string("handover/email/notice.txt", context),
                    html=render_to_string("handover/email/notice.html", context),
                    calendar=calendar(user).decode() if calendar is not None else "",
                    not_before=after_quiet_hours(user, self.now),
                )
            )

    def save(self) -> int:
        """Write them (each key once); the outbox sends the mails after the commit. How many."""
        Notification.objects.bulk_create(self.notices, batch_size=500)
        OutboxMessage.objects.bulk_create(self.mails, batch_size=500)
        if self.notices:
            transaction.on_commit(send_soon)
        return len(self.notices)


def send_soon() -> None:
    from handover.tasks import deliver_outbox

    deliver_outbox.delay()


def post_to_chats(
    *,
    purpose: str,
    case_id: int,
    department_id: int | None,
    language: str,
    key: str,
    compose: Callable[[], Notice],
) -> list[str]:
    """Queue a message for the chat groups HR connected for this purpose: "announcements" go to the
    case's department's groups and the organisation's, "escalations" to the department's. In the
    case's language; once per key and group. Returns the names of the groups it was queued for."""
    chosen = ChatChannel.objects.filter(**{purpose: True})
    if purpose == "announcements":
        chosen = chosen.filter(Q(department_id=department_id) | Q(department__isnull=True))
    else:
        chosen = chosen.filter(department_id=department_id) if department_id else chosen.none()
    groups = list(chosen)
    if not groups:
        return []
    with translation.override(language or settings.LANGUAGE_CODE):
        notice = compose()
        label = gettext("Open it in Handover")
    queued = []
    for group in groups:
        try:
            with transaction.atomic():
                OutboxMessage.objects.create(
                    key=f"{key}:chat:{group.pk}",
                    channel=Channel.CHAT,
                    kind=purpose,
                    chat_channel=group,
                    address=group.name,
                    departure_id=case_id,
                    subject=notice.title[:300],
                    text=notice.body,
                    link=notice.link,
                    link_label=label,
                    not_before=timezone.now(),
                )
        except IntegrityError:
            continue
        queued.append(group.name)
    if queued:
        transaction.on_commit(send_soon)
    return queued
