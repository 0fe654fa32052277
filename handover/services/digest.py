from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from handover import formatting
from handover.models import DigestLog, OverdueNotice
from handover.reminders import Todo


def _send_once_a_day(
    log: type[DigestLog] | type[OverdueNotice],
    user: User,
    day: date,
    subject: Promise,
    template: str,
    context: dict,
) -> bool:
    """Mail one person once per day per kind of message.

    The log row and the mail share one transaction: a second run (or a concurrent worker) meets
    the unique row and sends nothing, and a mail that fails rolls the row back so the next run
    tries again. ``subject`` (lazy, with ``%(day)s``) is rendered in the person's language.
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                log.objects.create(user=user, day=day)
        except IntegrityError:
            return False
        with translation.override(user.language or settings.LANGUAGE_CODE):
            context = {**context, "user": user, "base_url": settings.HANDOVER_BASE_URL, "day": day}
            send_mail(
                subject=str(subject) % {"day": formatting.day(day)},
                message=render_to_string(template, context),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[user.email],
            )
    return True


def digest_send(*, user: User, day: date, todos: list[Todo]) -> bool:
    """Mail one person their open work for the day; never twice on the same day."""
    if not todos or not user.email:
        return False
    return _send_once_a_day(
        DigestLog,
        user,
        day,
        _("Handover: your open work for %(day)s"),
        "handover/email/digest.txt",
        {"todos": todos},
    )


def overdue_notice_send(*, user: User, day: date, accesses: list) -> bool:
    """Tell an HR owner or manager which accesses are still open after the last day; once a day."""
    if not accesses or not user.email:
        return False
    return _send_once_a_day(
        OverdueNotice,
        user,
        day,
        _("Handover: accesses still open after the last working day (%(day)s)"),
        "handover/email/access_overdue.txt",
        {"accesses": accesses},
    )
