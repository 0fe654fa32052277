from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from handover import formatting
from handover.models import Channel, Notification, OutboxMessage
from handover.notifications.notices import after_quiet_hours, send_soon
from handover.reminders import Todo


def _queue_once_a_day(
    kind: str, user: User, day: date, subject: Promise, template: str, context: dict
) -> bool:
    """Queue one mail per person per day per kind of message, through the outbox: its key (kind,
    person, day) is unique, so a second run (or a concurrent worker) queues nothing, and the outbox
    sends it once. ``subject`` (lazy, with ``%(day)s``) is rendered in the person's language; the
    mail waits out the person's quiet hours."""
    with transaction.atomic():
        with translation.override(user.language or settings.LANGUAGE_CODE):
            context = {**context, "user": user, "base_url": settings.HANDOVER_BASE_URL, "day": day}
            try:
                with transaction.atomic():
                    OutboxMessage.objects.create(
                        key=f"{kind}:{user.pk}:{day.isoformat()}",
                        channel=Channel.MAIL,
                        kind=kind,
                        user=user,
                        address=user.email,
                        subject=str(subject) % {"day": formatting.day(day)},
                        text=render_to_string(template, context),
                        not_before=after_quiet_hours(user, timezone.now()),
                    )
            except IntegrityError:
                return False
        transaction.on_commit(send_soon)
    return True


def digest_send(*, user: User, day: date, todos: list[Todo]) -> bool:
    """Mail one person their open work for the day and the notices they chose to get in the
    digest; never twice on the same day."""
    notices = list(Notification.objects.filter(user=user, in_next_digest=True).order_by("created_at", "pk"))
    if not (todos or notices) or not user.email:
        return False
    with transaction.atomic():
        queued = _queue_once_a_day(
            "digest",
            user,
            day,
            _("Handover: your open work for %(day)s"),
            "handover/email/digest.txt",
            {"todos": todos, "notices": notices},
        )
        if queued:
            Notification.objects.filter(pk__in=[n.pk for n in notices]).update(in_next_digest=False)
    return queued


def overdue_notice_send(*, user: User, day: date, accesses: list) -> bool:
    """Tell an HR owner or manager which accesses are still open after the last day; once a day."""
    if not accesses or not user.email:
        return False
    return _queue_once_a_day(
        "access_overdue",
        user,
        day,
        _("Handover: accesses still open after the last working day (%(day)s)"),
        "handover/email/access_overdue.txt",
        {"accesses": accesses},
    )
