"""Reminder scan benchmark: ``services.reminders_send`` over 2,000 then 10,000 open cases, its time,
its queries and its memory, run twice at the same instant.

Run from the project root (see benchmarks/README.md):

    .venv/bin/python benchmarks/reminders.py --cases 2000 10000
    .venv/bin/python benchmarks/reminders.py --database-url postgres://postgres@127.0.0.1:5432/handover_bench_reminders

The script uses a database of its own (a fresh SQLite file reminders.sqlite3 under var/bench/, or
under $HANDOVER_VAR_DIR when that is set; or the PostgreSQL database named in --database-url,
dropped and created again) and seeds it with bulk_create (benchmarks/seeding.py). At each size it
starts a fresh Python process, as a worker would be, which times the first scan (it writes the
notices and their mail), a second scan at the same instant (it must tell no one), and the plain
read of the same cases in the same chunks (``selectors.case_facts``), then runs both scans again
under tracemalloc for their memory peaks. It exits with status 1 if the second scan told anyone or
a notice was written twice.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import random
import resource
import shutil
import subprocess
import sys
import time
import tracemalloc
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from harness import BENCH_DIR, create_database, drop_database, environment_lines, migrate, setup_django
from seeding import JOB_TITLES, Batch, Seeder, check_grants

SQLITE_PATH = BENCH_DIR / "reminders.sqlite3"
# Runtime folders of its own: each notice written queues a send on the (filesystem) broker, and
# those messages are thrown away with the folder at the end.
RUNTIME_DIR = BENCH_DIR / "reminders-runtime"
# The instant of both scans: a Monday at 10:00 in the company's zone, after the 09:00 start of the
# working day from which the reminders of a day go out.
SCAN_DAY = date(2026, 12, 7)
SCAN_HOUR = 10
STATE_MIX = {"preparing": 0.30, "executing": 0.45, "trial_run": 0.25}
REASONS = ["career", "workload", "personal", "compensation", "relocation", "other"]
DEPARTMENTS = [
    "E-commerce Ops", "Customer Service", "Warehouse", "Logistics", "Finance", "Data & BI",
    "Product", "Marketing", "Procurement", "IT", "Live Commerce", "Cross-border",
]  # fmt: skip
MB = 1024 * 1024


# --------------------------------------------------------------------------- command line


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--cases", type=int, nargs="+", default=[2000, 10000], help="open cases to scan, grown in turn"
    )
    parser.add_argument("--items", type=int, default=30, help="checklist items per case (default 30)")
    parser.add_argument(
        "--staff", type=int, default=300, help="active staff who take over work (default 300)"
    )
    parser.add_argument("--seed", type=int, default=2024, help="random seed, for the same data every run")
    parser.add_argument(
        "--database-url",
        help="PostgreSQL URL of a scratch database (its name must contain 'bench'; it is dropped and "
        "created). Default: a fresh SQLite file reminders.sqlite3 under var/bench/ or $HANDOVER_VAR_DIR",
    )
    parser.add_argument(
        "--no-trace",
        action="store_true",
        help="skip the tracemalloc pass (about 3.5 x the first scan's time); peak RSS is still printed",
    )
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    # The measuring process the script starts at each size (not for people).
    parser.add_argument("--measure", nargs=3, metavar=("URL", "RUNTIME", "RESULT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.cases = sorted(set(args.cases))
    if args.cases[0] < 10 or args.items < 7 or args.staff < 7 * len(DEPARTMENTS):
        parser.error(f"need at least 10 cases, 7 items a case and {7 * len(DEPARTMENTS)} staff")
    return args


def scan_instant() -> datetime:
    from zoneinfo import ZoneInfo

    from django.conf import settings

    return datetime(
        SCAN_DAY.year, SCAN_DAY.month, SCAN_DAY.day, SCAN_HOUR, tzinfo=ZoneInfo(settings.TIME_ZONE)
    )


# --------------------------------------------------------------------------- seeding


class ReminderSeeder(Seeder):
    """Open cases (preparing, executing, trial run) whose dates fall around the scan's instant."""

    def __init__(self, rng: random.Random, items_per_case: int, now: datetime):
        from collections import defaultdict

        from handover.checklists import read_checklist

        super().__init__(rng)
        self.now, self.today = now, now.astimezone(self.tz).date()
        self.items_per_case = items_per_case
        self.cases = 0
        self.texts: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for language in ("en", "zh-hans", "zh-hant"):
            for item in read_checklist(language)["items"]:
                self.texts[item["module"], language].append(item)

    def last_day(self, state: str) -> date:
        """Some of every state within the 7 days of the last-day reminders."""
        days = {"preparing": (3, 45), "executing": (1, 30), "trial_run": (1, 14)}[state]
        return self.today + timedelta(days=self.rng.randint(*days))

    def add_case(self, batch: Batch, participants: list) -> None:
        m, r, now, today = self.m, self.rng, self.now, self.today
        state = r.choices(list(STATE_MIX), weights=list(STATE_MIX.values()))[0]
        language = r.choices(["en", "zh-hans", "zh-hant"], weights=[6, 3, 1])[0]
        department = r.randint(1, len(DEPARTMENTS))
        last_day = self.last_day(state)
        notice = min(last_day - timedelta(days=r.choice([14, 21, 30, 30, 45, 60])), today - timedelta(days=2))
        created = self.at(notice, r.randint(9, 17), r.randint(0, 59))
        self.cases += 1
        leaver = self.add_user(
            batch,
            f"leaver{self.cases:05d}",
            self.person_name(language),
            "Staff",
            department,
            job_title=r.choice(JOB_TITLES),
            language=language,
        )
        hr = r.choice(self.hr)
        manager = r.choice(self.managers[department])
        case_id = self.new_id("departure")

        kinds = sorted(r.sample(list(self.module_order), r.randint(3, 6)), key=self.module_order.__getitem__)
        modules = []
        for kind, successor in zip(kinds, r.sample(self.staff[department], len(kinds)), strict=True):
            if state == "preparing" and r.random() < 0.2:
                successor = None  # not named yet: the HR owner's to-do before the last day
            modules.append((self.add_module(batch, case_id, kind, successor), successor))

        weights = [r.uniform(0.5, 1.5) for _ in modules]
        counts = [max(1, int(self.items_per_case * w / sum(weights))) for w in weights]
        for i in range(self.items_per_case - sum(counts)):
            counts[i % len(counts)] += 1
        position = 0
        for (module, successor), count in zip(modules, counts, strict=True):
            texts = self.texts[module.kind, language]
            for i in range(count):
                text = texts[i % len(texts)]
                title = text["title"] if i < len(texts) else f"{text['title']} ({i // len(texts) + 1})"
                item_state = self.item_state(state) if successor else "pending"
                due = None
                if r.random() < 0.8:
                    # Around the scan: due tomorrow or today, or up to 10 days late.
                    earliest = -10 if state == "executing" else 1
                    due = min(today + timedelta(days=r.randint(earliest, 10)), last_day)
                handed = returned = accepted_at = None
                if item_state != "pending":
                    handed = now - timedelta(days=r.uniform(1, 12))
                if item_state == "returned":
                    # About half asked three or more days ago: escalated to the manager, some to HR.
                    returned = now - timedelta(days=r.uniform(0.2, 7))
                    handed = min(handed, returned - timedelta(hours=2))
                if item_state == "accepted":
                    accepted_at = handed + timedelta(hours=r.randint(1, 48))
                batch.items.append(
                    m.ChecklistItem(
                        module_id=module.id,
                        title=title,
                        steps=text["steps"],
                        key_moments=text["key_moments"],
                        cautions=text["cautions"],
                        due_date=due,
                        position=position,
                        state=item_state,
                        question="Where is the login for this?" if returned else "",
                        handed_over_at=handed,
                        returned_at=returned,
                        accepted_at=accepted_at,
                        accepted_by_id=successor.id if accepted_at else None,
                        accepted_by_name=successor.name if accepted_at else "",
                    )
                )
                position += 1

        invited = [leaver.id, manager.id, *{s.id for _, s in modules if s}]
        if state == "preparing" and r.random() < 0.6:
            # Half of the scheduled meetings are in 23 hours: their 24-hour reminder has come.
            soon = r.random() < 0.5
            scheduled = now + (timedelta(hours=23) if soon else timedelta(days=r.randint(2, 10)))
            self.add_meeting(batch, participants, case_id, scheduled, None, invited)
        elif state != "preparing":
            scheduled = created + timedelta(days=r.randint(1, 3))
            self.add_meeting(batch, participants, case_id, scheduled, scheduled + timedelta(hours=1), invited)

        if state == "trial_run":
            # Tasks waiting for the successor (assigned, sent back) or the leaver (done); about a
            # quarter of the cases have every task verified, and wait for signatures.
            all_verified = r.random() < 0.25
            for module, _successor in modules:
                for _ in range(r.randint(1, 2)):
                    task_state = (
                        "verified"
                        if all_verified
                        else r.choices(["assigned", "rework", "done", "verified"], weights=[4, 1, 3, 2])[0]
                    )
                    set_at = now - timedelta(days=r.uniform(0.2, 6))
                    done_at = set_at + (now - set_at) * r.uniform(0.2, 0.9)
                    batch.trial_tasks.append(
                        m.TrialTask(
                            departure_id=case_id,
                            module_id=module.id,
                            title="Process today's refund requests end to end",
                            description="The successor does it; the leaver watches and checks.",
                            state=task_state,
                            created_by_id=leaver.id,
                            done_note="Done, see the ticket list."
                            if task_state in ("done", "verified")
                            else "",
                            done_at=done_at if task_state in ("done", "verified", "rework") else None,
                            verified_at=done_at + (now - done_at) / 2 if task_state == "verified" else None,
                            sent_back_at=done_at + (now - done_at) / 2 if task_state == "rework" else None,
                            created_at=set_at,
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
            updated=created + (now - created) / 2,
            language=language,
            title=r.choice(JOB_TITLES),
            reason=r.choice(REASONS),
        )
        self.add_grants(
            batch,
            case_id,
            hr_owner_id=hr.id,
            manager_id=manager.id,
            employee_id=leaver.id,
            successor_ids=[s.id for _, s in modules if s],
            head_id=self.heads[department].id,
        )

    def add_meeting(self, batch, participants, case_id, scheduled, held, invited) -> None:
        meeting_id = self.new_id("meeting")
        batch.meetings.append(
            self.m.HandoverMeeting(
                id=meeting_id,
                departure_id=case_id,
                scheduled_at=scheduled,
                location="Meeting room Shanghai",
                agenda="Walk through every module with the successors.",
                held_at=held,
                minutes="Every module walked through." if held else "",
            )
        )
        participants.extend(
            self.m.MeetingParticipant(meeting_id=meeting_id, user_id=user_id, name="", attended=bool(held))
            for user_id in invited
        )

    def item_state(self, state: str) -> str:
        if state == "preparing":
            return "pending"
        if state == "executing":
            return self.rng.choices(
                ["pending", "handed_over", "returned", "accepted"], weights=[30, 25, 10, 35]
            )[0]
        return "accepted"

    def seed_cases(self, count: int, per_batch: int = 1000) -> None:
        from django.db import transaction

        started = time.perf_counter()
        target = self.cases + count
        while self.cases < target:
            batch, participants = Batch(), []
            for _ in range(min(per_batch, target - self.cases)):
                self.add_case(batch, participants)
            with transaction.atomic():
                self.insert(batch)
                self.m.MeetingParticipant.objects.bulk_create(participants, batch_size=2000)
            elapsed = time.perf_counter() - started
            print(f"  seeded {self.cases:>7,} / {target:,} cases   {elapsed:7.1f} s", flush=True)


# --------------------------------------------------------------------------- measuring (child process)


@dataclass
class Run:
    seconds: float = 0.0
    result: int = 0
    queries: dict[str, int] = field(default_factory=dict)
    sql_seconds: float = 0.0
    # The statements run most often, with their counts: what grows with the cases or the notices.
    frequent: list[tuple[int, str]] = field(default_factory=list)

    @property
    def query_count(self) -> int:
        return sum(self.queries.values())


def timed(call) -> Run:
    """``call()`` with its wall time, its queries by verb and the time spent in ``cursor.execute``
    (a counter, not a log: a log of 300,000 queries would weigh on the memory measured)."""
    from django.db import connection

    verbs: Counter[str] = Counter()
    statements: Counter[str] = Counter()  # a few dozen texts: the values are parameters
    in_sql = 0.0

    def count(execute, sql, params, many, context):
        nonlocal in_sql
        verbs[sql.lstrip().split(None, 1)[0].upper()] += 1
        statements[sql] += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            in_sql += time.perf_counter() - started

    gc.collect()
    with connection.execute_wrapper(count):
        started = time.perf_counter()
        result = call()
        seconds = time.perf_counter() - started
    frequent = [(n, " ".join(sql.split())) for sql, n in statements.most_common(3)]
    return Run(seconds, result, dict(verbs), in_sql, frequent)


def rss_mb() -> tuple[float, float]:
    """Resident memory of this process now (VmRSS) and its high-water mark (VmHWM), in MB. Not
    getrusage's ru_maxrss: that keeps the parent's peak across the exec that started this process."""
    status = {}
    with open("/proc/self/status") as lines:
        for line in lines:
            name, _, value = line.partition(":")
            status[name] = value.split()
    return int(status["VmRSS"][0]) / 1024, int(status["VmHWM"][0]) / 1024


def queries_text(run: Run) -> str:
    verbs = ", ".join(f"{verb} {n:,}" for verb, n in sorted(run.queries.items(), key=lambda kv: -kv[1]))
    return f"{run.query_count:,} queries ({verbs})"


def measure(url: str, runtime: Path, result_path: Path, trace: bool) -> None:
    setup_django(url, runtime)
    from django.db.models import Count

    from handover import selectors, services
    from handover.models import (
        ChecklistItem,
        Departure,
        HandoverMeeting,
        Notification,
        OutboxMessage,
        TrialTask,
    )
    from handover.services.reminding import CHUNK, REMINDED_STATES

    now = scan_instant()
    today = now.date()
    rss_setup = rss_mb()
    maxrss_setup = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue = runtime / "broker" / "queue"

    def queued() -> int:
        return sum(1 for _ in queue.iterdir()) if queue.is_dir() else 0

    def read_facts() -> int:
        """The read the scan cannot do without: every reminded case's facts, in its chunks."""
        ids = list(
            Departure.objects.filter(state__in=REMINDED_STATES).order_by("pk").values_list("pk", flat=True)
        )
        read = 0
        for start in range(0, len(ids), CHUNK):
            read += len(selectors.case_facts(Departure.objects.filter(pk__in=ids[start : start + CHUNK])))
        return read

    def scan() -> int:
        return services.reminders_send(now=now)

    def clear() -> None:
        Notification.objects.all().delete()
        OutboxMessage.objects.all().delete()

    reminded = Departure.objects.filter(state__in=REMINDED_STATES)
    cases = reminded.count()
    chunks = math.ceil(cases / CHUNK)
    by_state = dict(reminded.values_list("state").annotate(n=Count("id")).order_by())
    items = ChecklistItem.objects.filter(module__departure__in=reminded)
    data = {
        "items": items.count(),
        "pending, due -10..+1 days": items.filter(
            state="pending", due_date__range=(today - timedelta(days=10), today + timedelta(days=1))
        ).count(),
        "returned": items.filter(state="returned").count(),
        "meetings in 24 h": HandoverMeeting.objects.filter(
            held_at=None, scheduled_at__range=(now, now + timedelta(hours=24))
        ).count(),
        "trial tasks waiting": TrialTask.objects.filter(state__in=["assigned", "rework", "done"]).count(),
        "last day within 7 days": reminded.filter(last_working_day__lte=today + timedelta(days=7)).count(),
    }
    print(
        f"  {cases:,} open cases ({', '.join(f'{s} {n:,}' for s, n in sorted(by_state.items()))}), "
        f"{chunks} chunks of {CHUNK}; scan at {now:%Y-%m-%d %H:%M} {now.tzinfo}"
    )
    print("  " + ", ".join(f"{k} {v:,}" for k, v in data.items()), flush=True)
    clear()  # the previous size's notices: the first scan tells every case afresh

    read_before = timed(read_facts)
    rss_read = rss_mb()
    queued_before = queued()
    first = timed(scan)
    rss_first = rss_mb()
    notices, mails = Notification.objects.count(), OutboxMessage.objects.count()
    kinds = dict(Notification.objects.values_list("kind").annotate(n=Count("id")).order_by("-n"))
    queued_first = queued() - queued_before
    second = timed(scan)
    rss_second = rss_mb()
    notices_after, mails_after = Notification.objects.count(), OutboxMessage.objects.count()
    read_after = timed(read_facts)
    read = min(read_before, read_after, key=lambda run: run.seconds)

    repeated = sum(
        Notification.objects.values("key").annotate(n=Count("id")).filter(n__gt=1).values_list("n", flat=True)
    )
    repeated_mail = sum(
        OutboxMessage.objects.values("key")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("n", flat=True)
    )
    duplicates = repeated + repeated_mail + second.result + (notices_after - notices) + (mails_after - mails)

    def line(label: str, run: Run, extra: str = "") -> None:
        print(
            f"  {label:<30} {run.seconds:8.2f} s   {queries_text(run)}, SQL {run.sql_seconds:.2f} s{extra}",
            flush=True,
        )

    def most_run(run: Run) -> None:
        for n, sql in run.frequent:
            print(f"  {'':<30} {n:>7,} x {sql[:110]}{'...' if len(sql) > 110 else ''}")

    print()
    line(
        "read: case_facts in chunks",
        read,
        f"   ({read_before.seconds:.2f} s before, {read_after.seconds:.2f} s after)",
    )
    line("scan 1 (writes the notices)", first)
    print(
        f"  {'':<30} told {first.result:,}: notifications +{notices:,}, outbox mails +{mails:,}, "
        f"broker messages +{queued_first:,}; {first.query_count / chunks:,.1f} queries a chunk, "
        f"{1000 * first.seconds / max(notices, 1):.2f} ms a notice"
    )
    print(f"  {'':<30} notices by kind: " + ", ".join(f"{kind} {n:,}" for kind, n in kinds.items()))
    most_run(first)
    line("scan 2 (same instant)", second)
    print(
        f"  {'':<30} told {second.result:,}: notifications +{notices_after - notices:,}, "
        f"outbox mails +{mails_after - mails:,}; {second.query_count / chunks:,.1f} queries a chunk"
    )
    most_run(second)
    print(
        f"  ratios to the read             scan 1 {first.seconds / read.seconds:.1f} x, "
        f"scan 2 {second.seconds / read.seconds:.1f} x"
    )
    print(
        f"  duplicates: {duplicates}   (notification keys repeated {repeated}, outbox keys repeated "
        f"{repeated_mail}, told by scan 2 {second.result}, rows added by scan 2 "
        f"{notices_after - notices + mails_after - mails})"
    )
    print(
        f"  process RSS now / peak, MB     after setup {rss_setup[0]:.0f} / {rss_setup[1]:.0f}, "
        f"after the read {rss_read[0]:.0f} / {rss_read[1]:.0f}, after scan 1 {rss_first[0]:.0f} / "
        f"{rss_first[1]:.0f}, after scan 2 {rss_second[0]:.0f} / {rss_second[1]:.0f}"
    )
    print(
        f"  getrusage ru_maxrss, MB        {maxrss_setup:.0f} after setup, "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} after scan 2 (it starts at "
        "the seeding process's peak, kept across exec)",
        flush=True,
    )

    # The memory pass: the same scans again from no notices, each under tracemalloc (slower).
    peaks: dict[str, float] = {}
    if trace:
        clear()
        told = {}
        tracemalloc.start()
        for name, call in (("scan 1", scan), ("scan 2", scan), ("read", read_facts)):
            gc.collect()
            tracemalloc.reset_peak()
            base = tracemalloc.get_traced_memory()[0]
            started = time.perf_counter()
            told[name] = call()
            peaks[name] = (tracemalloc.get_traced_memory()[1] - base) / MB
            print(
                f"  tracemalloc peak, {name:<13} {peaks[name]:8.1f} MB above the {base / MB:.1f} MB before "
                f"it ({time.perf_counter() - started:.1f} s traced)",
                flush=True,
            )
        tracemalloc.stop()
        if told["scan 1"] != first.result or told["scan 2"] != 0:
            print(f"  the traced scans told {told['scan 1']:,} and {told['scan 2']:,}, not as the timed ones")
            duplicates += told["scan 2"]
    rss_end = rss_mb()
    result = {
        "cases": cases,
        "chunks": chunks,
        "told": first.result,
        "notices": notices,
        "mails": mails,
        "broker": queued_first,
        "first": asdict(first),
        "second": asdict(second),
        "read": asdict(read),
        "peaks": peaks,
        "rss": {
            "setup": rss_setup,
            "read": rss_read,
            "first": rss_first,
            "second": rss_second,
            "end": rss_end,
        },
        "duplicates": duplicates,
    }
    result_path.write_text(json.dumps(result))


# --------------------------------------------------------------------------- main


def peak(result: dict, name: str) -> str:
    return f"{result['peaks'][name]:.1f}" if name in result["peaks"] else "-"


def summary(results: list[dict]) -> None:
    sizes = [r["cases"] for r in results]
    rows = [
        ("notices told by scan 1", lambda r: f"{r['told']:,}"),
        ("scan 1, s", lambda r: f"{r['first']['seconds']:.2f}"),
        ("scan 2 (same instant), s", lambda r: f"{r['second']['seconds']:.2f}"),
        ("read: case_facts, s", lambda r: f"{r['read']['seconds']:.2f}"),
        ("scan 1 / read", lambda r: f"{r['first']['seconds'] / r['read']['seconds']:.1f} x"),
        ("scan 2 / read", lambda r: f"{r['second']['seconds'] / r['read']['seconds']:.1f} x"),
        ("broker messages queued", lambda r: f"{r['broker']:,}"),
        ("scan 1, ms a notice", lambda r: f"{1000 * r['first']['seconds'] / max(r['told'], 1):.2f}"),
        ("scan 1, queries", lambda r: f"{sum(r['first']['queries'].values()):,}"),
        ("scan 1, SQL s", lambda r: f"{r['first']['sql_seconds']:.2f}"),
        ("scan 2, queries", lambda r: f"{sum(r['second']['queries'].values()):,}"),
        ("scan 2, queries a chunk", lambda r: f"{sum(r['second']['queries'].values()) / r['chunks']:.1f}"),
        ("read, queries", lambda r: f"{sum(r['read']['queries'].values()):,}"),
        ("tracemalloc peak scan 1, MB", lambda r: peak(r, "scan 1")),
        ("tracemalloc peak scan 2, MB", lambda r: peak(r, "scan 2")),
        ("tracemalloc peak read, MB", lambda r: peak(r, "read")),
        ("peak RSS after setup, MB", lambda r: f"{r['rss']['setup'][1]:.0f}"),
        ("peak RSS after scans 1+2, MB", lambda r: f"{r['rss']['second'][1]:.0f}"),
        ("duplicates", lambda r: f"{r['duplicates']}"),
    ]
    print(f"{'':<30}" + "".join(f"{f'{s:,} cases':>16}" for s in sizes))
    print("-" * (30 + 16 * len(sizes)))
    for label, cell in rows:
        print(f"{label:<30}" + "".join(f"{cell(r):>16}" for r in results))
    if len(results) > 1:
        small, big = results[0], results[-1]
        growth = big["cases"] / small["cases"]
        memory = ""
        if big["peaks"] and small["peaks"]:
            memory = ", tracemalloc peak " + ", ".join(
                f"{name} x {big['peaks'][name] / small['peaks'][name]:.2f}" for name in ("scan 1", "scan 2")
            )
        print()
        print(
            f"From {small['cases']:,} to {big['cases']:,} cases (x {growth:.1f}): scan 1 time "
            f"x {big['first']['seconds'] / small['first']['seconds']:.1f}, scan 2 time "
            f"x {big['second']['seconds'] / small['second']['seconds']:.1f}{memory}, peak RSS after the "
            f"scans {small['rss']['second'][1]:.0f} and {big['rss']['second'][1]:.0f} MB"
        )


def main() -> None:
    args = parse_args()
    if args.measure:
        url, runtime, result = args.measure
        measure(url, Path(runtime), Path(result), trace=not args.no_trace)
        return

    url, where = create_database(args.database_url, SQLITE_PATH)
    setup_django(url, RUNTIME_DIR)
    from django.db import connections

    print("Handover reminder scan benchmark")
    for line in environment_lines(where):
        print(line)
    print(f"Sizes      {', '.join(f'{s:,}' for s in args.cases)} open cases, {args.items} items a case")
    print()
    total_started = time.perf_counter()
    migrate()
    rng = random.Random(args.seed)
    seeder = ReminderSeeder(rng, args.items, scan_instant())
    seeder.seed_people(DEPARTMENTS, hr=6, managers=3, staff=args.staff)
    results = []
    failed = False
    result_path = RUNTIME_DIR / "result.json"
    for size in args.cases:
        print(f"\nSeeding up to {size:,} open cases ...", flush=True)
        started = time.perf_counter()
        seeder.seed_cases(size - seeder.cases)
        seeder.finish()
        check_grants(20, rng)
        print(f"Seeded {size:,} cases in {time.perf_counter() - started:.1f} s", flush=True)
        print(f"Scanning {size:,} open cases in a fresh process ...", flush=True)
        connections.close_all()
        result_path.unlink(missing_ok=True)
        child = subprocess.run(
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "--measure",
                url,
                str(RUNTIME_DIR),
                str(result_path),
                *(["--no-trace"] if args.no_trace else []),
            ],
            check=False,
        )
        if child.returncode != 0:
            raise SystemExit(f"The measuring process failed with status {child.returncode}")
        results.append(json.loads(result_path.read_text()))
        failed = failed or results[-1]["duplicates"] != 0

    print("\n" + "=" * 90)
    print("Handover reminder scan benchmark: summary")
    for line in environment_lines(where):
        print(line)
    print(f"Whole run  {time.perf_counter() - total_started:.0f} s")
    print()
    summary(results)
    print(
        "\nScan 1 writes every notice and its mail; scan 2 runs at the same instant and must tell no one.\n"
        "Times are wall times in a fresh process; the read is selectors.case_facts over the same cases in\n"
        "the scan's chunks (the faster of a run before and one after the scans). tracemalloc peaks come\n"
        "from a second pass of the same scans, from no notices, under tracemalloc."
    )

    connections.close_all()
    if not args.keep:
        drop_database(args.database_url, SQLITE_PATH)
        shutil.rmtree(RUNTIME_DIR, ignore_errors=True)
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
