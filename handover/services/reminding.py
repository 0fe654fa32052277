"""The reminder scan: every open case, a chunk at a time, asked what is due now (handover.reminders,
which asks the policy who must act), and each reminder not yet given told once."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from handover import formatting, places, reminders, selectors
from handover.aftercare_links import personal_link
from handover.models import (
    ChatChannel,
    ChecklistTemplate,
    Departure,
    NoticeKind,
    Notification,
    State,
)
from handover.notifications.notices import DEFAULT, Batch, Notice, choices, post_to_chats, reachable

# Cases whose dates still matter: from the preparation to the sign-off (the trial run included),
# and aftercare, whose questions wait for the former employee.
REMINDED_STATES = (State.PREPARING, State.EXECUTING, State.TRIAL_RUN, State.AFTERCARE)
CHUNK = 500


def _shown(value: object) -> object:
    """A reminder's value as the reader reads it: dates and moments in their language."""
    if isinstance(value, datetime):
        return formatting.moment(value)
    if isinstance(value, date):
        return formatting.day(value)
    return value


def _compose(reminder: reminders.Reminder):
    def notice(user: User | None = None) -> Notice:
        params = {name: _shown(value) for name, value in reminder.params.items()}
        todos = reminder.todos.get(user.pk, []) if user is not None else []
        return Notice(
            title=str(reminder.title % params),
            body="\n".join(f"- {todo.text}" for todo in todos),
            link=personal_link(reminder.case_id, user.pk)
            if user is not None and reminder.kind == NoticeKind.AFTERCARE
            else places.case_url(reminder.case_id, reminder.anchor),
        )

    return notice


def reminders_send(now: datetime | None = None, chunk: int = CHUNK) -> int:
    """Tell everyone what is due for them now; what was told before is not told again. Returns
    how many people were told."""
    now = now or timezone.now()
    zone = ZoneInfo(settings.TIME_ZONE)
    ids = list(
        Departure.objects.filter(state__in=REMINDED_STATES).order_by("pk").values_list("pk", flat=True)
    )
    told = 0
    # The departments with a chat group that hears of late work (most have none).
    chatting = set(
        ChatChannel.objects.filter(escalations=True, department__isnull=False).values_list(
            "department_id", flat=True
        )
    )
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        cases = Departure.objects.filter(pk__in=part)
        rows = list(cases.values_list("pk", "template_id", "department_id", "language"))
        templates = ChecklistTemplate.objects.in_bulk(
            {template for _pk, template, _d, _l in rows if template}
        )
        plans = {pk: reminders.plan_of(templates.get(template)) for pk, template, _d, _l in rows}
        where = {pk: (department, language) for pk, _t, department, language in rows}
        dates = selectors.case_dates(part, now)
        due = [
            reminder
            for facts in selectors.case_facts(cases)
            for reminder in reminders.reminders_for_case(facts, dates[facts.id], plans[facts.id], now, zone)
        ]
        keys = [f"{reminder.key}:{user_id}" for reminder in due for user_id in reminder.user_ids]
        given = set(Notification.objects.filter(key__in=keys).values_list("key", flat=True))
        fresh = [
            reminder
            for reminder in due
            if any(f"{reminder.key}:{user_id}" not in given for user_id in reminder.user_ids)
        ]
        people = User.objects.in_bulk({user_id for reminder in fresh for user_id in reminder.user_ids})
        chosen = choices(people, {reminder.kind for reminder in fresh})
        with transaction.atomic():
            batch = Batch()
            for reminder in fresh:
                compose = _compose(reminder)
                for user_id in reminder.user_ids:
                    user = people.get(user_id)
                    if (
                        user is None
                        or not reachable(user, reminder.kind)
                        or f"{reminder.key}:{user_id}" in given
                    ):
                        continue
                    choice = chosen.get((user_id, reminder.kind), DEFAULT)
                    batch.add(reminder.kind, user, reminder.case_id, reminder.key, compose, choice)
                if reminder.kind == NoticeKind.ESCALATION and where[reminder.case_id][0] in chatting:
                    # Late work is also the team's business: the department's chat groups hear it.
                    department, language = where[reminder.case_id]
                    post_to_chats(
                        groups=ChatChannel.objects.filter(escalations=True, department_id=department),
                        purpose="escalations",
                        case_id=reminder.case_id,
                        language=language,
                        key=reminder.key,
                        compose=compose,
                    )
            told += batch.save()
    return told
