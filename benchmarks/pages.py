"""Page benchmark: seed 1,000 then 10,000 departure cases and time the pages people open most.

Run from the project root (see benchmarks/README.md):

    .venv/bin/python benchmarks/pages.py --cases 1000 10000 --items 50 --repeat 30
    .venv/bin/python benchmarks/pages.py --database-url postgres://postgres@127.0.0.1:5432/handover_bench

The script uses a database of its own (a fresh SQLite file pages.sqlite3 under var/bench/, or
under $HANDOVER_VAR_DIR when that is set; or the PostgreSQL database named in --database-url,
dropped and created again), seeds it with bulk_create (benchmarks/seeding.py), and measures each
page through Django's test client: server time around ``client.get`` and the number of SQL queries.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import random
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from harness import (
    BENCH_DIR,
    drop_database,
    measure,
    migrate,
    open_run,
    print_report,
    print_table,
    sign_in,
)
from seeding import JOB_TITLES, Batch, Seeder, check_grants

SQLITE_PATH = BENCH_DIR / "pages.sqlite3"
CASE_LIST_PAGE = 50  # rows per page of the case list (handover/views/cases.py)
HISTORY_DAYS = 5 * 365  # closed cases are spread over five years
PATH = ["intent_confirmed", "preparing", "executing", "trial_run", "signed_off", "aftercare", "closed"]
REASONS = ["career", "workload", "personal", "compensation", "relocation", "other"]

# Share of cases in each state: mostly history, a few hundred open at 10,000 cases.
STATE_MIX = {
    "closed": 0.885,
    "withdrawn": 0.03,
    "aftercare": 0.03,
    "signed_off": 0.01,
    "trial_run": 0.008,
    "executing": 0.012,
    "preparing": 0.013,
    "intent_confirmed": 0.012,
}
# Chance that a case belongs to the busy people whose pages are measured.
BUSY_HR_SHARE = 0.4
BUSY_MANAGER_SHARE = 0.08
BUSY_SUCCESSOR_SHARE = 0.03

DEPARTMENTS = [
    "E-commerce Ops", "Customer Service", "Warehouse", "Logistics", "Finance", "Data & BI",
    "Product", "Marketing", "Procurement", "IT", "Live Commerce", "Cross-border",
]  # fmt: skip
REASON_TEXT = "A new role closer to home, with more time for the family."


# --------------------------------------------------------------------------- command line and database


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--cases", type=int, nargs="+", default=[1000, 10000], help="sizes to measure, grown in turn"
    )
    parser.add_argument("--items", type=int, default=50, help="checklist items per case (default 50)")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page after one warm-up")
    parser.add_argument(
        "--heavy-items",
        type=int,
        default=100,
        help="items per module on the heavy 7-module case (default 100)",
    )
    parser.add_argument(
        "--staff", type=int, default=300, help="active staff who take over work (default 300)"
    )
    parser.add_argument("--search", default="Okafor", help="search term for the filtered case list")
    parser.add_argument("--seed", type=int, default=2024, help="random seed, for the same data every run")
    parser.add_argument(
        "--database-url",
        help="PostgreSQL URL of a scratch database (its name must contain 'bench'; it is dropped and "
        "created). Default: a fresh SQLite file pages.sqlite3 under var/bench/ or $HANDOVER_VAR_DIR",
    )
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    args = parser.parse_args()
    args.cases = sorted(set(args.cases))
    if args.cases[0] < 10 or args.items < 7 or args.repeat < 1 or args.staff < 7 * len(DEPARTMENTS):
        parser.error(f"need at least 10 cases, 7 items a case, 1 repeat and {7 * len(DEPARTMENTS)} staff")
    return args


# --------------------------------------------------------------------------- seeding


class PagesSeeder(Seeder):
    """Cases of every state, with their checklists, meetings, trial runs, signatures and timelines."""

    def __init__(self, rng: random.Random, items_per_case: int, heavy_items: int):
        from handover.checklists import read_checklist

        super().__init__(rng)
        self.items_per_case = items_per_case
        self.heavy_items = heavy_items
        self.cases = 0
        self.doc_serial = 0
        # Item texts per module and language, from the default template.
        self.texts: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for language in ("en", "zh-hans", "zh-hant"):
            for item in read_checklist(language)["items"]:
                self.texts[item["module"], language].append(item)
        self.focus_id: int | None = None
        self.heavy_id: int | None = None

    # ---------------------------------------------------------------- cases

    def pick_state(self) -> str:
        return self.rng.choices(list(STATE_MIX), weights=list(STATE_MIX.values()))[0]

    def dates_for(self, state: str) -> tuple[date, date]:
        """Notice date and last working day that fit the state."""
        r, today = self.rng, self.today
        last_day = {
            "closed": lambda: today - timedelta(days=r.randint(35, HISTORY_DAYS)),
            "withdrawn": lambda: today - timedelta(days=r.randint(-40, HISTORY_DAYS)),
            "aftercare": lambda: today - timedelta(days=r.randint(0, 29)),
            "signed_off": lambda: today + timedelta(days=r.randint(0, 7)),
            "trial_run": lambda: today + timedelta(days=r.randint(1, 14)),
            "executing": lambda: today + timedelta(days=r.randint(5, 30)),
            "preparing": lambda: today + timedelta(days=r.randint(10, 45)),
            "intent_confirmed": lambda: today + timedelta(days=r.randint(14, 60)),
        }[state]()
        notice = last_day - timedelta(days=r.choice([7, 10, 14, 21, 30, 30, 30, 45, 60]))
        return min(notice, today - timedelta(days=r.randint(0, 3))), last_day

    def add_case(
        self,
        batch: Batch,
        *,
        state: str | None = None,
        kinds: list[str] | None = None,
        items_per_module: int | None = None,
        focus: bool = False,
    ) -> int:
        m, r = self.m, self.rng
        state = state or self.pick_state()
        language = "en" if focus else r.choices(["en", "zh-hans", "zh-hant"], weights=[6, 3, 1])[0]
        notice, last_day = self.dates_for(state)
        if focus:
            notice, last_day = self.today - timedelta(days=10), self.today + timedelta(days=20)
        department = 1 if focus else r.randint(1, len(DEPARTMENTS))
        closed = state == "closed"
        self.cases += 1
        leaver = self.add_user(
            batch,
            f"leaver{self.cases:05d}",
            "Leo Leaver" if focus else self.person_name(language),
            "Staff",
            department,
            job_title=r.choice(JOB_TITLES),
            is_active=not closed,  # accounts of people who have left are switched off
            language=language,
        )
        hr = self.hr_busy if focus or r.random() < BUSY_HR_SHARE else r.choice(self.hr[1:])
        if focus or r.random() < BUSY_MANAGER_SHARE:
            manager = self.mgr_busy
        else:
            manager = r.choice(self.managers[department])
        case_id = self.new_id("departure")
        created = min(self.at(notice, r.randint(9, 17), r.randint(0, 59)), self.now - timedelta(hours=1))
        # Events and signatures happen between opening and the end of the case (or now).
        end = min(
            self.now, self.at(last_day + timedelta(days=30 if state in ("closed", "aftercare") else 0), 18)
        )
        end = max(end, created + timedelta(hours=1))

        def moment(share: float) -> datetime:
            return created + (end - created) * share

        # Modules and their successors.
        kinds = kinds or sorted(
            r.sample(list(self.module_order), r.randint(3, 7)), key=self.module_order.__getitem__
        )
        staff = self.staff[department]
        successors = r.sample(staff, len(kinds))
        if (focus or r.random() < BUSY_SUCCESSOR_SHARE) and self.succ_busy not in successors:
            successors[0] = self.succ_busy
        modules = []
        for kind, successor in zip(kinds, successors, strict=True):
            if state in ("intent_confirmed", "preparing") and not focus and r.random() < 0.2:
                successor = None  # not named yet: a to-do for HR
            modules.append((self.add_module(batch, case_id, kind, successor), successor))

        # Checklist items, spread unevenly over the modules.
        if items_per_module:
            counts = [items_per_module] * len(modules)
        else:
            weights = [r.uniform(0.5, 1.5) for _ in modules]
            counts = [max(1, int(self.items_per_case * w / sum(weights))) for w in weights]
            for i in range(self.items_per_case - sum(counts)):
                counts[i % len(counts)] += 1
        item_titles = []
        position = 0
        for (module, successor), count in zip(modules, counts, strict=True):
            texts = self.texts[module.kind, language]
            for i in range(count):
                text = texts[i % len(texts)]
                title = text["title"] if i < len(texts) else f"{text['title']} ({i // len(texts) + 1})"
                item_state = self.item_state(state) if successor else "pending"
                done_at = moment(r.uniform(0.2, 0.8))
                accepted = item_state == "accepted"
                batch.items.append(
                    m.ChecklistItem(
                        module_id=module.id,
                        title=title,
                        steps=text["steps"],
                        key_moments=text["key_moments"],
                        cautions=text["cautions"] if r.random() < 0.5 else "",
                        due_date=max(notice, last_day - timedelta(days=r.randint(2, 10))),
                        evidence_url=f"https://wiki.example.com/handover/{case_id}/{position}"
                        if accepted
                        else "",
                        position=position,
                        state=item_state,
                        question="Where is the login for this?" if item_state == "returned" else "",
                        handed_over_at=done_at if item_state != "pending" else None,
                        accepted_at=done_at + timedelta(hours=r.randint(1, 48)) if accepted else None,
                        accepted_by_id=successor.id if accepted else None,
                        accepted_by_name=successor.name if accepted else "",
                    )
                )
                item_titles.append((title, item_state))
                position += 1

        # How far the case got: meeting, trial run, signatures, confirmation.
        reached = state
        if state == "withdrawn":
            reached = r.choice(["intent_confirmed", "preparing", "executing"])
        step = PATH.index(reached)
        meeting = None
        if step >= 2 or (step == 1 and r.random() < 0.5):
            scheduled = moment(0.15)
            meeting = m.HandoverMeeting(
                departure_id=case_id,
                scheduled_at=scheduled,
                location=r.choice(
                    ["Room 3.14", "Meeting room Shanghai", "https://meet.example.com/handover"]
                ),
                agenda="Walk through every module with the successors.",
                held_at=scheduled + timedelta(hours=1) if step >= 2 else None,
                minutes="Every module walked through; successors named; dates agreed." if step >= 2 else "",
            )
            batch.meetings.append(meeting)
        trial = []
        if step >= 3:
            named = [(mod, s) for mod, s in modules if s]
            for module, _successor in r.sample(named, min(len(named), r.randint(1, 3))):
                trial_state = (
                    r.choice(["assigned", "done", "rework", "verified"]) if step == 3 else "verified"
                )
                trial.append(
                    m.TrialTask(
                        departure_id=case_id,
                        module_id=module.id,
                        title="Process today's refund requests end to end",
                        description="The successor does it; the leaver watches and checks.",
                        state=trial_state,
                        created_by_id=leaver.id,
                        done_note="Done, see the ticket list." if trial_state in ("done", "verified") else "",
                        done_at=moment(0.7) if trial_state in ("done", "verified") else None,
                        verified_at=moment(0.75) if trial_state == "verified" else None,
                        created_at=moment(0.6),
                    )
                )
            batch.trial_tasks.extend(trial)
        signatures = []
        if step >= 4:
            signers = [(leaver, "leaver")]
            signers += [(s, "successor") for s in {s.id: s for _, s in modules if s}.values()]
            signers.append((manager, "manager"))
            for signer, role in signers:
                signatures.append(
                    m.Signature(
                        departure_id=case_id,
                        signer_id=signer.id,
                        signer_name=signer.name,
                        role=role,
                        signed_at=moment(0.8),
                        ip_address="10.0.0.1",
                        user_agent="Mozilla/5.0 (bench)",
                        content_sha256=hashlib.sha256(f"content-{case_id}".encode()).hexdigest(),
                    )
                )
            batch.signatures.extend(signatures)
            self.doc_serial += 1
            digest = hashlib.sha256(f"document-{case_id}-{self.doc_serial}".encode()).hexdigest()
            batch.documents.append(
                m.ConfirmationDocument(
                    departure_id=case_id,
                    file_name=f"case-{case_id}-{digest[:12]}.pdf",
                    sha256=digest,
                    size=r.randint(60_000, 120_000),
                    created_at=moment(0.82),
                )
            )

        # The timeline: about ten events a case.
        events = self.timeline(
            state, reached, step, (hr, manager, leaver), meeting, trial, signatures, item_titles
        )
        last_event = created
        for i, (kind, actor, subject, from_state, to_state) in enumerate(events):
            when = created if i == 0 else moment(i / len(events))
            last_event = when
            batch.events.append(
                m.Event(
                    departure_id=case_id,
                    actor_id=actor.id,
                    actor_name=actor.name,
                    kind=kind,
                    subject=subject[:300],
                    from_state=from_state,
                    to_state=to_state,
                    created_at=when,
                )
            )

        self.add_departure(
            batch,
            case_id,
            state=state,
            leaver=leaver,
            hr=hr,
            manager=manager,
            department=department,
            notice=notice,
            last_day=last_day,
            created=created,
            updated=last_event,
            language=language,
            title=r.choice(JOB_TITLES),
            reason=r.choice(REASONS),
            reason_text=REASON_TEXT,
        )
        self.add_grants(
            batch,
            case_id,
            hr_owner_id=hr.id,
            manager_id=manager.id,
            employee_id=leaver.id,
            successor_ids=[successor.id for _module, successor in modules if successor],
            head_id=self.heads[department].id,
        )
        return case_id

    def item_state(self, state: str) -> str:
        if state in ("intent_confirmed", "preparing"):
            return "pending"
        if state in ("executing", "withdrawn"):
            states = ["pending", "handed_over", "returned", "accepted"]
            return self.rng.choices(states, weights=[30, 25, 10, 35])[0]
        return "accepted"

    def timeline(self, state, reached, step, people, meeting, trial, signatures, item_titles):
        hr, manager, leaver = people
        r, order = self.rng, PATH
        by_manager = {"executing", "trial_run", "signed_off"}
        must = [("opened", hr, leaver.name, "", "intent_confirmed")]
        steps = [
            ("transition", manager if order[i + 1] in by_manager else hr, "", order[i], order[i + 1])
            for i in range(step)
        ]
        extra = []
        if meeting is not None:
            extra.append(("meeting_scheduled", hr, "", "", ""))
            if meeting.held_at:
                extra.append(("meeting_held", hr, "", "", ""))
        done = [title for title, s in item_titles if s != "pending"]
        for title in r.sample(done, min(len(done), 4)):
            extra.append(("item_handed_over", leaver, title, "", ""))
        extra += [("trial_added", leaver, task.title, "", "") for task in trial]
        extra += [("signed", manager if s.role == "manager" else leaver, s.role, "", "") for s in signatures]
        if signatures:
            extra.append(("document_created", manager, "", "", ""))
        target = max(len(must) + len(steps), r.randint(8, 12))
        extra = extra[: max(0, target - len(must) - len(steps))]
        events = must + steps[:2] + extra + steps[2:]  # meeting and item work sit inside the path
        if state == "withdrawn":
            events.append(("transition", hr, "", reached, "withdrawn"))
        return events

    def seed_cases(self, count: int, progress_every: int = 1000) -> None:
        started = time.perf_counter()
        target = self.cases + count
        batch = Batch()
        if self.focus_id is None:
            every = list(self.module_order)
            self.focus_id = self.add_case(batch, state="executing", kinds=every, focus=True)
            self.heavy_id = self.add_case(
                batch, state="executing", kinds=every, items_per_module=self.heavy_items, focus=True
            )
        while self.cases < target:
            self.add_case(batch)
            if self.cases % progress_every == 0 or self.cases == target:
                self.insert(batch)
                batch = Batch()
                elapsed = time.perf_counter() - started
                print(f"  seeded {self.cases:>7,} / {target:,} cases   {elapsed:7.1f} s", flush=True)


# --------------------------------------------------------------------------- measuring


@dataclass
class Result:
    size: int
    page: str
    median: float
    p95: float
    queries: int
    db_ms: float
    kb: float
    slowest: list[tuple[float, str]]


def measure_size(size: int, seeder: PagesSeeder, args) -> list[Result]:
    from django.core.cache import caches
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User
    from handover import selectors
    from handover.models import ChecklistItem, Departure
    from handover.models.departure import ACTIVE_STATES, OPEN_STATES
    from handover.permissions import visible_cases
    from handover.selectors import RECENT_SNAPSHOTS

    users = {u.username: u for u in User.objects.filter(username__in=["hr_busy", "mgr_busy", "succ_busy"])}
    leaver = Departure.objects.get(pk=seeder.focus_id).employee
    clients = {}
    for key, user in [*users.items(), ("leaver", leaver)]:
        clients[key] = Client()
        sign_in(clients[key], user)

    case_list = reverse("handover:case_list")
    range_from, range_to = seeder.today - timedelta(days=120), seeder.today - timedelta(days=30)
    range_query = urlencode({"last_day_from": range_from.isoformat(), "last_day_to": range_to.isoformat()})
    pages = [
        ("case list, HR", "hr_busy", case_list),
        ("case list, manager", "mgr_busy", case_list),
        (f"case list, HR, search {args.search!r}", "hr_busy", f"{case_list}?{urlencode({'q': args.search})}"),
        ("case list, HR, last day range 90 days", "hr_busy", f"{case_list}?{range_query}"),
        ("case list, HR, last page", "hr_busy", f"{case_list}?page={math.ceil(size / CASE_LIST_PAGE)}"),
        ("case list, HR, nothing cached", "hr_busy", case_list),
        ("My work, busy manager", "mgr_busy", reverse("handover:my_work")),
        ("My work, busy manager, nothing cached", "mgr_busy", reverse("handover:my_work")),
        ("My work, busy successor", "succ_busy", reverse("handover:my_work")),
        ("What is stuck, busy manager", "mgr_busy", reverse("handover:stuck")),
        ("What is stuck, busy HR", "hr_busy", reverse("handover:stuck")),
        (
            f"case overview 7 modules x{args.items} items, HR owner",
            "hr_busy",
            reverse("handover:case_detail", args=[seeder.focus_id]),
        ),
        (
            f"case modules 7 modules x{args.items} items, leaver",
            "leaver",
            reverse("handover:case_modules", args=[seeder.focus_id]),
        ),
        (
            f"case overview 7x{args.heavy_items} = {7 * args.heavy_items} items, HR owner",
            "hr_busy",
            reverse("handover:case_detail", args=[seeder.heavy_id]),
        ),
    ]

    mgr, succ = users["mgr_busy"], users["succ_busy"]
    facts = {
        "cases": Departure.objects.count(),
        "open": Departure.objects.filter(state__in=OPEN_STATES).count(),
        "items": ChecklistItem.objects.count(),
        "manager sees": visible_cases(mgr, Departure.objects.all()).count(),
        "busy manager active": Departure.objects.filter(manager=mgr, state__in=ACTIVE_STATES).count(),
        "busy successor active": Departure.objects.filter(modules__successor=succ, state__in=ACTIVE_STATES)
        .distinct()
        .count(),
        "search matches": selectors.case_list(users["hr_busy"], selectors.CaseFilters(q=args.search)).count(),
        "range matches": Departure.objects.filter(last_working_day__range=(range_from, range_to)).count(),
        "active users": User.objects.filter(is_active=True).count(),
    }
    print("  " + ", ".join(f"{k} {v:,}" for k, v in facts.items()), flush=True)

    def forget() -> None:
        """As after every case changed: the cases' snapshots are read again."""
        caches["snapshots"].clear()
        RECENT_SNAPSHOTS.clear()

    results = []
    for label, who, url in pages:
        cold = forget if label.endswith("nothing cached") else None
        median, p95, queries, db_ms, size_bytes, slowest = measure(
            clients[who], url, args.repeat, before=cold
        )
        results.append(Result(size, label, median, p95, queries, db_ms, size_bytes / 1024, slowest))
        print(f"  measured {label:<46} {median:8.1f} ms median", flush=True)
    return results


# --------------------------------------------------------------------------- main


def main() -> None:
    args = parse_args()
    where = open_run("Handover page benchmark", args.database_url, SQLITE_PATH)
    from django.db import connections

    print(
        f"Sizes      {', '.join(f'{s:,}' for s in args.cases)} cases, {args.items} items a case, "
        f"{args.repeat} timed requests a page after one warm-up"
    )
    print()
    total_started = time.perf_counter()
    migrate()

    rng = random.Random(args.seed)
    seeder = PagesSeeder(rng, args.items, args.heavy_items)
    seeder.seed_people(DEPARTMENTS, hr=6, managers=3, staff=args.staff)
    results: list[Result] = []
    seeding_total = 0.0
    for size in args.cases:
        print(f"\nSeeding up to {size:,} cases ...", flush=True)
        started = time.perf_counter()
        seeder.seed_cases(size - seeder.cases)
        seeder.finish()
        seconds = time.perf_counter() - started
        seeding_total += seconds
        check_grants(20, rng)
        print(f"Seeded {size:,} cases in {seconds:.1f} s", flush=True)
        print(f"Measuring at {size:,} cases ...", flush=True)
        size_results = measure_size(size, seeder, args)
        results.extend(size_results)
        print()
        print_table(size_results, "cases")

    total = time.perf_counter() - total_started
    print_report(
        "Handover page benchmark", where, results, args.cases, "cases", seeding=seeding_total, total=total
    )

    connections.close_all()
    if not args.keep:
        drop_database(args.database_url, SQLITE_PATH)


if __name__ == "__main__":
    main()
