"""Announcement fan-out benchmark: ``services.departure_announce`` telling a whole company (2,000 then
10,000 people by default) about one departure, its time, its queries, and a second run that must
tell no one.

Run from the project root (see benchmarks/README.md):

    .venv/bin/python benchmarks/announcement.py --people 2000 10000
    .venv/bin/python benchmarks/announcement.py --database-url postgres://postgres@127.0.0.1:5432/handover_bench_announce

The script uses a database of its own (a fresh SQLite file announcement.sqlite3 under var/bench/, or
under $HANDOVER_VAR_DIR when that is set; or the PostgreSQL database named in --database-url,
dropped and created again). At each size it adds staff (bulk_create, a third of them reading in
Chinese) and opens a new case through the services, HR sends its announcement to the whole company,
and the fan-out (a notice for each person and, by default, a mail in the outbox) is timed. It exits
with status 1 if the second run told anyone or anyone was told twice.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import timedelta

from harness import BENCH_DIR, drop_database, migrate, open_run

SQLITE_PATH = BENCH_DIR / "announcement.sqlite3"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--people", type=int, nargs="+", default=[2000, 10000], help="staff told, grown in turn"
    )
    parser.add_argument(
        "--database-url",
        help="PostgreSQL URL of a scratch database (its name must contain 'bench'; it is dropped and "
        "created). Default: a fresh SQLite file announcement.sqlite3 under var/bench/ or $HANDOVER_VAR_DIR",
    )
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    args = parser.parse_args()
    args.people = sorted(set(args.people))
    return args


def add_staff(upto: int) -> None:
    from accounts.models import Department, User

    department = Department.objects.get_or_create(name="E-commerce Ops")[0]
    have = User.objects.count()
    languages = ["en", "zh-hans", "en"]
    User.objects.bulk_create(
        [
            User(
                username=f"staff{n:06d}",
                display_name=f"Staff {n}",
                email=f"staff{n:06d}@bench.example",
                language=languages[n % 3],
                department=department,
            )
            for n in range(have, upto)
        ],
        batch_size=1000,
    )


def open_case(number: int):
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from accounts.models import Role, User
    from handover import services
    from handover.permissions import ensure_roles

    ensure_roles()
    hr = User.objects.get_or_create(username="bench_hr", defaults={"display_name": "Bench HR"})[0]
    manager = User.objects.get_or_create(
        username="bench_manager", defaults={"display_name": "Bench Manager"}
    )[0]
    hr.groups.add(Group.objects.get(name=Role.HR))
    manager.groups.add(Group.objects.get(name=Role.MANAGER))
    leaver = User.objects.create(username=f"bench_leaver{number}", display_name=f"Leaver {number}")
    successor = User.objects.create(username=f"bench_successor{number}", display_name=f"Successor {number}")
    today = timezone.localdate()
    departure = services.departure_open(
        actor=hr,
        employee=leaver,
        manager=manager,
        successors={"product": successor},
        reason_category="career",
        reason_text="",
        notice_date=today,
        last_working_day=today + timedelta(days=30),
        language="en",
    )
    services.departure_start_preparing(actor=hr, departure=departure)
    return hr, departure


def main() -> int:
    args = parse_args()
    open_run("Announcement fan-out (services.departure_announce)", args.database_url, SQLITE_PATH)
    migrate()
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from handover import services
    from handover.models import Notification, OutboxMessage

    failed = False
    columns = ("people", "told", "seconds", "ms/person", "queries", "again s", "again told")
    print(" ".join(f"{name:>10}" for name in columns))
    for size in args.people:
        add_staff(size)
        hr, departure = open_case(size)
        with transaction.atomic():
            services.announcement_send(
                actor=hr, departure=departure, text="Leaver leaves.", contact="", audience="company"
            )
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            told = services.departure_announce(departure_id=departure.pk)
        seconds = time.perf_counter() - started
        started = time.perf_counter()
        again = services.departure_announce(departure_id=departure.pk)
        again_seconds = time.perf_counter() - started
        notices = Notification.objects.filter(departure=departure).count()
        mails = OutboxMessage.objects.filter(departure=departure, kind="announcement").count()
        print(
            f"{size:>10} {told:>10} {seconds:>10.2f} {1000 * seconds / max(told, 1):>10.2f} "
            f"{len(queries):>10} {again_seconds:>10.2f} {again:>10}"
        )
        if again or notices != told or mails > told:
            print(f"  FAILED: told again {again}, notices {notices}, mails {mails} for {told} people")
            failed = True
    if not args.keep:
        connection.close()
        drop_database(args.database_url, SQLITE_PATH)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
