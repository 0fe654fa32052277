"""Load benchmark: 50 signed-in users at once for 60 s on 2 gunicorn workers (DEBUG=0), going round
the case list, My work and the pages of a case of 7 x 50 = 350 items.

Run from the project root (see benchmarks/README.md); it needs wrk (apt-get install wrk):

    .venv/bin/python benchmarks/load.py
    .venv/bin/python benchmarks/load.py --database-url postgres://postgres@127.0.0.1:5432/handover_bench

It seeds --cases departure cases (as benchmarks/pages.py does), signs --users people in (HR
officers, managers, the leaver and successors of the big case, staff who take over work), and
keeps one open connection per user, each asking for the next page as soon as the last one came.
It prints requests per second, the latency percentiles (p50, p95, p99) and the errors (socket
errors, timeouts and answers other than 2xx), which must be 0.
"""

from __future__ import annotations

import argparse
import random
import sys
import time

from harness import BENCH_DIR, drop_database, environment_lines, migrate, open_run
from pages import DEPARTMENTS, PagesSeeder
from seeding import check_grants
from server import check_page, gunicorn, require_wrk, session_cookie, share_secret_key, wrk

SQLITE_PATH = BENCH_DIR / "load.sqlite3"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10000, help="departure cases seeded (default 10000)")
    parser.add_argument("--items", type=int, default=50, help="checklist items per case (default 50)")
    parser.add_argument(
        "--heavy-items", type=int, default=50, help="items per module of the big case (default 50: 350)"
    )
    parser.add_argument("--users", type=int, default=50, help="users signed in at once (default 50)")
    parser.add_argument("--seconds", type=int, default=60, help="length of the run (default 60)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--seed", type=int, default=2024, help="random seed, for the same data every run")
    parser.add_argument(
        "--database-url",
        help="PostgreSQL URL of a scratch database (its name must contain 'bench'; it is dropped and "
        "created). Default: a fresh SQLite file load.sqlite3 under var/bench/ or $HANDOVER_VAR_DIR",
    )
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    args = parser.parse_args()
    if args.cases < 10 or args.items < 7 or args.users < 1 or args.seconds < 1:
        parser.error("need at least 10 cases, 7 items a case, 1 user and 1 s")
    return args


def main() -> None:
    args = parse_args()
    require_wrk()
    share_secret_key()
    where = open_run("Handover load benchmark", args.database_url, SQLITE_PATH)
    from django.conf import settings
    from django.db import connections
    from django.urls import reverse

    from accounts.models import User
    from handover.models import ChecklistItem, Departure

    migrate()
    rng = random.Random(args.seed)
    seeder = PagesSeeder(rng, args.items, args.heavy_items)
    seeder.seed_people(DEPARTMENTS, hr=6, managers=3, staff=300)
    started = time.perf_counter()
    seeder.seed_cases(args.cases)
    seeder.finish()
    check_grants(20, rng)
    print(f"Seeded {args.cases:,} cases in {time.perf_counter() - started:.1f} s", flush=True)

    big = Departure.objects.get(pk=seeder.heavy_id)
    module = big.modules.order_by("position").first()
    paths = [
        reverse("handover:case_list"),
        reverse("handover:my_work"),
        reverse("handover:case_detail", args=[big.pk]),
        reverse("handover:case_modules", args=[big.pk]),
        reverse("handover:case_module", args=[big.pk, module.pk]),
    ]
    # The people of the big case go round all its pages; other HR officers, managers and staff
    # who take over work elsewhere go round the case list and My work.
    people = [big.hr_owner.username, big.manager.username, big.employee.username]
    people += [m.successor.username for m in big.modules.all() if m.successor]
    people = list(dict.fromkeys(people))
    others = User.objects.filter(is_active=True).exclude(username__in=people).order_by("pk")
    usernames = people + list(others.values_list("username", flat=True)[: max(0, args.users - len(people))])
    sessions = [(session_cookie(name), paths if name in people else paths[:2]) for name in usernames]
    items = ChecklistItem.objects.filter(module__departure=big).count()
    print(f"Signed in {len(sessions)} users, {len(people)} of them on the case of {items} items", flush=True)
    database = settings.DATABASES["default"]
    url = f"sqlite:///{database['NAME']}" if database["ENGINE"].endswith("sqlite3") else args.database_url
    connections.close_all()

    with gunicorn(url, BENCH_DIR / "runtime-gunicorn", args.workers) as base:
        check_page(base, paths[2], sessions[0][0], 'id="actions"')
        wrk(base, sessions, seconds=3, connections=min(4, len(sessions)))
        print(f"Running {len(sessions)} users for {args.seconds} s ...", flush=True)
        run = wrk(base, sessions, seconds=args.seconds, connections=len(sessions), threads=2)

    print("\n" + "=" * 90)
    print("Handover load benchmark: summary")
    for line in environment_lines(where):
        print(line)
    print(
        f"Server     gunicorn, {args.workers} sync workers, DEBUG=0; {args.cases:,} cases; "
        f"{len(sessions)} users at once for {args.seconds} s (wrk, one connection each)"
    )
    print(f"Pages      {', '.join(paths)}")
    print()
    print(f"requests  {run.requests:,} ({run.requests_per_s:.1f} a second)")
    print(f"latency   p50 {run.p50_ms:.0f} ms, p95 {run.p95_ms:.0f} ms, p99 {run.p99_ms:.0f} ms")
    print(f"errors    {run.errors}")
    if not args.keep:
        drop_database(args.database_url, SQLITE_PATH)
    if run.errors:
        print("\nFAILED: some requests failed")
        sys.exit(1)


if __name__ == "__main__":
    main()
