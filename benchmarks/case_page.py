"""Case page benchmark: the overview a case opens on and each of its sections, for the HR owner,
the leaver and a successor, on a small case and on a big one (7 modules x 100 items, 200 accounts,
200 materials and their timeline by default).

Run from the project root (see benchmarks/README.md):

    .venv/bin/python benchmarks/case_page.py
    .venv/bin/python benchmarks/case_page.py --database-url postgres://postgres@127.0.0.1:5432/handover_bench

It prints, per page and person: server time (median, p95), queries, SQL time and the HTML's size;
then the bars of the design: the overview at most 50 ms p95 and 100 KB, every section at most
50 ms p95 per page of rows, and the same number of queries on the small and the big case.
It exits with 1 when a page's query count grows with the case.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass
from datetime import timedelta

from harness import BENCH_DIR, LEGEND, drop_database, environment_lines, measure, migrate, open_run, sign_in
from inventory import EXTRA_SYSTEMS, InventorySeeder
from seeding import Batch
from server import empty_redis

SQLITE_PATH = BENCH_DIR / "case_page.sqlite3"
DEPARTMENTS = ["E-commerce Ops", "Customer Service", "Warehouse", "Finance"]
FIRST_OPEN_KB = 100
SLOW_MS = 50.0
ITEM_STATES = ("pending", "handed_over", "returned", "accepted")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--items", type=int, nargs=2, default=[10, 100], help="items per module, small and big case"
    )
    parser.add_argument(
        "--inventory",
        type=int,
        nargs=2,
        default=[20, 200],
        help="accounts (and as many materials) on the small and the big case",
    )
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page after one warm-up")
    parser.add_argument("--seed", type=int, default=2024, help="random seed, for the same data every run")
    parser.add_argument(
        "--database-url",
        help="PostgreSQL URL of a scratch database (its name must contain 'bench'; it is dropped and "
        "created). Default: a fresh SQLite file case_page.sqlite3 under var/bench/ or $HANDOVER_VAR_DIR",
    )
    parser.add_argument(
        "--broker-url",
        help="Redis URL of a scratch database (not database 0; it is emptied at the start and the "
        "end), the cache as in production (sessions, people's roles, the cases' facts). Default: the "
        "file cache of embedded mode",
    )
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    args = parser.parse_args()
    if min(args.items) < 1 or min(args.inventory) < 1 or args.repeat < 1:
        parser.error("need at least 1 item a module, 1 account and 1 repeat")
    return args


@dataclass
class BigCase:
    label: str
    id: int
    leaver: str
    modules: list[int]
    items: int
    inventory: int
    events: int


class CasePageSeeder(InventorySeeder):
    def add_measured_case(self, label: str, items_per_module: int, inventory: int) -> BigCase:
        """An executing case with every module: succ_busy takes two, other staff the rest; items in
        every state, accounts in every state, materials some found, and a timeline of it all."""
        from handover.models import Departure
        from handover.permissions import sync_case_permissions

        m, today = self.m, self.today
        batch = Batch()
        leaver = self.add_user(batch, f"leaver_{label}", f"Leo Leaver {label}", "Staff", 1)
        last_day = today + timedelta(days=14)
        case_id = self.new_case(
            batch, state="executing", last_day=last_day, department=1, leaver=leaver, hr=self.hr_busy
        )
        others = [p for p in self.staff[1] if p is not self.succ_busy]
        kinds = sorted(self.module_order, key=self.module_order.__getitem__)
        successors = [self.succ_busy, self.succ_busy, *self.rng.sample(others, len(kinds) - 2)]
        modules = [
            (self.add_module(batch, case_id, kind, successor), successor)
            for kind, successor in zip(kinds, successors, strict=True)
        ]
        started = self.at(today - timedelta(days=10))
        events = [("opened", self.hr_busy, ""), ("transition", self.hr_busy, ""), ("transition", leaver, "")]
        for module, successor in modules:
            for n in range(items_per_module):
                state = ITEM_STATES[n % len(ITEM_STATES)]
                title = f"{module.kind} task {n + 1}"
                batch.items.append(
                    m.ChecklistItem(
                        module_id=module.id,
                        title=title,
                        steps="1. Open the back-end.\n2. Check the queue.\n3. Reply to the tickets.",
                        key_moments="Every morning at 9.",
                        cautions="Never refund above 500 without the manager.",
                        due_date=last_day - timedelta(days=3),
                        position=n,
                        state=state,
                        question="Where is the login for this?" if state == "returned" else "",
                        handed_over_at=started if state != "pending" else None,
                        accepted_at=started + timedelta(hours=4) if state == "accepted" else None,
                        accepted_by_id=successor.id if state == "accepted" else None,
                        accepted_by_name=successor.name if state == "accepted" else "",
                    )
                )
                if state != "pending":
                    events.append(("item_handed_over", leaver, title))
        batch.meetings.append(
            m.HandoverMeeting(
                departure_id=case_id,
                scheduled_at=started,
                location="Room 3.14",
                agenda="Walk through every module.",
                held_at=started + timedelta(hours=1),
                minutes="Every module walked through.",
            )
        )
        cycle = ["listed", "listed", "transferred", "listed", "transferred", "revoked", "not_applicable"]
        for n in range(inventory):
            module, successor = modules[n % len(modules)]
            batch.accesses.append(
                self.access_row(case_id, module.id, successor, cycle[n % len(cycle)], n, started)
            )
            batch.materials.append(self.material_row(case_id, module.id, successor, n, n % 4 == 0, today))
            events.append(("access_added", leaver, f"account {n + 1}"))
            events.append(("material_added", leaver, f"material {n + 1}"))
        for n, (kind, actor, subject) in enumerate(events):
            batch.events.append(
                m.Event(
                    departure_id=case_id,
                    actor_id=actor.id,
                    actor_name=actor.name,
                    kind=kind,
                    subject=subject,
                    from_state="preparing" if n == 2 else "intent_confirmed" if n == 1 else "",
                    to_state="executing" if n == 2 else "preparing" if n == 1 else "",
                    created_at=started + timedelta(minutes=n),
                )
            )
        self.insert(batch)
        sync_case_permissions(Departure.objects.select_related("department").get(pk=case_id))
        return BigCase(
            label,
            case_id,
            f"leaver_{label}",
            [module.id for module, _ in modules],
            items_per_module * len(modules),
            inventory,
            len(events),
        )


@dataclass
class Result:
    size: str
    page: str
    median: float
    p95: float
    queries: int
    db_ms: float
    kb: float
    first_open: bool


def pages_of(case: BigCase) -> list[tuple[str, str, str, bool]]:
    """(page, who, url, is it the first open) for every page measured on ``case``."""
    from django.urls import reverse

    from handover.selectors import SECTION_PAGE_SIZE, TIMELINE_PAGE_SIZE

    def url(name: str, *args: int, query: str = "") -> str:
        return reverse(f"handover:{name}", args=[case.id, *args]) + (f"?{query}" if query else "")

    last_items = -(-(case.items // len(case.modules)) // SECTION_PAGE_SIZE)
    last_rows = -(-case.inventory // SECTION_PAGE_SIZE)
    last_events = -(-case.events // TIMELINE_PAGE_SIZE)
    first_module = case.modules[0]
    pages: list[tuple[str, str, str, bool]] = []
    for who in ("HR owner", "leaver", "successor"):
        pages += [
            (f"overview (first open), {who}", who, url("case_detail"), True),
            (f"modules, {who}", who, url("case_modules"), False),
            (f"a module, page 1, {who}", who, url("case_module", first_module), False),
            (f"accounts, page 1, {who}", who, url("case_accounts"), False),
            (f"materials, page 1, {who}", who, url("case_materials"), False),
        ]
    module = ("case_module", first_module)
    extra = [
        ("modules, mine, successor", "successor", ("case_modules",), "show=yours"),
        ("a module, waiting for me, successor", "successor", module, "show=yours"),
        ("a module, last page, leaver", "leaver", module, f"page={last_items}"),
        ("accounts, last page, HR owner", "HR owner", ("case_accounts",), f"page={last_rows}"),
        ("accounts, listed, HR owner", "HR owner", ("case_accounts",), "state=listed"),
        ("materials, to find, successor", "successor", ("case_materials",), "show=to_find"),
        ("meeting, HR owner", "HR owner", ("case_meeting",), ""),
        ("trial run, leaver", "leaver", ("case_trial",), ""),
        ("signatures, leaver", "leaver", ("case_signatures",), ""),
        ("timeline, page 1, HR owner", "HR owner", ("case_timeline",), ""),
        ("timeline, last page, HR owner", "HR owner", ("case_timeline",), f"page={last_events}"),
    ]
    pages += [(label, who, url(*target, query=query), False) for label, who, target, query in extra]
    return pages


def measure_case(case: BigCase, args) -> list[Result]:
    from django.test import Client

    from accounts.models import User

    clients = {}
    for who, username in (("HR owner", "hr_busy"), ("leaver", case.leaver), ("successor", "succ_busy")):
        clients[who] = Client()
        sign_in(clients[who], User.objects.get(username=username))
    results = []
    for label, who, url, first in pages_of(case):
        # htmx asks a tab for its section alone; the numbers here are for the whole page.
        median, p95, queries, db_ms, size, _slowest = measure(clients[who], url, args.repeat)
        results.append(Result(case.label, label, median, p95, queries, db_ms, size / 1024, first))
        print(f"  {case.label:<6} {label:<44} {median:7.1f} ms median {p95:7.1f} p95 {size / 1024:6.0f} KB")
    return results


def print_results(small: list[Result], big: list[Result], sizes: tuple[str, str]) -> list[str]:
    print(f"{'page':<46} {'median':>7} {'p95':>7} {'KB':>5} {'q':>3} {'SQL':>6}   {'small: q':>8}  bar")
    print("-" * 98)
    by_page = {r.page: r for r in small}
    growing = []
    for r in big:
        other = by_page[r.page]
        bars = []
        if r.p95 > SLOW_MS:
            bars.append(f">{SLOW_MS:.0f} ms")
        if r.first_open and r.kb > FIRST_OPEN_KB:
            bars.append(f">{FIRST_OPEN_KB} KB")
        if other.queries != r.queries:
            bars.append("queries grow")
            growing.append(r.page)
        print(
            f"{r.page:<46} {r.median:7.1f} {r.p95:7.1f} {r.kb:5.0f} {r.queries:>3} {r.db_ms:6.1f}"
            f"   {other.queries:>8}  {', '.join(bars) or 'ok'}"
        )
    print(f"\nFigures for the {sizes[1]} case; 'small: q' is the query count on the {sizes[0]} case.")
    return growing


def main() -> None:
    args = parse_args()
    if args.broker_url:
        empty_redis(args.broker_url)
    cache = {"CELERY_BROKER_URL": args.broker_url} if args.broker_url else {}
    where = open_run("Handover case page benchmark", args.database_url, SQLITE_PATH, **cache)
    from django.db import connections

    from handover.models import AccessSystem

    started = time.perf_counter()
    migrate()
    rng = random.Random(args.seed)
    seeder = CasePageSeeder(rng)
    AccessSystem.objects.bulk_create([AccessSystem(name=n, category=c) for n, c in EXTRA_SYSTEMS])
    seeder.systems = list(AccessSystem.objects.order_by("pk").values_list("pk", flat=True))
    seeder.seed_people(DEPARTMENTS, hr=3, managers=1, staff=40)
    cases = [
        seeder.add_measured_case(label, items, inventory)
        for label, items, inventory in zip(("small", "big"), args.items, args.inventory, strict=True)
    ]
    seeder.finish()
    for case in cases:
        print(
            f"Seeded the {case.label} case: 7 modules, {case.items} items, {case.inventory} accounts, "
            f"{case.inventory} materials, {case.events} events"
        )
    print(f"Seeding took {time.perf_counter() - started:.1f} s\n")
    results = {case.label: measure_case(case, args) for case in cases}

    print("\n" + "=" * 98)
    print("Handover case page benchmark: summary")
    for line in environment_lines(where):
        print(line)
    big = cases[1]
    from handover.selectors import ITEMS_PREVIEW, SECTION_PAGE_SIZE, TIMELINE_PAGE_SIZE

    print(
        f"Big case   7 modules x {big.items // 7} items, {big.inventory} accounts, {big.inventory} "
        f"materials, {big.events} events; {args.repeat} timed requests a page"
    )
    print(
        f"Pages      {SECTION_PAGE_SIZE} items, accounts or materials a page, {TIMELINE_PAGE_SIZE} events; "
        f"the modules section opens the viewer's own modules on {ITEMS_PREVIEW} items each"
    )
    print()
    growing = print_results(results["small"], results["big"], ("small", "big"))
    first = [r for r in results["big"] if r.first_open]
    sections = [r for r in results["big"] if not r.first_open]
    print(
        f"First open (overview): worst p95 {max(r.p95 for r in first):.1f} ms, largest "
        f"{max(r.kb for r in first):.0f} KB (bars {SLOW_MS:.0f} ms, {FIRST_OPEN_KB} KB)"
    )
    print(f"Sections: worst p95 {max(r.p95 for r in sections):.1f} ms (bar {SLOW_MS:.0f} ms)")
    print(LEGEND)
    connections.close_all()
    if not args.keep:
        drop_database(args.database_url, SQLITE_PATH)
    if args.broker_url:
        empty_redis(args.broker_url)
    if growing:
        print(f"\nFAILED: the query count grows with the case on: {', '.join(growing)}")
        sys.exit(1)
    print("\nOK: every page keeps the same number of queries on the small and the big case.")


if __name__ == "__main__":
    main()
