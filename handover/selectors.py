"""Reads shared by pages, tasks and benchmarks, each built to a fixed number of queries."""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, F, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from handover import formatting, places, policy, reminders
from handover.models import (
    Access,
    AccessState,
    ChecklistItem,
    Departure,
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
    """A case on My work, with what the page shows read once (a busy manager has a hundred)."""

    facts: CaseFacts
    todos: list[Todo]
    url: str = field(init=False)
    last_day: str = field(init=False)
    accepted: int = field(init=False)
    total: int = field(init=False)
    accepted_percent: int = field(init=False)
    handed_over_percent: int = field(init=False)

    def __post_init__(self) -> None:
        self.url = places.case_url(self.facts.id)
        self.last_day = formatting.day(self.facts.last_working_day)
        self.accepted = self.facts.accepted
        self.total = self.facts.total
        self.accepted_percent = self.facts.accepted_percent
        self.handed_over_percent = self.facts.handed_over_percent


def my_work(user: User) -> list[WorkCard]:
    """The active cases a person takes part in, each with what is theirs to do now."""
    departures = Departure.objects.filter(_involving(user), state__in=ACTIVE_STATES).order_by(
        "last_working_day", "pk"
    )
    today = timezone.localdate()
    return [WorkCard(facts=f, todos=reminders.todos_of(f, today, user.pk)) for f in case_facts(departures)]


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
    # Read once per page rather than once per row: the state's label, the case's address and its
    # last working day as the reader's language writes it.
    state_label: str
    url: str
    last_day: str


def case_list_page(
    user: User, filters: CaseFilters, number, per_page: int = 50, chart: list | None = None
) -> Page:
    """One page of the case list: rows of a case with its item progress (counted for that page).
    With the chart of cases by state (``cases_by_state``), a list filtered by state alone (or not
    at all) takes its count from it instead of counting again."""
    paginator = Paginator(case_list(user, filters), per_page)
    if chart is not None and filters == CaseFilters(state=filters.state):
        paginator.count = sum(
            n for state, _label, n, _percent in chart if state == filters.state or not filters.state
        )
    page = paginator.get_page(number)
    cases = list(page.object_list)
    counts = {
        row["module__departure_id"]: (row["total"], row["accepted"])
        for row in ChecklistItem.objects.filter(module__departure_id__in=[case.pk for case in cases])
        .values("module__departure_id")
        .annotate(total=Count("pk"), accepted=Count("pk", filter=Q(state=ItemState.ACCEPTED)))
        .order_by()
    }
    labels = {value: str(label) for value, label in State.choices}
    return Page(
        [
            CaseListRow(
                case,
                *counts.get(case.pk, (0, 0)),
                state_label=labels[case.state],
                url=reverse("handover:case_detail", args=[case.pk]),
                last_day=formatting.day(case.last_working_day),
            )
            for case in cases
        ],
        page.number,
        page.paginator,
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


# Rows per page in a case's sections (events are one line each: twice as many), and the items a
# module opened on the modules section shows before "all its items". Sized so that a page of rows
# renders well within 50 ms on two cores (benchmarks/case_page.py).
SECTION_PAGE_SIZE = 25
TIMELINE_PAGE_SIZE = 50
ITEMS_PREVIEW = 3


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
    # The viewer takes this module over; the module is theirs to work on now (opened for them).
    receiving: bool
    yours: bool
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


def _case_modules(departure: Departure) -> dict[int, HandoverModule]:
    return {m.pk: m for m in departure.modules.order_by("position", "pk")}


def _module_row(
    departure: Departure,
    facts: CaseFacts,
    access: CaseAccess,
    module: HandoverModule,
    items: list[ChecklistItem],
) -> ModuleRow:
    progress = next(m for m in facts.modules if m.id == module.pk)
    state = departure.state
    for item in items:
        item.module = module
    return ModuleRow(
        module=module,
        progress=progress,
        items=[ItemRow(item, policy.item_actions(state, access, item)) for item in items],
        receiving=access.receives(module),
        yours=policy.module_is_yours(state, access, module, progress),
        removable=bool(policy.module_removal_decision(facts, access, progress)),
        bulk=_bulk_acts(state, access, module, progress),
    )


def _awaiting_first(departure: Departure, access: CaseAccess, modules: list[HandoverModule]) -> Case:
    """0 for the items that wait for this person (by the policy), 1 for the others."""
    waits = [
        When(Q(module_id=module.pk, state__in=states), then=Value(0))
        for module in modules
        if (states := policy.items_awaiting(departure.state, access, module))
    ]
    return Case(*waits, default=Value(1)) if waits else Case(default=Value(1))


def module_rows(
    departure: Departure, facts: CaseFacts, access: CaseAccess, *, only_yours: bool = False
) -> list[ModuleRow]:
    """Every module of the case (or only this person's), the ones that are theirs opened on their
    first items: those waiting for them first, then in checklist order. Two queries."""
    modules = list(_case_modules(departure).values())
    progress = {m.id: m for m in facts.modules}
    yours = [m.pk for m in modules if policy.module_is_yours(departure.state, access, m, progress[m.pk])]
    if only_yours:
        modules = [m for m in modules if m.pk in yours]
    previews: dict[int, list[ChecklistItem]] = defaultdict(list)
    if yours:
        first = (
            ChecklistItem.objects.filter(module_id__in=yours)
            .annotate(
                waiting=_awaiting_first(departure, access, [m for m in modules if m.pk in yours]),
            )
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=[F("module_id")],
                    order_by=[F("waiting").asc(), F("position").asc(), F("pk").asc()],
                )
            )
            .filter(rank__lte=ITEMS_PREVIEW)
            .order_by("module_id", "rank")
        )
        for item in first:
            previews[item.module_id].append(item)
    return [_module_row(departure, facts, access, module, previews[module.pk]) for module in modules]


ITEM_FILTERS = ("yours", *ItemState.values)


def module_page(
    departure: Departure,
    facts: CaseFacts,
    access: CaseAccess,
    module_id: int,
    *,
    show: str = "",
    number=None,
    item_id: int | None = None,
) -> tuple[ModuleRow, Page]:
    """One module with a page of its items, filtered by state or to those waiting for this person;
    with ``item_id``, the page that holds that item. Raises ``HandoverModule.DoesNotExist``."""
    module = departure.modules.get(pk=module_id)
    items = module.items.order_by("position", "pk")
    if show == "yours":
        items = items.filter(state__in=policy.items_awaiting(departure.state, access, module))
    elif show in ItemState.values:
        items = items.filter(state=show)
    page = _page_with(items, number, item_id)
    return _module_row(departure, facts, access, module, list(page.object_list)), page


def _page_with(rows: QuerySet, number, row_id: int | None) -> Page:
    """A page of ``rows``: the one asked for, or the one that holds ``row_id``."""
    per_page = SECTION_PAGE_SIZE
    paginator = Paginator(rows, per_page)
    if row_id is not None:
        ids = list(rows.values_list("pk", flat=True))
        if row_id in ids:
            number = ids.index(row_id) // per_page + 1
    return paginator.get_page(number)


def access_page(
    departure: Departure,
    access: CaseAccess,
    today: date,
    *,
    state: str = "",
    module_id: int | None = None,
    number=None,
    row_id: int | None = None,
) -> tuple[list[AccessRow], Page]:
    """A page of the case's accounts (by state, by module), each with what this person may do."""
    modules = _case_modules(departure)
    rows = departure.accesses.select_related("system").order_by("position", "pk")
    if state in AccessState.values:
        rows = rows.filter(state=state)
    if module_id is not None:
        rows = rows.filter(module_id=module_id)
    page = _page_with(rows, number, row_id)
    return [
        AccessRow(
            access=row,
            module=modules[row.module_id],
            actions=policy.access_actions(
                departure.state,
                access,
                _with_module(row, modules),
                last_working_day=departure.last_working_day,
                today=today,
            ),
            overdue=policy.revocation_overdue(row, departure.state, departure.last_working_day, today),
        )
        for row in page.object_list
    ], page


def material_page(
    departure: Departure,
    access: CaseAccess,
    *,
    to_find: bool = False,
    module_id: int | None = None,
    number=None,
    row_id: int | None = None,
) -> tuple[list[MaterialRow], Page]:
    """A page of the case's materials (all, or the important ones not found yet; by module)."""
    modules = _case_modules(departure)
    rows = departure.materials.order_by("position", "pk")
    if to_find:
        rows = rows.filter(importance=Importance.HIGH, found_at=None)
    if module_id is not None:
        rows = rows.filter(module_id=module_id)
    page = _page_with(rows, number, row_id)
    return [
        MaterialRow(
            material=row,
            module=modules[row.module_id],
            actions=policy.material_actions(departure.state, access, _with_module(row, modules)),
        )
        for row in page.object_list
    ], page


def trial_rows(departure: Departure, access: CaseAccess) -> list[TaskRow]:
    return [
        TaskRow(task, policy.trial_actions(departure.state, access, task))
        for task in departure.trial_tasks.select_related("module").order_by("pk")
    ]


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


def timeline_page(departure: Departure, number=None, with_inventory: bool = True) -> Page:
    """A page of the case's events, newest first; without the events about accounts and materials
    for someone who may not see those."""
    events = departure.events.order_by("-created_at", "-id")
    if not with_inventory:
        events = events.exclude(kind__in=INVENTORY_EVENT_KINDS)
    return Paginator(events, TIMELINE_PAGE_SIZE).get_page(number)


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
