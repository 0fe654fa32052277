"""Pure: what is due for whom on a case, given the facts the selectors read.

Nothing here touches the database, and nothing here decides who may act: every to-do is offered
exactly when the policy lets that person take the act it asks for, so My work, the daily digest,
the case page and the services agree on what "your turn" means.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy, ngettext_lazy

from handover import places, policy
from handover.models import ModuleKind
from handover.permissions import CaseAccess
from handover.policy import CaseFacts, ModuleFacts, RowRule


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
    "start_preparing": gettext_lazy("Announce the departure and start the preparation"),
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
class _Invitation:
    """An invitation not yet confirmed: what a to-do counting such invitations asks the policy."""

    confirmed_at: None = None


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

    parts: dict[int, CaseAccess] = {}

    def as_(user_id: int) -> CaseAccess:
        if user_id not in parts:
            parts[user_id] = policy.access_as(facts, user_id)
        return parts[user_id]

    state = facts.state
    supervisors = [p.user_id for p in policy.Who.SUPERVISORS.people(facts) if ours(p.user_id)]
    leaver = facts.employee_id
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
    for user_id in supervisors:
        add(
            user_id,
            "revoke_access",
            policy.overdue_revocations(facts, as_(user_id), today),
            anchor="accesses",
        )
    return todos


def todos_of(facts: CaseFacts, today: date, user_id: int) -> list[Todo]:
    """One person's open work on this case."""
    return todos_for_case(facts, today, only=user_id).get(user_id, [])
