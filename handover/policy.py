"""The one rule book: who may do what on a case now, what blocks each step, and who must act next.

Every answer here is a pure function of what is already loaded: the case's facts (``CaseFacts``,
read by ``selectors.case_facts`` in a fixed number of queries), the row being acted on, the
person's part on the case (``CaseAccess``) and today's date. Nothing here queries the database.
Services enforce these answers, the case page draws its buttons from them, My work, the digest and
reminders list their to-dos from them, and one test checks that all of them agree.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

from handover import formatting
from handover.errors import HandoverError
from handover.models import AccessState, ItemState, ModuleKind, SignerRole, State, TrialState
from handover.models.departure import OPEN_STATES, Departure
from handover.models.inventory import SECRET_KINDS
from handover.permissions import CaseAccess, case_grants

# ---------------------------------------------------------------------------------------------
# When things can happen, by the case's state.

# After the manager's sign-off the handover's content is frozen; revocations still go on.
FROZEN_STATES = (State.SIGNED_OFF, State.AFTERCARE, State.CLOSED)
# The confirmation exists from the sign-off on.
ISSUED_STATES = FROZEN_STATES
# The leaver lists and corrects while preparing and handing over; removing is for the preparation.
EDITABLE_STATES = (State.PREPARING, State.EXECUTING)
REMOVABLE_STATES = (State.PREPARING,)
# The successor takes over while the handover runs.
RECEIVING_STATES = (State.EXECUTING, State.TRIAL_RUN)
# A stored secret matters until the case ends.
AFTER_PREPARATION = (State.EXECUTING, State.TRIAL_RUN, State.SIGNED_OFF, State.AFTERCARE)
SUPERVISED_STATES = (State.PREPARING, *AFTER_PREPARATION)
MEETING_STATES = (State.INTENT_CONFIRMED, State.PREPARING)
ANNOUNCING_STATES = (State.PREPARING, *RECEIVING_STATES)
SIGNING_STATES = (State.TRIAL_RUN,)
# People, modules and dates of a case can change until the sign-off; a new module only while its
# items can still be handed over.
CHANGEABLE_STATES = tuple(OPEN_STATES)
MODULE_ADDING_STATES = (State.INTENT_CONFIRMED, State.PREPARING, State.EXECUTING)

# Every date a person types into the handover (notice, last day, due dates, aftercare end,
# imported dates) lies in this range.
EARLIEST_DATE, LATEST_DATE = date(2000, 1, 1), date(2100, 12, 31)


def date_in_range(day: date | None) -> bool:
    """For a date, or the day of a date and time."""
    if isinstance(day, datetime):
        day = day.date()
    return day is None or EARLIEST_DATE <= day <= LATEST_DATE


def date_range_message() -> str:
    return _("Enter a date between the years %(first)s and %(last)s.") % {
        "first": EARLIEST_DATE.year,
        "last": LATEST_DATE.year,
    }


NOT_YOURS = _("This action is not yours to take on this case.")
FROZEN = _("The handover is signed off and its content is frozen; nothing in it can change now.")
WRONG_STATE = _("This cannot be done while the case is “%(state)s”.")
# A blocker that names what it waits for: "…in every module: Orders, Logistics."
NAMED = _("%(message)s Still waiting: %(named)s.")


def _wrong_state(state: str) -> str:
    """Why not while the case is in ``state``, translated only when read: My work and the digest
    ask thousands of decisions whose refusals nobody reads."""
    return _percent(WRONG_STATE, {"state": State(state).label})


_percent = lazy(lambda message, values: str(message) % values, str)


# ---------------------------------------------------------------------------------------------
# The facts of a case, as the selectors read them.


class Part(Enum):
    """The part a person plays on a case, as the "Next step" box names it."""

    HR_OWNER = "hr_owner"
    MANAGER = "manager"
    LEAVER = "leaver"
    SUCCESSOR = "successor"

    @property
    def label(self) -> str:
        return str(PART_LABELS[self])


PART_LABELS: dict[Part, Promise] = {
    Part.HR_OWNER: _("HR"),
    Part.MANAGER: _("Manager"),
    Part.LEAVER: _("Departing employee"),
    Part.SUCCESSOR: _("Successor"),
}


@dataclass(frozen=True)
class Person:
    user_id: int
    name: str
    part: Part

    def __str__(self) -> str:
        return f"{self.part.label} — {self.name}"


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
    accesses_total: int = 0
    materials_to_find: int = 0
    materials_total: int = 0
    # The manager confirmed, during the trial run, that the successor does this module's work alone.
    independent: bool = False
    # The confidence of the manager's latest check-in ("" before any).
    confidence: str = ""
    # Follow-ups left to the successor after the sign-off and not done yet.
    follow_ups_open: int = 0

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

    def items_in(self, states: Iterable[str]) -> int:
        counts: dict[str, int] = {
            ItemState.PENDING: self.pending,
            ItemState.HANDED_OVER: self.handed_over,
            ItemState.RETURNED: self.returned,
            ItemState.ACCEPTED: self.accepted,
        }
        return sum(counts[state] for state in states)

    def trial_in(self, states: Iterable[str]) -> int:
        counts: dict[str, int] = {
            TrialState.ASSIGNED: self.trial_open,
            TrialState.DONE: self.trial_done,
            TrialState.VERIFIED: self.trial_verified,
        }
        # Assigned and sent back are both "open": the selector counts them together.
        return sum(counts.get(state, 0) for state in states if state != TrialState.REWORK)


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
    manager_name: str = ""
    hr_owner_name: str = ""
    meeting_scheduled: bool = False
    meeting_held: bool = False
    # HR has sent the internal announcement of the departure.
    announced: bool = False
    modules: list[ModuleFacts] = field(default_factory=list)
    signed: set[tuple[int, str]] = field(default_factory=set)
    # Demonstrations whose time has come and that are not recorded as held yet; and, per attendee,
    # the demonstrations held that they have not yet confirmed seeing.
    demonstrations_due: int = 0
    demonstrations_unconfirmed: dict[int, int] = field(default_factory=dict)
    # When HR ended the personal links sent to the former employee so far, if they did.
    links_ended_at: datetime | None = None
    # In aftercare, per asker: the answers of the former employee they have not yet marked solved.
    answers_to_read: dict[int, int] = field(default_factory=dict)
    # When the case was anonymised (its retention ran out, or HR erased its leaver).
    anonymised_at: datetime | None = None

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
    def accesses_open(self) -> int:
        """Accesses the leaver may still be able to use."""
        return sum(m.accesses_listed + m.accesses_transferred for m in self.modules)

    @property
    def hr_owner(self) -> Person:
        return Person(self.hr_owner_id, self.hr_owner_name, Part.HR_OWNER)

    @property
    def manager(self) -> Person:
        return Person(self.manager_id, self.manager_name, Part.MANAGER)

    @property
    def leaver(self) -> Person:
        return Person(self.employee_id, self.employee_name, Part.LEAVER)

    def successor(self, module: ModuleFacts) -> list[Person]:
        if module.successor_id is None:
            return []
        return [Person(module.successor_id, module.successor_name, Part.SUCCESSOR)]

    def successors(self, modules: Iterable[ModuleFacts] | None = None) -> list[Person]:
        return _unique(p for m in (self.modules if modules is None else modules) for p in self.successor(m))


def _unique(people: Iterable[Person]) -> list[Person]:
    seen: dict[tuple[int, Part], Person] = {}
    for person in people:
        seen.setdefault((person.user_id, person.part), person)
    return list(seen.values())


def may_use_hr_pages(user: Any) -> bool:
    """The checklist templates and the system catalogue are HR's pages (404 for anyone else)."""
    return bool(user.is_authenticated and user.is_active and user.is_hr)


def may_open_case(user: Any) -> bool:
    return may_use_hr_pages(user) and user.has_perm("handover.add_departure")


def may_edit_templates(user: Any) -> bool:
    return may_use_hr_pages(user) and user.has_perm("handover.change_checklisttemplate")


def may_see_stuck(user: Any) -> bool:
    """What is stuck across cases is for those who supervise them: HR and managers (404 for others)."""
    return bool(user.is_authenticated and user.is_active and (user.is_hr or user.is_manager))


def may_see_open_accesses(user: Any) -> bool:
    """The security risk list: HR, and IT who revoke from it without seeing the cases."""
    return bool(user.is_authenticated and user.is_active and (user.is_hr or user.is_it))


def access_as(facts: CaseFacts, user_id: int) -> CaseAccess:
    """What a person on this case may do, from the facts alone: the same grants the services give
    (``permissions.case_grants``), so a to-do is offered to exactly whom the service lets act."""
    grants = case_grants(
        hr_owner_id=facts.hr_owner_id,
        manager_id=facts.manager_id,
        employee_id=facts.employee_id,
        successor_ids=facts.successor_ids,
        head_id=None,
        anonymised=facts.anonymised_at is not None,
    )
    return CaseAccess(user_id=user_id, perms=frozenset(grants.get(user_id, ())))


# ---------------------------------------------------------------------------------------------
# Decisions.


@dataclass(frozen=True)
class Decision:
    """Yes, or no with the reasons a person reads. ``forbidden`` means the act is not theirs at all
    (403); otherwise it is theirs but something blocks it now."""

    allowed: bool
    forbidden: bool = False
    reasons: tuple[Any, ...] = ()

    def __bool__(self) -> bool:
        return self.allowed

    @property
    def message(self) -> str:
        return " ".join(str(reason) for reason in self.reasons)

    def enforce(self) -> None:
        if self.forbidden:
            raise PermissionDenied(NOT_YOURS)
        if not self.allowed:
            raise HandoverError(self.message)


ALLOW = Decision(True)
FORBID = Decision(False, forbidden=True, reasons=(NOT_YOURS,))


def _block(*reasons: Any) -> Decision:
    return Decision(False, reasons=reasons)


def _state_allows(state: str, states: Sequence[str], *, frozen: bool = True) -> Decision:
    """The case is in one of ``states``; otherwise why not (its content frozen, or the wrong state)."""
    if state in states:
        return ALLOW
    if frozen and state in FROZEN_STATES:
        return _block(FROZEN)
    return _block(_wrong_state(state))


class Who(Enum):
    """Who may take an act, answered for a person (``holds``) and for a case (``people``)."""

    LEAVER = "leaver"
    SUCCESSOR = "successor"  # of the module the act is about
    SUPERVISORS = "supervisors"  # the HR owner and the manager
    HR_OWNER = "hr_owner"
    MANAGER = "manager"
    LEAVER_OR_MANAGER = "leaver_or_manager"
    TEAM = "team"  # the leaver, the manager and the successor of the module the act is about

    def holds(self, access: CaseAccess, module: Any = None) -> bool:
        if self is Who.LEAVER:
            return access.is_leaver
        if self is Who.SUCCESSOR:
            return module is not None and access.receives(module)
        if self is Who.SUPERVISORS:
            return access.can_supervise
        if self is Who.HR_OWNER:
            return access.is_owner
        if self is Who.MANAGER:
            return access.is_manager
        if self is Who.TEAM:
            return access.is_leaver or access.is_manager or (module is not None and access.receives(module))
        return access.is_leaver or access.is_manager

    def people(self, facts: CaseFacts, module: ModuleFacts | None = None) -> list[Person]:
        if self is Who.LEAVER:
            return [facts.leaver]
        if self is Who.SUCCESSOR:
            return facts.successor(module) if module is not None else facts.successors()
        if self is Who.SUPERVISORS:
            return [facts.hr_owner, facts.manager]
        if self is Who.HR_OWNER:
            return [facts.hr_owner]
        if self is Who.MANAGER:
            return [facts.manager]
        if self is Who.TEAM:
            return [facts.leaver, facts.manager, *(facts.successor(module) if module is not None else [])]
        return [facts.leaver, facts.manager]


# ---------------------------------------------------------------------------------------------
# Acts on a row: an item, an account, a material, a trial task.


@dataclass(frozen=True)
class RowRule:
    """An act on one row: who takes it, in which states of the case, on rows in which condition."""

    who: Who
    states: tuple[str, ...]
    row_ok: Callable[[Any], bool]
    refusal: Callable[[Any], Any]


def _row_decision(rule: RowRule, state: str, access: CaseAccess, row: Any, module: Any) -> Decision:
    if not rule.who.holds(access, module):
        return FORBID
    in_state = _state_allows(state, rule.states)
    if not in_state:
        return in_state
    if not rule.row_ok(row):
        return _block(rule.refusal(row))
    return ALLOW


@dataclass(frozen=True)
class InStates:
    """A row condition on its state alone, so counts of rows by state can be asked the same rule."""

    states: tuple[str, ...]

    def __call__(self, row: Any) -> bool:
        return row.state in self.states


def _row_states(*states: str) -> InStates:
    return InStates(states)


def _title_state(message: Promise) -> Callable[[Any], str]:
    return lambda row: message % {"title": row.title, "state": row.get_state_display()}


def _hand_over_refusal(item: Any) -> str:
    if item.state == ItemState.RETURNED:
        return str(_("The successor asked a question on this item: answer it to hand it over again."))
    return _("“%(title)s” is already handed over.") % {"title": item.title}


_NOT_HANDED_OVER = _("“%(title)s” is “%(state)s”; only items handed over can be accepted or returned.")

ITEM_RULES: dict[str, RowRule] = {
    "edit": RowRule(
        Who.LEAVER,
        EDITABLE_STATES,
        _row_states(ItemState.PENDING),
        lambda item: _("Only items not yet handed over can be edited."),
    ),
    "remove": RowRule(
        Who.LEAVER,
        REMOVABLE_STATES,
        _row_states(ItemState.PENDING),
        lambda item: _("Only items not yet handed over can be removed."),
    ),
    "hand_over": RowRule(Who.LEAVER, (State.EXECUTING,), _row_states(ItemState.PENDING), _hand_over_refusal),
    "accept": RowRule(
        Who.SUCCESSOR, RECEIVING_STATES, _row_states(ItemState.HANDED_OVER), _title_state(_NOT_HANDED_OVER)
    ),
    "return": RowRule(
        Who.SUCCESSOR, RECEIVING_STATES, _row_states(ItemState.HANDED_OVER), _title_state(_NOT_HANDED_OVER)
    ),
    "answer": RowRule(
        Who.LEAVER,
        RECEIVING_STATES,
        _row_states(ItemState.RETURNED),
        lambda item: _("There is no open question on “%(title)s”.") % {"title": item.title},
    ),
}


def _access_label(message: Promise) -> Callable[[Any], str]:
    return lambda row: message % {"access": row, "state": row.get_state_display()}


_LISTED = _row_states(AccessState.LISTED)
_NO_SECRET = _("No secret is stored for this account.")

ACCESS_RULES: dict[str, RowRule] = {
    "edit": RowRule(
        Who.LEAVER,
        EDITABLE_STATES,
        _LISTED,
        lambda row: _("Only accounts not yet transferred can be edited."),
    ),
    "remove": RowRule(
        Who.LEAVER,
        REMOVABLE_STATES,
        _LISTED,
        lambda row: _("Only accounts not yet transferred can be removed."),
    ),
    "store_secret": RowRule(
        Who.LEAVER,
        EDITABLE_STATES,
        _LISTED,
        lambda row: _("The account is already transferred; its secret can no longer be stored."),
    ),
    "transfer": RowRule(
        Who.SUCCESSOR,
        RECEIVING_STATES,
        _LISTED,
        _access_label(_("“%(access)s” is “%(state)s”; only listed accounts can be transferred.")),
    ),
    "reveal": RowRule(
        Who.SUCCESSOR, AFTER_PREPARATION, lambda row: row.secret_token is not None, lambda row: _NO_SECRET
    ),
    "confirm_rotated": RowRule(
        Who.SUCCESSOR, AFTER_PREPARATION, lambda row: row.secret_token is not None, lambda row: _NO_SECRET
    ),
    "not_applicable": RowRule(
        Who.SUPERVISORS,
        SUPERVISED_STATES,
        _LISTED,
        lambda row: _("Only accounts not yet transferred can be marked not applicable."),
    ),
}


def _unfound(row: Any) -> bool:
    return row.found_at is None


MATERIAL_RULES: dict[str, RowRule] = {
    "edit": RowRule(
        Who.LEAVER,
        EDITABLE_STATES,
        _unfound,
        lambda row: _("The successor has found this material; it can no longer be edited."),
    ),
    "remove": RowRule(
        Who.LEAVER,
        REMOVABLE_STATES,
        _unfound,
        lambda row: _("The successor has found this material; it can no longer be removed."),
    ),
    "find": RowRule(
        Who.SUCCESSOR,
        RECEIVING_STATES,
        _unfound,
        lambda row: _("“%(title)s” is already confirmed as found.") % {"title": row.title},
    ),
}

_TRIAL_NOT_NOW = _title_state(_("“%(title)s” is “%(state)s”; that step is not possible now."))

TRIAL_RULES: dict[str, RowRule] = {
    "complete": RowRule(
        Who.SUCCESSOR, SIGNING_STATES, _row_states(TrialState.ASSIGNED, TrialState.REWORK), _TRIAL_NOT_NOW
    ),
    "verify": RowRule(Who.LEAVER, SIGNING_STATES, _row_states(TrialState.DONE), _TRIAL_NOT_NOW),
    "rework": RowRule(Who.LEAVER, SIGNING_STATES, _row_states(TrialState.DONE), _TRIAL_NOT_NOW),
}


# Follow-ups are left after the sign-off; the successor ticks them off, also once the case is closed.
FOLLOW_UP_STATES = (State.SIGNED_OFF, State.AFTERCARE)
FOLLOW_UP_RULES: dict[str, RowRule] = {
    "complete": RowRule(
        Who.SUCCESSOR,
        (*FOLLOW_UP_STATES, State.CLOSED),
        lambda row: row.done_at is None,
        lambda row: _("“%(title)s” is already done.") % {"title": row.title},
    ),
}


def follow_up_decision(state: str, access: CaseAccess, follow_up: Any, act: str) -> Decision:
    return _row_decision(FOLLOW_UP_RULES[act], state, access, follow_up, follow_up.module)


def may_act_on_rows(rule: RowRule, state: str, access: CaseAccess, module: Any) -> bool:
    """Whether this person may take the rule's act on rows of this module now, rows aside: what
    a to-do that counts such rows asks."""
    return rule.who.holds(access, module) and state in rule.states


def module_items_decision(state: str, access: CaseAccess, module: Any, act: str) -> Decision:
    """May this person take an item act on a module's items now, whichever items: the first check
    of a bulk act (each item is then asked ``item_decision``)."""
    rule = ITEM_RULES[act]
    if not rule.who.holds(access, module):
        return FORBID
    return _state_allows(state, rule.states)


def item_decision(state: str, access: CaseAccess, item: Any, act: str) -> Decision:
    """``item`` needs ``state``, ``title`` and ``module`` (with its ``successor_id``)."""
    return _row_decision(ITEM_RULES[act], state, access, item, item.module)


def material_decision(state: str, access: CaseAccess, material: Any, act: str) -> Decision:
    return _row_decision(MATERIAL_RULES[act], state, access, material, material.module)


def trial_decision(state: str, access: CaseAccess, task: Any, act: str) -> Decision:
    return _row_decision(TRIAL_RULES[act], state, access, task, task.module)


def may_revoke_now(row: Any, state: str, last_working_day: date, today: date) -> bool:
    """Revoked once transferred; after the last working day, also before any transfer (closing
    the door comes first)."""
    if row.state == AccessState.TRANSFERRED:
        return state in AFTER_PREPARATION
    return row.state == AccessState.LISTED and today > last_working_day and state in SUPERVISED_STATES


def revoke_decision(
    *, state: str, last_working_day: date, access: CaseAccess, is_it: bool, row: Any, today: date
) -> Decision:
    """The HR owner, the manager or IT confirm the leaver's access gone; never the leaver."""
    if access.is_leaver or not (is_it or access.can_supervise):
        return FORBID
    if not may_revoke_now(row, state, last_working_day, today):
        return _block(
            _(
                "“%(access)s” is “%(state)s”; it is revoked once the successor confirms the transfer, "
                "or after the last working day."
            )
            % {"access": row, "state": row.get_state_display()}
        )
    return ALLOW


def access_decision(state: str, access: CaseAccess, row: Any, act: str) -> Decision:
    decision = _row_decision(ACCESS_RULES[act], state, access, row, row.module)
    if decision and act == "store_secret" and row.kind not in SECRET_KINDS:
        return _block(_("Only a shared account or a sub-account may carry a stored secret."))
    return decision


def _allowed_acts(
    rules: dict[str, RowRule], state: str, access: CaseAccess, row: Any, module: Any
) -> frozenset[str]:
    """The acts ``_row_decision`` would allow on this row, without composing the refusals nobody
    reads (a page asks this for every row it draws)."""
    return frozenset(
        act
        for act, rule in rules.items()
        if state in rule.states and rule.who.holds(access, module) and rule.row_ok(row)
    )


# Item acts that move the handover on; editing or removing an item only shapes the checklist.
MOVING_ITEM_ACTS = ("hand_over", "accept", "answer")


def items_awaiting(state: str, access: CaseAccess, module: Any) -> tuple[str, ...]:
    """The states in which this module's items wait for this person now (to hand over, accept or
    answer): the items a page shows them first."""
    states: set[str] = set()
    for act in MOVING_ITEM_ACTS:
        rule = ITEM_RULES[act]
        if isinstance(rule.row_ok, InStates) and may_act_on_rows(rule, state, access, module):
            states.update(rule.row_ok.states)
    return tuple(sorted(states))


def module_is_yours(state: str, access: CaseAccess, module: Any, progress: "ModuleFacts") -> bool:
    """A module is yours when you take it over, while you build its checklist, or when some of its
    items wait for you: the modules a page opens for you."""
    if access.receives(module):
        return True
    if bool(act_decision(state, access, "add_item")) and Who.LEAVER.holds(access, module):
        return True
    return progress.items_in(items_awaiting(state, access, module)) > 0


def item_actions(state: str, access: CaseAccess, item: Any) -> frozenset[str]:
    return _allowed_acts(ITEM_RULES, state, access, item, item.module)


def material_actions(state: str, access: CaseAccess, material: Any) -> frozenset[str]:
    return _allowed_acts(MATERIAL_RULES, state, access, material, material.module)


def trial_actions(state: str, access: CaseAccess, task: Any) -> frozenset[str]:
    return _allowed_acts(TRIAL_RULES, state, access, task, task.module)


def access_actions(
    state: str, access: CaseAccess, row: Any, *, last_working_day: date, today: date
) -> frozenset[str]:
    acts = set(_allowed_acts(ACCESS_RULES, state, access, row, row.module))
    if "store_secret" in acts and row.kind not in SECRET_KINDS:
        acts.discard("store_secret")
    if revoke_decision(
        state=state, last_working_day=last_working_day, access=access, is_it=False, row=row, today=today
    ):
        acts.add("revoke")
    return frozenset(acts)


@dataclass(frozen=True)
class _StateOnly:
    """An access known only by its state (from the facts), for the rules on accesses."""

    state: str

    def get_state_display(self) -> str:
        return str(AccessState(self.state).label)

    def __str__(self) -> str:
        return self.get_state_display()


def overdue_revocations(facts: CaseFacts, access: CaseAccess, today: date) -> int:
    """How many of the leaver's accesses this person should confirm revoked, now that the last
    working day is over (none before it)."""
    if today <= facts.last_working_day:
        return 0
    counts = {
        AccessState.LISTED: sum(m.accesses_listed for m in facts.modules),
        AccessState.TRANSFERRED: sum(m.accesses_transferred for m in facts.modules),
    }
    return sum(
        n
        for row_state, n in counts.items()
        if revoke_decision(
            state=facts.state,
            last_working_day=facts.last_working_day,
            access=access,
            is_it=False,
            row=_StateOnly(row_state),
            today=today,
        )
    )


def may_revoke_as_it(user: Any) -> bool:
    """IT confirms revocations from the risk list without seeing the cases."""
    return bool(user.is_authenticated and user.is_active and user.is_it)


def revokers(*, hr_owner_id: int, manager_id: int) -> set[int]:
    """Who on a case is told of, and confirms, a revocation still open: the HR owner and the manager
    (IT acts from the risk list across cases)."""
    return {hr_owner_id, manager_id}


def risk_list_revocation(
    user: Any,
    *,
    hr_owner_id: int,
    manager_id: int,
    employee_id: int,
    case_state: str,
    last_working_day: date,
    access_state: str,
    today: date,
) -> str:
    """How this person may confirm a row of the risk list revoked: "it" (from the list, as IT),
    "case" (from the case, as its HR owner or manager) or "" (not theirs)."""
    grants = case_grants(
        hr_owner_id=hr_owner_id,
        manager_id=manager_id,
        employee_id=employee_id,
        successor_ids=(),
        head_id=None,
    )
    access = CaseAccess(user_id=user.pk, perms=frozenset(grants.get(user.pk, ())))

    def allowed(is_it: bool) -> bool:
        return bool(
            revoke_decision(
                state=case_state,
                last_working_day=last_working_day,
                access=access,
                is_it=is_it,
                row=_StateOnly(access_state),
                today=today,
            )
        )

    if may_revoke_as_it(user) and allowed(is_it=True):
        return "it"
    return "case" if allowed(is_it=False) else ""


def revocation_overdue(row: Any, state: str, last_working_day: date, today: date) -> bool:
    """The leaver may still get in although their last working day is over."""
    return row.state in (AccessState.LISTED, AccessState.TRANSFERRED) and (
        today > last_working_day and state != State.WITHDRAWN
    )


# ---------------------------------------------------------------------------------------------
# Acts on the case itself.


@dataclass(frozen=True)
class CaseRule:
    who: Who
    states: tuple[str, ...]
    # Further conditions on the facts: (holds, what the person reads when it does not).
    conditions: tuple[tuple[Callable[[CaseFacts], bool], Promise], ...] = ()
    # What the person reads in any other state, when it is not the usual "wrong state".
    state_refusal: Promise | None = None


CASE_RULES: dict[str, CaseRule] = {
    "add_item": CaseRule(Who.LEAVER, EDITABLE_STATES),
    "list_inventory": CaseRule(Who.LEAVER, EDITABLE_STATES),
    "add_trial_task": CaseRule(Who.LEAVER_OR_MANAGER, SIGNING_STATES),
    # HR reviews the internal announcement and sends it once, from the preparation to the sign-off.
    "announce": CaseRule(
        Who.HR_OWNER,
        ANNOUNCING_STATES,
        ((lambda f: not f.announced, _("The departure has already been announced.")),),
        state_refusal=_("The departure is announced once the preparation has started, before the sign-off."),
    ),
    "schedule_meeting": CaseRule(
        Who.SUPERVISORS,
        MEETING_STATES,
        ((lambda f: not f.meeting_held, _("The handover meeting has already taken place.")),),
    ),
    "record_meeting": CaseRule(
        Who.SUPERVISORS,
        (State.PREPARING,),
        (
            (lambda f: f.meeting_scheduled, _("Schedule the handover meeting first.")),
            (lambda f: not f.meeting_held, _("The handover meeting has already been recorded.")),
        ),
    ),
    "change_people": CaseRule(
        Who.HR_OWNER,
        CHANGEABLE_STATES,
        state_refusal=_("People, modules and dates cannot change once the case is signed off or withdrawn."),
    ),
    "add_module": CaseRule(
        Who.HR_OWNER,
        MODULE_ADDING_STATES,
        state_refusal=_("A work module can be added only before the trial run."),
    ),
    "reissue": CaseRule(Who.HR_OWNER, ISSUED_STATES),
    # Live demonstrations while the work is handed over and tried.
    "schedule_demonstration": CaseRule(Who.LEAVER_OR_MANAGER, RECEIVING_STATES),
    # Upkeep left to the successors after the sign-off, while the case is not closed.
    "add_follow_up": CaseRule(
        Who.LEAVER_OR_MANAGER,
        FOLLOW_UP_STATES,
        state_refusal=_("Follow-ups are left after the sign-off, until the case closes."),
    ),
    # HR ends the personal links sent to the former employee so far (the next mail carries a new one).
    "end_personal_links": CaseRule(
        Who.HR_OWNER,
        (State.SIGNED_OFF, State.AFTERCARE),
        state_refusal=_("Personal links are sent after the sign-off, until the case closes."),
    ),
    # HR gives the former employee's support period more time, with a reason.
    "extend_support": CaseRule(
        Who.HR_OWNER,
        (State.SIGNED_OFF, State.AFTERCARE),
        state_refusal=_("The support period is extended after the sign-off, until the case closes."),
    ),
    # After talking with a successor, the manager notes how a module goes and may change its plan.
    "check_in": CaseRule(
        Who.MANAGER,
        RECEIVING_STATES,
        state_refusal=_("Check-ins are for the execution and the trial run."),
    ),
}


def act_decision(state: str, access: CaseAccess, act: str) -> Decision:
    """Who and when, for an act on the case that depends on nothing else (adding an item, listing
    the inventory, setting a trial task, changing people, asking for a new confirmation)."""
    rule = CASE_RULES[act]
    if rule.conditions:
        raise ValueError(f"{act} depends on the case's facts: ask case_decision")
    return _case_rule_decision(rule, state, access)


def _case_rule_decision(rule: CaseRule, state: str, access: CaseAccess) -> Decision:
    if not rule.who.holds(access):
        return FORBID
    if rule.state_refusal is not None and state not in rule.states:
        return _block(rule.state_refusal)
    return _state_allows(state, rule.states)


def independence_decision(facts: CaseFacts, access: CaseAccess, module: ModuleFacts, act: str) -> Decision:
    """The manager confirms, during the trial run, that a module's successor does its work alone
    ("confirm", once the successor accepted every item of the module and did its trial tasks, all
    verified), or takes that back ("withdraw") until signing off; the sign-off waits for every
    module."""
    if not Who.MANAGER.holds(access):
        return FORBID
    in_state = _state_allows(facts.state, SIGNING_STATES)
    if not in_state:
        return in_state
    if act == "withdraw":
        return ALLOW if module.independent else _block(_("This module's independence is not confirmed."))
    if module.independent:
        return _block(_("You have already confirmed that the successor does this work alone."))
    if module.successor_id is None:
        return _block(_("Every module needs a successor."))
    if not module.total or module.accepted != module.total or not module.trial_total:
        return _block(_("Confirm once the successor has accepted this module's items and done a trial task."))
    if module.trial_verified != module.trial_total:
        return _block(_("Confirm once this module's trial tasks are verified."))
    return ALLOW


# ---------------------------------------------------------------------------------------------
# What is stuck: rows that wait too long, and who must act on each (the rule of the act that moves it).

# An item returned with a question is stuck once it waits longer than this for the answer.
ANSWER_WAIT = timedelta(days=2)
STUCK_STATES = RECEIVING_STATES
STUCK_ACTS: dict[str, RowRule] = {
    "unanswered": ITEM_RULES["answer"],
    "overdue": ITEM_RULES["hand_over"],
    "sent_back": TRIAL_RULES["complete"],
    "not_transferred": ACCESS_RULES["transfer"],
}


def stuck_actors(kind: str, facts: CaseFacts, module: ModuleFacts) -> list[Person]:
    """Who must act to unstick a row of this kind in this module: whoever the rule of the act that
    moves it names (a module at risk or blocked: its manager, who checked in)."""
    if kind in STUCK_ACTS:
        return STUCK_ACTS[kind].who.people(facts, module)
    return Who.MANAGER.people(facts, module)


# ---------------------------------------------------------------------------------------------
# Who is told at once: an act that hands someone the next move tells whoever the rule of that next
# act names.

NOTICE_NEXT: dict[str, RowRule] = {
    "item_returned": ITEM_RULES["answer"],
    "item_answered": ITEM_RULES["accept"],
    "trial_done": TRIAL_RULES["verify"],
    "trial_rework": TRIAL_RULES["complete"],
}


def notice_recipients(kind: str, facts: CaseFacts, module: ModuleFacts) -> list[Person]:
    """Who must act now that this happened in this module."""
    return NOTICE_NEXT[kind].who.people(facts, module)


# ---------------------------------------------------------------------------------------------
# Aftercare: during the support period the successors and the manager ask the former employee, who
# answers through a personal link (their normal login ended with their last working day).

AFTERCARE_STATES = (State.AFTERCARE,)
# The case's aftercare questions are shown from the sign-off on (asked only in aftercare).
AFTERCARE_PAGE_STATES = (State.SIGNED_OFF, State.AFTERCARE, State.CLOSED)


def has_aftercare_page(state: str) -> bool:
    return state in AFTERCARE_PAGE_STATES


# An aftercare question nobody answered reaches the manager after this long.
AFTERCARE_ESCALATION = timedelta(days=3)


def in_support_period(facts: CaseFacts, today: date) -> bool:
    return facts.state in AFTERCARE_STATES and today <= facts.support_until


# A departing employee's normal login ends once their last working day is over and the handover is
# signed off (a case still being handed over keeps the leaver able to act and sign).
LOGIN_ENDING_STATES = (State.SIGNED_OFF, State.AFTERCARE)
# Messages a former employee still receives once their login has ended: mailed at once whatever
# they chose while employed, and never posted to a chat.
FORMER_EMPLOYEE_KINDS = frozenset({"aftercare"})


def login_should_end(state: str, last_working_day: date, today: date) -> bool:
    return state in LOGIN_ENDING_STATES and today > last_working_day


def reaches_former_employees(kind: str) -> bool:
    return kind in FORMER_EMPLOYEE_KINDS


def may_use_personal_link(facts: CaseFacts, user_id: int, today: date, issued_at: datetime | None) -> bool:
    """The former employee's personal link opens their questions during the support period only,
    and not if HR ended the links made before it (a mail gone astray)."""
    ended = facts.links_ended_at
    made_after = ended is None or (issued_at is not None and issued_at > ended)
    return user_id == facts.employee_id and in_support_period(facts, today) and made_after


# Who answers aftercare questions, and who hears of one left unanswered too long.
AFTERCARE_ANSWERS = Who.LEAVER
AFTERCARE_ESCALATES_TO = Who.MANAGER


# The former employee says where mail reaches them once they have left, from the sign-off on.
AFTERCARE_CONTACT_STATES = (State.SIGNED_OFF, State.AFTERCARE)


def aftercare_contact_decision(state: str, access: CaseAccess) -> Decision:
    """Whoever answers aftercare questions gives a private address for their mail, from the sign-off
    until the case closes (it is erased then)."""
    if not AFTERCARE_ANSWERS.holds(access):
        return FORBID
    if state not in AFTERCARE_CONTACT_STATES:
        return _block(
            _("An address for mail after leaving is given from the sign-off until the case closes.")
        )
    return ALLOW


def aftercare_decision(
    facts: CaseFacts, access: CaseAccess, act: str, today: date, question: Any = None
) -> Decision:
    """A successor or the manager asks the former employee ("ask"); the former employee answers a
    question not yet solved ("answer"); whoever asked marks the answer as solving it ("solve").
    All during the support period of a case in aftercare."""
    if act == "ask":
        if not (access.is_successor or access.is_manager):
            return FORBID
    elif act == "answer":
        if not AFTERCARE_ANSWERS.holds(access) or question is None:
            return FORBID
    elif question is None or question.asker_id != access.user_id:
        return FORBID
    if not in_support_period(facts, today):
        return _block(
            _("Questions reach the former employee during the support period, until %(day)s.")
            % {"day": formatting.day(facts.support_until)}
        )
    if act != "ask" and question.solved_at is not None:
        return _block(_("This question is already solved."))
    if act == "solve" and question.answered_at is None:
        return _block(_("Mark it solved once the former employee has answered."))
    return ALLOW


def always_told_of_announcement(
    *,
    employee_id: int,
    manager_id: int,
    hr_owner_id: int,
    successor_ids: Iterable[int | None],
    head_id: int | None,
) -> set[int]:
    """Whoever the announcement reaches always, whatever audience HR picks: the manager, the HR
    owner, the successors and the department head; never the departing employee it is about."""
    told = {manager_id, hr_owner_id, head_id, *successor_ids}
    return {user_id for user_id in told if user_id is not None and user_id != employee_id}


# ---------------------------------------------------------------------------------------------
# Exit feedback: from the sign-off until the case closes, the leaver, each successor and the manager
# answer a short survey on the handover, once; the leaver may answer anonymously towards the manager.

FEEDBACK_STATES = (State.SIGNED_OFF, State.AFTERCARE)


def feedback_role(access: CaseAccess) -> str | None:
    """As whom this person answers the survey (the leaver first), or None if it is not theirs."""
    if access.is_leaver:
        return "leaver"
    if access.is_manager:
        return "manager"
    if access.is_successor:
        return "successor"
    return None


def feedback_decision(state: str, access: CaseAccess, *, answered: bool) -> Decision:
    if feedback_role(access) is None:
        return FORBID
    if state not in FEEDBACK_STATES:
        return _block(_("The survey opens at the sign-off and closes with the case."))
    if answered:
        return _block(_("You have already answered the survey. Thank you."))
    return ALLOW


def may_answer_anonymously(access: CaseAccess) -> bool:
    """The leaver may hide their answer from the manager (it only counts in HR's figures)."""
    return access.is_leaver


def may_read_case_feedback(access: CaseAccess) -> bool:
    """On the case, the HR owner and the manager read the answers given with a name."""
    return access.is_owner or access.is_manager


def may_see_feedback_figures(user: Any) -> bool:
    """The figures of every case's survey, per template and department, are HR's."""
    return may_use_hr_pages(user)


# ---------------------------------------------------------------------------------------------
# Alumni: from the sign-off on, the leaver may consent to stay in touch (and withdraw at any time);
# HR keeps a rehire note that only HR reads, and the list of alumni.

ALUMNI_STATES = (State.SIGNED_OFF, State.AFTERCARE, State.CLOSED)


def alumni_decision(state: str, access: CaseAccess) -> Decision:
    if not access.is_leaver:
        return FORBID
    if state not in ALUMNI_STATES:
        return _block(_("You can choose to stay in touch from the sign-off on."))
    return ALLOW


def may_keep_rehire_note(user: Any, departure: Any) -> bool:
    """HR's note on rehiring the leaver: from the sign-off on, never on an anonymised case (it
    would name the person again where nothing else does)."""
    return may_use_hr_pages(user) and departure.state in ALUMNI_STATES and departure.anonymised_at is None


def shows_quality(state: str) -> bool:
    """A handover's quality score is shown once the case is closed (nothing can change it then)."""
    return state == State.CLOSED


def may_see_alumni(user: Any) -> bool:
    return may_use_hr_pages(user)


def may_open_alumni_page(user: Any, access: CaseAccess, departure: Any) -> bool:
    """A case's page on staying in touch: the leaver's own choice, and HR's rehire note."""
    return bool(alumni_decision(departure.state, access)) or may_keep_rehire_note(user, departure)


# ---------------------------------------------------------------------------------------------
# Live demonstrations, while the work is handed over and tried.

DEMONSTRATION_STATES = RECEIVING_STATES


def demonstration_decision(
    state: str, access: CaseAccess, act: str, *, held: bool = False, invitation: Any = None
) -> Decision:
    """The leaver or the manager schedules a demonstration ("schedule"); the leaver records it as
    held ("record"); each attending successor then confirms they saw it ("confirm", with this
    person's ``invitation`` to it, or None)."""
    if act == "schedule":
        return act_decision(state, access, "schedule_demonstration")
    if act == "record":
        if not access.is_leaver:
            return FORBID
    elif invitation is None or not access.is_successor:
        return FORBID
    in_state = _state_allows(state, DEMONSTRATION_STATES)
    if not in_state:
        return in_state
    if act == "record":
        return _block(_("This demonstration is already recorded.")) if held else ALLOW
    if not held:
        return _block(_("Confirm once the demonstration has taken place."))
    if invitation.confirmed_at is not None:
        return _block(_("You have already confirmed seeing this demonstration."))
    return ALLOW


# Lessons learned are noted from the preparation to the end of aftercare; taken back until the sign-off.
LESSON_STATES = (State.PREPARING, State.EXECUTING, State.TRIAL_RUN, State.SIGNED_OFF, State.AFTERCARE)
LESSON_REMOVABLE_STATES = (State.PREPARING, State.EXECUTING, State.TRIAL_RUN)


def lesson_decision(
    state: str, access: CaseAccess, module: Any, act: str = "add", lesson: Any = None
) -> Decision:
    """The leaver, the manager and the module's successor note what went wrong, how it was solved
    and what to watch ("add"); whoever noted a lesson may take it back until the sign-off ("remove")."""
    if not Who.TEAM.holds(access, module):
        return FORBID
    if act == "remove":
        if lesson is None or lesson.author_id != access.user_id:
            return FORBID
        return _state_allows(state, LESSON_REMOVABLE_STATES)
    if state not in LESSON_STATES:
        return _block(_("Lessons learned are noted from the preparation to the end of aftercare."))
    return ALLOW


# Know-how: each module's operation manual is written from the preparation to the end of aftercare.
MANUAL_STATES = LESSON_STATES


def manual_decision(state: str, access: CaseAccess, module: Any) -> Decision:
    """The leaver writes a module's operation manual; the manager and the module's successor, who
    keep it afterwards, may add to it too (a lesson, an answer from aftercare); not once it is closed."""
    if not Who.TEAM.holds(access, module):
        return FORBID
    if state not in MANUAL_STATES:
        return _block(_("Operation manuals are written from the preparation to the end of aftercare."))
    return ALLOW


def manual_enrich_decision(*, answered: bool, taken: bool) -> Decision:
    """A lesson, or an aftercare question once answered, goes into the manual once (who may add it
    is ``manual_decision``)."""
    if not answered:
        return _block(_("Only an answered question of this module can be added to its manual."))
    if taken:
        return _block(_("This is already in the manual."))
    return ALLOW


def may_read_manual(
    access: CaseAccess, state: str, *, holds_module_in_department: Callable[[], bool]
) -> bool:
    """Everyone who sees the case reads its manuals; once the case is closed, so does whoever holds
    that module in the department now (a successor of the same kind of module on another case),
    which is asked only then."""
    return access.can_view or (state == State.CLOSED and holds_module_in_department())


def may_decide_template_proposals(user: Any) -> bool:
    """HR, who edit the checklist templates, take a closed case's proposals into a new version."""
    return may_edit_templates(user)


def module_removal_decision(facts: CaseFacts, access: CaseAccess, module: ModuleFacts) -> Decision:
    """HR takes a module out of the handover while nothing in it was handed over and it holds no
    account, material or trial task; a case keeps at least one module."""
    decision = _case_rule_decision(CASE_RULES["change_people"], facts.state, access)
    if not decision:
        return decision
    if module.handed_over or module.returned or module.accepted:
        return _block(_("Work in this module has been handed over; it can no longer be removed."))
    if module.accesses_total or module.materials_total or module.trial_total:
        return _block(_("Move or remove this module's accounts, materials and trial tasks first."))
    if len(facts.modules) < 2:
        return _block(_("A case hands over at least one work module."))
    return ALLOW


def case_decision(facts: CaseFacts, access: CaseAccess, act: str) -> Decision:
    rule = CASE_RULES[act]
    decision = _case_rule_decision(rule, facts.state, access)
    if not decision:
        return decision
    blocked = [message for holds, message in rule.conditions if not holds(facts)]
    return _block(*blocked) if blocked else ALLOW


# ---------------------------------------------------------------------------------------------
# Guards: what must be true before the case moves on. Each is a pure function of the facts and
# today's date, names who can lift it, and says in plain words what blocks the step.


@dataclass(frozen=True)
class Guard:
    name: str
    message: Promise
    check: Callable[[CaseFacts, date], bool]
    who: Callable[[CaseFacts], list[Person]]
    # For a guard that only time lifts: the first day it no longer blocks.
    until: Callable[[CaseFacts], date] | None = None
    # For a guard that names what blocks (e.g. the modules still waiting), the words after the message.
    detail: Callable[[CaseFacts], str] | None = None

    def __call__(self, facts: CaseFacts, today: date) -> bool:
        return self.check(facts, today)

    def says(self, facts: CaseFacts) -> Any:
        """What blocks, in words: the message, and what it names."""
        return (
            self.message
            if self.detail is None
            else _percent(NAMED, {"message": self.message, "named": self.detail(facts)})
        )


def _first_signers(facts: CaseFacts) -> set[tuple[int, str]]:
    return {(facts.employee_id, SignerRole.LEAVER)} | {
        (user_id, SignerRole.SUCCESSOR) for user_id in facts.successor_ids
    }


def _unsigned(facts: CaseFacts) -> list[Person]:
    missing = {user_id for user_id, _role in _first_signers(facts) - facts.signed}
    people = [facts.leaver, *facts.successors()]
    return [person for person in people if person.user_id in missing]


HAS_MODULES = Guard(
    "has_modules",
    _("At least one work module must be handed over."),
    lambda f, today: bool(f.modules),
    lambda f: [f.hr_owner],
)
MODULES_HAVE_SUCCESSORS = Guard(
    "modules_have_successors",
    _("Every module needs a successor."),
    lambda f, today: all(m.successor_id is not None for m in f.modules),
    lambda f: [f.hr_owner],
)
MODULES_HAVE_ITEMS = Guard(
    "modules_have_items",
    _("Every module needs at least one checklist item."),
    lambda f, today: all(m.total for m in f.modules),
    lambda f: [f.leaver],
)
MEETING_HELD = Guard(
    "meeting_held",
    _("The handover meeting has not taken place yet."),
    lambda f, today: f.meeting_held,
    lambda f: [f.hr_owner, f.manager],
)
ITEMS_HANDED_OVER = Guard(
    "items_handed_over",
    _("Some checklist items are not handed over yet."),
    lambda f, today: not any(m.pending or m.returned for m in f.modules),
    lambda f: [f.leaver],
)
ITEMS_ACCEPTED = Guard(
    "items_accepted",
    _("Some checklist items are not accepted by their successor yet."),
    lambda f, today: all(m.accepted == m.total for m in f.modules),
    lambda f: _unique(
        [
            *([f.leaver] if any(m.pending or m.returned for m in f.modules) else []),
            *f.successors(m for m in f.modules if m.handed_over),
        ]
    ),
)
TRIAL_TASKS_EXIST = Guard(
    "trial_tasks_exist",
    _("The trial run needs at least one trial task."),
    lambda f, today: any(m.trial_total for m in f.modules),
    lambda f: [f.leaver, f.manager],
)
TRIAL_TASKS_VERIFIED = Guard(
    "trial_tasks_verified",
    _("Some trial tasks are not verified yet."),
    lambda f, today: all(m.trial_verified == m.trial_total for m in f.modules),
    lambda f: _unique(
        [
            *f.successors(m for m in f.modules if m.trial_open),
            *([f.leaver] if any(m.trial_done for m in f.modules) else []),
        ]
    ),
)
ACCESSES_TRANSFERRED = Guard(
    "accesses_transferred",
    _(
        "Some accounts are not transferred yet: their successor must confirm working access, "
        "or HR or the manager mark them not applicable."
    ),
    lambda f, today: not any(m.accesses_listed for m in f.modules),
    lambda f: f.successors(m for m in f.modules if m.accesses_listed),
)
IMPORTANT_MATERIALS_FOUND = Guard(
    "important_materials_found",
    _("Some high-importance materials are not confirmed as found by their successor yet."),
    lambda f, today: not any(m.materials_to_find for m in f.modules),
    lambda f: f.successors(m for m in f.modules if m.materials_to_find),
)
MODULES_INDEPENDENT = Guard(
    "modules_independent",
    _("The manager has not confirmed that the successor works alone in every module."),
    lambda f, today: all(m.independent for m in f.modules),
    lambda f: [f.manager],
    detail=lambda f: ", ".join(m.label for m in f.modules if not m.independent),
)
LEAVER_AND_SUCCESSORS_SIGNED = Guard(
    "leaver_and_successors_signed",
    _("The departing employee and every successor must sign before the manager."),
    lambda f, today: _first_signers(f) <= f.signed,
    _unsigned,
)
ACCESSES_REVOKED = Guard(
    "accesses_revoked",
    _("Some of the departing employee's accesses are not confirmed as revoked yet."),
    lambda f, today: f.accesses_open == 0,
    lambda f: [f.hr_owner, f.manager],
)
LAST_DAY_REACHED = Guard(
    "last_day_reached",
    _("The last working day has not come yet."),
    lambda f, today: today >= f.last_working_day,
    lambda f: [],
    until=lambda f: f.last_working_day,
)
SUPPORT_PERIOD_OVER = Guard(
    "support_period_over",
    _("The aftercare period has not ended yet."),
    lambda f, today: today > f.support_until,
    lambda f: [],
    until=lambda f: f.support_until + timedelta(days=1),
)

# What the content must be before anyone signs; the manager's signature also needs the others'.
READY_TO_SIGN = (
    MODULES_HAVE_ITEMS,
    ITEMS_ACCEPTED,
    TRIAL_TASKS_EXIST,
    TRIAL_TASKS_VERIFIED,
    ACCESSES_TRANSFERRED,
    IMPORTANT_MATERIALS_FOUND,
)


@dataclass(frozen=True)
class Step:
    """A move of the case from one state to the next."""

    name: str
    label: Promise
    who: Who
    guards: tuple[Guard, ...] = ()


STEPS: dict[str, Step] = {
    step.name: step
    for step in (
        Step("start_preparing", _("Start preparing"), Who.HR_OWNER),
        Step(
            "start_executing",
            _("Start executing"),
            Who.SUPERVISORS,
            (HAS_MODULES, MODULES_HAVE_SUCCESSORS, MODULES_HAVE_ITEMS, MEETING_HELD),
        ),
        Step(
            "start_trial_run",
            _("Start the trial run"),
            Who.SUPERVISORS,
            (MODULES_HAVE_ITEMS, ITEMS_HANDED_OVER),
        ),
        # The manager's signature is this step.
        Step(
            "sign_off",
            _("Manager sign-off"),
            Who.MANAGER,
            (*READY_TO_SIGN, MODULES_INDEPENDENT, LEAVER_AND_SUCCESSORS_SIGNED),
        ),
        Step("begin_aftercare", _("Start aftercare now"), Who.HR_OWNER),
        Step("close", _("Close the case"), Who.HR_OWNER, (SUPPORT_PERIOD_OVER, ACCESSES_REVOKED)),
        Step("withdraw", _("Withdraw the case"), Who.HR_OWNER),
    )
}


def _fsm_sources() -> dict[str, frozenset[str]]:
    """Which states each step leaves, read from the model's state machine (its one home)."""
    state_field: Any = Departure._meta.get_field("state")
    sources: dict[str, set[str]] = {}
    for transition in state_field.get_all_transitions(Departure):
        sources.setdefault(transition.name, set()).add(transition.source)
    return {name: frozenset(states) for name, states in sources.items()}


STEP_SOURCES = _fsm_sources()
# The step forward from each state (withdrawing is the way out, not forward).
FORWARD = {state: name for name, states in STEP_SOURCES.items() if name != "withdraw" for state in states}


# What must also hold when the system takes a step by itself (the daily task): aftercare starts on
# the last working day, while HR may start it earlier.
AUTOMATIC_GUARDS: dict[str, tuple[Guard, ...]] = {"begin_aftercare": (LAST_DAY_REACHED,)}


def blockers(facts: CaseFacts, name: str, today: date) -> list[Guard]:
    """The guards that stop this step now."""
    return [guard for guard in STEPS[name].guards if not guard(facts, today)]


def transition_decision(facts: CaseFacts, access: CaseAccess | None, name: str, today: date) -> Decision:
    """May this person (None: the system, e.g. the daily task) move the case by this step now?"""
    step = STEPS.get(name)
    if step is None:
        return FORBID
    if access is not None and not step.who.holds(access):
        return FORBID
    if facts.state not in STEP_SOURCES[name]:
        return _block(_wrong_state(facts.state))
    stopped = blockers(facts, name, today)
    if access is None:
        stopped += [guard for guard in AUTOMATIC_GUARDS.get(name, ()) if not guard(facts, today)]
    return _block(*(guard.says(facts) for guard in stopped)) if stopped else ALLOW


# ---------------------------------------------------------------------------------------------
# Signing.


def signer_role(access: CaseAccess) -> SignerRole | None:
    """The role a person signs in: the manager's signature comes first in this order because it
    is the sign-off; someone with no role on the case does not sign."""
    if access.is_manager:
        return SignerRole.MANAGER
    if access.is_leaver:
        return SignerRole.LEAVER
    if access.is_successor:
        return SignerRole.SUCCESSOR
    return None


def sign_decision(facts: CaseFacts, access: CaseAccess, today: date) -> Decision:
    """The leaver and every successor sign once the content is ready; the manager signs last, and
    that signature is the sign-off, so it needs everything the sign-off step needs."""
    role = signer_role(access)
    if role is None:
        return FORBID
    in_state = _state_allows(facts.state, SIGNING_STATES)
    if not in_state:
        return in_state
    if (access.user_id, role) in facts.signed:
        return _block(_("You have already signed this confirmation."))
    guards = STEPS["sign_off"].guards if role == SignerRole.MANAGER else READY_TO_SIGN
    stopped = [guard.says(facts) for guard in guards if not guard(facts, today)]
    return _block(*stopped) if stopped else ALLOW


def sections(state: str, *, has_tasks: bool, has_signatures: bool, has_documents: bool) -> dict[str, bool]:
    """Which parts of the case page there is something to show in: the trial run and signatures
    from the trial run on (and whenever they hold something), and a notice while the confirmation
    is being produced after the sign-off."""
    return {
        "trial": has_tasks or state in SIGNING_STATES,
        "signatures": has_signatures or state in SIGNING_STATES,
        "confirmation_pending": state in ISSUED_STATES and not has_documents,
    }


# The sections of a case's pages, in the order of their tabs: the accounts and materials only for
# those who may see the inventory; the trial run and signatures once there is something in them.
INVENTORY_SECTIONS = ("accounts", "materials")
ALL_SECTIONS = ("overview", "modules", "accounts", "materials", "meeting", "trial", "signatures", "timeline")


def case_sections_open_to(access: CaseAccess) -> tuple[str, ...]:
    """The sections this person may open (any other is "not found" to them)."""
    if access.can_see_inventory:
        return ALL_SECTIONS
    return tuple(name for name in ALL_SECTIONS if name not in INVENTORY_SECTIONS)


def case_sections(facts: CaseFacts, access: CaseAccess) -> tuple[str, ...]:
    """The sections a case's tabs offer this person now."""
    state = facts.state
    shown = {
        "trial": any(m.trial_total for m in facts.modules) or state in SIGNING_STATES,
        "signatures": bool(facts.signed) or state in SIGNING_STATES or state in ISSUED_STATES,
    }
    return tuple(name for name in case_sections_open_to(access) if shown.get(name, True))


# ---------------------------------------------------------------------------------------------
# Who must act next.


@dataclass(frozen=True)
class Blocker:
    message: Promise
    people: list[Person]


@dataclass(frozen=True)
class NextStep:
    name: str
    label: Promise
    blockers: list[Blocker]
    # Who takes the step once nothing blocks it; who must act now (the blockers' people, or those).
    actors: list[Person]
    waiting_for: list[Person]
    # When only time blocks the step: the first day it can be taken.
    waiting_until: date | None
    # Whether this viewer may take the step now (the button); whether the step is theirs to take
    # once nothing blocks it (a disabled button until then); whether they must act now at all.
    can: bool
    theirs: bool
    yours: bool


def next_step(facts: CaseFacts, access: CaseAccess, today: date) -> NextStep | None:
    name = FORWARD.get(facts.state)
    if name is None:
        return None
    step = STEPS[name]
    stopped = blockers(facts, name, today)
    actors = step.who.people(facts)
    waiting = _unique(p for guard in stopped for p in guard.who(facts)) if stopped else actors
    # The sign-off is the manager's signature: it is offered as the sign form is.
    if name == "sign_off":
        decision = sign_decision(facts, access, today)
    else:
        decision = transition_decision(facts, access, name, today)
    return NextStep(
        name=name,
        label=step.label,
        blockers=[Blocker(guard.says(facts), guard.who(facts)) for guard in stopped],
        actors=actors,
        waiting_for=waiting,
        waiting_until=max((guard.until(facts) for guard in stopped if guard.until), default=None),
        can=bool(decision),
        theirs=step.who.holds(access),
        yours=any(person.user_id == access.user_id for person in waiting),
    )


# ---------------------------------------------------------------------------------------------
# Privacy: retention, a person's data, erasure (handover.privacy says what each does).


def may_manage_privacy(user: Any) -> bool:
    """How long data is kept, the record of what was anonymised, a person's data and erasure: HR."""
    return may_use_hr_pages(user)


def may_download_own_data(user: Any) -> bool:
    """Everyone signed in may download what is held about them (HR answers for those who left)."""
    return bool(user.is_authenticated and user.is_active)


def may_download_data_of(user: Any, person: Any) -> bool:
    """A person's data: their own, or anyone's for HR answering a request."""
    return (user.pk == person.pk and may_download_own_data(user)) or may_manage_privacy(user)


ERASED_USERNAME_PREFIX = "erased-"


def is_erased(person: Any) -> bool:
    return not person.is_active and person.username.startswith(ERASED_USERNAME_PREFIX)


# A case that has ended: its retention runs from then on.
ENDED_STATES = (State.CLOSED, State.WITHDRAWN)


def may_anonymise(state: str, anonymised_at: Any) -> bool:
    """A case is anonymised once, and only once it has ended: never one under way, whatever its
    dates."""
    return anonymised_at is None and state in ENDED_STATES


def erased_with_last_case(person: Any, names_kept_elsewhere: bool) -> bool:
    """The account of a former employee goes with the last anonymised case that names it: off since
    they left (an account on again, someone rehired, is kept) and named by no case that keeps its
    names."""
    return not person.is_active and not is_erased(person) and not names_kept_elsewhere


def person_erase_decision(actor: Any, person: Any, open_cases: Sequence[str]) -> Decision:
    """HR erases a person where the law allows: someone who no longer works here (their account is
    off) and takes part in no case still under way; never themselves. The sealed confirmations
    they appear in stay under legal hold until their own retention ends."""
    if not may_manage_privacy(actor):
        return FORBID
    if is_erased(person):
        return _block(_("This person is already erased."))
    if person.pk == actor.pk:
        return _block(_("You cannot erase yourself; another HR officer can."))
    if person.is_active:
        return _block(
            _("Their account is still active: only someone who no longer works here can be erased.")
        )
    if open_cases:
        return _block(
            _("They still take part in cases that are not closed: %(cases)s.")
            % {"cases": ", ".join(open_cases)}
        )
    return ALLOW
