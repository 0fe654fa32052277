"""What every benchmark script here shares: where its files go, a scratch database, Django set up
against it, timing a page with its query count, and the printed tables. Seeding is in seeding.py.

The scripts import it as ``harness`` (Python puts the script's own folder first on sys.path).
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
# Where a run's database and runtime folders go: $HANDOVER_VAR_DIR if given (e.g. /tmp/bench_inv),
# else the dev var/bench/. Read before setup_django points HANDOVER_VAR_DIR at the runtime folder.
BENCH_DIR = Path(os.environ.get("HANDOVER_VAR_DIR") or ROOT / "var" / "bench")
SLOW_MS = 50.0  # DESIGN.md, quality bars: p95 server time of list pages


def _admin_url(url: str) -> tuple[str, str]:
    """The URL of the maintenance database on the same server, and the benchmark database's name."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise SystemExit("--database-url must be a postgres:// URL; SQLite is the default.")
    name = parts.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"Refusing to drop database {name!r}: its name must contain 'bench'.")
    return urlunsplit(parts._replace(scheme="postgresql", path="/postgres")), name


def _pg_admin(url: str, statement: str) -> None:
    import psycopg
    from psycopg import sql

    admin_url, name = _admin_url(url)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL(statement).format(sql.Identifier(name)))


def create_database(url: str | None, sqlite_path: Path) -> tuple[str, str]:
    """Recreate the benchmark database (a SQLite file, or the PostgreSQL database of ``url``);
    answer its DATABASE_URL and where it lives."""
    sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    if not url:
        drop_database(None, sqlite_path)
        return f"sqlite:///{sqlite_path}", str(sqlite_path)
    _pg_admin(url, "DROP DATABASE IF EXISTS {} WITH (FORCE)")
    _pg_admin(url, "CREATE DATABASE {}")
    parts = urlsplit(url)
    return url, f"{parts.hostname}:{parts.port or 5432}/{parts.path.lstrip('/')}"


def drop_database(url: str | None, sqlite_path: Path) -> None:
    if not url:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
        return
    _pg_admin(url, "DROP DATABASE IF EXISTS {} WITH (FORCE)")


def setup_django(database_url: str, runtime_dir: Path, **environment: str) -> None:
    """Django against the benchmark database; runtime files (broker folders, static root) and
    anything in ``environment`` (e.g. a signing-key folder) stay out of the developer's var/."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["HANDOVER_VAR_DIR"] = str(runtime_dir)
    os.environ.update(environment)
    # Read at import only: keeps the plain static storage (no collectstatic manifest needed) and
    # the embedded keys. DEBUG itself is switched off below, before any request.
    os.environ["DEBUG"] = "true"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["*"]


def sign_in(client, user) -> None:
    """``client.force_login(user)``; for those who must use two-factor sign-in (HR, IT), the session
    then as after the code page, with an authenticator set up for them: the scripts measure pages,
    not signing in."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts import two_factor

    client.force_login(user)
    if two_factor.required_for(user):
        device = two_factor.authenticator(user) or TOTPDevice.objects.create(
            user=user, name="Benchmark", confirmed=True
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile: the smallest value with at least ``share`` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def measure(
    client, url: str, repeat: int, check=None, before=None
) -> tuple[float, float, int, float, int, list[tuple[float, str]]]:
    """Warm up once, capture the queries of one request (its HTML goes to ``check``, if given),
    then time ``repeat`` requests, each after ``before()`` if given (untimed). Any answer but 200
    stops the run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def get():
        if before is not None:
            before()
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}")
        return response

    timed: list[tuple[float, str]] = []

    def timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timed.append(((time.perf_counter() - started) * 1000, sql))

    get()  # warm-up: templates compiled, caches filled
    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timer):
        content = get().content
    queries = len(captured)  # now: the next request clears the connection's query log
    if check is not None:
        check(url, content.decode())
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}")
    slowest = sorted(timed, key=lambda pair: pair[0], reverse=True)[:3]
    db_ms = sum(ms for ms, _ in timed)
    return statistics.median(times), percentile(times, 0.95), queries, db_ms, len(content), slowest


def open_run(title: str, database_url: str | None, sqlite_path: Path, **environment: str) -> str:
    """A fresh scratch database with Django set up against it (and ``environment``); prints the
    title and the environment and answers where the database lives."""
    url, where = create_database(database_url, sqlite_path)
    setup_django(url, BENCH_DIR / "runtime", **environment)
    print(title)
    for line in environment_lines(where):
        print(line)
    return where


def migrate() -> None:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    print(f"Migrated a fresh database in {time.perf_counter() - started:.1f} s")


def environment_lines(where: str) -> list[str]:
    import django
    from django.db import connection

    if connection.vendor == "sqlite":
        import sqlite3

        engine = f"SQLite {sqlite3.sqlite_version} ({where})"
    else:
        version = connection.pg_version
        engine = f"PostgreSQL {version // 10000}.{version % 10000} ({where})"
    return [
        f"Python     {platform.python_version()} ({platform.python_implementation()}), "
        f"Django {django.get_version()}",
        f"Database   {engine}",
        f"Machine    {os.cpu_count()} cores, {cpu_name()}, {platform.system()} {platform.release()}",
    ]


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


# Results are any objects with size, page, median, p95, queries, db_ms, kb and slowest.


def print_table(results, unit: str) -> None:
    print(f"{unit:>10}  {'page':<46} {'median ms':>9} {'p95 ms':>8} {'queries':>7} {'SQL ms':>7} {'KB':>6}")
    print("-" * 100)
    for r in results:
        flag = "  >50" if r.p95 > SLOW_MS else ""
        figures = f"{r.median:9.1f} {r.p95:8.1f} {r.queries:>7} {r.db_ms:7.1f} {r.kb:6.0f}"
        print(f"{r.size:>10,}  {r.page:<46} {figures}{flag}")


def print_summary(results, sizes: list[int], unit: str) -> list[str]:
    """Sizes side by side; answers the pages whose query count differs between sizes."""
    pages = list(dict.fromkeys(r.page for r in results))
    by = {(r.size, r.page): r for r in results}
    head = "".join(f"{f'{s:,} {unit}':>24}" for s in sizes)
    print(f"{'page':<46}{head}  same queries")
    print(f"{'':<46}" + "".join(f"{'median / p95 ms, q':>24}" for _ in sizes))
    print("-" * (46 + 24 * len(sizes) + 14))
    differing = []
    for page in pages:
        cells = ""
        counts = set()
        for s in sizes:
            r = by.get((s, page))
            if r is None:
                cells += f"{'-':>24}"
                continue
            counts.add(r.queries)
            cells += f"{f'{r.median:.1f} / {r.p95:.1f}, {r.queries}':>24}"
        same = len(counts) == 1
        if not same:
            differing.append(page)
        print(f"{page:<46}{cells}  {'yes' if same else 'NO'}")
    return differing


LEGEND = (
    "median and p95: server time of the timed requests (p95 nearest-rank); queries, SQL ms (time in\n"
    "the database driver) and KB (HTML size): one captured request after the warm-up; >50: p95 > 50 ms."
)


def print_report(
    title: str, where: str, results, sizes: list[int], unit: str, *, seeding: float, total: float
) -> None:
    """The end of a run over growing sizes: environment, every figure, sizes side by side with
    whether each page keeps its query count, and the slow pages with their slowest queries."""
    print("\n" + "=" * 90)
    print(f"{title}: summary")
    for line in environment_lines(where):
        print(line)
    print(f"Seeding    {seeding:.1f} s in all (bulk_create); whole run {total:.0f} s")
    print()
    print_table(results, unit)
    print()
    differing = print_summary(results, sizes, unit)
    print()
    if differing:
        print(f"Query count grows with the number of {unit}: {', '.join(differing)}")
    else:
        print("Every page keeps the same number of queries at every size.")
    print_slow(results)
    print(LEGEND)


def print_slow(results) -> None:
    slow = [r for r in results if r.p95 > SLOW_MS]
    if not slow:
        print(f"No page over {SLOW_MS:.0f} ms at p95.")
        return
    print(f"Pages over {SLOW_MS:.0f} ms at p95, with their three slowest queries (one captured request):")
    for r in slow:
        print(f"  {r.size:,}, {r.page}: p95 {r.p95:.1f} ms, SQL {r.db_ms:.1f} ms, {r.queries} queries")
        for ms, sql in r.slowest:
            text = " ".join(sql.split())
            print(f"    {ms:7.1f} ms  {text[:300]}{'...' if len(text) > 300 else ''}")


def sized_run_arguments(description: str, sqlite_name: str) -> argparse.ArgumentParser:
    """The command line the page scripts of growing sizes share: --cases, --items, --repeat,
    --staff, --seed, --database-url and --keep; a script adds its own before parsing."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--cases", type=int, nargs="+", default=[1000, 10000], help="sizes to measure, grown in turn"
    )
    parser.add_argument("--items", type=int, default=50, help="checklist items per case (default 50)")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page after one warm-up")
    parser.add_argument(
        "--staff", type=int, default=300, help="active staff who take over work (default 300)"
    )
    parser.add_argument("--seed", type=int, default=2024, help="random seed, for the same data every run")
    parser.add_argument(
        "--database-url",
        help="PostgreSQL URL of a scratch database (its name must contain 'bench'; it is dropped and "
        f"created). Default: a fresh SQLite file {sqlite_name} under var/bench/ or $HANDOVER_VAR_DIR",
    )
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    return parser
