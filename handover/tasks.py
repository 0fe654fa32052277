"""Celery tasks: each loads by id and calls one service, and is safe to run twice.

The periodic ones (beat) also run one at a time across every worker (``one_at_a_time``): a
second beat's runs do nothing while the first's are under way."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.utils import timezone

from accounts.models import User
from config.celery import one_at_a_time
from handover import selectors, services
from handover.documents import seal, verification
from handover.errors import HandoverError
from handover.models import Departure, State
from handover.notifications import outbox

logger = logging.getLogger(__name__)


# A storage hiccup or a timestamp authority that is down: tried again a few times, then the
# periodic produce_missing_confirmations asks again.
@shared_task(autoretry_for=(OSError, seal.TimestampError), retry_backoff=True, max_retries=5)
def produce_confirmation(departure_id: int, request_key: str = "signoff") -> str:
    return services.confirmation_produce(departure_id=departure_id, request_key=request_key).sha256


# The sandbox ends a check after HANDOVER_VERIFY_CHECK_SECONDS; the task's own limits (which the
# prefork pool enforces) only catch what hangs outside it, such as an unreachable cache.
@shared_task(
    soft_time_limit=settings.HANDOVER_VERIFY_CHECK_SECONDS + 10,
    time_limit=settings.HANDOVER_VERIFY_CHECK_SECONDS + 20,
)
def check_uploaded_pdf(key: str) -> str:
    """A visitor's upload to the verification page, checked in a bounded child process."""
    try:
        return verification.check_run(key=key)
    except SoftTimeLimitExceeded:
        verification.check_give_up(key=key)
        return verification.FAILED


@shared_task
@one_at_a_time
def deliver_outbox() -> int:
    """Send the messages of the outbox that are due; queued after each act that writes one, and
    every minute for retries and messages that waited out someone's quiet hours. Each message is
    claimed by one worker, so runs that overlap all the same (the lock is per database) send
    nothing twice."""
    return outbox.deliver_due()


@shared_task
@one_at_a_time
def send_reminders() -> int:
    """Every date reminded and every wait escalated, once each (the scan skips what it told)."""
    return services.reminders_send()


# Any failure is retried: the fan-out tells each person once by key, so a run after a crash
# tells only whom the crashed run had not told yet.
@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=8)
def announce_departure(departure_id: int) -> int:
    return services.departure_announce(departure_id=departure_id)


@shared_task
@one_at_a_time
def begin_due_aftercare() -> int:
    """Signed-off cases whose last working day has come move to aftercare. The query only narrows
    the candidates; the policy decides for each (the service refuses a case not due)."""
    due = Departure.objects.filter(
        state=State.SIGNED_OFF, last_working_day__lte=timezone.localdate()
    ).values_list("pk", flat=True)
    moved = 0
    for departure in Departure.objects.filter(pk__in=list(due)):
        try:
            services.departure_begin_aftercare(actor=None, departure=departure)
            moved += 1
        except HandoverError:
            logger.info("Case %s moved on before aftercare could start", departure.pk)
    return moved


@shared_task
@one_at_a_time
def end_former_logins() -> int:
    """Departing employees whose last working day is over no longer sign in normally."""
    return services.former_logins_end()


@shared_task
@one_at_a_time
def send_daily_digests() -> int:
    """Everyone with open work gets one digest per day; a second run sends nothing new."""
    day = timezone.localdate()
    sent = 0
    for user, todos in selectors.open_work_by_user():
        if services.digest_send(user=user, day=day, todos=todos):
            sent += 1
    return sent


@shared_task
@one_at_a_time
def send_overdue_access_notices() -> int:
    """HR owners and managers hear of accesses open after the last day, once per person per day."""
    day = timezone.localdate()
    people = selectors.overdue_accesses_by_person(day)
    sent = 0
    for user in User.objects.filter(pk__in=list(people), is_active=True):
        if services.overdue_notice_send(user=user, day=day, accesses=people[user.pk]):
            sent += 1
    return sent


@shared_task
@one_at_a_time
def fill_quality_scores() -> int:
    """Closed cases that have no stored quality score yet get one (a batch per run)."""
    return services.quality_scores_fill()


@shared_task
@one_at_a_time
def apply_retention() -> list[int]:
    """Anonymise the cases whose retention ran out; delete confirmations whose legal hold ended."""
    return list(services.retention_apply())


@shared_task
@one_at_a_time
def produce_missing_confirmations() -> int:
    """Queue again every confirmation a sign-off or reissue asked for and did not get."""
    missing = services.missing_confirmations()
    for case_id, request_key in missing:
        produce_confirmation.delay(case_id, request_key)
    return len(missing)
