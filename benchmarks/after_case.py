"""After-case benchmark: the pages used once a case is signed off (exit feedback, alumni, checklist
templates with their proposals, operation manuals, aftercare), timed at growing numbers of cases.

Run from the project root (see benchmarks/README.md):

    .venv/bin/python benchmarks/after_case.py --cases 1000 10000 --repeat 20
    .venv/bin/python benchmarks/after_case.py --database-url postgres://postgres@127.0.0.1:5432/handover_bench_after

The cases are those of pages.py (PagesSeeder: mostly closed), and each signed-off, aftercare or
closed case also gets what the services would have left on it by then: survey answers, an alumni
consent and a rehire note, aftercare questions, lessons learned, an operation manual in versions,
and, once closed, the proposals it made for its checklist template. Each page is measured as
pages.py does (harness.measure): median and p95 server time, queries, SQL time and KB.
"""

from __future__ import annotations

import argparse
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from harness import (
    BENCH_DIR,
    drop_database,
    measure,
    migrate,
    open_run,
    print_report,
    print_table,
    sign_in,
    sized_run_arguments,
)
from pages import DEPARTMENTS, PagesSeeder, Result
from seeding import Batch, check_grants, explicit_timestamps

SQLITE_PATH = BENCH_DIR / "after_case.sqlite3"
AFTER_STATES = ("signed_off", "aftercare", "closed")
# The default templates were changed twice: version 2 three years ago, version 3 one year ago.
VERSION_AGES = {2: 3 * 365, 3: 365}
FEEDBACK_ANSWERED = {"signed_off": 0.5, "aftercare": 0.8, "closed": 0.8}
ALUMNI_SHARE = 0.3  # closed cases whose leaver agreed to stay in touch
REHIRE_WITH_CONSENT, REHIRE_WITHOUT = 0.5, 0.05
MANUAL_SHARE = 0.5  # closed cases with a manual for their first module

COMMENTS = [
    "The meeting was too short for the finance module.",
    "Good handover, the checklist covered almost everything.",
    "The trial run showed what the documents did not.",
    "Passwords for the supplier portal were missing at first.",
    "I would have liked one more week with the leaver.",
    "Demonstrations of the month-end close were very useful.",
    "交接很顺利，文档很完整。",
    "希望能多一周时间熟悉系统。",
]
# What went wrong, how it was solved, what to watch ({n}: a number of the case, so that texts differ).
MISHAPS = [
    ("A refund batch of {n} orders was paid twice", "Reversed with the payment provider", "Check batch {n}"),
    ("The courier pickup {n} was missed", "Booked an evening pickup", "Cut-off for pickup {n} is 15:00"),
    ("Report {n} went out with last month's figures", "Sent a corrected report", "Refresh report {n} first"),
    ("Supplier {n} was not told about the price change", "Called them the same day", ""),
    ("Stock count {n} did not match the system", "Recounted with the shift lead", "Count {n} first"),
    ("Customer complaint {n} waited a week", "Answered and refunded", "Watch the inbox of shop {n}"),
]  # fmt: skip
QUESTIONS = [
    "Where is the login for the supplier portal {n}?",
    "Who approves refunds above the limit for shop {n}?",
    "Which report feeds the monthly figures {n}?",
    "How do I book the courier for warehouse {n}?",
]
CONTACTS = """## Contacts

| Who | What for |
|---|---|
| Finance desk | invoices, refunds |
| IT helpdesk | logins, resets |
| Warehouse lead | stock counts, pickups |"""
MONTH_END = "## Month end\n\n1. Export the open orders.\n2. Check them with finance.\n3. File the report."
ANSWERS = [
    "In the shared vault, folder {n}; IT can reset it.",
    "The department head, by mail, within a day.",
    "The BI export of the first Monday; the script is on the wiki.",
    "Through the courier's web form before 15:00.",
]


def parse_args() -> argparse.Namespace:
    parser = sized_run_arguments(__doc__.split("\n\n")[0], SQLITE_PATH.name)
    args = parser.parse_args()
    args.cases = sorted(set(args.cases))
    if args.cases[0] < 100 or args.items < 7 or args.repeat < 1 or args.staff < 7 * len(DEPARTMENTS):
        parser.error(f"need at least 100 cases, 7 items a case, 1 repeat and {7 * len(DEPARTMENTS)} staff")
    return args


# --------------------------------------------------------------------------- seeding


@dataclass
class AfterBatch(Batch):
    lessons: list = field(default_factory=list)
    questions: list = field(default_factory=list)
    feedback: list = field(default_factory=list)
    consents: list = field(default_factory=list)
    rehire_notes: list = field(default_factory=list)
    manuals: list = field(default_factory=list)
    revisions: list = field(default_factory=list)
    proposals: list = field(default_factory=list)


def _key(kind: str, title: str) -> tuple[str, str]:
    """services.templates._key: how a proposal is matched with a template item."""
    return kind, " ".join(title.split()).casefold()


class AfterCaseSeeder(PagesSeeder):
    """The cases of pages.py, each with its template and version, and from the sign-off on what the
    survey, alumni, aftercare, lessons, manuals and template proposals would have left."""

    def __init__(self, rng: random.Random, items_per_case: int):
        # PagesSeeder's two measured executing cases are not seeded: seed_cases below leaves them out.
        super().__init__(rng, items_per_case, heavy_items=0)

    # ---------------------------------------------------------------- templates

    def seed_templates(self) -> None:
        """The default template of each language at version 3 (two TemplateVersion rows by HR), and
        the keys of their items, to match proposals as services.templates does."""
        m = self.m
        self.templates: dict[str, tuple[int, str]] = {}
        self.template_items: dict[int, dict[tuple[str, str], int]] = {}
        self.proposed: dict[int, set[tuple[str, str]]] = defaultdict(set)
        self.version_dates = {n: self.now - timedelta(days=days) for n, days in VERSION_AGES.items()}
        versions = []
        for template in m.ChecklistTemplate.objects.filter(is_default=True):
            self.templates[template.language] = (template.pk, template.name)
            items = list(m.TemplateItem.objects.filter(template=template).order_by("position", "pk"))
            self.template_items[template.pk] = {_key(i.module, i.title): i.pk for i in items}
            for number, item in zip(VERSION_AGES, items, strict=False):
                versions.append(
                    m.TemplateVersion(
                        template_id=template.pk,
                        number=number,
                        change="changed",
                        subject=item.title,
                        author_id=self.hr_busy.id,
                        author_name=self.hr_busy.name,
                        created_at=self.version_dates[number],
                    )
                )
        with explicit_timestamps(m.TemplateVersion._meta.get_field("created_at")):
            m.TemplateVersion.objects.bulk_create(versions)
        m.ChecklistTemplate.objects.filter(is_default=True).update(
            version=max(VERSION_AGES), updated_at=self.version_dates[max(VERSION_AGES)]
        )

    def template_version(self, created: datetime) -> int:
        return max([1, *(n for n, when in self.version_dates.items() if created >= when)])

    # ---------------------------------------------------------------- cases

    def add_case(self, batch: AfterBatch, **options) -> int:
        first_user, first_module, first_item = len(batch.users), len(batch.modules), len(batch.items)
        first_signature = len(batch.signatures)
        case_id = super().add_case(batch, **options)
        departure = batch.departures[-1]
        # Items get ids of their own here: questions, lessons and proposals point at them.
        for item in batch.items[first_item:]:
            item.id = self.new_id("item")
        departure.template_id = self.templates[departure.language][0]
        departure.template_version = self.template_version(departure.created_at)
        if departure.state in AFTER_STATES:
            self.after_sign_off(
                batch,
                departure,
                leaver=batch.users[first_user],
                modules=batch.modules[first_module:],
                items=batch.items[first_item:],
                signed=batch.signatures[first_signature].signed_at,
            )
        return case_id

    def between(self, start: datetime, end: datetime) -> datetime:
        """A random moment from start to end, never in the future."""
        latest = self.now - timedelta(minutes=5)
        start = min(start, latest)
        end = max(start, min(end, latest))
        return start + (end - start) * self.rng.random()

    def event(self, batch, departure, actor_id, actor_name, kind, when, subject="") -> None:
        batch.events.append(
            self.m.Event(
                departure_id=departure.id,
                actor_id=actor_id,
                actor_name=actor_name,
                kind=kind,
                subject=subject[:300],
                created_at=when,
            )
        )

    def after_sign_off(self, batch: AfterBatch, departure, *, leaver, modules, items, signed) -> None:
        m, r = self.m, self.rng
        state = departure.state
        last_day = self.at(departure.last_working_day, 18)
        support_end = self.at(departure.support_until, 18)
        closed_at = min(support_end, self.now - timedelta(hours=1)) if state == "closed" else None
        by_module = defaultdict(list)
        for item in items:
            by_module[item.module_id].append(item)
        named = [module for module in modules if module.successor_id]

        # The survey: the leaver, each successor and the manager, once each.
        people = [(leaver.id, leaver.display_name, "leaver")]
        people += [
            (i, n, "successor") for i, n in {mo.successor_id: mo.successor_name for mo in named}.items()
        ]
        people.append((departure.manager_id, departure.manager_name, "manager"))
        answer_until = closed_at or self.now
        for person_id, name, role in people:
            if r.random() >= FEEDBACK_ANSWERED[state]:
                continue
            when = self.between(signed, min(answer_until, signed + timedelta(days=10)))
            ratings = r.choices([1, 2, 3, 4, 5], weights=[1, 2, 4, 6, 5], k=4)
            batch.feedback.append(
                m.ExitFeedback(
                    departure_id=departure.id,
                    respondent_id=person_id,
                    role=role,
                    time_enough=ratings[0],
                    materials_complete=ratings[1],
                    demonstrations_useful=ratings[2],
                    trial_useful=ratings[3],
                    comment=r.choice(COMMENTS) if r.random() < 0.35 else "",
                    anonymous=role == "leaver" and r.random() < 0.4,
                    submitted_at=when,
                )
            )
            self.event(batch, departure, person_id, name, "feedback_given", when)

        # Lessons learned: most noted while handing over (sealed), some in aftercare.
        lessons = []
        for _ in range(r.choice([0, 1, 1, 2])):
            module = r.choice(named)
            item = r.choice(by_module[module.id]) if r.random() < 0.5 else None
            author = r.choice(
                [
                    (leaver.id, leaver.display_name),
                    (departure.manager_id, departure.manager_name),
                    (module.successor_id, module.successor_name),
                ]
            )
            late = state != "signed_off" and r.random() < 0.25
            when = self.between(last_day, support_end) if late else self.between(departure.created_at, signed)
            went_wrong, solved, watch = (
                text.format(n=departure.id * 10 + len(lessons)) for text in r.choice(MISHAPS)
            )
            lesson = m.Lesson(
                id=self.new_id("lesson"),
                departure_id=departure.id,
                module_id=module.id,
                item_id=item.id if item else None,
                went_wrong=went_wrong,
                solved=solved,
                watch=watch,
                author_id=author[0],
                author_name=author[1],
                in_confirmation=not late,
                created_at=when,
            )
            batch.lessons.append(lesson)
            lessons.append((lesson, module, item))
            self.event(batch, departure, author[0], author[1], "lesson_added", when, went_wrong[:120])

        # Aftercare questions to the former employee: mostly answered and solved once closed.
        questions = []
        if state != "signed_off":
            for _ in range(r.choice([0, 1, 1, 2, 2, 3])):
                module = r.choice(named)
                item = r.choice(by_module[module.id]) if r.random() < 0.6 else None
                asker = (
                    (departure.manager_id, departure.manager_name)
                    if r.random() < 0.2
                    else (module.successor_id, module.successor_name)
                )
                asked = self.between(last_day, support_end - timedelta(days=3))
                fate = (
                    r.choices(["open", "answered", "solved"], weights=[5, 15, 80])[0]
                    if state == "closed"
                    else r.choice(["open", "answered", "solved"])
                )
                answered = self.between(asked, asked + timedelta(days=2)) if fate != "open" else None
                solved = self.between(answered, answered + timedelta(days=2)) if fate == "solved" else None
                n = departure.id * 10 + len(questions)
                question = m.AftercareQuestion(
                    id=self.new_id("question"),
                    departure_id=departure.id,
                    module_id=module.id,
                    item_id=item.id if item else None,
                    asker_id=asker[0],
                    asker_name=asker[1],
                    question=r.choice(QUESTIONS).format(n=n),
                    asked_at=asked,
                    answer=r.choice(ANSWERS).format(n=n) if answered else "",
                    answered_at=answered,
                    solved_at=solved,
                )
                batch.questions.append(question)
                questions.append((question, module, item))
                self.event(batch, departure, *asker, "question_asked", asked, question.question)
                if answered:
                    self.event(
                        batch,
                        departure,
                        leaver.id,
                        leaver.display_name,
                        "question_answered",
                        answered,
                        question.answer,
                    )
                if solved:
                    self.event(batch, departure, *asker, "question_solved", solved, question.question)

        if state != "closed":
            return

        # Alumni: the leaver's consent, and HR's rehire note.
        consent = r.random() < ALUMNI_SHARE
        if consent:
            when = self.between(signed, closed_at)
            news, openings, events = (r.random() < share for share in (0.7, 0.5, 0.4))
            contact = (
                f"{leaver.username}@mail.example.org"
                if r.random() < 0.7
                else f"+86 138 {r.randint(0, 9999):04d} {r.randint(0, 9999):04d}"
            )
            batch.consents.append(
                m.AlumniConsent(
                    departure_id=departure.id,
                    person_id=leaver.id,
                    contact=contact,
                    news=news or not (openings or events),
                    openings=openings,
                    events=events,
                    given_at=when,
                )
            )
            self.event(batch, departure, leaver.id, leaver.display_name, "alumni_joined", when)
        if r.random() < (REHIRE_WITH_CONSENT if consent else REHIRE_WITHOUT):
            batch.rehire_notes.append(
                m.RehireNote(
                    departure_id=departure.id,
                    rehire=r.choices(["yes", "conditions", "no"], weights=[6, 3, 1])[0],
                    note="Strong in supplier talks; would fit the new shop team." if r.random() < 0.6 else "",
                    written_by_name=departure.hr_owner_name,
                    updated_at=self.between(signed, closed_at),
                )
            )

        # The first module's operation manual, in 2 to 4 versions.
        if r.random() < MANUAL_SHARE:
            self.add_manual(
                batch, departure, leaver, modules[0], by_module[modules[0].id], lessons, questions
            )

        # At the close: what the case proposes for its template (services.templates).
        self.add_proposals(batch, departure, modules, items, lessons, questions, closed_at)

    def add_manual(self, batch: AfterBatch, departure, leaver, module, items, lessons, questions) -> None:
        from django.utils import translation

        from handover import manuals
        from handover.models import ModuleKind
        from handover.models.events import data_subject

        m, r = self.m, self.rng
        last_day = self.at(departure.last_working_day, 12)
        end = self.at(departure.support_until, 12)
        keeper = (module.successor_id, module.successor_name)
        own_lessons = [lesson for lesson, mod, _item in lessons if mod is module]
        own_answers = [q for q, mod, _item in questions if mod is module and q.answered_at]
        item_of = {item.id: item for item in items}
        # (author id, name, note, lesson id, question id, text, written from, written by)
        with translation.override(departure.language):
            body = manuals.draft(str(ModuleKind(module.kind).label), items)
            leaver_wrote = (leaver.id, leaver.display_name)
            steps = [(*leaver_wrote, "First version", None, None, body, departure.created_at, last_day)]
            body = manuals.appended(body, CONTACTS)
            steps.append(
                (*leaver_wrote, "Added the contacts", None, None, body, departure.created_at, last_day)
            )
            for _ in range(r.randint(0, 2)):
                if own_lessons:
                    lesson = own_lessons.pop()
                    lesson.item = item_of.get(lesson.item_id)  # for lesson_section, not inserted yet
                    body = manuals.appended(body, manuals.lesson_section(lesson))
                    note = f"Added the lesson “{lesson.went_wrong.splitlines()[0][:100]}”"
                    steps.append((*keeper, note, lesson.id, None, body, lesson.created_at, end))
                elif own_answers:
                    question = own_answers.pop()
                    question.item = item_of.get(question.item_id)
                    body = manuals.appended(body, manuals.answer_section(question))
                    note = f"Added the answer to “{question.question.splitlines()[0][:100]}”"
                    steps.append((*keeper, note, None, question.id, body, question.answered_at, end))
                else:
                    body = manuals.appended(body, MONTH_END)
                    steps.append(
                        (*leaver_wrote, "Month end", None, None, body, departure.created_at, last_day)
                    )
        manual_id = self.new_id("manual")
        when = departure.created_at
        for number, (author_id, author_name, note, lesson_id, question_id, text, start, until) in enumerate(
            steps, start=1
        ):
            when = self.between(max(when, start), until)
            batch.revisions.append(
                m.ManualRevision(
                    manual_id=manual_id,
                    number=number,
                    body=text,
                    note=note[:200],
                    author_id=author_id,
                    author_name=author_name,
                    created_at=when,
                    lesson_id=lesson_id,
                    question_id=question_id,
                )
            )
            self.event(
                batch,
                departure,
                author_id,
                author_name,
                "manual_changed",
                when,
                data_subject(module=module.kind),
            )
        batch.manuals.append(
            m.Manual(
                id=manual_id,
                departure_id=departure.id,
                module_id=module.id,
                body=body,
                version=len(steps),
                updated_at=when,
                updated_by_name=steps[-1][1],
            )
        )

    def add_proposals(self, batch, departure, modules, items, lessons, questions, closed_at) -> None:
        """services.templates.template_proposals_make, on the rows of this batch."""
        template_id = departure.template_id
        known = self.template_items[template_id]
        proposed = self.proposed[template_id]
        kinds = {module.id: module.kind for module in modules}
        made = 0

        def propose(source, kind, about, **texts) -> None:
            nonlocal made
            target = known.get(_key(kind, about.title)) if about is not None else None
            if target is None:
                key = _key(kind, texts["title"])
                if key in known or key in proposed or not key[1]:
                    return
                proposed.add(key)
            made += 1
            batch.proposals.append(
                self.m.TemplateProposal(
                    template_id=template_id,
                    departure_id=departure.id,
                    source=source,
                    module=kind,
                    target_id=target,
                    created_at=closed_at,
                    **{"steps": "", "key_moments": "", "cautions": "", **texts},
                )
            )

        for item in items:
            propose(
                "item",
                kinds[item.module_id],
                None,
                title=item.title,
                steps=item.steps,
                key_moments=item.key_moments,
                cautions=item.cautions,
            )
        for lesson, module, item in lessons:
            caution = lesson.watch or lesson.went_wrong
            propose(
                "lesson",
                module.kind,
                item,
                title=item.title if item else caution.strip().splitlines()[0][:200],
                steps="" if item else lesson.solved,
                cautions=caution,
            )
        for question, module, item in questions:
            if question.answered_at is None:
                continue
            propose(
                "question",
                module.kind,
                item,
                title=item.title if item else question.question.strip().splitlines()[0][:200],
                steps="" if item else question.answer,
                key_moments=f"{question.question.strip()}\n{question.answer.strip()}" if item else "",
            )
        if made:
            self.event(
                batch,
                departure,
                departure.hr_owner_id,
                departure.hr_owner_name,
                "template_proposed",
                closed_at,
                str(made),
            )

    # ---------------------------------------------------------------- writing

    def insert(self, batch: AfterBatch) -> None:
        from django.db import transaction

        m, size = self.m, 2000
        stamped = (
            m.ExitFeedback._meta.get_field("submitted_at"),
            m.AlumniConsent._meta.get_field("given_at"),
            m.RehireNote._meta.get_field("updated_at"),
            m.AftercareQuestion._meta.get_field("asked_at"),
            m.Lesson._meta.get_field("created_at"),
            m.ManualRevision._meta.get_field("created_at"),
            m.TemplateProposal._meta.get_field("created_at"),
        )
        with transaction.atomic():
            super().insert(batch)
            if not isinstance(batch, AfterBatch):
                return
            with explicit_timestamps(*stamped):
                m.Lesson.objects.bulk_create(batch.lessons, batch_size=size)
                m.AftercareQuestion.objects.bulk_create(batch.questions, batch_size=size)
                m.ExitFeedback.objects.bulk_create(batch.feedback, batch_size=size)
                m.AlumniConsent.objects.bulk_create(batch.consents, batch_size=size)
                m.RehireNote.objects.bulk_create(batch.rehire_notes, batch_size=size)
                m.Manual.objects.bulk_create(batch.manuals, batch_size=size)
                m.ManualRevision.objects.bulk_create(batch.revisions, batch_size=500)
                m.TemplateProposal.objects.bulk_create(batch.proposals, batch_size=size)

    def seed_cases(self, count: int, progress_every: int = 1000) -> None:
        started = time.perf_counter()
        target = self.cases + count
        batch = AfterBatch()
        while self.cases < target:
            self.add_case(batch)
            if self.cases % progress_every == 0 or self.cases == target:
                self.insert(batch)
                batch = AfterBatch()
                elapsed = time.perf_counter() - started
                print(f"  seeded {self.cases:>7,} / {target:,} cases   {elapsed:7.1f} s", flush=True)


# --------------------------------------------------------------------------- measuring


@dataclass
class Focus:
    """What is measured, chosen once at the first size and kept at the next."""

    template_id: int
    manual_case: int
    manual_module: int
    holder: str  # username of a later holder of that kind of module in the department
    aftercare_case: int
    aftercare_owner: str


def choose_focus(seeder: AfterCaseSeeder) -> Focus:
    from django.db.models import Count

    from handover.models import Departure, DepartureUserObjectPermission, HandoverModule, Manual

    holder = None
    manuals = Manual.objects.filter(departure__state="closed", departure__department__isnull=False)
    for manual in manuals.select_related("module", "departure").order_by("-version", "pk")[:50]:
        on_case = DepartureUserObjectPermission.objects.filter(content_object_id=manual.departure_id)
        holder = (
            HandoverModule.objects.filter(
                kind=manual.module.kind,
                departure__department_id=manual.departure.department_id,
                successor__is_active=True,
            )
            .exclude(departure__state="withdrawn")
            .exclude(successor_id__in=on_case.values("user_id"))
            .exclude(successor_id=seeder.succ_busy.id)
            .order_by("successor_id")
            .values_list("successor__username", flat=True)
            .first()
        )
        if holder:
            break
    if holder is None:
        raise SystemExit("No closed case with a manual has a later holder of its module: seed more cases.")
    aftercare = (
        Departure.objects.filter(state="aftercare")
        .annotate(n=Count("questions"))
        .filter(n__gt=0)
        .select_related("hr_owner")
        .order_by("-n", "pk")
        .first()
    )
    if aftercare is None:
        raise SystemExit("No aftercare case has questions: seed more cases.")
    return Focus(
        template_id=seeder.templates["en"][0],
        manual_case=manual.departure_id,
        manual_module=manual.module_id,
        holder=holder,
        aftercare_case=aftercare.pk,
        aftercare_owner=aftercare.hr_owner.username,
    )


def contains(*needles: str):
    def check(url: str, html: str) -> None:
        for needle in needles:
            if needle not in html:
                raise SystemExit(f"GET {url}: the page does not show {needle!r}")

    return check


def measure_size(size: int, focus: Focus, args) -> list[Result]:
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User
    from handover import selectors
    from handover.models import (
        AftercareQuestion,
        AlumniConsent,
        Departure,
        ExitFeedback,
        Lesson,
        Manual,
        ManualRevision,
        RehireNote,
        TemplateProposal,
    )

    names = {"hr_busy", "succ_busy", focus.holder, focus.aftercare_owner}
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    clients = {}
    for name, user in users.items():
        clients[name] = Client()
        sign_in(clients[name], user)

    manual_url = reverse("handover:module_manual", args=[focus.manual_case, focus.manual_module])
    library = reverse("handover:manual_library")
    pages = [
        ("feedback figures, HR", "hr_busy", reverse("handover:feedback_figures"), contains('class="chart"')),
        ("alumni list, HR", "hr_busy", reverse("handover:alumni_list"), contains("<tbody>")),
        (
            "template detail EN + proposals, HR",
            "hr_busy",
            reverse("handover:template_detail", args=[focus.template_id]),
            contains('id="proposals"'),
        ),
        ("template list, HR", "hr_busy", reverse("handover:template_list"), None),
        ("manual library, HR", "hr_busy", library, contains("/manual/")),
        ("manual library, busy successor", "succ_busy", library, contains("/manual/")),
        ("module manual, later holder", focus.holder, manual_url, contains('class="card manual"')),
        ("module manual, HR", "hr_busy", manual_url, contains('class="card manual"')),
        (
            "case aftercare, HR owner",
            focus.aftercare_owner,
            reverse("handover:case_aftercare", args=[focus.aftercare_case]),
            contains('id="question-'),
        ),
    ]

    succ, holder = users["succ_busy"], users[focus.holder]
    facts = {
        "cases": Departure.objects.count(),
        "closed": Departure.objects.filter(state="closed").count(),
        "answers": ExitFeedback.objects.count(),
        "alumni": AlumniConsent.objects.count(),
        "rehire notes": RehireNote.objects.count(),
        "questions": AftercareQuestion.objects.count(),
        "lessons": Lesson.objects.count(),
        "manuals": Manual.objects.count(),
        "versions": ManualRevision.objects.count(),
        "proposals EN": TemplateProposal.objects.filter(template_id=focus.template_id, state="open").count(),
        "manuals succ_busy reads": selectors.manual_library(succ).paginator.count,
        "modules succ_busy holds": selectors._holding(succ).count(),
        "modules holder holds": selectors._holding(holder).count(),
        "aftercare questions": AftercareQuestion.objects.filter(departure_id=focus.aftercare_case).count(),
    }
    print("  " + ", ".join(f"{k} {v:,}" for k, v in facts.items()), flush=True)

    results = []
    for label, who, url, check in pages:
        median, p95, queries, db_ms, size_bytes, slowest = measure(clients[who], url, args.repeat, check)
        results.append(Result(size, label, median, p95, queries, db_ms, size_bytes / 1024, slowest))
        print(f"  measured {label:<46} {median:8.1f} ms median", flush=True)
    return results


# --------------------------------------------------------------------------- main


def main() -> None:
    args = parse_args()
    where = open_run("Handover after-case page benchmark", args.database_url, SQLITE_PATH)
    from django.db import connections

    from handover import services

    print(
        f"Sizes      {', '.join(f'{s:,}' for s in args.cases)} cases, {args.items} items a case, "
        f"{args.repeat} timed requests a page after one warm-up"
    )
    print()
    total_started = time.perf_counter()
    migrate()

    rng = random.Random(args.seed)
    seeder = AfterCaseSeeder(rng, args.items)
    seeder.seed_people(DEPARTMENTS, hr=6, managers=3, staff=args.staff)
    seeder.seed_templates()
    results: list[Result] = []
    seeding_total = 0.0
    focus = None
    for size in args.cases:
        print(f"\nSeeding up to {size:,} cases ...", flush=True)
        started = time.perf_counter()
        seeder.seed_cases(size - seeder.cases)
        # The score each closed case stored at its close (services.departure_close), written by
        # the task that fills in cases closed without one, as a real installation would have it.
        scoring = time.perf_counter()
        scored = 0
        while batch := services.quality_scores_fill():
            scored += batch
        print(f"  stored {scored:,} quality scores in {time.perf_counter() - scoring:.1f} s", flush=True)
        seeder.finish()
        seconds = time.perf_counter() - started
        seeding_total += seconds
        check_grants(20, rng)
        print(f"Seeded {size:,} cases in {seconds:.1f} s", flush=True)
        focus = focus or choose_focus(seeder)
        print(f"Measuring at {size:,} cases ... ({focus})", flush=True)
        size_results = measure_size(size, focus, args)
        results.extend(size_results)
        print()
        print_table(size_results, "cases")

    total = time.perf_counter() - total_started
    print_report(
        "Handover after-case page benchmark",
        where,
        results,
        args.cases,
        "cases",
        seeding=seeding_total,
        total=total,
    )

    connections.close_all()
    if not args.keep:
        drop_database(args.database_url, SQLITE_PATH)


if __name__ == "__main__":
    main()
