from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import User
from handover.models import DigestLog
from handover.reminders import Todo


def digest_send(*, user: User, day: date, todos: list[Todo]) -> bool:
    """Mail one person their open work for the day; never twice on the same day.

    The digest row and the mail share one transaction: a second run (or a
    concurrent worker) meets the unique row and sends nothing, and a mail that
    fails rolls the row back so the next run tries again.
    """
    if not todos or not user.email:
        return False
    with transaction.atomic():
        try:
            with transaction.atomic():
                DigestLog.objects.create(user=user, day=day)
        except IntegrityError:
            return False
        with translation.override(user.language or settings.LANGUAGE_CODE):
            context = {"user": user, "todos": todos, "base_url": settings.HANDOVER_BASE_URL, "day": day}
            send_mail(
                subject=gettext("Handover: your open work for %(day)s") % {"day": day.isoformat()},
                message=render_to_string("handover/email/digest.txt", context),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[user.email],
            )
    return True
