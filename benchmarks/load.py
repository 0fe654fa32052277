"""Load benchmark: 50 signed-in users at once for 60 s on 2 gunicorn workers (DEBUG=0), going round
the case list, My work and the pages of a case of 7 x 50 = 350 items; then the same again with a
flood of anonymous uploads to the public /verify/ page beside them.

Run from the project root (see benchmarks/README.md); it needs wrk (apt-get install wrk):

    .venv/bin/python benchmarks/load.py
    .venv/bin/python benchmarks/load.py --database-url postgres://postgres@127.0.0.1:5432/handover_bench \\
        --broker-url redis://127.0.0.1:6379/13

It seeds --cases departure cases (as benchmarks/pages.py does), signs --users people in (HR
officers, managers, the leaver and successors of the big case, staff who take over work), and
keeps one open connection per user, each asking for the next page as soon as the last one came.
The server runs behind the TLS proxy as in production (BEHIND_HTTPS_PROXY=1: it reads the visitor's
address from X-Forwarded-For), with a Celery worker beside it that checks the uploads /verify/
accepts. The users run twice: alone, then with --verify-flood attackers, each from its own address,
posting PDF-looking uploads to /verify/ (one in four over the size limit) as fast as the server
answers. For each run it prints requests per second, the latency percentiles (p50, p95, p99) and the
errors (socket errors, timeouts and answers other than 2xx), which must be 0, and the p95 with the
flood over the p95 alone, which must be at most 3; then the flood's own answers by status, the
checks the worker made, and the CPU each process used.
"""

from __future__ import annotations

import argparse
import functools
import ipaddress
import os
import random
import re
import resource
import secrets
import select
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from harness import BENCH_DIR, ROOT, drop_database, environment_lines, migrate, open_run, percentile
from pages import DEPARTMENTS, PagesSeeder
from seeding import check_grants
from server import (
    PROXY_HEADERS,
    Run,
    celery_worker,
    check_page,
    empty_redis,
    gunicorn,
    production_environment,
    require_wrk,
    session_cookie,
    share_secret_key,
    wrk,
)

SQLITE_PATH = BENCH_DIR / "load.sqlite3"
# The server's and the worker's runtime folder: static files, signing key, broker folders and file
# cache (the rate counters). Emptied at the start: counters left by an earlier run would still count.
RUNTIME_DIR = BENCH_DIR / "load-runtime"
P95_BAR = 3.0  # the signed-in users' p95 with the flood, at most this many times their p95 alone

VERIFY = "/verify/"
# The attackers' addresses: the benchmarking block of RFC 2544, one address each.
FIRST_ADDRESS = ipaddress.ip_address("198.18.0.1")
UPLOAD_BYTES = 3 * 1024 * 1024  # a few MB, under HANDOVER_VERIFY_MAX_BYTES
OVERSIZE_EVERY = 4  # every 4th upload of an attacker is 1 MB over HANDOVER_VERIFY_MAX_BYTES
BOUNDARY = "handover-load-flood"
# Django's CSRF check: a fixed secret as the cookie and the header, and the page's own origin.
CSRF_TOKEN = secrets.token_hex(16)
SEND_CHUNK = 256 * 1024
CHECK_WAIT_SECONDS = 60  # after the flood, how long the worker may take for the checks still queued


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10000, help="departure cases seeded (default 10000)")
    parser.add_argument("--items", type=int, default=50, help="checklist items per case (default 50)")
    parser.add_argument(
        "--heavy-items", type=int, default=50, help="items per module of the big case (default 50: 350)"
    )
    parser.add_argument("--users", type=int, default=50, help="users signed in at once (default 50)")
    parser.add_argument("--seconds", type=int, default=60, help="length of each run (default 60)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument(
        "--verify-flood",
        type=int,
        default=20,
        metavar="N",
        help="attackers uploading to /verify/ in the second run (default 20; 0: one run, users alone)",
    )
    parser.add_argument("--seed", type=int, default=2024, help="random seed, for the same data every run")
    parser.add_argument(
        "--database-url",
        help="PostgreSQL URL of a scratch database (its name must contain 'bench'; it is dropped and "
        "created). Default: a fresh SQLite file load.sqlite3 under var/bench/ or $HANDOVER_VAR_DIR",
    )
    parser.add_argument(
        "--broker-url",
        help="Redis URL of a scratch database (not database 0; it is emptied at the start and the "
        "end), the broker and cache of server and worker as in production. Default: the filesystem "
        "broker and file cache of embedded mode, under the run's folder",
    )
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    args = parser.parse_args()
    if args.cases < 10 or args.items < 7 or args.users < 1 or args.seconds < 1 or args.verify_flood < 0:
        parser.error("need at least 10 cases, 7 items a case, 1 user, 1 s and no negative flood")
    return args


class Flood:
    """Attackers posting PDF-looking uploads to /verify/ as fast as the server answers, each from its
    own address, told to the server as the TLS proxy would (the last hop of X-Forwarded-For). An
    attacker reads the answer as soon as it comes, also before the whole upload is sent (a refusal
    that did not read it); after an accepted upload it opens the page it is sent to (checking)."""

    def __init__(self, base: str, attackers: int, max_bytes: int):
        parts = urlsplit(base)
        self.server = (parts.hostname, parts.port)
        self.origin = f"https://{parts.netloc}"
        self.bodies = [self.body(UPLOAD_BYTES), self.body(max_bytes + 1024 * 1024)]
        self.attackers = attackers
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.answers: Counter[str] = Counter()
        self.times_ms: list[float] = []
        self.seconds = 0.0

    @staticmethod
    def body(size: int) -> memoryview:
        head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="upload"; filename="copy.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        )
        content = b"%PDF-1.7\n" + os.urandom(size - 9)
        return memoryview(head.encode() + content + f"\r\n--{BOUNDARY}--\r\n".encode())

    def __enter__(self) -> Flood:
        self.threads = [threading.Thread(target=self.attack, args=(n,)) for n in range(self.attackers)]
        self.started = time.perf_counter()
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()
        self.seconds = time.perf_counter() - self.started

    def attack(self, n: int) -> None:
        address = str(FIRST_ADDRESS + n)
        sent = 0
        while not self.stop.is_set():
            sent += 1
            body = self.bodies[1] if sent % OVERSIZE_EVERY == 0 else self.bodies[0]
            started = time.perf_counter()
            answer, location = self.post(address, body)
            elapsed = (time.perf_counter() - started) * 1000
            page = self.get(address, location)[0] if location else None
            with self.lock:
                self.answers[answer] += 1
                if page:
                    self.answers[f"{page}, the checking page it leads to"] += 1
                if not answer.startswith("no answer"):
                    self.times_ms.append(elapsed)

    def accepted(self) -> int:
        return sum(n for label, n in self.answers.items() if label.startswith("302"))

    def headers(self, address: str) -> str:
        proxy = "".join(f"{name}: {value}\r\n" for name, value in PROXY_HEADERS.items())
        return (
            f"Host: {self.server[0]}:{self.server[1]}\r\n{proxy}X-Forwarded-For: {address}\r\n"
            "Accept-Language: en\r\nConnection: close\r\n"
        )

    def post(self, address: str, body: memoryview) -> tuple[str, str | None]:
        head = (
            f"POST {VERIFY} HTTP/1.1\r\n{self.headers(address)}"
            f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {len(body)}\r\n"
            f"Cookie: csrftoken={CSRF_TOKEN}\r\nX-CSRFToken: {CSRF_TOKEN}\r\nOrigin: {self.origin}\r\n\r\n"
        )
        pending = [memoryview(head.encode()), body]
        try:
            with socket.create_connection(self.server, timeout=30) as connection:
                while pending:
                    readable, writable, _ = select.select([connection], [connection], [], 30)
                    if readable:
                        break
                    if writable:
                        done = connection.send(pending[0][:SEND_CHUNK])
                        pending[0] = pending[0][done:]
                        if not pending[0]:
                            pending.pop(0)
                return self.answer(connection, unread=bool(pending))
        except OSError as error:
            return f"no answer ({error.__class__.__name__})", None

    def get(self, address: str, path: str) -> tuple[str, str | None]:
        try:
            with socket.create_connection(self.server, timeout=30) as connection:
                connection.sendall(f"GET {path} HTTP/1.1\r\n{self.headers(address)}\r\n".encode())
                return self.answer(connection, unread=False)
        except OSError as error:
            return f"no answer ({error.__class__.__name__})", None

    @staticmethod
    def answer(connection: socket.socket, *, unread: bool) -> tuple[str, str | None]:
        """The answer's status as a label, and where a redirect leads."""
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
        data = b"".join(chunks)
        head, _, page = data.partition(b"\r\n\r\n")
        status = head.split(b" ", 2)[1].decode() if head.startswith(b"HTTP/") else "garbled"
        location = re.search(rb"^Location: (\S+)", head, re.MULTILINE | re.IGNORECASE)
        label = {
            "302": "302 accepted, sent to its check",
            "413": "413 too large",
            "429": "429 address over its limit" if b"Your address" in page else "429 site-wide limit",
        }.get(status, status)
        if unread and status in ("413", "429"):
            label += ", before the upload was sent"
        return label, location.group(1).decode() if location and status == "302" else None


@dataclass
class Process:
    parent: int
    cpu: float  # CPU seconds, user and system, its own and those of the children it waited for
    command: bytes


def processes() -> dict[int, Process]:
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            # After the name: state, ppid, ... utime, stime, cutime, cstime (fields 14 to 17).
            ticks = sum(int(f) for f in fields[11:15])
            found[int(entry.name)] = Process(int(fields[1]), ticks / os.sysconf("SC_CLK_TCK"), command)
    return found


def tree_cpu(found: dict[int, Process], root: int) -> float:
    """CPU seconds of a process and its live descendants, with the children they waited for (the
    sandbox's checks, gunicorn's workers)."""
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += found[pid].cpu if pid in found else 0.0
        todo += [child for child, process in found.items() if process.parent == pid]
    return total


def child_pid(word: str) -> int:
    """This script's child process whose command line holds ``word``."""
    for pid, process in processes().items():
        if process.parent == os.getpid() and word.encode() in process.command:
            return pid
    raise SystemExit(f"no {word} process found")


def machine_cpu() -> tuple[float, float]:
    """Busy and idle CPU seconds of the whole machine, all cores (idle counts waiting for disk)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / os.sysconf("SC_CLK_TCK"), idle / os.sysconf("SC_CLK_TCK")


def postmaster() -> int | None:
    """PostgreSQL's first process: the parent of its checkpointer (titled "postgres: ... checkpointer")."""
    for process in processes().values():
        if process.command.startswith(b"postgres:") and b"checkpointer" in process.command:
            return process.parent
    return None


def cpu_now(web: int, worker: int, database: int | None) -> dict[str, float]:
    found = processes()
    mine, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    busy, idle = machine_cpu()
    return {
        "web": tree_cpu(found, web),
        "worker": tree_cpu(found, worker),
        # Every PostgreSQL process, with the backends that ended during the run (connections are
        # renewed after CONN_MAX_AGE): the postmaster counts the CPU of the children it reaped.
        "database": tree_cpu(found, database) if database else 0.0,
        # wrk is the only child waited for during a run; this script's own threads are the flood.
        "wrk": children.ru_utime + children.ru_stime,
        "flood": mine.ru_utime + mine.ru_stime,
        "busy": busy,
        "idle": idle,
    }


@dataclass
class Measured:
    name: str
    run: Run
    cpu: dict[str, float]  # CPU seconds during the run
    seconds: float


def measured(name, base, sessions, seconds, snapshot, flood: Flood | None = None) -> Measured:
    """The users' run, beside ``flood`` if given; ``snapshot`` answers the CPU used so far."""
    print(f"Running {len(sessions)} users for {seconds} s, {name} ...", flush=True)
    before, started = snapshot(), time.perf_counter()
    if flood is None:
        run = wrk(base, sessions, seconds=seconds, connections=len(sessions), threads=2)
    else:
        with flood:
            run = wrk(base, sessions, seconds=seconds, connections=len(sessions), threads=2)
    after, elapsed = snapshot(), time.perf_counter() - started
    cpu = {key: after[key] - before[key] for key in after}
    cpu["others"] = cpu.pop("busy") - sum(cpu[key] for key in ("web", "worker", "database", "wrk", "flood"))
    return Measured(name, run, cpu, elapsed)


CHECKED = re.compile(r"check_uploaded_pdf\[[^\]]+\] succeeded in ([\d.]+)s: '(\w+)'")
CHECK_FAILED = re.compile(r"check_uploaded_pdf\[[^\]]+\] raised")


def worker_checks(log: Path, accepted: int) -> tuple[Counter[str], list[float], float]:
    """Wait until the worker has checked ``accepted`` uploads (at most CHECK_WAIT_SECONDS): the
    results by state (and task errors), the time of each check, and how long that wait took."""
    started = time.perf_counter()
    while True:
        text = log.read_text(errors="replace")
        checks = CHECKED.findall(text)
        results = Counter(state for _, state in checks)
        results["task error"] = len(CHECK_FAILED.findall(text))
        waited = time.perf_counter() - started
        if results.total() >= accepted or waited > CHECK_WAIT_SECONDS:
            return +results, [float(s) for s, _ in checks], waited
        time.sleep(0.5)


def print_users(results: list[Measured]) -> None:
    head = f"{'requests':>9} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6}"
    print(f"{'signed-in users':<34} {head}")
    print("-" * 84)
    for r in results:
        run = r.run
        latency = f"{run.p50_ms:7.0f} {run.p95_ms:7.0f} {run.p99_ms:7.0f}"
        print(f"{r.name:<34} {run.requests:9,} {run.requests_per_s:7.1f} {latency} {run.errors:6}")


def print_flood(flood: Flood, checks: Counter[str], check_times: list[float], waited: float) -> None:
    from django.conf import settings

    window = settings.HANDOVER_VERIFY_WINDOW_SECONDS
    print(
        f"/verify/ flood: {flood.attackers} attackers, each from its own address; uploads of "
        f"{UPLOAD_BYTES / 2**20:.0f} MB starting with %PDF-, every {OVERSIZE_EVERY}th of "
        f"{len(flood.bodies[1]) / 2**20:.1f} MB (limit {settings.HANDOVER_VERIFY_MAX_BYTES / 2**20:.0f} MB); "
        f"{settings.HANDOVER_VERIFY_UPLOADS_PER_ADDRESS} uploads per address and "
        f"{settings.HANDOVER_VERIFY_UPLOADS_SITE_WIDE} site-wide per {window} s"
    )
    posts = sum(n for label, n in flood.answers.items() if not label.startswith(("no answer", "200,")))
    print(
        f"  uploads answered: {posts:,} in {flood.seconds:.1f} s ({posts / flood.seconds:.1f} a second); "
        f"time to the answer p50 {percentile(flood.times_ms, 0.5):.0f} ms, "
        f"p95 {percentile(flood.times_ms, 0.95):.0f} ms"
    )
    for label, n in sorted(flood.answers.items()):
        print(f"  {n:9,}  {label}")
    accepted = flood.accepted()
    states = ", ".join(f"{n} {state}" for state, n in checks.most_common()) or "none"
    timing = (
        f"; a check took {percentile(check_times, 0.5):.1f} s (median), {max(check_times):.1f} s at most"
        if check_times
        else ""
    )
    print(f"  checked by the worker: {checks.total()} of {accepted} accepted ({states}){timing}")
    if checks.total() >= accepted:
        print(f"  the last check ended {waited:.0f} s after the flood")
    else:
        print(f"  {accepted - checks.total()} still waiting {waited:.0f} s after the flood")


def print_cpu(results: list[Measured]) -> None:
    print(f"CPU seconds during each run ({os.cpu_count()} cores x the run's seconds available)")
    columns = ("web", "worker", "database", "wrk", "flood", "others", "idle")
    print(f"{'run':<34} {'s':>5}" + "".join(f" {column:>8}" for column in columns))
    for r in results:
        print(f"{r.name:<34} {r.seconds:5.0f}" + "".join(f" {r.cpu[column]:8.1f}" for column in columns))
    print(
        "web: gunicorn and its workers (with SQLite, the database too); worker: Celery and its sandboxed\n"
        "checks; database: every PostgreSQL process; flood: this script's attacker threads;\n"
        "others: every other process on the machine (Redis too); idle: all cores"
    )


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

    # Behind the TLS proxy, as in production: the visitor's address is the last hop of
    # X-Forwarded-For, so each attacker counts against its own address.
    extra = {"BEHIND_HTTPS_PROXY": "1"}
    if args.broker_url:
        empty_redis(args.broker_url)
        extra["CELERY_BROKER_URL"] = args.broker_url
    shutil.rmtree(RUNTIME_DIR, ignore_errors=True)
    environment = production_environment(url, RUNTIME_DIR, **extra)
    # The organisation key: without it the worker answers "no key" and checks nothing.
    command = [sys.executable, str(ROOT / "manage.py"), "signing_key", "init"]
    subprocess.run(command, env=environment, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    # Embedded mode's worker (scripts/run_embedded.sh) with its filesystem broker; with Redis,
    # docker-compose.yml's (the prefork pool, a process per core).
    pool = [] if args.broker_url else ["--pool=solo"]
    log = RUNTIME_DIR / "worker.log"
    results: list[Measured] = []
    flood, checked = None, None
    with (
        gunicorn(url, RUNTIME_DIR, args.workers, RUNTIME_DIR / "gunicorn.log", **extra) as base,
        celery_worker(url, RUNTIME_DIR, log, *pool, **extra) as worker,
    ):
        check_page(base, paths[2], sessions[0][0], 'id="actions"')
        wrk(base, sessions, seconds=3, connections=min(4, len(sessions)))
        server = None if url.startswith("sqlite") else postmaster()
        snapshot = functools.partial(cpu_now, child_pid("gunicorn"), worker.pid, server)
        results.append(measured("alone", base, sessions, args.seconds, snapshot))
        if args.verify_flood:
            flood = Flood(base, args.verify_flood, settings.HANDOVER_VERIFY_MAX_BYTES)
            name = f"with {args.verify_flood} attackers on /verify/"
            results.append(measured(name, base, sessions, args.seconds, snapshot, flood))
            print(f"Waiting for the worker to check the {flood.accepted()} accepted uploads ...", flush=True)
            checked = worker_checks(log, flood.accepted())

    print("\n" + "=" * 90)
    print("Handover load benchmark: summary")
    for line in environment_lines(where):
        print(line)
    broker = args.broker_url or "filesystem broker and file cache"
    print(
        f"Server     gunicorn, {args.workers} sync workers, DEBUG=0, behind the TLS proxy; Celery worker "
        f"({' '.join(pool) or 'prefork pool'}, {broker}); {args.cases:,} cases"
    )
    print(f"Users      {len(sessions)} at once for {args.seconds} s each run (wrk, one connection each)")
    print(f"Pages      {', '.join(paths)}")
    print()
    print_users(results)
    errors = sum(r.run.errors for r in results)
    ratio = results[-1].run.p95_ms / results[0].run.p95_ms
    if flood is not None and checked is not None:
        print(f"p95 with the flood / alone: {ratio:.2f} (bar: at most {P95_BAR:g})")
        print()
        print_flood(flood, *checked)
    print()
    print_cpu(results)

    if not args.keep:
        drop_database(args.database_url, SQLITE_PATH)
        shutil.rmtree(RUNTIME_DIR, ignore_errors=True)
        if args.broker_url:
            empty_redis(args.broker_url)
    if errors:
        print("\nFAILED: some requests of the signed-in users failed")
    if ratio > P95_BAR:
        print(f"\nFAILED: their p95 with the flood is over {P95_BAR:g} x their p95 alone")
    if errors or ratio > P95_BAR:
        sys.exit(1)


if __name__ == "__main__":
    main()
