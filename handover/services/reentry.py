"""The password a person re-enters to reveal a secret or to sign. Each wrong one is an event on
the case's timeline; once too many fall within the lockout window (across all their cases), the
person is refused for a while without the password being looked at. The count is read from the
timelines, so there is nothing else to keep or clean up."""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from handover.errors import HandoverError
from handover.models import Departure, Event, EventKind

from ._base import record

PASSWORD_FAILURE_KINDS = (EventKind.SECRET_REVEAL_FAILED, EventKind.SIGN_FAILED)


def password_locked_until(actor: User) -> datetime | None:
    """Until when this person may not re-enter a password, or None if they may now. Locked while
    the failure limit is reached within one window: until the oldest of those failures leaves it."""
    window = timedelta(minutes=settings.HANDOVER_PASSWORD_LOCKOUT_MINUTES)
    limit = settings.HANDOVER_PASSWORD_FAILURE_LIMIT
    recent = list(
        Event.objects.filter(
            actor=actor, kind__in=PASSWORD_FAILURE_KINDS, created_at__gt=timezone.now() - window
        )
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:limit]
    )
    if len(recent) < limit:
        return None
    return recent[-1] + window


def password_reentered(
    *, actor: User, password: str, departure: Departure, failure: EventKind, subject: str = ""
) -> bool:
    """Whether the actor re-entered their own password; call inside the service's transaction,
    once the policy has let them act. While locked out this refuses without looking at the
    password. A wrong password is written on the timeline and False returned: the caller lets its
    transaction commit, so the event stays, and refuses after it."""
    # One person's attempts on different cases are counted one at a time, so that parallel
    # requests cannot each see one failure fewer than there are.
    User.objects.select_for_update().filter(pk=actor.pk).values_list("pk").first()
    until = password_locked_until(actor)
    if until is not None:
        raise HandoverError(
            _("Too many wrong passwords; try again after %(time)s.")
            % {"time": date_format(timezone.localtime(until), "H:i")}
        )
    if password and actor.check_password(password):
        return True
    record(departure, actor, failure, subject)
    return False
