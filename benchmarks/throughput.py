"""Throughput benchmark: the case list, My work and a case's overview served by gunicorn (2 sync
workers, DEBUG=0), each against a bare Django view measured in the same run, interleaved.

Run from the project root (see benchmarks/README.md); it needs wrk (apt-get install wrk):

    .venv/bin/python benchmarks/throughput.py
    .venv/bin/python benchmarks/throughput.py \
        --database-url postgres://postgres@127.0.0.1:5432/handover_bench --broker-url redis://127.0.0.1:6379/13

It seeds --cases departure cases (as benchmarks/pages.py does), starts gunicorn, signs the busy HR
officer, manager and leaver in, then for --rounds rounds runs wrk for --seconds on the bare view
(twice: asked by the signed-in HR officer, and without a session) and on each page in turn. It
prints requests per second, p50 and p99 per run and, per page, the ratio of its throughput to each
bare view's (medians over the rounds), against the design's bars: the case list at least 1/20 of
the bare view, My work at least 1/30. The bars are held against the bare view asked by a signed-in
user, as the pages are (session and user read, then nothing); the ratio to the session-less bare
view (no query at all) is printed beside it. The machine's noise moves both sides of a ratio
alike; absolute figures from one run to another do not compare.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from harness import BENCH_DIR, drop_database, environment_lines, migrate, open_run
from pages import DEPARTMENTS, PagesSeeder
from seeding import check_grants
from server import (
    BARE,
    Run,
    check_page,
    empty_redis,
    gunicorn,
    require_wrk,
    session_cookie,
    share_secret_key,
    wrk,
)

SQLITE_PATH = BENCH_DIR / "throughput.sqlite3"
# The design's bars: a page's throughput as a share of the bare view's.
BARS = {"case list, HR": 1 / 20, "My work, busy manager": 1 / 30}
SIGNED_IN = "bare view, signed in"
NO_SESSION = "bare view, no session"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10000, help="departure cases seeded (default 10000)")
    parser.add_argument("--items", type=int, default=50, help="checklist items per case (default 50)")
    parser.add_argument("--seconds", type=int, default=10, help="length of one wrk run (default 10)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of bare view then pages (default 3)")
    parser.add_argument("--connections", type=int, default=4, help="open connections (default 4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--seed", type=int, default=2024, help="random seed, for the same data every run")
    parser.add_argument(
        "--database-url",
        help="PostgreSQL URL of a scratch database (its name must contain 'bench'; it is dropped and "
        "created). Default: a fresh SQLite file throughput.sqlite3 under var/bench/ or $HANDOVER_VAR_DIR",
    )
    parser.add_argument(
        "--broker-url",
        help="Redis URL of a scratch database (not database 0; it is emptied at the start and the "
        "end), the server's broker and cache as in production. Default: the file cache of embedded "
        "mode, under the run's folder",
    )
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    args = parser.parse_args()
    if args.cases < 10 or args.items < 7 or args.seconds < 1 or args.rounds < 1 or args.connections < 1:
        parser.error("need at least 10 cases, 7 items a case, 1 s, 1 round and 1 connection")
    return args


def seed(args) -> PagesSeeder:
    rng = random.Random(args.seed)
    seeder = PagesSeeder(rng, args.items, heavy_items=50)
    seeder.seed_people(DEPARTMENTS, hr=6, managers=3, staff=300)
    started = time.perf_counter()
    seeder.seed_cases(args.cases)
    seeder.finish()
    check_grants(20, rng)
    print(f"Seeded {args.cases:,} cases in {time.perf_counter() - started:.1f} s", flush=True)
    return seeder


def main() -> None:
    args = parse_args()
    require_wrk()
    share_secret_key()
    where = open_run("Handover throughput benchmark", args.database_url, SQLITE_PATH)
    from django.conf import settings
    from django.db import connections
    from django.urls import reverse

    from handover.models import Departure

    migrate()
    seeder = seed(args)
    leaver = Departure.objects.get(pk=seeder.focus_id).employee.username
    cookies = {who: session_cookie(who) for who in ("hr_busy", "mgr_busy", leaver)}
    overview = reverse("handover:case_detail", args=[seeder.focus_id])
    pages = [
        ("case list, HR", "hr_busy", reverse("handover:case_list"), '<table class="cases">'),
        ("My work, busy manager", "mgr_busy", reverse("handover:my_work"), 'class="todos"'),
        ("case overview, leaver", leaver, overview, 'id="actions"'),
    ]
    database_url = settings.DATABASES["default"]
    url = f"sqlite:///{database_url['NAME']}" if database_url["ENGINE"].endswith("sqlite3") else None
    connections.close_all()

    bare_runs = [(SIGNED_IN, "hr_busy", BARE), (NO_SESSION, "", BARE)]
    runs: dict[str, list[Run]] = {name: [] for name in [SIGNED_IN, NO_SESSION, *(p[0] for p in pages)]}
    extra = {"CELERY_BROKER_URL": args.broker_url} if args.broker_url else {}
    if args.broker_url:
        empty_redis(args.broker_url)
    with gunicorn(url or args.database_url, BENCH_DIR / "runtime-gunicorn", args.workers, **extra) as base:
        for _name, who, path, marker in pages:
            check_page(base, path, cookies[who], marker)
        # Warm-up: every worker has loaded its templates and opened its database connection.
        everything = [BARE, *(p[2] for p in pages)]
        wrk(base, [(cookies[p[1]], everything) for p in pages], seconds=2, connections=4)
        for number in range(1, args.rounds + 1):
            print(f"Round {number} of {args.rounds}", flush=True)
            for name, who, path in [*bare_runs, *((p[0], p[1], p[2]) for p in pages)]:
                cookie = cookies[who] if who else ""
                run = wrk(base, [(cookie, [path])], seconds=args.seconds, connections=args.connections)
                runs[name].append(run)
                print(
                    f"  {name:<24} {run.requests_per_s:9.1f} req/s  p50 {run.p50_ms:7.1f} ms  "
                    f"p99 {run.p99_ms:7.1f} ms  {run.errors} errors",
                    flush=True,
                )

    print("\n" + "=" * 96)
    print("Handover throughput benchmark: summary")
    for line in environment_lines(where):
        print(line)
    print(
        f"Server     gunicorn, {args.workers} sync workers, DEBUG=0; wrk 1 thread, {args.connections} "
        f"connections, {args.seconds} s a run, {args.rounds} rounds interleaved; {args.cases:,} cases"
    )
    print()
    bare = statistics.median(r.requests_per_s for r in runs[SIGNED_IN])
    sessionless = statistics.median(r.requests_per_s for r in runs[NO_SESSION])
    columns = ("req/s", "p50 ms", "p99 ms", "errors", "ratio", "bar", "no session")
    widths = (9, 8, 8, 7, 9, 7, 11)
    heads = " ".join(f"{c:>{w}}" for c, w in zip(columns, widths, strict=True))
    print(f"{'page':<26} {heads}  verdict")
    print("-" * 108)
    failed = []
    for name, measured in runs.items():
        rate = statistics.median(r.requests_per_s for r in measured)
        p50 = statistics.median(r.p50_ms for r in measured)
        p99 = statistics.median(r.p99_ms for r in measured)
        errors = sum(r.errors for r in measured)
        ratio = rate / bare
        bar = BARS.get(name)
        verdict = "" if bar is None else ("ok" if ratio >= bar else "BELOW")
        if bar is not None and ratio < bar:
            failed.append(name)
        print(
            f"{name:<26} {rate:9.1f} {p50:8.1f} {p99:8.1f} {errors:>7} {f'1/{1 / ratio:.1f}':>9} "
            f"{'' if bar is None else f'1/{1 / bar:.0f}':>7} {f'1/{sessionless / rate:.1f}':>11}  {verdict}"
        )
    print(
        f"\nratio: the page's requests per second over those of the {SIGNED_IN} (medians over the "
        f"rounds), which the bars hold; no session: over those of the {NO_SESSION}."
    )
    if not args.keep:
        drop_database(args.database_url, SQLITE_PATH)
    if args.broker_url:
        empty_redis(args.broker_url)
    if failed:
        print(f"\nBELOW THE BAR: {', '.join(failed)}")


if __name__ == "__main__":
    main()
