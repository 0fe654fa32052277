"""Reads shared by pages, tasks and benchmarks, each built to a fixed number of queries."""

import logging
import threading
import zlib
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.paginator import Page, Paginator
from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from handover import formatting, places, policy, quality, reminders
from handover.models import (
    FEEDBACK_QUESTIONS,
    Access,
    AccessState,
    AftercareQuestion,
    Announcement,
    CheckIn,
    ChecklistItem,
    Confidence,
    Demonstration,
    DemonstrationAttendee,
    Departure,
    Event,
    EventKind,
    ExitFeedback,
    FollowUp,
    HandoverMeeting,
    HandoverModule,
    Importance,
    ItemState,
    Lesson,
    Manual,
    ManualRevision,
    Material,
    MeetingParticipant,
    Notification,
    ProposalState,
    RespondentRole,
    Signature,
    State,
    TemplateProposal,
    TemplateVersion,
    TrialState,
    TrialTask,
)
from handover.models.departure import ACTIVE_STATES, is_short_notice
from handover.models.events import INVENTORY_EVENT_KINDS
from handover.models.inventory import OPEN_ACCESS_STATES
from handover.permissions import CaseAccess, visible_cases
from handover.policy import CaseFacts, ModuleFacts
from handover.reminders import Todo

logger = logging.getLogger(__name__)

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
    "links_ended_at",
    "anonymised_at",
]


def case_facts(departures: QuerySet[Departure]) -> list[CaseFacts]:
    """Facts about many cases in ten queries (eleven when one is in aftercare), however many cases
    and items there are, read now: what services decide on inside their locks."""
    return list(_read_facts(departures, timezone.now())[0].values())


def _read_facts(
    departures: QuerySet[Departure], now: datetime
) -> tuple[dict[int, CaseFacts], dict[int, datetime]]:
    """The facts by case id and, for the cases whose facts change at a later instant by time alone
    (a demonstration's time comes), that instant."""
    announced = Exists(Announcement.objects.filter(departure_id=OuterRef("pk")))
    rows = departures.annotate(announced=announced).values(*CASE_FACT_FIELDS, "announced")
    facts = {row["id"]: CaseFacts(**row) for row in rows}
    changes: dict[int, datetime] = {}
    if not facts:
        return facts, changes
    ids = list(facts)
    modules: dict[int, ModuleFacts] = {}
    item_counts = {f"n_{state}": Count("items", filter=Q(items__state=state)) for state in ItemState.values}
    for row in (
        HandoverModule.objects.filter(departure_id__in=ids)
        .order_by("departure_id", "position")
        .values(
            "id", "departure_id", "kind", "successor_id", "successor_name", "independent_at", "confidence"
        )
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
            independent=row["independent_at"] is not None,
            confidence=row["confidence"],
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
    for row in (
        FollowUp.objects.filter(departure_id__in=ids, done_at=None)
        .values("module_id")
        .annotate(n=Count("id"))
        .order_by()
    ):
        modules[row["module_id"]].follow_ups_open = row["n"]
    for waiting in (
        Demonstration.objects.filter(departure_id__in=ids, held_at=None)
        .values("departure_id")
        .annotate(
            due=Count("id", filter=Q(scheduled_at__lte=now)),
            next=Min("scheduled_at", filter=Q(scheduled_at__gt=now)),
        )
        .order_by()
    ):
        facts[waiting["departure_id"]].demonstrations_due = waiting["due"]
        if waiting["next"] is not None:
            changes[waiting["departure_id"]] = waiting["next"]
    for unconfirmed in (
        DemonstrationAttendee.objects.filter(
            demonstration__departure_id__in=ids, demonstration__held_at__isnull=False, confirmed_at=None
        )
        .values("demonstration__departure_id", "user_id")
        .annotate(n=Count("id"))
        .order_by()
    ):
        case = facts[unconfirmed["demonstration__departure_id"]]
        case.demonstrations_unconfirmed[unconfirmed["user_id"]] = unconfirmed["n"]
    in_aftercare = [case.id for case in facts.values() if case.state in policy.AFTERCARE_STATES]
    for answered in (
        AftercareQuestion.objects.filter(departure_id__in=in_aftercare, solved_at=None, asker__isnull=False)
        .exclude(answered_at=None)
        .values("departure_id", "asker_id")
        .annotate(n=Count("id"))
        .order_by()
        if in_aftercare
        else ()
    ):
        facts[answered["departure_id"]].answers_to_read[answered["asker_id"]] = answered["n"]
    return facts, changes


# Pages read each case's facts, and everyone's to-dos on it today, from the cache; services and
# tasks read them afresh. An entry is named by the case's ``updated_at``, which every change to the
# case moves (handover/changes.py): after a change the next read misses and builds a new entry,
# and the old one is never read again. An entry lasts an hour at most, and no longer than its
# facts hold without any change (until a demonstration's time comes). Each process also keeps the
# entries it read last (a name always means the same entry): those it need not ask the cache for.
# Whoever reads an entry must not change it.
SNAPSHOT_KEPT = timedelta(hours=1)
SNAPSHOTS_KEPT_IN_PROCESS = 1000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


@dataclass
class Snapshot:
    """A case's facts and everyone's to-dos on it, as of one instant of one day, good until
    ``until`` (a timestamp)."""

    facts: CaseFacts
    todos: dict[int, list[Todo]]
    until: float


class RecentSnapshots:
    """The snapshots this process read last, the oldest dropped past ``size``."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[str, Snapshot] = OrderedDict()
        self.lock = threading.Lock()

    def get_many(self, names: Iterable[str], now: float) -> dict[str, Snapshot]:
        found = {}
        with self.lock:
            for name in names:
                snapshot = self.entries.get(name)
                if snapshot is None:
                    continue
                if snapshot.until <= now:
                    del self.entries[name]
                    continue
                self.entries.move_to_end(name)
                found[name] = snapshot
        return found

    def set_many(self, snapshots: dict[str, Snapshot], now: float) -> None:
        """Keep these; drop those whose time is up (their names are never asked again once their
        case changed), then the oldest past ``size``."""
        with self.lock:
            if snapshots:
                for name in [name for name, kept in self.entries.items() if kept.until <= now]:
                    del self.entries[name]
            self.entries.update(snapshots)
            for name in snapshots:
                self.entries.move_to_end(name)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


RECENT_SNAPSHOTS = RecentSnapshots(SNAPSHOTS_KEPT_IN_PROCESS)
# In the names: what the entries hold and the code that reads them (the rules included), so that
# a release whose facts or to-dos differ, even while an older one still runs beside it, misses.
SNAPSHOT_CODE = zlib.crc32(
    repr([[f.name for f in fields(kind)] for kind in (Snapshot, CaseFacts, ModuleFacts, Todo)]).encode()
    + b"".join(Path(module.__file__ or "").read_bytes() for module in (policy, reminders))
    + Path(__file__).read_bytes()
)


def snapshots(departures: QuerySet[Departure]) -> list[Snapshot]:
    """The facts and to-dos of these cases, in their order: from the cache where a case has not
    changed since they were read, otherwise read (a fixed number of queries, as ``case_facts``)."""
    return snapshots_of(list(departures.values_list("pk", "updated_at")))


def snapshots_of(rows: list[tuple[int, datetime]]) -> list[Snapshot]:
    """``snapshots`` of the cases whose id and ``updated_at`` were read already."""
    now = timezone.now()
    today = timezone.localdate(now)
    # Short names: a cache checks each name's every character.
    day = today.toordinal()
    names = {pk: f"case:{SNAPSHOT_CODE:x}.{pk}.{(at - EPOCH) // MICROSECOND:x}.{day}" for pk, at in rows}
    found = RECENT_SNAPSHOTS.get_many(names.values(), now.timestamp())
    shared = caches["snapshots"]
    try:
        known: dict[str, Snapshot] = shared.get_many([name for name in names.values() if name not in found])
    except Exception as error:  # the cache is an aid: without it, the facts are read
        logger.warning("Case snapshots not read from the cache: %s", type(error).__name__)
        known = {}
    RECENT_SNAPSHOTS.set_many(known, now.timestamp())
    found.update(known)
    if settings.HANDOVER_CHECK_CACHES and found:
        _check_snapshots(found, names, now, today)
    missing = [pk for pk, _at in rows if names[pk] not in found]
    if missing:
        facts, changes = _read_facts(Departure.objects.filter(pk__in=missing), now)
        lasting: dict[int, dict[str, Snapshot]] = defaultdict(dict)
        for pk, case in facts.items():
            # Whole seconds, rounded down: gone before a demonstration falls due, never after.
            seconds = int(min(SNAPSHOT_KEPT, changes.get(pk, now + SNAPSHOT_KEPT) - now).total_seconds())
            snapshot = Snapshot(case, reminders.todos_for_case(case, today), now.timestamp() + seconds)
            found[names[pk]] = snapshot
            if seconds > 0:
                lasting[seconds][names[pk]] = snapshot
        for seconds, entries in lasting.items():
            RECENT_SNAPSHOTS.set_many(entries, now.timestamp())
            try:
                shared.set_many(entries, seconds)
            except Exception as error:
                logger.warning("Case snapshots not kept in the cache: %s", type(error).__name__)
    return [found[names[pk]] for pk, _at in rows if names[pk] in found]


def _check_snapshots(found: dict[str, Snapshot], names: dict[int, str], now: datetime, today: date) -> None:
    """Tests: what the cache answers must be what a fresh read says, or a change did not move the
    case's ``updated_at`` (handover/changes.py)."""
    ids = [pk for pk, name in names.items() if name in found]
    fresh, _changes = _read_facts(Departure.objects.filter(pk__in=ids), now)
    for pk in ids:
        cached = found[names[pk]]
        snapshot = Snapshot(fresh[pk], reminders.todos_for_case(fresh[pk], today), cached.until)
        if cached != snapshot:
            raise AssertionError(f"case {pk} changed without moving its updated_at: {snapshot}")


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
    # The cases they take a module over, read first: the rest is then found from indexes alone
    # (each role's with the state), not by reading every case. Closed cases too, while a follow-up
    # left to this person is not done (and nobody may act on it any more once it is anonymised).
    taken_over: set[int] = set()
    upkeep: set[int] = set()
    undone = FollowUp.objects.filter(module_id=OuterRef("pk"), done_at=None)
    for case_id, follow_ups in HandoverModule.objects.filter(successor=user).values_list(
        "departure_id", Exists(undone)
    ):
        taken_over.add(case_id)
        if follow_ups:
            upkeep.add(case_id)
    ours = Q(employee=user) | Q(manager=user) | Q(hr_owner=user) | Q(pk__in=taken_over)
    closed = Q(state=State.CLOSED, pk__in=upkeep, anonymised_at=None)
    departures = Departure.objects.filter((Q(state__in=ACTIVE_STATES) & ours) | closed).order_by(
        "last_working_day", "pk"
    )
    return [WorkCard(facts=s.facts, todos=s.todos.get(user.pk, [])) for s in snapshots(departures)]


def open_work_by_user(chunk: int = 500) -> Iterator[tuple[User, list[Todo]]]:
    """Every person with open work and their to-dos, reading cases a chunk at a time; and everyone
    with notices waiting for their digest (with no to-do, perhaps)."""
    today = timezone.localdate()
    todos: dict[int, list[Todo]] = defaultdict(list)
    ids = list(Departure.objects.filter(state__in=ACTIVE_STATES).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), chunk):
        for facts in case_facts(Departure.objects.filter(pk__in=ids[start : start + chunk])):
            for user_id, items in reminders.todos_for_case(facts, today).items():
                todos[user_id].extend(items)
    waiting = Notification.objects.filter(in_next_digest=True).values_list("user_id", flat=True).distinct()
    user_ids = list(todos) + sorted(set(waiting) - set(todos))
    for start in range(0, len(user_ids), chunk):
        for user in User.objects.filter(pk__in=user_ids[start : start + chunk], is_active=True):
            yield user, todos[user.pk]


@dataclass(frozen=True)
class StuckRow:
    """Something that waits too long on a case, and who must act on it (from the policy)."""

    facts: CaseFacts
    module: ModuleFacts
    what: str
    url: str
    # When it started waiting: the question's date, the due date, the task sent back.
    since: date | None
    actors: list[policy.Person]


@dataclass
class StuckGroup:
    kind: str
    label: str
    rows: list[StuckRow]
    count: int


# The rows of each kind the page lists (the oldest first); the count says how many there are.
STUCK_SHOWN = 50
STUCK_LABELS = {
    "unanswered": _("Questions unanswered for more than 2 days"),
    "overdue": _("Items past their due date"),
    "sent_back": _("Trial tasks sent back"),
    "not_transferred": _("Accounts not yet transferred"),
    "blocked": _("Modules blocked"),
    "at_risk": _("Modules at risk"),
}
WORRIED = (Confidence.BLOCKED, Confidence.AT_RISK)


def stuck(user: User, now: datetime) -> list[StuckGroup]:
    """What is stuck on the cases this person supervises (as their manager or HR owner), while
    they are handed over and tried: six kinds, each counted and its oldest rows listed, each row
    with who must act. A fixed number of queries, however many cases."""
    today = timezone.localdate(now)
    cases = Departure.objects.filter(Q(manager=user) | Q(hr_owner=user), state__in=policy.STUCK_STATES)
    facts = {s.facts.id: s.facts for s in snapshots(cases)}
    modules = {m.id: (f, m) for f in facts.values() for m in f.modules}
    ids = list(facts)
    items = ChecklistItem.objects.filter(module__departure_id__in=ids).only(
        "id", "title", "module_id", "due_date", "returned_at"
    )
    # Accounts wait to be transferred from the day the execution started; a worried module since the
    # manager's latest check-in.
    executing_since = {
        row["departure_id"]: timezone.localtime(row["at"]).date()
        for row in Event.objects.filter(
            departure_id__in=ids, kind=EventKind.TRANSITION, to_state=State.EXECUTING
        )
        .values("departure_id")
        .annotate(at=Max("created_at"))
    }
    sources: dict[str, tuple[QuerySet, Callable[[Any], str], Callable[[Any], Any], Callable[[Any], str]]] = {
        "unanswered": (
            items.filter(state=ItemState.RETURNED, returned_at__lt=now - policy.ANSWER_WAIT).order_by(
                "returned_at"
            ),
            lambda row: row.title,
            lambda row: timezone.localtime(row.returned_at).date(),
            lambda row: places.module_url(modules[row.module_id][0].id, row.module_id, row.pk),
        ),
        "overdue": (
            items.filter(state__in=[ItemState.PENDING, ItemState.RETURNED], due_date__lt=today).order_by(
                "due_date"
            ),
            lambda row: row.title,
            lambda row: row.due_date,
            lambda row: places.module_url(modules[row.module_id][0].id, row.module_id, row.pk),
        ),
        "sent_back": (
            TrialTask.objects.filter(departure_id__in=ids, state=TrialState.REWORK).order_by("sent_back_at"),
            lambda row: row.title,
            lambda row: timezone.localtime(row.sent_back_at).date() if row.sent_back_at else None,
            lambda row: places.case_url(row.departure_id, "trial"),
        ),
        "not_transferred": (
            Access.objects.filter(departure_id__in=ids, state=AccessState.LISTED)
            .select_related("system")
            .order_by("departure_id", "position"),
            lambda row: str(row),
            lambda row: executing_since.get(row.departure_id),
            lambda row: places.case_url(row.departure_id, f"access-{row.pk}"),
        ),
    }
    groups = []
    for kind, (rows, what, since, url) in sources.items():
        shown = list(rows[:STUCK_SHOWN])
        count = len(shown) if len(shown) < STUCK_SHOWN else rows.count()
        groups.append(
            StuckGroup(
                kind,
                str(STUCK_LABELS[kind]),
                [
                    StuckRow(
                        *modules[row.module_id],
                        what=what(row),
                        url=url(row),
                        since=since(row),
                        actors=policy.stuck_actors(kind, *modules[row.module_id]),
                    )
                    for row in shown
                ],
                count,
            )
        )
    checked_in = {
        row["module_id"]: timezone.localtime(row["at"]).date()
        for row in CheckIn.objects.filter(
            module_id__in=[m.id for _f, m in modules.values() if m.confidence in WORRIED]
        )
        .values("module_id")
        .annotate(at=Max("created_at"))
    }
    for confidence in WORRIED:
        worried = [
            StuckRow(
                f,
                m,
                what=m.label,
                url=places.module_url(f.id, m.id),
                since=checked_in.get(m.id),
                actors=policy.stuck_actors(confidence, f, m),
            )
            for f, m in modules.values()
            if m.confidence == confidence
        ]
        groups.append(
            StuckGroup(confidence, str(STUCK_LABELS[confidence]), worried[:STUCK_SHOWN], len(worried))
        )
    return groups


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
    number: str
    employee_name: str
    department_name: str
    state: str
    short_notice: bool
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
    """One page of the case list: rows of a case with its item progress (the cases' snapshots).
    With the chart of cases by state (``cases_by_state``), a list filtered by state alone (or not
    at all) takes its count from it instead of counting again."""
    shown = ("number", "employee_name", "department_name", "state", "last_working_day", "notice_date")
    # Plain rows, not cases: a page has fifty.
    paginator = Paginator(case_list(user, filters).values("pk", *shown, "updated_at"), per_page)
    if chart is not None and filters == CaseFilters(state=filters.state):
        paginator.count = sum(
            n for state, _label, n, _percent in chart if state == filters.state or not filters.state
        )
    page = paginator.get_page(number)
    cases = list(page.object_list)
    # Their progress as My work shows it: cached until the case changes (a case deleted meanwhile
    # has none, and is left out).
    read = snapshots_of([(case["pk"], case["updated_at"]) for case in cases])
    progress = {snapshot.facts.id: snapshot.facts for snapshot in read}
    labels = {value: str(label) for value, label in State.choices}
    return Page(
        [
            CaseListRow(
                number=case["number"],
                employee_name=case["employee_name"],
                department_name=case["department_name"],
                state=case["state"],
                short_notice=is_short_notice(case["notice_date"], case["last_working_day"]),
                item_total=progress[case["pk"]].total,
                item_accepted=progress[case["pk"]].accepted,
                state_label=labels[case["state"]],
                url=places.case_url(case["pk"]),
                last_day=formatting.day(case["last_working_day"]),
            )
            for case in cases
            if case["pk"] in progress
        ],
        page.number,
        page.paginator,
    )


def cases_by_state(user: User) -> list[tuple[str, str, int, int]]:
    """How many visible cases are in each state: (state, label, count, percent of the largest)."""
    counts = dict(
        visible_cases(user, Departure.objects.all()).values_list("state").annotate(n=Count("*")).order_by()
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
    # Its lessons learned and its demonstrations, where the page shows them (a module's page).
    lessons: tuple["LessonRow", ...] = ()
    demonstrations: tuple[Demonstration, ...] = ()


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
    # What this person may do about the successor's independence now ("confirm", "reopen").
    independence: frozenset[str] = frozenset()
    # Whether the module shows where its successor's independence stands: from the trial run on,
    # where the sign-off waits for it.
    shows_independence: bool = False


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
        independence=frozenset(
            name
            for name, act in (("confirm", "confirm"), ("reopen", "withdraw"))
            if policy.independence_decision(facts, access, progress, act)
        ),
        shows_independence=progress.independent or state in policy.SIGNING_STATES,
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


@dataclass(frozen=True)
class LessonRow:
    lesson: Lesson
    removable: bool


def module_lessons(departure: Departure, access: CaseAccess, module: HandoverModule) -> list[LessonRow]:
    """A module's lessons learned, oldest first, each with whether this person may take it back."""
    lessons = Lesson.objects.filter(module=module).select_related("item").order_by("created_at", "pk")
    return [
        LessonRow(lesson, bool(policy.lesson_decision(departure.state, access, module, "remove", lesson)))
        for lesson in lessons
    ]


@dataclass(frozen=True)
class DemonstrationRow:
    demonstration: Demonstration
    items: list[ChecklistItem]
    attendees: list[DemonstrationAttendee]
    # What this person may do on it now: "record" (the leaver), "confirm" (an attending successor).
    actions: frozenset[str]


def demonstration_rows(departure: Departure, access: CaseAccess) -> list[DemonstrationRow]:
    """The case's demonstrations in time order, with their items, attendees and this person's acts.
    Three queries."""
    demonstrations = departure.demonstrations.prefetch_related(
        Prefetch("items", queryset=ChecklistItem.objects.select_related("module").order_by("position", "pk")),
        Prefetch("attendees", queryset=DemonstrationAttendee.objects.order_by("name", "pk")),
    ).order_by("scheduled_at", "pk")
    rows = []
    for demonstration in demonstrations:
        attendees = list(demonstration.attendees.all())
        invitation = next((a for a in attendees if a.user_id == access.user_id), None)
        held = demonstration.held_at is not None
        acts = {
            "record": policy.demonstration_decision(departure.state, access, "record", held=held),
            "confirm": policy.demonstration_decision(
                departure.state, access, "confirm", held=held, invitation=invitation
            ),
        }
        rows.append(
            DemonstrationRow(
                demonstration,
                list(demonstration.items.all()),
                attendees,
                frozenset(name for name, decision in acts.items() if decision),
            )
        )
    return rows


def with_notes(rows: list[ItemRow], lessons: list[LessonRow]) -> list[ItemRow]:
    """These rows with what a module's page shows under each item: its lessons learned (of
    ``lessons``, the module's) and the demonstrations that cover it. One query."""
    shown = item_demonstrations([row.item.pk for row in rows])
    return [
        replace(
            row,
            lessons=tuple(entry for entry in lessons if entry.lesson.item_id == row.item.pk),
            demonstrations=tuple(shown[row.item.pk]),
        )
        for row in rows
    ]


def item_demonstrations(item_ids: list[int]) -> dict[int, list[Demonstration]]:
    """The demonstrations that cover each of these items, in time order. One query."""
    covered: dict[int, list[Demonstration]] = defaultdict(list)
    links = (
        Demonstration.items.through.objects.filter(checklistitem_id__in=item_ids)
        .select_related("demonstration")
        .order_by("demonstration__scheduled_at", "demonstration_id")
    )
    for link in links:
        covered[link.checklistitem_id].append(link.demonstration)
    return covered


@dataclass(frozen=True)
class FollowUpRow:
    follow_up: FollowUp
    actions: frozenset[str]


def follow_up_rows(departure: Departure, access: CaseAccess, module: HandoverModule) -> list[FollowUpRow]:
    """A module's follow-ups, the open ones first by due date, each with this person's acts."""
    rows = module.follow_ups.order_by(F("done_at").asc(nulls_first=True), "due_date", "pk")
    result = []
    for follow_up in rows:
        follow_up.module = module
        may = policy.follow_up_decision(departure.state, access, follow_up, "complete")
        result.append(FollowUpRow(follow_up, frozenset({"complete"} if may else ())))
    return result


# The latest check-ins a module's page shows.
CHECK_INS_SHOWN = 5


def module_check_ins(module: HandoverModule) -> list[CheckIn]:
    """The manager's latest check-ins on a module, newest first, with their extra trial task."""
    return list(
        module.check_ins.select_related("trial_task").order_by("-created_at", "-pk")[:CHECK_INS_SHOWN]
    )


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
    return snapshots(Departure.objects.filter(pk=departure.pk))[0].facts


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


# Reminders look this far ahead (the largest offset HR can set) and keep reminding rows that wait.
REMINDER_HORIZON_DAYS = 400


def case_dates(case_ids: list[int], now: datetime) -> dict[int, reminders.CaseDates]:
    """What the reminders of these cases look at: items not yet handed over or waiting for an
    answer, trial tasks waiting for someone, the meeting and demonstrations still to come and who
    is invited, aftercare questions unanswered. Six queries, however many cases."""
    horizon = now + timedelta(days=REMINDER_HORIZON_DAYS)
    items: dict[int, list[reminders.ItemDates]] = defaultdict(list)
    for case_id, item_id, module_id, title, state, due_date, returned_at in (
        ChecklistItem.objects.filter(module__departure_id__in=case_ids)
        .filter(
            Q(state=ItemState.PENDING, due_date__isnull=False, due_date__lte=horizon.date())
            | Q(state=ItemState.RETURNED)
        )
        .values_list("module__departure_id", "id", "module_id", "title", "state", "due_date", "returned_at")
    ):
        items[case_id].append(reminders.ItemDates(item_id, module_id, title, state, due_date, returned_at))
    tasks: dict[int, list[reminders.TaskDates]] = defaultdict(list)
    waiting = TrialTask.objects.filter(
        departure_id__in=case_ids, state__in=[TrialState.ASSIGNED, TrialState.REWORK, TrialState.DONE]
    )
    for case_id, task_id, module_id, title, state, created, sent_back, done in waiting.values_list(
        "departure_id", "id", "module_id", "title", "state", "created_at", "sent_back_at", "done_at"
    ):
        # Since when it waits for its next act: set, sent back (the successor's turn) or done (the
        # leaver's).
        since = created
        if state == TrialState.REWORK and sent_back is not None:
            since = sent_back
        elif state == TrialState.DONE and done is not None:
            since = done
        tasks[case_id].append(reminders.TaskDates(task_id, module_id, title, state, since))
    upcoming: dict[int, list[reminders.Upcoming]] = defaultdict(list)
    coming = {"held_at__isnull": True, "scheduled_at__gt": now, "scheduled_at__lte": horizon}
    invited: dict[int, list[int]] = defaultdict(list)
    for meeting_id, user_id in MeetingParticipant.objects.filter(
        meeting__departure_id__in=case_ids, **{f"meeting__{k}": v for k, v in coming.items()}
    ).values_list("meeting_id", "user_id"):
        invited[meeting_id].append(user_id)
    for meeting in HandoverMeeting.objects.filter(departure_id__in=case_ids, **coming).values(
        "id", "departure_id", "scheduled_at"
    ):
        upcoming[meeting["departure_id"]].append(
            reminders.Upcoming(
                "meeting",
                meeting["id"],
                "",
                meeting["scheduled_at"],
                tuple(invited[meeting["id"]]),
            )
        )
    attending: dict[int, list[int]] = defaultdict(list)
    demonstrations = list(
        Demonstration.objects.filter(departure_id__in=case_ids, **coming).values(
            "id", "departure_id", "title", "scheduled_at", "departure__employee_id"
        )
    )
    for demonstration_id, user_id in DemonstrationAttendee.objects.filter(
        demonstration_id__in=[d["id"] for d in demonstrations]
    ).values_list("demonstration_id", "user_id"):
        attending[demonstration_id].append(user_id)
    for demonstration in demonstrations:
        people = [demonstration["departure__employee_id"], *attending[demonstration["id"]]]
        upcoming[demonstration["departure_id"]].append(
            reminders.Upcoming(
                "demonstration",
                demonstration["id"],
                demonstration["title"],
                demonstration["scheduled_at"],
                tuple(dict.fromkeys(people)),
            )
        )
    questions: dict[int, list[reminders.QuestionDates]] = defaultdict(list)
    for case_id, question_id, text, asked_at in AftercareQuestion.objects.filter(
        departure_id__in=case_ids, answered_at=None, solved_at=None
    ).values_list("departure_id", "id", "question", "asked_at"):
        questions[case_id].append(reminders.QuestionDates(question_id, text, asked_at))
    return {
        case_id: reminders.CaseDates(items[case_id], tasks[case_id], upcoming[case_id], questions[case_id])
        for case_id in case_ids
    }


@dataclass(frozen=True)
class FeedbackRow:
    """The survey's answers of one template or department: how many, and each question's average
    (1 to 5) with its width on a bar of 100."""

    label: str
    answers: int
    averages: list[tuple[str, float, int]]


def feedback_figures(by: str) -> list[FeedbackRow]:
    """Every case's survey answers per checklist template (``by="template"``) or per department;
    anonymous answers count like the others. One query."""
    field = {"template": "departure__template__name", "department": "departure__department__name"}[by]
    rows = (
        ExitFeedback.objects.values(field)
        .annotate(n=Count("id"), **{name: Avg(name) for name in FEEDBACK_QUESTIONS})
        .order_by(field)
    )
    return [
        FeedbackRow(
            label=row[field] or "—",
            answers=row["n"],
            averages=[
                (str(question), round(row[name], 1), round(100 * row[name] / 5))
                for name, question in FEEDBACK_QUESTIONS.items()
            ],
        )
        for row in rows
    ]


def feedback_comments(limit: int = 50) -> list[dict[str, Any]]:
    """The latest comments for HR, never with a name: the role, department and template only."""
    fields = ("comment", "role", "submitted_at", "departure__department__name", "departure__template__name")
    latest = ExitFeedback.objects.exclude(comment="").order_by("-submitted_at", "-id")
    return [{**row, "role": RespondentRole(row["role"]).label} for row in latest.values(*fields)[:limit]]


def case_friction(departures: QuerySet[Departure]) -> dict[int, quality.Friction]:
    """What the quality score looks at, for each of these cases: six queries, however many."""
    found: dict[int, dict[str, Any]] = defaultdict(dict)
    for row in (
        Event.objects.filter(
            departure__in=departures, kind__in=[EventKind.ITEM_RETURNED, EventKind.TRIAL_REWORK]
        )
        .values("departure_id")
        .annotate(
            returned=Count("id", filter=Q(kind=EventKind.ITEM_RETURNED)),
            rework=Count("id", filter=Q(kind=EventKind.TRIAL_REWORK)),
        )
        .order_by()
    ):
        found[row["departure_id"]].update(returned=row["returned"], rework=row["rework"])
    late = ChecklistItem.objects.filter(
        module__departure__in=departures, accepted_at__isnull=False, accepted_at__date__gt=F("due_date")
    )
    for row in late.values("module__departure_id").annotate(n=Count("id")).order_by():
        found[row["module__departure_id"]]["late"] = row["n"]
    asked = AftercareQuestion.objects.filter(departure__in=departures)
    for row in asked.values("departure_id").annotate(n=Count("id")).order_by():
        found[row["departure_id"]]["questions"] = row["n"]
    ratings = sum((F(name) for name in FEEDBACK_QUESTIONS), Value(0))
    answers = ExitFeedback.objects.filter(departure__in=departures)
    for row in answers.values("departure_id").annotate(total=Avg(ratings)).order_by():
        found[row["departure_id"]]["feedback"] = row["total"] / len(FEEDBACK_QUESTIONS)
    return {
        case_id: quality.Friction(**found.get(case_id, {}))
        for case_id in departures.values_list("pk", flat=True)
    }


def case_quality(departure: Departure) -> quality.Score:
    return quality.score(case_friction(Departure.objects.filter(pk=departure.pk))[departure.pk])


@dataclass(frozen=True)
class QualityRow:
    label: str
    cases: int
    average: int


def quality_by_template() -> list[QualityRow]:
    """The average quality score of the closed cases of each version of each checklist template,
    so that HR sees whether a new version made handovers go better: the scores stored at the close,
    averaged in one query."""
    rows = (
        Departure.objects.filter(state=State.CLOSED, quality_score__isnull=False)
        .values("template__name", "template_version")
        .annotate(cases=Count("pk"), average=Avg("quality_score"))
        .order_by("template__name", "template_version")
    )
    return [
        QualityRow(
            _("%(name)s, version %(version)s")
            % {"name": row["template__name"], "version": row["template_version"]}
            if row["template__name"] and row["template_version"]
            else row["template__name"] or "—",
            row["cases"],
            round(row["average"]),
        )
        for row in rows
    ]


# ---------------------------------------------------------------------------------------------
# Know-how and the checklist that learns.

MANUAL_HISTORY_SHOWN = 10
LIBRARY_PAGE_SIZE = 50


@dataclass
class ManualView:
    manual: Manual | None
    # The latest versions, newest first, without their text.
    revisions: list[ManualRevision]
    # Lessons and answered aftercare questions of the module not yet taken into the manual.
    lessons: list[Lesson]
    answers: list[AftercareQuestion]


ENRICH_SHOWN = 50


def manual_view(module: HandoverModule, *, enrich: bool) -> ManualView:
    """A module's manual and, for who may add to it (``enrich``), the first lessons and answers
    not taken in yet: four queries at any size."""
    manual = Manual.objects.filter(module=module).first()
    revisions = (
        list(manual.revisions.defer("body").order_by("-number")[:MANUAL_HISTORY_SHOWN]) if manual else []
    )
    taken = ManualRevision.objects.filter(manual__module=module)
    lessons = (
        Lesson.objects.filter(module=module)
        .exclude(pk__in=taken.exclude(lesson=None).values("lesson_id"))
        .select_related("item")
    )
    answers = (
        AftercareQuestion.objects.filter(module=module)
        .exclude(answered_at=None)
        .exclude(pk__in=taken.exclude(question=None).values("question_id"))
        .select_related("item")
    )
    if not enrich:
        return ManualView(manual, revisions, [], [])
    return ManualView(manual, revisions, list(lessons[:ENRICH_SHOWN]), list(answers[:ENRICH_SHOWN]))


def manual_summary(module: HandoverModule) -> Manual | None:
    """Whether a module has a manual, its version and who changed it last (not its text)."""
    return Manual.objects.filter(module=module).defer("body").first()


def _holding(user: User) -> QuerySet[HandoverModule]:
    """The modules a person holds: those they took over, on cases not withdrawn."""
    return HandoverModule.objects.filter(successor=user).exclude(departure__state=State.WITHDRAWN)


def holds_module_in_department(user: User, departure: Departure, kind: str) -> bool:
    """Whether this person now holds this kind of module in the case's department."""
    if departure.department_id is None or not user.is_authenticated:
        return False
    return _holding(user).filter(kind=kind, departure__department_id=departure.department_id).exists()


def manual_library(user: User, *, kind: str = "", text: str = "", page: Any = 1) -> Page:
    """The manuals a person may read: those of the cases they see, and those of closed cases for
    the modules they hold in that department (``policy.may_read_manual``, as a query). Newest first,
    a page at a time."""
    readable = Q(departure__in=visible_cases(user, Departure.objects.all()))
    # What they hold, as a few (department, kind) pairs, so the library's query stays flat.
    held = _holding(user).exclude(departure__department=None).values_list("departure__department_id", "kind")
    for department_id, module_kind in set(held):
        readable |= Q(
            departure__state=State.CLOSED, departure__department_id=department_id, module__kind=module_kind
        )
    manuals = Manual.objects.filter(readable)
    if kind:
        manuals = manuals.filter(module__kind=kind)
    if text:
        manuals = manuals.filter(body__icontains=text)
    manuals = manuals.select_related("module", "departure").defer("body").order_by("-updated_at", "-pk")
    return Paginator(manuals, LIBRARY_PAGE_SIZE).get_page(page)


PROPOSALS_SHOWN = 50


@dataclass
class TemplateHistory:
    # The oldest proposals waiting for HR (the next follow once these are decided), and how many wait.
    proposals: list[TemplateProposal]
    waiting: int
    versions: list[TemplateVersion]


def template_history(template_id: int) -> TemplateHistory:
    """A template's proposals waiting for HR (with the case each came from) and its latest versions."""
    waiting = TemplateProposal.objects.filter(template_id=template_id, state=ProposalState.OPEN)
    proposals = list(
        waiting.select_related("departure", "target").order_by("created_at", "pk")[:PROPOSALS_SHOWN]
    )
    count = len(proposals) if len(proposals) < PROPOSALS_SHOWN else waiting.count()
    versions = TemplateVersion.objects.filter(template_id=template_id).order_by("-number")[
        :MANUAL_HISTORY_SHOWN
    ]
    return TemplateHistory(proposals, count, list(versions))


def proposals_waiting(user: User) -> list[tuple[int, str, int]]:
    """For HR who edit templates: (template id, name, how many proposals wait) for each template."""
    if not policy.may_decide_template_proposals(user):
        return []
    rows = (
        TemplateProposal.objects.filter(state=ProposalState.OPEN)
        .values_list("template_id", "template__name")
        .annotate(waiting=Count("pk"))
        .order_by("template__name")
    )
    return list(rows)
