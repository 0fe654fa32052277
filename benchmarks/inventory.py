"""Inventory benchmark: the security risk list and the case page's accounts and materials.

Run from the project root (see benchmarks/README.md):

    .venv/bin/python benchmarks/inventory.py --cases 100 1000 --accesses 10 --inventory 20 200 --repeat 30
    .venv/bin/python benchmarks/inventory.py --database-url postgres://postgres@127.0.0.1:5432/handover_bench_inv

It measures two pages at growing sizes and checks that their query count does not grow:

- "Access still open after the last day" (/access/open/, HR and IT) at --cases cases whose last
  working day is over, each with --accesses accounts (about 70% of them still open);
- the case page (/cases/<pk>/) of a case with 20, then 200 accounts and 200 materials, seen by
  the HR owner, the leaver and a successor.

The script uses a database of its own (a fresh SQLite file inventory.sqlite3 under var/bench/, or
under $HANDOVER_VAR_DIR when that is set; or the PostgreSQL database named in --database-url,
dropped and created again), seeds it with bulk_create, and measures each page through Django's
test client: server time around ``client.get`` and the number of SQL queries. It exits with
status 1 when a page's query count differs between sizes.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from harness import (
    BENCH_DIR,
    LEGEND,
    drop_database,
    environment_lines,
    measure,
    migrate,
    open_run,
    print_slow,
    print_summary,
    print_table,
    sign_in,
)
from seeding import MATERIALS, Batch, Person, Seeder, check_grants

SQLITE_PATH = BENCH_DIR / "inventory.sqlite3"
RISK_PAGE = 50  # rows per page of the security risk list (selectors.open_access_page)
HISTORY_DAYS = 5 * 365
STAFF_PER_DEPARTMENT = 20

# Past-last-day cases: mostly closed history, some in aftercare, a few just signed off.
PAST_STATES = {"closed": 0.70, "aftercare": 0.25, "signed_off": 0.05}
# The accounts of a past case: about 70% still open (listed or transferred, not revoked).
ACCESS_STATE_MIX = {"listed": 0.30, "transferred": 0.40, "revoked": 0.20, "not_applicable": 0.10}
OPEN = ("listed", "transferred")
# For every ten past cases, one withdrawn case and one case still running, both with open accounts
# the risk list must leave out (a withdrawn employee stays; a running case is not overdue yet).
NOISE_EVERY = 10

DEPARTMENTS = ["E-commerce Ops", "Customer Service", "Warehouse", "Finance", "Marketing", "IT"]
# Added to the 24 systems of the catalogue migration, so that sorting by system has work to do.
EXTRA_SYSTEMS = [
    ("Lazada Seller Center", "marketplace"), ("Shopee Seller Centre", "marketplace"),
    ("TikTok Shop", "marketplace"), ("Kuaishou shop (快手小店)", "marketplace"),
    ("Xiaohongshu Pro (小红书)", "marketplace"), ("Microsoft Ads", "advertising"),
    ("Baidu Marketing (百度营销)", "advertising"), ("Stripe dashboard", "payment"),
    ("UnionPay merchant (银联商户)", "payment"), ("SAP Business One", "erp"),
    ("Odoo", "erp"), ("Flexport portal", "logistics"), ("ZTO Express portal (中通)", "logistics"),
    ("Xero", "finance"), ("Slack", "chat"), ("Tableau Cloud", "data"),
]  # fmt: skip


# --------------------------------------------------------------------------- command line and database


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--cases",
        type=int,
        nargs="+",
        default=[100, 1000],
        help="past-last-day cases on the risk list, measured in turn as the data grows (default 100 1000)",
    )
    parser.add_argument("--accesses", type=int, default=10, help="accounts per past case (default 10)")
    parser.add_argument(
        "--inventory",
        type=int,
        nargs="+",
        default=[20, 200],
        help="accounts and as many materials on the measured case pages (default 20 200)",
    )
    parser.add_argument(
        "--items", type=int, default=50, help="checklist items of a measured case (default 50)"
    )
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page after one warm-up")
    parser.add_argument("--seed", type=int, default=2024, help="random seed, for the same data every run")
    parser.add_argument(
        "--database-url",
        help="PostgreSQL URL of a scratch database (its name must contain 'bench'; it is dropped and "
        "created). Default: a fresh SQLite file inventory.sqlite3 under var/bench/ or $HANDOVER_VAR_DIR",
    )
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    args = parser.parse_args()
    args.cases = sorted(set(args.cases))
    args.inventory = sorted(set(args.inventory))
    if len(args.cases) < 2 or len(args.inventory) < 2:
        parser.error("give at least two sizes to --cases and to --inventory: the point is to compare them")
    if args.cases[0] < 10 or args.accesses < 1 or args.inventory[0] < 1 or args.items < 5 or args.repeat < 1:
        parser.error("need at least 10 cases, 1 account a case, 1 account on a case page, 5 items, 1 repeat")
    return args


# --------------------------------------------------------------------------- seeding


@dataclass
class FocusCase:
    """A measured case page: its size and the people who look at it."""

    size: int
    id: int
    leaver_id: int


class InventorySeeder(Seeder):
    """Past-last-day cases with their accounts and materials, the noise the risk list must leave
    out, and the measured case pages."""

    def __init__(self, rng: random.Random):
        super().__init__(rng)
        self.module_kinds = list(self.module_order)
        self.past_cases = 0  # past-last-day, not withdrawn: the cases the risk list is about
        self.all_cases = 0
        self.expected_open = 0  # accounts the risk list must show
        self.systems: list[int] = []

    def seed_systems(self) -> None:
        m = self.m
        m.AccessSystem.objects.bulk_create(
            [m.AccessSystem(name=name, category=category) for name, category in EXTRA_SYSTEMS]
        )
        self.systems = list(m.AccessSystem.objects.order_by("pk").values_list("pk", flat=True))

    # ---------------------------------------------------------------- rows of one case

    def new_case(
        self, batch: Batch, *, state: str, last_day: date, department: int, leaver: Person, hr: Person
    ) -> int:
        """A case of ``department``, whose head is its manager, ending on ``last_day``."""
        r = self.rng
        case_id = self.new_id("departure")
        notice = last_day - timedelta(days=r.choice([14, 21, 30, 30, 45]))
        created = min(self.at(notice, 9), self.now - timedelta(hours=2))
        self.add_departure(
            batch,
            case_id,
            state=state,
            leaver=leaver,
            hr=hr,
            manager=self.heads[department],
            department=department,
            notice=notice,
            last_day=last_day,
            created=created,
            updated=min(self.now, self.at(last_day, 18)),
        )
        self.all_cases += 1
        return case_id

    def add_modules(
        self, batch: Batch, case_id: int, successors: list[Person]
    ) -> list[tuple[object, Person]]:
        kinds = sorted(self.rng.sample(self.module_kinds, len(successors)), key=self.module_order.__getitem__)
        return [
            (self.add_module(batch, case_id, kind, successor), successor)
            for kind, successor in zip(kinds, successors, strict=True)
        ]

    def access_row(self, case_id: int, module_id: int, successor: Person, state: str, n: int, when: datetime):
        """One account in ``state``, with the fields the services fill on the way there."""
        kind = ("personal", "personal", "shared", "sub_account")[n % 4]
        secret = kind != "personal" and state in OPEN and n % 3 == 0
        moved = state in ("transferred", "revoked")
        return self.m.Access(
            departure_id=case_id,
            module_id=module_id,
            system_id=self.systems[(case_id * 7 + n) % len(self.systems)],
            account=f"shop-ops-{case_id}-{n}@example.com" if kind == "personal" else f"team-{case_id}-{n}",
            access_level=("Administrator", "Operator", "Read only", "")[n % 4],
            kind=kind,
            credential_location="Vault: E-commerce / shops" if kind != "personal" else "",
            position=n,
            state=state,
            transferred_at=when if moved else None,
            transfer_method=("own_identity" if kind == "personal" else "rotated") if moved else "",
            transferred_by_name=successor.name if moved else "",
            revoked_at=when + timedelta(days=1) if state == "revoked" else None,
            revoked_by_name="Hana Huang" if state == "revoked" else "",
            revocation_note="Sub-account deleted by IT, ticket 4711." if state == "revoked" else "",
            revocation_evidence="https://it.example.com/tickets/4711" if state == "revoked" else "",
            not_applicable_reason="Read-only guest access, expires by itself."
            if state == "not_applicable"
            else "",
            secret_token=b"gAAAAAbench-not-a-real-token" if secret else None,
            secret_key_id="bench" if secret else "",
            secret_stored_at=when if secret else None,
            rotated_at=when if secret and state == "transferred" else None,
        )

    def material_row(self, case_id: int, module_id: int, successor: Person, n: int, found: bool, day: date):
        title, category, medium, location = MATERIALS["en"][n % len(MATERIALS["en"])]
        return self.m.Material(
            departure_id=case_id,
            module_id=module_id,
            title=title.format(n=n + 1),
            category=category,
            medium=medium,
            location=location.format(n=n + 1),
            created_on=day - timedelta(days=30 * (n % 24)),
            purpose="Needed for the quarterly supplier review." if n % 2 else "",
            importance=("high", "medium", "low")[n % 3],
            position=n,
            found_at=self.at(day) if found else None,
            found_by_id=successor.id if found else None,
            found_by_name=successor.name if found else "",
        )

    # ---------------------------------------------------------------- cases for the risk list

    def add_case(self, batch: Batch, state: str, last_day: date, accesses: int) -> None:
        """A case with a few modules, ``accesses`` accounts and two materials."""
        r = self.rng
        department = r.randint(1, len(DEPARTMENTS))
        leaver = self.add_user(
            batch,
            f"leaver{self.all_cases + 1:05d}",
            self.person_name(),
            "Staff",
            department,
            is_active=state != "closed",  # accounts of people who have left are switched off
        )
        hr = self.hr_busy if r.random() < 0.4 else r.choice(self.hr[1:])
        case_id = self.new_case(
            batch, state=state, last_day=last_day, department=department, leaver=leaver, hr=hr
        )
        successors = r.sample(self.staff[department], r.randint(2, 4))
        modules = self.add_modules(batch, case_id, successors)
        when = self.at(last_day - timedelta(days=5))
        counted = state != "withdrawn" and last_day < self.today
        for n in range(accesses):
            access_state = r.choices(list(ACCESS_STATE_MIX), weights=list(ACCESS_STATE_MIX.values()))[0]
            if state in ("withdrawn", "executing"):
                access_state = r.choice(OPEN)  # noise: open, but not on the risk list
            module, successor = modules[n % len(modules)]
            batch.accesses.append(self.access_row(case_id, module.id, successor, access_state, n, when))
            self.expected_open += counted and access_state in OPEN
        for n in range(2):
            module, successor = modules[n % len(modules)]
            batch.materials.append(self.material_row(case_id, module.id, successor, n, n == 0, last_day))
        head = self.heads[department]
        self.add_grants(
            batch,
            case_id,
            hr_owner_id=hr.id,
            manager_id=head.id,
            employee_id=leaver.id,
            successor_ids=[successor.id for successor in successors],
            head_id=head.id,
        )

    def seed_past_cases(self, count: int, accesses: int, progress_every: int = 1000) -> None:
        """``count`` more cases whose last day is over, plus the withdrawn and running noise."""
        r, today = self.rng, self.today
        started = time.perf_counter()
        target = self.past_cases + count
        batch = Batch()
        while self.past_cases < target:
            state = r.choices(list(PAST_STATES), weights=list(PAST_STATES.values()))[0]
            last_day = today - timedelta(
                days={
                    "closed": lambda: r.randint(35, HISTORY_DAYS),
                    "aftercare": lambda: r.randint(1, 29),
                    "signed_off": lambda: r.randint(1, 3),
                }[state]()
            )
            self.add_case(batch, state, last_day, accesses)
            self.past_cases += 1
            if self.past_cases % NOISE_EVERY == 0:
                self.add_case(
                    batch, "withdrawn", today - timedelta(days=r.randint(1, HISTORY_DAYS)), accesses
                )
                self.add_case(batch, "executing", today + timedelta(days=r.randint(0, 30)), accesses)
            if self.past_cases % progress_every == 0 or self.past_cases == target:
                self.insert(batch)
                batch = Batch()
                elapsed = time.perf_counter() - started
                print(
                    f"  seeded {self.past_cases:>7,} / {target:,} past cases   {elapsed:7.1f} s", flush=True
                )

    # ---------------------------------------------------------------- the measured case pages

    def add_focus_case(self, size: int, items: int) -> FocusCase:
        """An executing case: 5 modules (succ_busy takes two), ``items`` checklist items, ``size``
        accounts in every state and ``size`` materials, some found, and their timeline."""
        from handover.models import Departure
        from handover.permissions import sync_case_permissions

        m, today = self.m, self.today
        batch = Batch()
        leaver = self.add_user(batch, f"leaver_inv{size}", f"Leo Leaver {size}", "Staff", 1)
        last_day = today + timedelta(days=14)
        case_id = self.new_case(
            batch, state="executing", last_day=last_day, department=1, leaver=leaver, hr=self.hr_busy
        )
        others = [p for p in self.staff[1] if p is not self.succ_busy]
        successors = [self.succ_busy, self.succ_busy, *self.rng.sample(others, 3)]
        modules = self.add_modules(batch, case_id, successors)
        started = self.at(today - timedelta(days=10))
        for n in range(items):
            module, successor = modules[n % len(modules)]
            state = ("pending", "handed_over", "returned", "accepted")[n % 4]
            batch.items.append(
                m.ChecklistItem(
                    module_id=module.id,
                    title=f"Hand over task {n + 1}",
                    steps="1. Open the back-end.\n2. Check the queue.\n3. Reply to the tickets.",
                    key_moments="Every morning at 9.",
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
        # Every state on the page: listed (transfer / edit / secret links), transferred (revoke, reveal),
        # revoked and not applicable (history only).
        cycle = ["listed", "listed", "transferred", "listed", "transferred", "revoked", "not_applicable"]
        for n in range(size):
            module, successor = modules[n % len(modules)]
            batch.accesses.append(
                self.access_row(case_id, module.id, successor, cycle[n % len(cycle)], n, started)
            )
            batch.materials.append(self.material_row(case_id, module.id, successor, n, n % 4 == 0, today))
        # The timeline: the case's path, then one event for each account and material listed.
        events = [("opened", self.hr_busy, ""), ("transition", self.hr_busy, ""), ("transition", leaver, "")]
        events += [("access_added", leaver, f"account {n + 1}") for n in range(size)]
        events += [("material_added", leaver, f"material {n + 1}") for n in range(size)]
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
        # The real thing, as the services grant it.
        sync_case_permissions(Departure.objects.select_related("department").get(pk=case_id))
        return FocusCase(size, case_id, leaver.id)


def check_data(seeder: InventorySeeder, rng: random.Random) -> int:
    """The seeded grants equal what permissions.grants_for derives (20 random cases), and the risk
    list's selector finds exactly the open accounts seeded on past, not withdrawn cases."""
    from handover.selectors import open_accesses_after_last_day

    check_grants(20, rng)
    found = open_accesses_after_last_day().count()
    if found != seeder.expected_open:
        raise SystemExit(
            f"The risk list finds {found} open accounts, the seeding made {seeder.expected_open}"
        )
    return found


# --------------------------------------------------------------------------- measuring


@dataclass
class Result:
    group: str  # which comparison the row belongs to
    size: int
    page: str
    median: float
    p95: float
    queries: int
    db_ms: float
    kb: float
    slowest: list[tuple[float, str]]


def count_check(marker: str, expected: int):
    """A check that the page shows ``expected`` rows, each recognised by ``marker``."""

    def check(url: str, html: str) -> None:
        found = html.count(marker)
        if found != expected:
            raise SystemExit(f"GET {url}: {found} rows ({marker!r}), expected {expected}")

    return check


def client_for(username: str | None = None, pk: int | None = None):
    from django.test import Client

    from accounts.models import User

    user = User.objects.get(username=username) if username else User.objects.get(pk=pk)
    client = Client()
    sign_in(client, user)
    return client


def measure_risk_list(size: int, open_count: int, args) -> list[Result]:
    from django.urls import reverse

    clients = {"hr": client_for("hr_busy"), "it": client_for("it_busy")}
    url = reverse("handover:open_accesses")
    last = math.ceil(open_count / RISK_PAGE)
    on_last = open_count - RISK_PAGE * (last - 1)
    first = min(RISK_PAGE, open_count)
    pages = [
        ("risk list, most overdue first", "hr", url, first),
        ("risk list, ?sort=overdue", "hr", f"{url}?sort=overdue", first),
        ("risk list, ?sort=system", "hr", f"{url}?sort=system", first),
        ("risk list, ?sort=case", "hr", f"{url}?sort=case", first),
        ("risk list, last page ?page=N", "hr", f"{url}?page={last}", on_last),
        ("risk list, ?sort=system&page=N (last)", "hr", f"{url}?sort=system&page={last}", on_last),
        ("risk list, IT, most overdue first", "it", url, first),
        ("risk list, IT, last page ?page=N", "it", f"{url}?page={last}", on_last),
    ]
    print(
        f"  {open_count:,} open accounts on the list, {last:,} pages of {RISK_PAGE} (N = {last})", flush=True
    )
    results = []
    for label, who, page_url, rows in pages:
        # Each row has one days-overdue cell (HR's rows also link to the case, IT's do not).
        median, p95, queries, db_ms, size_bytes, slowest = measure(
            clients[who], page_url, args.repeat, count_check('<td class="overdue">', rows)
        )
        results.append(Result("risk", size, label, median, p95, queries, db_ms, size_bytes / 1024, slowest))
        print(f"  measured {label:<46} {median:8.1f} ms median, {queries} queries", flush=True)
    return results


def measure_case_pages(focus: list[FocusCase], args) -> list[Result]:
    """The accounts and the materials sections of each measured case, first page, for the people
    who work on them (benchmarks/case_page.py measures every section of a case)."""
    from django.urls import reverse

    from handover.selectors import SECTION_PAGE_SIZE

    clients = {"HR owner": client_for("hr_busy"), "successor": client_for("succ_busy")}
    results = []
    for case in focus:
        viewers = [*clients.items(), ("leaver", client_for(pk=case.leaver_id))]
        rows = min(case.size, SECTION_PAGE_SIZE)
        sections = [
            ("accounts", reverse("handover:case_accounts", args=[case.id]), '<tr id="access-'),
            ("materials", reverse("handover:case_materials", args=[case.id]), '<tr id="material-'),
        ]
        for who, client in viewers:
            for name, url, marker in sections:
                label = f"case {name}, page 1, {who}"
                median, p95, queries, db_ms, size_bytes, slowest = measure(
                    client, url, args.repeat, count_check(marker, rows)
                )
                results.append(
                    Result("case", case.size, label, median, p95, queries, db_ms, size_bytes / 1024, slowest)
                )
                print(
                    f"  measured {label} at {case.size} accounts + materials"
                    f" {median:8.1f} ms median, {queries} queries"
                )
    return results


# --------------------------------------------------------------------------- main


def main() -> None:
    args = parse_args()
    where = open_run("Handover inventory benchmark", args.database_url, SQLITE_PATH)
    from django.db import connections

    from handover.models import Access, Departure, Material

    print(
        f"Sizes      risk list at {', '.join(f'{s:,}' for s in args.cases)} past cases x {args.accesses} "
        f"accounts; case page at {' and '.join(str(s) for s in args.inventory)} accounts + materials "
        f"and {args.items} items; {args.repeat} timed requests a page after one warm-up"
    )
    print()
    total_started = time.perf_counter()
    migrate()

    rng = random.Random(args.seed)
    seeder = InventorySeeder(rng)
    seeder.seed_systems()
    seeder.seed_people(DEPARTMENTS, hr=4, managers=1, staff=STAFF_PER_DEPARTMENT * len(DEPARTMENTS), it=True)
    seeding_total = 0.0
    started = time.perf_counter()
    focus = [seeder.add_focus_case(size, args.items) for size in args.inventory]
    seeding_total += time.perf_counter() - started
    risk: list[Result] = []
    for size in args.cases:
        print(f"\nSeeding up to {size:,} past cases ...", flush=True)
        started = time.perf_counter()
        seeder.seed_past_cases(size - seeder.past_cases, args.accesses)
        seeder.finish()
        seconds = time.perf_counter() - started
        seeding_total += seconds
        open_count = check_data(seeder, rng)
        facts = {
            "cases": Departure.objects.count(),
            "accounts": Access.objects.count(),
            "materials": Material.objects.count(),
        }
        print(
            f"Seeded {size:,} past cases in {seconds:.1f} s: "
            + ", ".join(f"{k} {v:,}" for k, v in facts.items())
        )
        print(f"Measuring the risk list at {size:,} past cases ...", flush=True)
        size_results = measure_risk_list(size, open_count, args)
        risk.extend(size_results)
        print()
        print_table(size_results, "past cases")

    print(f"\nMeasuring the case pages (with {args.cases[-1]:,} past cases in the database) ...", flush=True)
    case = measure_case_pages(focus, args)

    print("\n" + "=" * 100)
    print("Handover inventory benchmark: summary")
    for line in environment_lines(where):
        print(line)
    total = time.perf_counter() - total_started
    print(f"Seeding    {seeding_total:.1f} s in all (bulk_create); whole run {total:.0f} s")
    print()
    print("Access still open after the last day (/access/open/, HR and IT), by past-last-day cases")
    print_table(risk, "past cases")
    print()
    differing = print_summary(risk, args.cases, "cases")
    print()
    print("Case sections (/cases/<pk>/accounts/, /materials/), by accounts (and as many materials)")
    print_table(case, "accounts")
    print()
    differing += print_summary(case, args.inventory, "accounts")
    print()
    print_slow(risk + case)
    print(LEGEND)

    connections.close_all()
    if not args.keep:
        drop_database(args.database_url, SQLITE_PATH)
    if differing:
        print(f"\nFAILED: the query count grows with the data on: {', '.join(differing)}")
        sys.exit(1)
    print("\nOK: every page keeps the same number of queries at every size.")


if __name__ == "__main__":
    main()
