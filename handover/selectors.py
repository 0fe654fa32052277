"""Reads shared by pages, tasks and benchmarks, each built to a fixed number of queries."""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from handover import policy, reminders
from handover.models import (
    Access,
    AccessState,
    ChecklistItem,
    ConfirmationDocument,
    Departure,
    Event,
    HandoverMeeting,
    HandoverModule,
    Importance,
    ItemState,
    Material,
    Signature,
    State,
    TrialState,
    TrialTask,
)
from handover.models.departure import ACTIVE_STATES
from handover.models.events import INVENTORY_EVENT_KINDS
from handover.models.inventory import OPEN_ACCESS_STATES
from handover.permissions import CaseAccess, visible_cases
from handover.policy import CaseFacts, ModuleFacts
from handover.reminders import Todo

CASE_FACT_FIELDS = [
    "id",
    "number",
    "employee_name",
    "state",
    "employee_id",
    "manager_id",
    "hr_owner_id",
    "last_working_day",
    "support_until",
    "manager_name",
    "hr_owner_name",
]


def case_facts(departures: QuerySet[Departure]) -> list[CaseFacts]:
    """Facts about many cases in seven queries, however many cases and items there are."""
    facts = {row["id"]: CaseFacts(**row) for row in departures.values(*CASE_FACT_FIELDS)}
    if not facts:
        return []
    ids = list(facts)
    modules: dict[int, ModuleFacts] = {}
    item_counts = {f"n_{state}": Count("items", filter=Q(items__state=state)) for state in ItemState.values}
    for row in (
        HandoverModule.objects.filter(departure_id__in=ids)
        .order_by("departure_id", "position")
        .values("id", "departure_id", "kind", "successor_id", "successor_name")
        .annotate(total=Count("items"), **item_counts)
    ):
        module = ModuleFacts(
            id=row["id"],
            kind=row["kind"],
            successor_id=row["successor_id"],
            successor_name=row["successor_name"],
            total=row["total"],
            pending=row[f"n_{ItemState.PENDING}"],
            handed_over=row[f"n_{ItemState.HANDED_OVER}"],
            returned=row[f"n_{ItemState.RETURNED}"],
            accepted=row[f"n_{ItemState.ACCEPTED}"],
        )
        modules[module.id] = module
        facts[row["departure_id"]].modules.append(module)
    for row in (
        TrialTask.objects.filter(departure_id__in=ids)
        .values("module_id", "state")
        .annotate(n=Count("id"))
        .order_by()
    ):
        module = modules[row["module_id"]]
        if row["state"] == TrialState.VERIFIED:
            module.trial_verified += row["n"]
        elif row["state"] == TrialState.DONE:
            module.trial_done += row["n"]
        else:
            module.trial_open += row["n"]
    for row in (
        Access.objects.filter(departure_id__in=ids)
        .values("module_id", "state")
        .annotate(n=Count("id"))
        .order_by()
    ):
        module = modules[row["module_id"]]
        module.accesses_total += row["n"]
        if row["state"] == AccessState.LISTED:
            module.accesses_listed += row["n"]
        elif row["state"] == AccessState.TRANSFERRED:
            module.accesses_transferred += row["n"]
    for row in (
        Material.objects.filter(departure_id__in=ids)
        .values("module_id")
        .annotate(n=Count("id"), to_find=Count("id", filter=Q(importance=Importance.HIGH, found_at=None)))
        .order_by()
    ):
        modules[row["module_id"]].materials_total += row["n"]
        modules[row["module_id"]].materials_to_find += row["to_find"]
    for meeting in HandoverMeeting.objects.filter(departure_id__in=ids).values("departure_id", "held_at"):
        facts[meeting["departure_id"]].meeting_scheduled = True
        facts[meeting["departure_id"]].meeting_held = meeting["held_at"] is not None
    for signature in (
        Signature.objects.filter(departure_id__in=ids, voided_at__isnull=True)
        .values("departure_id", "signer_id", "role")
        .order_by()
    ):
        facts[signature["departure_id"]].signed.add((signature["signer_id"], signature["role"]))
    return list(facts.values())


def _involving(user: User) -> Q:
    return (
        Q(employee=user)
        | Q(manager=user)
        | Q(hr_owner=user)
        | Q(pk__in=HandoverModule.objects.filter(successor=user).values("departure_id"))
    )


@dataclass
class WorkCard:
    facts: CaseFacts
    todos: list[Todo]


def my_work(user: User) -> list[WorkCard]:
    """The active cases a person takes part in, each with what is theirs to do now."""
    departures = Departure.objects.filter(_involving(user), state__in=ACTIVE_STATES).order_by(
        "last_working_day", "pk"
    )
    today = timezone.localdate()
    return [
        WorkCard(facts=f, todos=reminders.todos_for_case(f, today).get(user.pk, []))
        for f in case_facts(departures)
    ]


def open_work_by_user(chunk: int = 500) -> Iterator[tuple[User, list[Todo]]]:
    """Every person with open work and their to-dos, reading cases a chunk at a time."""
    today = timezone.localdate()
    todos: dict[int, list[Todo]] = defaultdict(list)
    ids = list(Departure.objects.filter(state__in=ACTIVE_STATES).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), chunk):
        for facts in case_facts(Departure.objects.filter(pk__in=ids[start : start + chunk])):
            for user_id, items in reminders.todos_for_case(facts, today).items():
                todos[user_id].extend(items)
    user_ids = list(todos)
    for start in range(0, len(user_ids), chunk):
        for user in User.objects.filter(pk__in=user_ids[start : start + chunk], is_active=True):
            yield user, todos[user.pk]


@dataclass
class CaseFilters:
    state: str = ""
    department: int | None = None
    last_day_from: date | None = None
    last_day_to: date | None = None
    q: str = ""


def case_list(user: User, filters: CaseFilters) -> QuerySet[Departure]:
    """Cases the user may see, filtered, the latest last working day first.

    Open cases have the latest last days, so they come first without an ordering expression
    that would stop the database from reading the last-day index in order."""
    cases = visible_cases(user, Departure.objects.all())
    if filters.state:
        cases = cases.filter(state=filters.state)
    if filters.department:
        cases = cases.filter(department_id=filters.department)
    if filters.last_day_from:
        cases = cases.filter(last_working_day__gte=filters.last_day_from)
    if filters.last_day_to:
        cases = cases.filter(last_working_day__lte=filters.last_day_to)
    if filters.q:
        term = filters.q.strip()
        cases = cases.filter(
            Q(number__icontains=term)
            | Q(employee_name__icontains=term)
            | Q(manager_name__icontains=term)
            | Q(department_name__icontains=term)
        )
    return cases.order_by("-last_working_day", "-pk")


@dataclass(frozen=True)
class CaseListRow:
    case: Departure
    item_total: int
    item_accepted: int


def case_list_page(user: User, filters: CaseFilters, number, per_page: int = 50) -> Page:
    """One page of the case list: rows of a case with its item progress (counted for that page)."""
    page = Paginator(case_list(user, filters), per_page).get_page(number)
    cases = list(page.object_list)
    counts = {
        row["module__departure_id"]: (row["total"], row["accepted"])
        for row in ChecklistItem.objects.filter(module__departure_id__in=[case.pk for case in cases])
        .values("module__departure_id")
        .annotate(total=Count("pk"), accepted=Count("pk", filter=Q(state=ItemState.ACCEPTED)))
        .order_by()
    }
    return Page(
        [CaseListRow(case, *counts.get(case.pk, (0, 0))) for case in cases], page.number, page.paginator
    )


def cases_by_state(user: User) -> list[tuple[str, str, int, int]]:
    """How many visible cases are in each state: (state, label, count, percent of the largest)."""
    counts = dict(
        visible_cases(user, Departure.objects.all()).values_list("state").annotate(n=Count("pk")).order_by()
    )
    largest = max(counts.values(), default=0) or 1
    return [
        (value, str(label), counts.get(value, 0), round(100 * counts.get(value, 0) / largest))
        for value, label in State.choices
    ]


TIMELINE_LIMIT = 200


def case_detail(departure_id: int) -> Departure:
    """One case with everything its page shows, in a fixed number of queries."""
    items = ChecklistItem.objects.order_by("position", "pk")
    return (
        Departure.objects.select_related("meeting", "department")
        .prefetch_related(
            Prefetch(
                "modules", queryset=HandoverModule.objects.prefetch_related(Prefetch("items", queryset=items))
            ),
            Prefetch("trial_tasks", queryset=TrialTask.objects.select_related("module")),
            Prefetch("signatures", queryset=Signature.objects.order_by("signed_at").defer("image")),
            Prefetch("confirmations", queryset=ConfirmationDocument.objects.order_by("-version")),
            Prefetch("accesses", queryset=Access.objects.select_related("system").order_by("position", "pk")),
            Prefetch("materials", queryset=Material.objects.order_by("position", "pk")),
        )
        .get(pk=departure_id)
    )


@dataclass(frozen=True)
class ItemRow:
    item: ChecklistItem
    actions: frozenset[str]


@dataclass(frozen=True)
class BulkAct:
    """An act this person may take on several items of a module at once, and on how many now."""

    name: str
    count: int


@dataclass(frozen=True)
class ModuleRow:
    module: HandoverModule
    progress: ModuleFacts
    items: list[ItemRow]
    mine: bool
    removable: bool
    bulk: list[BulkAct]


@dataclass(frozen=True)
class AccessRow:
    access: Access
    module: HandoverModule
    actions: frozenset[str]
    overdue: bool


@dataclass(frozen=True)
class MaterialRow:
    material: Material
    module: HandoverModule
    actions: frozenset[str]


@dataclass(frozen=True)
class TaskRow:
    task: TrialTask
    actions: frozenset[str]


@dataclass(frozen=True)
class CaseRows:
    """The rows of one case's page, each with what this person may do on it now (the policy's
    answer), read from a case loaded by ``case_detail``: no query."""

    modules: list[ModuleRow]
    accesses: list[AccessRow]
    materials: list[MaterialRow]
    tasks: list[TaskRow]


def case_rows(departure: Departure, facts: CaseFacts, access: CaseAccess, today: date) -> CaseRows:
    state = departure.state
    progress = {m.id: m for m in facts.modules}
    modules = list(departure.modules.all())
    by_id = {module.pk: module for module in modules}
    return CaseRows(
        modules=[
            ModuleRow(
                module=module,
                progress=progress[module.pk],
                items=[
                    ItemRow(item, policy.item_actions(state, access, item)) for item in module.items.all()
                ],
                mine=access.receives(module),
                removable=bool(policy.module_removal_decision(facts, access, progress[module.pk])),
                bulk=_bulk_acts(state, access, module, progress[module.pk]),
            )
            for module in modules
        ],
        accesses=[
            AccessRow(
                access=row,
                module=by_id[row.module_id],
                actions=policy.access_actions(
                    state,
                    access,
                    _with_module(row, by_id),
                    last_working_day=departure.last_working_day,
                    today=today,
                ),
                overdue=policy.revocation_overdue(row, state, departure.last_working_day, today),
            )
            for row in departure.accesses.all()
        ],
        materials=[
            MaterialRow(
                material=material,
                module=by_id[material.module_id],
                actions=policy.material_actions(state, access, _with_module(material, by_id)),
            )
            for material in departure.materials.all()
        ],
        tasks=[
            TaskRow(task, policy.trial_actions(state, access, task)) for task in departure.trial_tasks.all()
        ],
    )


BULK_ITEM_ACTS = ("hand_over", "accept")


def _bulk_acts(
    state: str, access: CaseAccess, module: HandoverModule, progress: ModuleFacts
) -> list[BulkAct]:
    """The item acts this person may take on a whole module now, where more than one item waits."""
    acts = []
    for name in BULK_ITEM_ACTS:
        rule = policy.ITEM_RULES[name]
        count = progress.items_in(rule.row_ok.states) if isinstance(rule.row_ok, policy.InStates) else 0
        if count > 1 and policy.may_act_on_rows(rule, state, access, module):
            acts.append(BulkAct(name, count))
    return acts


def _with_module(row, modules: dict[int, HandoverModule]):
    """The row with its module taken from those already loaded rather than read again."""
    row.module = modules[row.module_id]
    return row


def case_timeline(
    departure: Departure, everything: bool = False, with_inventory: bool = True
) -> tuple[list[Event], bool]:
    """The latest events (or all of them), and whether older ones were left out; without the
    events about accounts and materials for someone who may not see those."""
    events = departure.events.order_by("-created_at", "-id")
    if not with_inventory:
        events = events.exclude(kind__in=INVENTORY_EVENT_KINDS)
    if everything:
        return list(events), False
    latest = list(events[: TIMELINE_LIMIT + 1])
    return latest[:TIMELINE_LIMIT], len(latest) > TIMELINE_LIMIT


def case_progress(departure: Departure) -> CaseFacts:
    return case_facts(Departure.objects.filter(pk=departure.pk))[0]


@dataclass
class OpenAccess:
    """An access the leaver may still use after their last working day, for the security risk list."""

    id: int
    departure_id: int
    number: str
    employee_name: str
    case_state: str
    last_working_day: date
    system: str
    account: str
    kind: str
    state: str
    module: str
    days_overdue: int
    hr_owner_id: int
    manager_id: int
    employee_id: int
    # Days overdue as a share of the most overdue row on the same page, for its bar.
    bar: int = 0
    # How the person reading the list may confirm it revoked (the policy's answer): "it", "case", "".
    revoke_via: str = ""


OPEN_ACCESS_SORTS = {
    "-overdue": ("departure__last_working_day", "departure_id", "position", "pk"),
    "overdue": ("-departure__last_working_day", "departure_id", "position", "pk"),
    "case": ("departure__number", "position", "pk"),
    "system": ("system__name", "departure__last_working_day", "pk"),
}


def open_accesses_after_last_day(today: date | None = None, sort: str = "-overdue") -> QuerySet[Access]:
    """Accesses not revoked although the leaver's last working day is over, across every case
    not withdrawn (a withdrawn employee stays and keeps their access)."""
    today = today or timezone.localdate()
    return (
        Access.objects.filter(
            state__in=OPEN_ACCESS_STATES,
            departure__last_working_day__lt=today,
        )
        .exclude(departure__state=State.WITHDRAWN)
        .order_by(*OPEN_ACCESS_SORTS.get(sort, OPEN_ACCESS_SORTS["-overdue"]))
    )


_OPEN_ACCESS_VALUES = (
    "id",
    "departure_id",
    "departure__number",
    "departure__employee_name",
    "departure__state",
    "departure__last_working_day",
    "system__name",
    "account",
    "kind",
    "state",
    "module__kind",
    "departure__hr_owner_id",
    "departure__manager_id",
    "departure__employee_id",
)


def _open_access(row: dict, today: date) -> OpenAccess:
    return OpenAccess(
        id=row["id"],
        departure_id=row["departure_id"],
        number=row["departure__number"],
        employee_name=row["departure__employee_name"],
        case_state=row["departure__state"],
        last_working_day=row["departure__last_working_day"],
        system=row["system__name"],
        account=row["account"],
        kind=row["kind"],
        state=row["state"],
        module=row["module__kind"],
        days_overdue=(today - row["departure__last_working_day"]).days,
        hr_owner_id=row["departure__hr_owner_id"],
        manager_id=row["departure__manager_id"],
        employee_id=row["departure__employee_id"],
    )


def open_access_page(user: User, number, sort: str = "-overdue", per_page: int = 50) -> Page:
    """One page of the security risk list, its rows read in one query, each with how this person
    may confirm it revoked."""
    today = timezone.localdate()
    rows = open_accesses_after_last_day(today, sort).values(*_OPEN_ACCESS_VALUES)
    page = Paginator(rows, per_page).get_page(number)
    entries = [_open_access(row, today) for row in page.object_list]
    largest = max((entry.days_overdue for entry in entries), default=0) or 1
    page.object_list = [
        replace(_revocable(user, entry, today), bar=round(100 * entry.days_overdue / largest))
        for entry in entries
    ]
    return page


def open_access_rows(user: User, ids: list[int]) -> list[OpenAccess]:
    """These rows of the risk list (those still on it), each with how this person may revoke it."""
    today = timezone.localdate()
    rows = open_accesses_after_last_day(today).filter(pk__in=ids).values(*_OPEN_ACCESS_VALUES)
    return [_revocable(user, _open_access(row, today), today) for row in rows]


def _revocable(user: User, entry: OpenAccess, today: date) -> OpenAccess:
    return replace(
        entry,
        revoke_via=policy.risk_list_revocation(
            user,
            hr_owner_id=entry.hr_owner_id,
            manager_id=entry.manager_id,
            employee_id=entry.employee_id,
            case_state=entry.case_state,
            last_working_day=entry.last_working_day,
            access_state=entry.state,
            today=today,
        ),
    )


def overdue_accesses_by_person(today: date) -> dict[int, list[OpenAccess]]:
    """Who must hear about which overdue accesses today: each case's HR owner and manager."""
    by_person: dict[int, list[OpenAccess]] = defaultdict(list)
    for row in open_accesses_after_last_day(today).values(*_OPEN_ACCESS_VALUES):
        entry = _open_access(row, today)
        for user_id in policy.revokers(hr_owner_id=entry.hr_owner_id, manager_id=entry.manager_id):
            by_person[user_id].append(entry)
    return by_person
