"""Pure: what is due for whom on a case, given the facts the selectors read.

Nothing here touches the database, so My work, the daily digest and the tests
all agree on what "your turn" means.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext_lazy, ngettext_lazy

from handover.models import ModuleKind, SignerRole, State


@dataclass
class ModuleFacts:
    id: int
    kind: str
    successor_id: int | None
    successor_name: str
    total: int = 0
    pending: int = 0
    handed_over: int = 0
    returned: int = 0
    accepted: int = 0
    trial_open: int = 0
    trial_done: int = 0
    trial_verified: int = 0
    accesses_listed: int = 0
    accesses_transferred: int = 0
    materials_to_find: int = 0

    @property
    def label(self) -> str:
        return str(ModuleKind(self.kind).label)

    @property
    def trial_total(self) -> int:
        return self.trial_open + self.trial_done + self.trial_verified

    @property
    def accepted_percent(self) -> int:
        return round(100 * self.accepted / self.total) if self.total else 0

    @property
    def handed_over_percent(self) -> int:
        """Handed over but not yet accepted, for the second segment of a progress bar."""
        return round(100 * (self.handed_over + self.returned) / self.total) if self.total else 0


@dataclass
class CaseFacts:
    id: int
    number: str
    employee_name: str
    state: str
    employee_id: int
    manager_id: int
    hr_owner_id: int
    last_working_day: date
    support_until: date
    meeting_scheduled: bool = False
    meeting_held: bool = False
    modules: list[ModuleFacts] = field(default_factory=list)
    signed: set[tuple[int, str]] = field(default_factory=set)

    @property
    def state_label(self) -> str:
        return str(State(self.state).label)

    @property
    def total(self) -> int:
        return sum(m.total for m in self.modules)

    @property
    def accepted(self) -> int:
        return sum(m.accepted for m in self.modules)

    @property
    def accepted_percent(self) -> int:
        return round(100 * self.accepted / self.total) if self.total else 0

    @property
    def handed_over_percent(self) -> int:
        waiting = sum(m.handed_over + m.returned for m in self.modules)
        return round(100 * waiting / self.total) if self.total else 0

    @property
    def successor_ids(self) -> set[int]:
        return {m.successor_id for m in self.modules if m.successor_id is not None}

    @property
    def ready_to_sign(self) -> bool:
        return (
            self.state == State.TRIAL_RUN
            and all(m.accepted == m.total for m in self.modules)
            and any(m.trial_total for m in self.modules)
            and all(m.trial_verified == m.trial_total for m in self.modules)
            and not any(m.accesses_listed or m.materials_to_find for m in self.modules)
        )

    @property
    def accesses_open(self) -> int:
        """Accesses the leaver may still be able to use."""
        return sum(m.accesses_listed + m.accesses_transferred for m in self.modules)


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


def todos_for_case(facts: CaseFacts, today: date) -> dict[int, list[Todo]]:
    """Every person's open work on this case, keyed by user id."""
    todos: dict[int, list[Todo]] = {}

    def add(user_id: int | None, kind: str, count: int = 1, module: str = "", anchor: str = "") -> None:
        if user_id is not None and count > 0:
            todos.setdefault(user_id, []).append(
                Todo(facts.id, facts.number, facts.employee_name, kind, count, module, anchor)
            )

    supervisors = {facts.hr_owner_id, facts.manager_id}
    state = facts.state
    if state in (State.INTENT_CONFIRMED, State.PREPARING, State.EXECUTING, State.TRIAL_RUN):
        for module in facts.modules:
            if module.successor_id is None:
                add(facts.hr_owner_id, "name_successor", module=module.kind, anchor=f"module-{module.id}")
    if state == State.INTENT_CONFIRMED:
        add(facts.hr_owner_id, "start_preparing", anchor="actions")
    if state in (State.INTENT_CONFIRMED, State.PREPARING) and not facts.meeting_scheduled:
        for user_id in supervisors:
            add(user_id, "schedule_meeting", anchor="meeting")
    if state == State.PREPARING:
        add(facts.employee_id, "review_inventory", anchor="modules-title")
        for module in facts.modules:
            if module.total == 0:
                add(facts.employee_id, "build_inventory", module=module.kind, anchor=f"module-{module.id}")
        if facts.meeting_scheduled and not facts.meeting_held:
            for user_id in supervisors:
                add(user_id, "record_meeting", anchor="meeting")
        if facts.meeting_held:
            for user_id in supervisors:
                add(user_id, "start_executing", anchor="actions")
    if state in (State.EXECUTING, State.TRIAL_RUN):
        for module in facts.modules:
            anchor = f"module-{module.id}"
            add(facts.employee_id, "hand_over", module.pending, module.kind, anchor)
            add(facts.employee_id, "answer", module.returned, module.kind, anchor)
            add(module.successor_id, "accept", module.handed_over, module.kind, anchor)
            add(module.successor_id, "transfer_access", module.accesses_listed, module.kind, "accesses")
            add(module.successor_id, "find_material", module.materials_to_find, module.kind, "materials")
    if state == State.EXECUTING and all(m.pending == 0 and m.returned == 0 for m in facts.modules):
        for user_id in supervisors:
            add(user_id, "start_trial_run", anchor="actions")
    if state == State.TRIAL_RUN:
        for module in facts.modules:
            if module.trial_total == 0:
                add(facts.employee_id, "add_trial_task", module=module.kind, anchor="trial")
            add(module.successor_id, "do_trial", module.trial_open, module.kind, "trial")
            add(facts.employee_id, "verify_trial", module.trial_done, module.kind, "trial")
        if facts.ready_to_sign:
            first_signers = {(facts.employee_id, SignerRole.LEAVER)} | {
                (user_id, SignerRole.SUCCESSOR) for user_id in facts.successor_ids
            }
            for user_id, _role in first_signers - facts.signed:
                add(user_id, "sign", anchor="sign")
            if first_signers <= facts.signed:
                add(facts.manager_id, "sign_off", anchor="sign")
    if state != State.WITHDRAWN and today > facts.last_working_day and facts.accesses_open:
        for user_id in supervisors:
            add(user_id, "revoke_access", facts.accesses_open, anchor="accesses")
    if state == State.AFTERCARE and today > facts.support_until:
        add(facts.hr_owner_id, "close", anchor="actions")
    return todos
