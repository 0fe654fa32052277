"""Pure: what is due for whom on a case, given the facts the selectors read.

Nothing here touches the database, and nothing here decides who may act: every to-do is offered
exactly when the policy lets that person take the act it asks for, so My work, the daily digest,
the case page and the services agree on what "your turn" means.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy, ngettext_lazy

from handover import places, policy
from handover.models import ItemState, ModuleKind, NoticeKind, TrialState
from handover.permissions import CaseAccess
from handover.policy import CaseFacts, ModuleFacts, RowRule
from handover.validators import offsets


@dataclass(frozen=True)
class Todo:
    """One thing a person should do now on one case."""

    case_id: int
    number: str
    employee_name: str
    kind: str
    count: int = 1
    module: str = ""
    anchor: str = ""

    @property
    def url(self) -> str:
        return places.case_url(self.case_id, self.anchor)

    @property
    def text(self) -> str:
        module = str(ModuleKind(self.module).label) if self.module else ""
        return TODO_TEXT[self.kind] % {"n": self.count, "module": module}


# What each to-do says; the plural forms follow the count "n".
TODO_TEXT = {
    "start_preparing": gettext_lazy("Start the preparation"),
    "announce": gettext_lazy("Review and send the announcement of the departure"),
    "name_successor": gettext_lazy("Name a successor for %(module)s"),
    "schedule_meeting": gettext_lazy("Schedule the handover meeting"),
    "record_meeting": gettext_lazy("Record the handover meeting and its minutes"),
    "build_inventory": gettext_lazy("List what you hand over in %(module)s"),
    "review_inventory": gettext_lazy("Complete your handover checklist: steps, key moments and cautions"),
    "start_executing": gettext_lazy("Start the execution: the meeting has taken place"),
    "hand_over": ngettext_lazy(
        "Hand over %(n)d item in %(module)s", "Hand over %(n)d items in %(module)s", "n"
    ),
    "answer": ngettext_lazy(
        "Answer %(n)d question in %(module)s", "Answer %(n)d questions in %(module)s", "n"
    ),
    "accept": ngettext_lazy(
        "Accept or question %(n)d item in %(module)s", "Accept or question %(n)d items in %(module)s", "n"
    ),
    "start_trial_run": gettext_lazy("Start the trial run: everything is handed over"),
    "confirm_independence": gettext_lazy("Confirm that the successor does %(module)s alone"),
    "do_follow_ups": ngettext_lazy(
        "Do %(n)d follow-up in %(module)s", "Do %(n)d follow-ups in %(module)s", "n"
    ),
    "record_demonstrations": ngettext_lazy(
        "Record %(n)d demonstration as held", "Record %(n)d demonstrations as held", "n"
    ),
    "confirm_demonstrations": ngettext_lazy(
        "Confirm you saw %(n)d demonstration", "Confirm you saw %(n)d demonstrations", "n"
    ),
    "transfer_access": ngettext_lazy(
        "Confirm working access to %(n)d account in %(module)s",
        "Confirm working access to %(n)d accounts in %(module)s",
        "n",
    ),
    "find_material": ngettext_lazy(
        "Confirm you found %(n)d important material in %(module)s",
        "Confirm you found %(n)d important materials in %(module)s",
        "n",
    ),
    "revoke_access": ngettext_lazy(
        "Confirm %(n)d access of the departing employee is revoked (overdue)",
        "Confirm %(n)d accesses of the departing employee are revoked (overdue)",
        "n",
    ),
    "add_trial_task": gettext_lazy("Set trial tasks for %(module)s"),
    "do_trial": ngettext_lazy("Do %(n)d trial task in %(module)s", "Do %(n)d trial tasks in %(module)s", "n"),
    "verify_trial": ngettext_lazy(
        "Verify %(n)d trial task in %(module)s", "Verify %(n)d trial tasks in %(module)s", "n"
    ),
    "sign": gettext_lazy("Sign the handover confirmation"),
    "sign_off": gettext_lazy("Sign off the handover: everyone else has signed"),
    "close": gettext_lazy("Close the case: aftercare has ended"),
    "read_answers": ngettext_lazy(
        "Read %(n)d answer of the former employee and say whether it solves your question",
        "Read %(n)d answers of the former employee and say whether they solve your questions",
        "n",
    ),
}


# To-dos about rows of a module: the policy's rule for the act, and how many rows of a module
# await it (items and trial tasks counted by the very states the rule accepts).
ROW_TODOS: tuple[tuple[str, RowRule, Callable[[ModuleFacts, RowRule], int]], ...] = (
    ("hand_over", policy.ITEM_RULES["hand_over"], lambda m, rule: m.items_in(_states(rule))),
    ("answer", policy.ITEM_RULES["answer"], lambda m, rule: m.items_in(_states(rule))),
    ("accept", policy.ITEM_RULES["accept"], lambda m, rule: m.items_in(_states(rule))),
    ("transfer_access", policy.ACCESS_RULES["transfer"], lambda m, rule: m.accesses_listed),
    # Only the important materials hold the sign-off up; the others are found when convenient.
    ("find_material", policy.MATERIAL_RULES["find"], lambda m, rule: m.materials_to_find),
    ("do_trial", policy.TRIAL_RULES["complete"], lambda m, rule: m.trial_in(_states(rule))),
    ("verify_trial", policy.TRIAL_RULES["verify"], lambda m, rule: m.trial_in(_states(rule))),
)
ROW_TODO_ANCHORS = {
    "transfer_access": "accesses",
    "find_material": "materials",
    "do_trial": "trial",
    "verify_trial": "trial",
}

# To-dos that are a step of the case: offered to whoever may take it once nothing blocks it.
# Aftercare starts by itself on the last working day and the manager's sign-off is a signature.
STEP_TODOS = ("start_preparing", "start_executing", "start_trial_run", "close")


def _states(rule: RowRule) -> tuple[str, ...]:
    if not isinstance(rule.row_ok, policy.InStates):
        raise TypeError("a to-do counts rows by state only for a rule on states")
    return rule.row_ok.states


@dataclass(frozen=True)
class _Answered:
    """An answered aftercare question not yet solved, as the policy asks it of its asker."""

    asker_id: int
    answered_at: bool = True
    solved_at: None = None


@dataclass(frozen=True)
class _Invitation:
    """An invitation not yet confirmed: what a to-do counting such invitations asks the policy."""

    confirmed_at: None = None


def _access_by_person(facts: CaseFacts) -> Callable[[int], CaseAccess]:
    """``policy.access_as`` on this case, asked once per person: a case asks it of the same few
    people for every module and row."""
    parts: dict[int, CaseAccess] = {}

    def as_(user_id: int) -> CaseAccess:
        if user_id not in parts:
            parts[user_id] = policy.access_as(facts, user_id)
        return parts[user_id]

    return as_


def todos_for_case(facts: CaseFacts, today: date, only: int | None = None) -> dict[int, list[Todo]]:
    """Every person's open work on this case, keyed by user id; with ``only``, that person's alone
    (the others' decisions are not even asked)."""
    todos: dict[int, list[Todo]] = {}

    def ours(user_id: int | None) -> bool:
        return user_id is not None and (only is None or user_id == only)

    def add(user_id: int | None, kind: str, count: int = 1, module: str = "", anchor: str = "") -> None:
        if user_id is not None and count > 0:
            todos.setdefault(user_id, []).append(
                Todo(facts.id, facts.number, facts.employee_name, kind, count, module, anchor)
            )

    as_ = _access_by_person(facts)
    state = facts.state
    supervisors = [p.user_id for p in policy.Who.SUPERVISORS.people(facts) if ours(p.user_id)]
    leaver = facts.employee_id
    if ours(facts.hr_owner_id) and policy.case_decision(facts, as_(facts.hr_owner_id), "announce"):
        add(facts.hr_owner_id, "announce", anchor="announcement")
    if ours(facts.hr_owner_id) and policy.act_decision(state, as_(facts.hr_owner_id), "change_people"):
        for module in facts.modules:
            if module.successor_id is None:
                add(facts.hr_owner_id, "name_successor", module=module.kind, anchor=f"module-{module.id}")
    for name in STEP_TODOS:
        for person in policy.STEPS[name].who.people(facts):
            if ours(person.user_id) and policy.transition_decision(facts, as_(person.user_id), name, today):
                add(person.user_id, name, anchor="actions")
    for user_id in supervisors:
        if not facts.meeting_scheduled and policy.case_decision(facts, as_(user_id), "schedule_meeting"):
            add(user_id, "schedule_meeting", anchor="meeting")
        if policy.case_decision(facts, as_(user_id), "record_meeting"):
            add(user_id, "record_meeting", anchor="meeting")
    if ours(leaver) and policy.act_decision(state, as_(leaver), "add_item"):
        # While items can still be removed the checklist is being built: the leaver completes it.
        if state in policy.ITEM_RULES["remove"].states:
            add(leaver, "review_inventory", anchor="modules-title")
        for module in facts.modules:
            if module.total == 0:
                add(leaver, "build_inventory", module=module.kind, anchor=f"module-{module.id}")
    for module in facts.modules:
        for kind, rule, count in ROW_TODOS:
            # No rows to act on, no to-do: who could act is not even asked.
            rows = count(module, rule)
            if rows == 0:
                continue
            for person in rule.who.people(facts, module):
                if ours(person.user_id) and policy.may_act_on_rows(rule, state, as_(person.user_id), module):
                    anchor = ROW_TODO_ANCHORS.get(kind, f"module-{module.id}")
                    add(person.user_id, kind, rows, module.kind, anchor)
        if (
            module.trial_total == 0
            and ours(leaver)
            and policy.act_decision(state, as_(leaver), "add_trial_task")
        ):
            add(leaver, "add_trial_task", module=module.kind, anchor="trial")
    if (
        ours(leaver)
        and facts.demonstrations_due
        and policy.demonstration_decision(state, as_(leaver), "record")
    ):
        add(leaver, "record_demonstrations", facts.demonstrations_due, anchor="demonstrations")
    for person in facts.successors():
        unconfirmed = facts.demonstrations_unconfirmed.get(person.user_id, 0)
        if (
            ours(person.user_id)
            and unconfirmed
            and policy.demonstration_decision(
                state, as_(person.user_id), "confirm", held=True, invitation=_Invitation()
            )
        ):
            add(person.user_id, "confirm_demonstrations", unconfirmed, anchor="demonstrations")
    for module in facts.modules:
        for person in facts.successor(module):
            if (
                ours(person.user_id)
                and module.follow_ups_open
                and policy.may_act_on_rows(
                    policy.FOLLOW_UP_RULES["complete"], state, as_(person.user_id), module
                )
            ):
                add(
                    person.user_id,
                    "do_follow_ups",
                    module.follow_ups_open,
                    module.kind,
                    f"module-{module.id}",
                )
    if ours(facts.manager_id):
        for module in facts.modules:
            if policy.independence_decision(facts, as_(facts.manager_id), module, "confirm"):
                add(
                    facts.manager_id, "confirm_independence", module=module.kind, anchor=f"module-{module.id}"
                )
    for person in [facts.leaver, *facts.successors()]:
        if ours(person.user_id) and policy.sign_decision(facts, as_(person.user_id), today):
            add(person.user_id, "sign", anchor="sign")
    if ours(facts.manager_id) and policy.sign_decision(facts, as_(facts.manager_id), today):
        add(facts.manager_id, "sign_off", anchor="sign")
    for asker_id, answers in facts.answers_to_read.items():
        if ours(asker_id) and policy.aftercare_decision(
            facts, as_(asker_id), "solve", today, _Answered(asker_id)
        ):
            add(asker_id, "read_answers", answers, anchor="aftercare")
    for user_id in supervisors:
        add(
            user_id,
            "revoke_access",
            policy.overdue_revocations(facts, as_(user_id), today),
            anchor="accesses",
        )
    return todos


# ---------------------------------------------------------------------------------------------
# Reminders of dates and of work that waits: what to tell whom, at a given instant. Each has a key
# that names it for good (the row, its date, the offset), so the scan that sends them may run as
# often as it likes: a reminder already given is not given again.

# Reminders of a day go out from this hour of the company's time zone (quiet hours then apply to
# each person's mail in their own zone).
WORKDAY_STARTS = time(9, 0)
# Work that waits is reminded to whoever must act after a day; the manager is told after the
# template's escalation days more, the HR owner after twice as many.
WAITING_REMINDED_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class ReminderPlan:
    """When a template's cases remind (HR sets it per template; these are the defaults)."""

    due_days: tuple[int, ...] = (1, 0)
    last_day_days: tuple[int, ...] = (7, 3, 1)
    meeting_hours: tuple[int, ...] = (24, 1)
    escalate_days: int = 2


@dataclass(frozen=True)
class ItemDates:
    id: int
    module_id: int
    title: str
    state: str
    due_date: date | None
    returned_at: datetime | None


@dataclass(frozen=True)
class TaskDates:
    id: int
    module_id: int
    title: str
    state: str
    # Since when it waits for its next act: set (or sent back) for the successor, done for the leaver.
    since: datetime


@dataclass(frozen=True)
class Upcoming:
    """The handover meeting or a demonstration, not yet held, and who is invited."""

    kind: str
    id: int
    title: str
    at: datetime
    user_ids: tuple[int, ...]


@dataclass(frozen=True)
class QuestionDates:
    """An aftercare question the former employee has not answered."""

    id: int
    text: str
    asked_at: datetime


@dataclass(frozen=True)
class CaseDates:
    items: list[ItemDates] = field(default_factory=list)
    tasks: list[TaskDates] = field(default_factory=list)
    upcoming: list[Upcoming] = field(default_factory=list)
    questions: list[QuestionDates] = field(default_factory=list)


@dataclass(frozen=True)
class Reminder:
    """One reminder for some people on one case. ``title`` is lazy (each reader's language), with
    ``params`` (dates and moments are formatted for each reader); ``todos`` are per person (their
    own open work), else empty."""

    key: str
    kind: str
    case_id: int
    user_ids: tuple[int, ...]
    title: Promise
    params: dict[str, Any]
    anchor: str
    todos: dict[int, list[Todo]] = field(default_factory=dict)


REMINDER_TITLES = {
    "due": ngettext_lazy(
        "“%(what)s” is due tomorrow (%(day)s)", "“%(what)s” is due in %(n)d days (%(day)s)", "n"
    ),
    "due_today": gettext_lazy("“%(what)s” is due today"),
    "late": ngettext_lazy(
        "%(number)s: “%(what)s” is %(n)d day late", "%(number)s: “%(what)s” is %(n)d days late", "n"
    ),
    "question": gettext_lazy("“%(what)s”: a question waits for your answer since %(day)s"),
    "question_late": gettext_lazy("%(number)s: a question on “%(what)s” is unanswered since %(day)s"),
    "trial": gettext_lazy("Trial task “%(what)s” waits for you since %(day)s"),
    "trial_late": gettext_lazy("%(number)s: trial task “%(what)s” waits since %(day)s"),
    "upcoming": gettext_lazy("Coming up: %(what)s, %(when)s"),
    "meeting_upcoming": gettext_lazy("Coming up: the handover meeting for %(name)s, %(when)s"),
    "last_day": ngettext_lazy(
        "%(name)s leaves tomorrow (%(day)s): what is still yours to do",
        "%(name)s leaves in %(n)d days (%(day)s): what is still yours to do",
        "n",
    ),
    "sign": gettext_lazy("%(number)s waits for your signature"),
    "aftercare": gettext_lazy("A question from your former colleagues waits since %(day)s: “%(what)s”"),
    "aftercare_late": gettext_lazy("%(number)s: %(name)s has not answered a question since %(day)s"),
}


def _at_workday_start(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, WORKDAY_STARTS, tzinfo=zone)


def _latest(moments: dict[int, datetime], now: datetime) -> int | None:
    """Of a reminder's offsets (say 7, 3 and 1 days before, with the moment each comes), the one
    whose time came last: a scan that comes late sends the reminder that is true now, not every
    one it missed."""
    came = [offset for offset, moment in moments.items() if moment <= now]
    return min(came) if came else None


def _acting(
    rule: RowRule, facts: CaseFacts, module: ModuleFacts, as_: Callable[[int], CaseAccess]
) -> tuple[int, ...]:
    """Who the rule names for this module and may take the act now (``as_``: what each person may
    do on the case)."""
    return tuple(
        person.user_id
        for person in rule.who.people(facts, module)
        if policy.may_act_on_rows(rule, facts.state, as_(person.user_id), module)
    )


def _escalations(
    facts: CaseFacts,
    plan: ReminderPlan,
    now: datetime,
    key: str,
    since: datetime,
    actors: tuple[int, ...],
    kinds: tuple[str, str],
    params: dict[str, Any],
    anchor: str,
) -> Iterator[Reminder]:
    """A row that waits since ``since``: whoever must act is reminded after a day; the manager
    after the plan's days more, the HR owner after twice as many."""
    first = since + WAITING_REMINDED_AFTER
    steps = (
        (first, "remind", actors, kinds[0]),
        (first + timedelta(days=plan.escalate_days), "manager", (facts.manager_id,), kinds[1]),
        (first + timedelta(days=2 * plan.escalate_days), "hr", (facts.hr_owner_id,), kinds[1]),
    )
    for moment, level, people, title in steps:
        if people and moment <= now:
            yield Reminder(
                key=f"{key}:{level}",
                kind=NoticeKind.WAITING if level == "remind" else NoticeKind.ESCALATION,
                case_id=facts.id,
                user_ids=people,
                title=REMINDER_TITLES[title],
                params=params,
                anchor=anchor,
            )


def reminders_for_case(
    facts: CaseFacts, dates: CaseDates, plan: ReminderPlan, now: datetime, zone: tzinfo
) -> list[Reminder]:
    """Every reminder due by ``now`` on this case (those already given included: the caller skips
    the keys it has given)."""
    today = now.astimezone(zone).date()
    as_ = _access_by_person(facts)
    modules = {module.id: module for module in facts.modules}
    found: list[Reminder] = []
    common = {"number": facts.number, "name": facts.employee_name}
    for item in dates.items:
        module = modules.get(item.module_id)
        if module is None:
            continue
        what = {**common, "what": item.title}
        anchor = f"module-{module.id}"
        if item.due_date is not None and item.state == ItemState.PENDING:
            actors = _acting(policy.ITEM_RULES["hand_over"], facts, module, as_)
            days = _latest(
                {
                    days: _at_workday_start(item.due_date - timedelta(days=days), zone)
                    for days in plan.due_days
                },
                now,
            )
            if days is not None and actors and today <= item.due_date:
                found.append(
                    Reminder(
                        key=f"due:{item.id}:{item.due_date.isoformat()}:{days}",
                        kind=NoticeKind.DUE,
                        case_id=facts.id,
                        user_ids=actors,
                        title=REMINDER_TITLES["due" if days else "due_today"],
                        params={**what, "n": days, "day": item.due_date},
                        anchor=anchor,
                    )
                )
            late = _at_workday_start(item.due_date + timedelta(days=1), zone) - WAITING_REMINDED_AFTER
            found.extend(
                _escalations(
                    facts,
                    plan,
                    now,
                    f"late:{item.id}:{item.due_date.isoformat()}",
                    late,
                    actors,
                    ("late", "late"),
                    {**what, "n": max((today - item.due_date).days, 1)},
                    anchor,
                )
            )
        if item.state == ItemState.RETURNED and item.returned_at is not None:
            found.extend(
                _escalations(
                    facts,
                    plan,
                    now,
                    f"question:{item.id}:{item.returned_at.isoformat()}",
                    item.returned_at,
                    _acting(policy.ITEM_RULES["answer"], facts, module, as_),
                    ("question", "question_late"),
                    {**what, "day": item.returned_at.astimezone(zone).date()},
                    anchor,
                )
            )
    for task in dates.tasks:
        module = modules.get(task.module_id)
        if module is None:
            continue
        rule = policy.TRIAL_RULES["verify" if task.state == TrialState.DONE else "complete"]
        found.extend(
            _escalations(
                facts,
                plan,
                now,
                f"trial:{task.id}:{task.state}:{task.since.isoformat()}",
                task.since,
                _acting(rule, facts, module, as_),
                ("trial", "trial_late"),
                {**common, "what": task.title, "day": task.since.astimezone(zone).date()},
                "trial",
            )
        )
    for event in dates.upcoming:
        hours = _latest({hours: event.at - timedelta(hours=hours) for hours in plan.meeting_hours}, now)
        if hours is not None and now < event.at:
            found.append(
                Reminder(
                    key=f"{event.kind}:{event.id}:{event.at.isoformat()}:{hours}",
                    kind=NoticeKind.UPCOMING,
                    case_id=facts.id,
                    user_ids=event.user_ids,
                    title=REMINDER_TITLES["meeting_upcoming" if event.kind == "meeting" else "upcoming"],
                    params={**common, "what": event.title, "when": event.at},
                    anchor="meeting" if event.kind == "meeting" else f"demonstration-{event.id}",
                )
            )
    if facts.state in policy.OPEN_STATES:
        last = facts.last_working_day
        days = _latest(
            {days: _at_workday_start(last - timedelta(days=days), zone) for days in plan.last_day_days}, now
        )
        if days is not None and today < last:
            todos = todos_for_case(facts, today)
            if todos:
                found.append(
                    Reminder(
                        key=f"last_day:{facts.id}:{last.isoformat()}:{days}",
                        kind=NoticeKind.DUE,
                        case_id=facts.id,
                        user_ids=tuple(todos),
                        title=REMINDER_TITLES["last_day"],
                        params={**common, "n": days, "day": last},
                        anchor="",
                        todos=todos,
                    )
                )
    signers = tuple(
        person.user_id
        for person in [facts.leaver, *facts.successors(), facts.manager]
        if policy.sign_decision(facts, as_(person.user_id), today)
    )
    if signers and _at_workday_start(today, zone) <= now:
        found.append(
            Reminder(
                key=f"sign:{facts.id}:{today.isoformat()}",
                kind=NoticeKind.WAITING,
                case_id=facts.id,
                user_ids=signers,
                title=REMINDER_TITLES["sign"],
                params=common,
                anchor="signatures",
            )
        )
    found.extend(_aftercare_reminders(facts, dates, now, today))
    return found


def _aftercare_reminders(
    facts: CaseFacts, dates: CaseDates, now: datetime, today: date
) -> Iterator[Reminder]:
    """An unanswered aftercare question reminds the former employee once a day (with their personal
    link) and reaches the manager once it waits longer than the policy allows; only during the
    support period."""
    if not policy.in_support_period(facts, today):
        return
    for question in dates.questions:
        params: dict[str, Any] = {
            "number": facts.number,
            "name": facts.employee_name,
            "what": question.text[:80],
            "day": question.asked_at,
        }
        waited = now - question.asked_at
        if waited >= WAITING_REMINDED_AFTER:
            yield Reminder(
                key=f"aftercare:{question.id}:{waited.days}",
                kind=NoticeKind.AFTERCARE,
                case_id=facts.id,
                user_ids=tuple(p.user_id for p in policy.AFTERCARE_ANSWERS.people(facts)),
                title=REMINDER_TITLES["aftercare"],
                params=params,
                anchor="aftercare",
            )
        if waited >= policy.AFTERCARE_ESCALATION:
            yield Reminder(
                key=f"aftercare:{question.id}:manager",
                kind=NoticeKind.ESCALATION,
                case_id=facts.id,
                user_ids=tuple(p.user_id for p in policy.AFTERCARE_ESCALATES_TO.people(facts)),
                title=REMINDER_TITLES["aftercare_late"],
                params=params,
                anchor="aftercare",
            )


def plan_of(template: Any) -> ReminderPlan:
    """A template's reminder plan; the defaults for a case that started from none."""
    if template is None:
        return ReminderPlan()
    return ReminderPlan(
        due_days=offsets(template.reminder_due_days),
        last_day_days=offsets(template.reminder_last_day_days),
        meeting_hours=offsets(template.reminder_meeting_hours),
        escalate_days=template.escalate_after_days,
    )
