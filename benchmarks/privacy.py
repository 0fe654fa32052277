"""Privacy benchmark: the daily retention sweep, the privacy pages and the download of a person's
data, at 1,000 then 10,000 cases.

Run from the project root (see benchmarks/README.md):

    HANDOVER_VAR_DIR=/tmp/bench_privacy .venv/bin/python benchmarks/privacy.py --cases 1000 10000 --repeat 20
    .venv/bin/python benchmarks/privacy.py --cases 1000 \
        --database-url postgres://postgres@127.0.0.1:5432/handover_bench_privacy

The script uses a database of its own (a fresh SQLite file privacy.sqlite3 under var/bench/, or
under $HANDOVER_VAR_DIR when that is set; or the PostgreSQL database named in --database-url,
dropped and created again). The cases are those of after_case.py (AfterCaseSeeder: 88.5% closed,
each with its survey answers, alumni consent, aftercare questions, lessons, manual versions and
template proposals), with ``ended_at`` filled in as migration 0024 does for cases that ended before
it, and one closed case of 7 modules x --heavy-items items at each size. At each size it measures:

1. the download of a person's data (a ZIP): a leaver of one case (by HR, who answers for those who
   left), the busy manager and the busiest HR owner (their own "Your data"): time, queries, size,
   and the tracemalloc peak of one more request. Measured first, so that the privacy record the
   settings page shows is not empty at the first size;
2. the privacy pages, as pages.py does (harness.measure): HR's settings, "Your data" of the busy
   manager and of the busiest HR owner, and HR's page for the busy manager, for the busiest HR
   owner and for a leaver of one case;
3. the daily task, ``services.retention_apply``: first the heavy case alone
   (``services.case_anonymise``), then one run at an instant three years ahead, when every ended
   case is due. A run anonymises the SWEEP_BATCH cases that ended first and are not anonymised
   yet, so each size does the same work; each case's time and queries are read apart. Then, in a
   transaction rolled back afterwards, the state the task keeps a real installation in (every
   ended case anonymised, with one UPDATE of ``anonymised_at``): runs at the present instant,
   which find nothing to do, and one run eleven years ahead, which deletes SWEEP_BATCH
   confirmation files whose legal hold ended (their atomic blocks are savepoints there).

It is not a check: nothing fails when a figure is slow, but the summaries say whether each page
and each anonymised case keeps the same number of queries between the sizes.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import random
import re
import statistics
import time
import tracemalloc
import zipfile
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from unittest import mock

from after_case import AfterBatch, AfterCaseSeeder, contains
from harness import (
    BENCH_DIR,
    drop_database,
    measure,
    migrate,
    open_run,
    percentile,
    print_report,
    print_table,
    sign_in,
    sized_run_arguments,
)
from pages import DEPARTMENTS, Result

SQLITE_PATH = BENCH_DIR / "privacy.sqlite3"
SWEEP_AHEAD = timedelta(days=3 * 365)  # past every case's 24 months, before any confirmation's 10 years
HOLD_AHEAD = timedelta(days=11 * 365)  # past every confirmation's 10 years
MB = 1024 * 1024


def parse_args() -> argparse.Namespace:
    parser = sized_run_arguments(__doc__.split("\n\n")[0], SQLITE_PATH.name)
    parser.add_argument(
        "--heavy-items", type=int, default=100, help="items per module on the heavy closed case (default 100)"
    )
    parser.add_argument(
        "--export-repeat", type=int, default=3, help="timed downloads per person after the captured one"
    )
    args = parser.parse_args()
    args.cases = sorted(set(args.cases))
    if args.cases[0] < 500 or args.items < 7 or args.repeat < 1 or args.export_repeat < 1:
        parser.error("need at least 500 cases (a sweep takes 200), 7 items a case and 1 repeat")
    if args.staff < 7 * len(DEPARTMENTS):
        parser.error(f"need at least {7 * len(DEPARTMENTS)} staff")
    return args


# --------------------------------------------------------------------------- seeding


def fill_ended_at() -> int:
    """When each closed or withdrawn case ended, as migration 0024 sets it for cases that ended
    before it: the transition that moved it there, else its last change. One UPDATE."""
    from django.db.models import F, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from handover import privacy
    from handover.models import Departure, Event, EventKind

    moved = Event.objects.filter(
        departure=OuterRef("pk"), kind=EventKind.TRANSITION, to_state=OuterRef("state")
    ).order_by("-created_at")
    return Departure.objects.filter(state__in=privacy.ENDED_STATES, ended_at=None).update(
        ended_at=Coalesce(Subquery(moved.values("created_at")[:1]), F("updated_at"))
    )


def seed_heavy(seeder: AfterCaseSeeder, heavy_items: int) -> int:
    """One closed case with every module and ``heavy_items`` items in each."""
    batch = AfterBatch()
    case_id = seeder.add_case(
        batch, state="closed", kinds=list(seeder.module_order), items_per_module=heavy_items
    )
    seeder.insert(batch)
    return case_id


# --------------------------------------------------------------------------- measuring


@dataclass
class Timed:
    ms: float
    queries: int
    sql_ms: float
    value: object


def timed(call) -> Timed:
    """``call()`` with its wall time, its number of queries and the time spent in
    ``cursor.execute`` (a counter, not a log: a sweep runs more queries than Django's log keeps)."""
    from django.db import connection

    queries = 0
    in_sql = 0.0

    def count(execute, sql, params, many, context):
        nonlocal queries, in_sql
        queries += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            in_sql += time.perf_counter() - started

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        value = call()
        ms = (time.perf_counter() - started) * 1000
    return Timed(ms, queries, in_sql * 1000, value)


@dataclass
class Focus:
    """Who is measured, chosen once at the first size and kept at the next."""

    hr_busy: int
    mgr_busy: int
    other_hr: int  # HR who opens the busiest HR owner's page (not their own)
    leaver: int  # the leaver of the closed case that ended last, with a manual and alumni consent


def choose_focus() -> Focus:
    from accounts.models import User
    from handover.models import Departure

    ids = dict(
        User.objects.filter(username__in=["hr_busy", "mgr_busy", "hr02"]).values_list("username", "pk")
    )
    leaver = (
        Departure.objects.filter(state="closed", anonymised_at=None, manuals__isnull=False)
        .filter(alumni__isnull=False)
        .order_by("-ended_at", "-pk")
        .values_list("employee_id", flat=True)
        .first()
    )
    if leaver is None:
        raise SystemExit("No closed case has both a manual and an alumni consent: seed more cases.")
    return Focus(ids["hr_busy"], ids["mgr_busy"], ids["hr02"], leaver)


def lists_cases(pattern: str, expected: int):
    """A check for harness.measure: the page counts every case that names the person and lists the
    first page of them."""
    from handover.views.privacy import PAGE_SIZE

    def check(url: str, html: str) -> None:
        shown = len(re.findall(pattern, html))
        if shown != min(expected, PAGE_SIZE) or f"{expected} case" not in html:
            raise SystemExit(
                f"GET {url} lists {shown} cases, not the first of the {expected} that name the person"
            )

    return check


def measure_pages(size: int, focus: Focus, named: dict[int, int], clients, args) -> list[Result]:
    from django.urls import reverse

    my_data = reverse("handover:my_data")
    own_list = r"<li>HO-\d{4}-\d+ · "
    linked = r'">HO-\d{4}-\d+</a> · '
    pages = [
        (
            "privacy settings, HR",
            focus.hr_busy,
            reverse("handover:privacy_settings"),
            contains("<dd>", "<tbody>"),
        ),
        ("my data, busy manager", focus.mgr_busy, my_data, lists_cases(own_list, named[focus.mgr_busy])),
        ("my data, busiest HR owner", focus.hr_busy, my_data, lists_cases(own_list, named[focus.hr_busy])),
        (
            "person page, leaver of one case, HR",
            focus.hr_busy,
            reverse("handover:privacy_person", args=[focus.leaver]),
            lists_cases(linked, named[focus.leaver]),
        ),
        (
            "person page, busy manager, HR",
            focus.hr_busy,
            reverse("handover:privacy_person", args=[focus.mgr_busy]),
            lists_cases(linked, named[focus.mgr_busy]),
        ),
        (
            "person page, busiest HR owner, other HR",
            focus.other_hr,
            reverse("handover:privacy_person", args=[focus.hr_busy]),
            lists_cases(linked, named[focus.hr_busy]),
        ),
    ]
    results = []
    for label, who, url, check in pages:
        median, p95, queries, db_ms, size_bytes, slowest = measure(clients[who], url, args.repeat, check)
        results.append(Result(size, label, median, p95, queries, db_ms, size_bytes / 1024, slowest))
        print(f"  measured {label:<46} {median:8.1f} ms median", flush=True)
    return results


@dataclass
class Export:
    size: int
    label: str
    cases: int  # cases that name the person
    rows: int  # rows in data.json
    json_kb: float
    zip_kb: float
    queries: int
    sql_ms: float
    median_ms: float
    peak_mb: float


def measure_export(size: int, label: str, client, url: str, cases: int, repeat: int) -> Export:
    """One captured download (queries, SQL ms, what the ZIP holds), ``repeat`` timed ones, and one
    under tracemalloc for its peak (the allocations of the request only: tracing starts with it)."""

    def post() -> bytes:
        response = client.post(url)
        if response.status_code != 200 or response["Content-Type"] != "application/zip":
            raise SystemExit(f"POST {url} answered {response.status_code} {response['Content-Type']}")
        return response.content

    captured = timed(post)
    with zipfile.ZipFile(io.BytesIO(captured.value)) as archive:
        data = json.loads(archive.read("data.json"))
        json_kb = archive.getinfo("data.json").file_size / 1024
    rows = sum(len(table) for table in data["records"].values())
    del data
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        post()
        times.append((time.perf_counter() - started) * 1000)
    gc.collect()
    tracemalloc.start()
    post()
    peak = tracemalloc.get_traced_memory()[1] / MB
    tracemalloc.stop()
    export = Export(
        size,
        label,
        cases,
        rows,
        json_kb,
        len(captured.value) / 1024,
        captured.queries,
        captured.sql_ms,
        statistics.median(times),
        peak,
    )
    print(
        f"  exported {label:<30} {export.median_ms:9.1f} ms median, {rows:,} rows, "
        f"ZIP {export.zip_kb:,.0f} KB, peak {peak:.1f} MB",
        flush=True,
    )
    return export


def measure_exports(size: int, focus: Focus, named: dict[int, int], clients, args) -> list[Export]:
    from django.urls import reverse

    my_data = reverse("handover:my_data")
    people = [
        (
            "leaver of one case, by HR",
            focus.hr_busy,
            reverse("handover:privacy_person_export", args=[focus.leaver]),
            focus.leaver,
        ),
        ("busy manager, own", focus.mgr_busy, my_data, focus.mgr_busy),
        ("busiest HR owner, own", focus.hr_busy, my_data, focus.hr_busy),
    ]
    return [
        measure_export(size, label, clients[who], url, named[person], args.export_repeat)
        for label, who, url, person in people
    ]


@dataclass
class Sweep:
    size: int
    anonymised: int
    seconds: float
    queries: int
    case_ms: list[float]
    case_sql_ms: list[float]  # of each case's time, in cursor.execute
    case_queries: list[int]
    case_rows: list[int]
    heavy_ms: float
    heavy_queries: int
    heavy_rows: int
    idle_ms: float  # median of the runs that find nothing to do
    idle_queries: int
    idle_past: int  # anonymised cases past their retention that such a run passes over
    deleted: int
    deleted_ms: float
    deleted_queries: int


def rows_of(case_ids: list[int]) -> Counter[int]:
    """Rows of each case in the tables anonymisation goes through (handover.privacy.TABLES)."""
    from django.db.models import Count

    from handover import privacy

    rows: Counter[int] = Counter()
    for table in privacy.TABLES:
        grouped = table.rows(case_ids).values(table.case).annotate(n=Count("pk")).order_by()
        for case_id, n in grouped.values_list(table.case, "n"):
            rows[case_id] += n
    return rows


def measure_sweep(size: int, heavy_id: int, repeat: int) -> Sweep:
    from django.db import transaction
    from django.utils import timezone

    from handover import privacy, services
    from handover.models import Departure
    from handover.services import privacy as privacy_services

    heavy = timed(lambda: services.case_anonymise(departure_id=heavy_id))
    if heavy.value is not True:
        raise SystemExit(f"case_anonymise of the heavy case {heavy_id} did nothing")

    # Each case the run anonymises, timed apart: retention_apply calls the module's case_anonymise.
    original = privacy_services.case_anonymise
    cases: list[tuple[int, Timed]] = []

    def case_anonymise(*, departure_id: int, actor=None) -> bool:
        run = timed(lambda: original(departure_id=departure_id, actor=actor))
        cases.append((departure_id, run))
        return run.value

    now = timezone.now()
    with mock.patch.object(privacy_services, "case_anonymise", case_anonymise):
        # One batch (no time to go on): each size does the same work.
        sweep = timed(lambda: services.retention_apply(now + SWEEP_AHEAD, seconds=0))
    if sweep.value != (privacy_services.SWEEP_BATCH, 0):
        raise SystemExit(f"retention_apply three years ahead did {sweep.value}, not one batch of cases")
    rows = rows_of([case_id for case_id, _run in cases])

    # The state the task keeps: every ended case anonymised (those past their retention are what a
    # run passes over). Rolled back.
    with transaction.atomic():
        cases_before, _documents_before = privacy_services.retention_due(now)
        ended = Departure.objects.filter(state__in=privacy.ENDED_STATES, anonymised_at=None)
        ended.update(anonymised_at=now)
        past = Departure.objects.filter(anonymised_at__isnull=False, ended_at__lt=cases_before).count()
        idle = [timed(lambda: services.retention_apply(now)) for _ in range(repeat)]
        if any(run.value != (0, 0) for run in idle):
            raise SystemExit(f"retention_apply at the present instant did {idle[0].value}, not nothing")
        hold = timed(lambda: services.retention_apply(now + HOLD_AHEAD, seconds=0))
        transaction.set_rollback(True)

    return Sweep(
        size=size,
        anonymised=sweep.value[0],
        seconds=sweep.ms / 1000,
        queries=sweep.queries,
        case_ms=[run.ms for _id, run in cases],
        case_sql_ms=[run.sql_ms for _id, run in cases],
        case_queries=[run.queries for _id, run in cases],
        case_rows=[rows[case_id] for case_id, _run in cases],
        heavy_ms=heavy.ms,
        heavy_queries=heavy.queries,
        heavy_rows=rows_of([heavy_id])[heavy_id],
        idle_ms=statistics.median(run.ms for run in idle),
        idle_queries=idle[0].queries,
        idle_past=past,
        deleted=hold.value[1],
        deleted_ms=hold.ms,
        deleted_queries=hold.queries,
    )


def sweep_lines(s: Sweep) -> list[tuple[str, str]]:
    per_case = sorted(s.case_queries)
    return [
        ("cases anonymised in one run", f"{s.anonymised:,}"),
        ("run: s, queries", f"{s.seconds:.1f} s, {s.queries:,}"),
        ("cases a second", f"{s.anonymised / s.seconds:.1f}"),
        (
            "a case: median / p95 ms",
            f"{statistics.median(s.case_ms):.1f} / {percentile(s.case_ms, 0.95):.1f}",
        ),
        ("a case: SQL ms median", f"{statistics.median(s.case_sql_ms):.1f}"),
        (
            "a case: queries median (min-max)",
            f"{statistics.median(per_case):.0f} ({per_case[0]}-{per_case[-1]})",
        ),
        (
            "a case: rows median (min-max)",
            f"{statistics.median(s.case_rows):.0f} ({min(s.case_rows)}-{max(s.case_rows)})",
        ),
        ("heavy case: ms, queries, rows", f"{s.heavy_ms:.0f}, {s.heavy_queries}, {s.heavy_rows:,}"),
        ("run with nothing to do: median ms, queries", f"{s.idle_ms:.1f}, {s.idle_queries}"),
        ("  anonymised cases it passes over", f"{s.idle_past:,}"),
        (
            "files past their hold: deleted, ms a file, queries",
            f"{s.deleted}, {s.deleted_ms / max(s.deleted, 1):.2f}, {s.deleted_queries:,}",
        ),
    ]


def export_lines(e: Export) -> str:
    return (
        f"{e.median_ms:,.0f} ms, {e.queries} q, {e.cases:,} cases, {e.rows:,} rows, "
        f"JSON {e.json_kb:,.0f} KB, ZIP {e.zip_kb:,.0f} KB, peak {e.peak_mb:.1f} MB"
    )


def print_sweeps(sweeps: list[Sweep]) -> None:
    width = 28
    print(
        f"{'daily task (retention_apply)':<52}" + "".join(f"{f'{s.size:,} cases':>{width}}" for s in sweeps)
    )
    print("-" * (52 + width * len(sweeps)))
    columns = [sweep_lines(s) for s in sweeps]
    for row in zip(*columns, strict=True):
        print(f"{row[0][0]:<52}" + "".join(f"{value:>{width}}" for _label, value in row))
    counts = {statistics.median(s.case_queries) for s in sweeps}
    same = "the same" if len(counts) == 1 else "NOT the same"
    print(f"A case anonymised runs {same} median number of queries at every size.")


def print_exports(exports: list[Export]) -> None:
    print("Download of a person's data (POST, a ZIP):")
    for label in dict.fromkeys(e.label for e in exports):
        print(f"  {label}")
        for e in (e for e in exports if e.label == label):
            print(f"    {e.size:>7,} cases  {export_lines(e)}")
    for label in dict.fromkeys(e.label for e in exports):
        counts = {e.queries for e in exports if e.label == label}
        if len(counts) > 1:
            print(f"Query count of the download grows with the number of cases: {label}")
    print(
        "ms: median of the timed downloads; q: queries of the captured one; rows: rows in data.json;\n"
        "peak: tracemalloc peak of one more download (allocations from the request on)."
    )


# --------------------------------------------------------------------------- main


def main() -> None:
    args = parse_args()
    title = "Handover privacy benchmark"
    where = open_run(title, args.database_url, SQLITE_PATH)
    from django.db import connections
    from django.test import Client

    from accounts.models import User
    from handover import privacy
    from handover.models import ConfirmationDocument, Departure
    from handover.services.privacy import SWEEP_BATCH, person_cases

    print(
        f"Sizes      {', '.join(f'{s:,}' for s in args.cases)} cases, {args.items} items a case, "
        f"{args.repeat} timed requests a page after one warm-up, {args.export_repeat} timed downloads, "
        f"sweeps of {SWEEP_BATCH} cases"
    )
    print()
    total_started = time.perf_counter()
    migrate()

    rng = random.Random(args.seed)
    seeder = AfterCaseSeeder(rng, args.items)
    seeder.seed_people(DEPARTMENTS, hr=6, managers=3, staff=args.staff)
    seeder.seed_templates()
    results: list[Result] = []
    exports: list[Export] = []
    sweeps: list[Sweep] = []
    seeding_total = 0.0
    focus = None
    clients = {}
    for size in args.cases:
        print(f"\nSeeding up to {size:,} cases ...", flush=True)
        started = time.perf_counter()
        heavy_id = seed_heavy(seeder, args.heavy_items)
        seeder.seed_cases(size - seeder.cases)
        ended = fill_ended_at()
        seeder.finish()
        seconds = time.perf_counter() - started
        seeding_total += seconds
        print(f"Seeded {size:,} cases in {seconds:.1f} s ({ended:,} ended)", flush=True)
        if focus is None:
            focus = choose_focus()
            for user in User.objects.filter(pk__in=[focus.hr_busy, focus.mgr_busy, focus.other_hr]):
                clients[user.pk] = Client()
                sign_in(clients[user.pk], user)
        named = {
            person: len(person_cases(person)) for person in (focus.hr_busy, focus.mgr_busy, focus.leaver)
        }
        facts = {
            "cases": Departure.objects.count(),
            "ended": Departure.objects.filter(state__in=privacy.ENDED_STATES).count(),
            "anonymised": Departure.objects.exclude(anonymised_at=None).count(),
            "confirmations": ConfirmationDocument.objects.count(),
            "cases naming hr_busy": named[focus.hr_busy],
            "mgr_busy": named[focus.mgr_busy],
            "the leaver": named[focus.leaver],
        }
        print(f"Measuring at {size:,} cases ... ({focus})", flush=True)
        print("  " + ", ".join(f"{k} {v:,}" for k, v in facts.items()), flush=True)
        exports.extend(measure_exports(size, focus, named, clients, args))
        size_results = measure_pages(size, focus, named, clients, args)
        results.extend(size_results)
        print(f"  sweeping: the heavy case, then {SWEEP_BATCH} cases ...", flush=True)
        sweep = measure_sweep(size, heavy_id, args.repeat)
        sweeps.append(sweep)
        print()
        print_table(size_results, "cases")
        print()
        print_sweeps([sweep])

    total = time.perf_counter() - total_started
    print_report(title, where, results, args.cases, "cases", seeding=seeding_total, total=total)
    print()
    print_sweeps(sweeps)
    print(
        "A case: its own transaction, timed inside the run. Rows: its rows in the tables of\n"
        "handover.privacy.TABLES. Nothing to do: every ended case already anonymised (one UPDATE, rolled\n"
        "back afterwards), at the present instant; files: the same state eleven years ahead."
    )
    print()
    print_exports(exports)

    connections.close_all()
    if not args.keep:
        drop_database(args.database_url, SQLITE_PATH)


if __name__ == "__main__":
    main()
