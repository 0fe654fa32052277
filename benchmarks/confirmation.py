"""Confirmation PDF benchmark: render and seal the handover confirmation in English and Chinese.

Run from the project root (see benchmarks/README.md):

    HANDOVER_VAR_DIR=/tmp/bench_pdf .venv/bin/python benchmarks/confirmation.py
    HANDOVER_VAR_DIR=/tmp/bench_pdf .venv/bin/python benchmarks/confirmation.py --items 20 200 --repeat 5

For each number of checklist items (20, 200 and 1,000 by default) and each language (en, zh-hans,
zh-hant) it seeds one signed-off case, then times the two steps of confirmation_produce: the render
(handover.documents.confirmation.render_confirmation_pdf, WeasyPrint) and the seal
(handover.documents.seal.seal_pdf, pyHanko), and weighs the sealed PDF. Each case then goes once
through services.confirmation_produce itself, and the stored PDF is checked: its seal, its fonts and
its text.

The script uses a database of its own (a fresh SQLite file confirmation.sqlite3 under
$HANDOVER_VAR_DIR, or under var/bench/ when that is not set) and a temporary signing key. It exits
with status 1 when a target fails: Chinese total time at most 1.5 x English at each size, and a PDF
under 1 MB at 200 items.
"""

from __future__ import annotations

import argparse
import ctypes.util
import gc
import io
import os
import platform
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from harness import BENCH_DIR, cpu_name, drop_database, setup_django
from seeding import MATERIALS, Batch, Person, Seeder, check_grants, explicit_timestamps

SQLITE_PATH = BENCH_DIR / "confirmation.sqlite3"
LANGUAGES = ("en", "zh-hans", "zh-hant")
RATIO_TARGET = 1.5  # Chinese total time at most 1.5 x English, at each size
SIZE_TARGET_ITEMS = 200
SIZE_TARGET_BYTES = 1_000_000  # "under 1 MB" at 200 items, in decimal megabytes
# The render at 200 items at most 2 x a plain table of the same 200 items rendered alone.
PLAIN_TARGET = 2.0
# The CJK face a Chinese confirmation must embed (not the Japanese one Pango falls back to).
CJK_FACE = {"zh-hans": "Noto-Sans-CJK-SC", "zh-hant": "Noto-Sans-CJK-TC"}

# Per language: the shop an item is about (titles repeat the template's items for each shop).
SHOPS = {
    "en": ["Tmall flagship store", "JD store", "Pinduoduo store", "Douyin shop", "Shopee", "Lazada",
           "Amazon US", "own web shop"],
    "zh-hans": ["天猫旗舰店", "京东自营店", "拼多多店", "抖音小店", "快手小店", "小红书店", "亚马逊美国站",
                "官网商城"],
    "zh-hant": ["天貓旗艦店", "京東自營店", "拼多多店", "抖音小店", "快手小店", "小紅書店", "亞馬遜美國站",
                "官網商城"],
}  # fmt: skip
TEXT = {
    "en": {
        "department": "E-commerce Ops",
        "job_title": "Operations specialist",
        "location": "Room 3.14",
        "agenda": "Walk through every module and its open items.",
        "minutes": "Every module walked through.\nOpen questions answered; trial tasks agreed.",
        "batch": "batch",
        "trial": "Do '{title}' alone, with the leaver watching",
        "done_note": "Done without help; the numbers match yesterday's report.",
        "feedback": "Checked, all correct.",
        "levels": ["Administrator", "Operator", "Read only", ""],
        "not_applicable": "Read-only guest access, expires by itself.",
    },
    "zh-hans": {
        "department": "电商运营部",
        "job_title": "运营专员",
        "location": "3楼314会议室",
        "agenda": "逐个模块讲解，并过一遍未完成事项。",
        "minutes": "已逐个模块讲解。\n遗留问题均已答复，试运行任务已商定。",
        "batch": "第{n}批",
        "trial": "在离职员工陪同下独立完成「{title}」",
        "done_note": "独立完成，数据与昨日报表一致。",
        "feedback": "已核对，全部正确。",
        "levels": ["管理员", "操作员", "只读", ""],
        "not_applicable": "只读访客权限，到期自动失效。",
    },
    "zh-hant": {
        "department": "電商營運部",
        "job_title": "營運專員",
        "location": "3樓314會議室",
        "agenda": "逐個模組講解，並過一遍未完成事項。",
        "minutes": "已逐個模組講解。\n遺留問題均已答覆，試運行任務已商定。",
        "batch": "第{n}批",
        "trial": "在離職員工陪同下獨立完成「{title}」",
        "done_note": "獨立完成，資料與昨日報表一致。",
        "feedback": "已核對，全部正確。",
        "levels": ["管理員", "操作員", "唯讀", ""],
        "not_applicable": "唯讀訪客權限，到期自動失效。",
    },
}


# --------------------------------------------------------------------------- command line and database


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--items",
        type=int,
        nargs="+",
        default=[20, 200, 1000],
        help="checklist items of the measured cases (default 20 200 1000)",
    )
    parser.add_argument(
        "--languages",
        nargs="+",
        default=list(LANGUAGES),
        choices=LANGUAGES,
        help="case languages; en and at least one Chinese (default en zh-hans zh-hant)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="timed render + seal runs per case (default 3); their median is reported",
    )
    parser.add_argument("--accounts", type=int, default=12, help="accounts on each case (default 12)")
    parser.add_argument("--materials", type=int, default=6, help="materials on each case (default 6)")
    parser.add_argument("--seed", type=int, default=2024, help="random seed, for the same data every run")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the benchmark database and copy the sealed PDFs next to it (confirmation-pdfs/)",
    )
    args = parser.parse_args()
    args.items = sorted(set(args.items))
    args.languages = [lang for lang in LANGUAGES if lang in args.languages]
    if "en" not in args.languages or len(args.languages) < 2:
        parser.error("give en and at least one Chinese language: the point is to compare them")
    if args.items[0] < 1 or args.repeat < 1 or args.accounts < 0 or args.materials < 0:
        parser.error("need at least 1 item and 1 repeat")
    return args


# --------------------------------------------------------------------------- seeding


def drawn_signature_png(seed: int) -> bytes:
    """A drawn signature as the sign pad sends it: a transparent PNG with one pen stroke."""
    from PIL import Image, ImageDraw

    r = random.Random(seed)
    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    points = [(40 + 26 * i, 100 + r.randint(-45, 45)) for i in range(21)]
    draw.line(points, fill=(20, 20, 60, 255), width=5, joint="curve")
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()


@dataclass
class Case:
    """A seeded signed-off case: its size, language, and what its PDF must show."""

    items: int
    language: str
    id: int
    number: str
    leaver: str
    titles: list[str] = field(default_factory=list)


class ConfirmationSeeder(Seeder):
    """Signed-off cases, built straight as rows the way the services would leave them."""

    def __init__(self, rng: random.Random, accounts: int, materials: int):
        from accounts.models import Department
        from handover.checklists import read_checklist

        super().__init__(rng)
        self.accounts = accounts
        self.materials = materials
        self.systems = list(self.m.AccessSystem.objects.order_by("pk").values_list("pk", flat=True))
        self.departments = {}
        for language in LANGUAGES:
            department = Department.objects.create(name=TEXT[language]["department"])
            self.departments[language] = department.pk
        self.texts: dict[tuple[str, str], list[str]] = defaultdict(list)
        for language in LANGUAGES:
            for item in read_checklist(language)["items"]:
                self.texts[item["module"], language].append(item["title"])
        self.users = 0
        self.signature_png = drawn_signature_png(rng.randint(0, 10**6))

    def add_people(self, language: str, count: int) -> list[Person]:
        """Staff of the language's department, named in that language."""
        batch = Batch()
        people = []
        for _ in range(count):
            self.users += 1
            people.append(
                self.add_user(
                    batch,
                    f"bench{self.users:05d}",
                    self.person_name(language),
                    "Staff",
                    self.departments[language],
                    job_title=TEXT[language]["job_title"],
                    language=language,
                )
            )
        self.insert(batch)
        return people

    def title(self, language: str, kind: str, index: int) -> str:
        """Template titles, each repeated for every shop, then in numbered batches."""
        texts, shops = self.texts[kind, language], SHOPS[language]
        base = texts[index % len(texts)]
        shop = shops[(index // len(texts)) % len(shops)]
        batch = index // (len(texts) * len(shops)) + 1
        if language == "en":
            return f"{base} ({shop}, batch {batch})" if batch > 1 else f"{base} ({shop})"
        suffix = "，" + TEXT[language]["batch"].format(n=batch) if batch > 1 else ""
        return f"{base}（{shop}{suffix}）"

    def add_case(self, items: int, language: str) -> Case:
        """A signed-off case with all 7 modules and ``items`` accepted items, verified trial tasks,
        settled accounts and found materials, and the signatures of everyone (the leaver's drawn)."""
        from django.db import transaction

        from handover.services import content_fingerprint

        m, r, text = self.m, self.rng, TEXT[language]
        leaver, manager, hr, *successors = self.add_people(language, 7)
        last_day = self.today + timedelta(days=5)
        notice = last_day - timedelta(days=30)
        started = self.at(notice + timedelta(days=3))
        with (
            transaction.atomic(),
            explicit_timestamps(
                m.Departure._meta.get_field("created_at"),
                m.Departure._meta.get_field("updated_at"),
                m.TrialTask._meta.get_field("created_at"),
                m.Signature._meta.get_field("signed_at"),
            ),
        ):
            departure = m.Departure.objects.create(
                number=f"HO-{self.today:%Y}-{items:04d}{LANGUAGES.index(language)}",
                employee_id=leaver.id,
                hr_owner_id=hr.id,
                manager_id=manager.id,
                department_id=self.departments[language],
                employee_name=leaver.name,
                employee_title=text["job_title"],
                manager_name=manager.name,
                hr_owner_name=hr.name,
                department_name=text["department"],
                reason_category="career",
                reason_text="A new role closer to home.",
                notice_date=notice,
                last_working_day=last_day,
                support_until=last_day + timedelta(days=30),
                language=language,
                state="signed_off",
                created_at=self.at(notice, 9),
                updated_at=self.now,
            )
            # All 7 modules; four successors, three of whom take two modules.
            kinds = sorted(self.module_order, key=self.module_order.__getitem__)
            owners = [successors[i % len(successors)] for i in range(len(kinds))]
            modules = m.HandoverModule.objects.bulk_create(
                [
                    m.HandoverModule(
                        departure=departure,
                        kind=kind,
                        position=self.module_order[kind],
                        successor_id=owner.id,
                        successor_name=owner.name,
                    )
                    for kind, owner in zip(kinds, owners, strict=True)
                ]
            )
            # Items spread unevenly over the modules, every one accepted by its module's successor.
            weights = [r.uniform(0.5, 1.5) for _ in modules]
            counts = [int(items * w / sum(weights)) for w in weights]
            for i in range(items - sum(counts)):
                counts[i % len(counts)] += 1
            rows, titles, position = [], [], 0
            for module, owner, count in zip(modules, owners, counts, strict=True):
                for i in range(count):
                    title = self.title(language, module.kind, i)
                    handed = started + timedelta(hours=r.randint(1, 400))
                    rows.append(
                        m.ChecklistItem(
                            module=module,
                            title=title,
                            steps="",
                            due_date=last_day - timedelta(days=r.randint(3, 9)),
                            position=position,
                            state="accepted",
                            handed_over_at=handed,
                            accepted_at=handed + timedelta(hours=r.randint(1, 30)),
                            accepted_by_id=owner.id,
                            accepted_by_name=owner.name,
                        )
                    )
                    titles.append(title)
                    position += 1
            m.ChecklistItem.objects.bulk_create(rows, batch_size=2000)
            m.HandoverMeeting.objects.create(
                departure=departure,
                scheduled_at=started,
                location=text["location"],
                agenda=text["agenda"],
                held_at=started + timedelta(hours=1),
                minutes=text["minutes"],
            )
            # One verified trial task per module, named after its first item.
            m.TrialTask.objects.bulk_create(
                [
                    m.TrialTask(
                        departure=departure,
                        module=module,
                        title=text["trial"].format(title=self.texts[module.kind, language][0])[:200],
                        state="verified",
                        created_by_id=leaver.id,
                        done_note=text["done_note"],
                        feedback=text["feedback"],
                        done_at=self.at(last_day - timedelta(days=4), 15),
                        verified_at=self.at(last_day - timedelta(days=3), 11),
                        created_at=self.at(last_day - timedelta(days=6), 9),
                    )
                    for module in modules
                ]
            )
            self.add_inventory(departure, modules, owners, hr, language)
            grants = Batch()
            self.add_grants(
                grants,
                departure.pk,
                hr_owner_id=hr.id,
                manager_id=manager.id,
                employee_id=leaver.id,
                successor_ids=[successor.id for successor in successors],
                head_id=None,  # these departments have no head
            )
            self.insert(grants)
            # The signatures: the leaver (drawn), each successor, then the manager's sign-off.
            fingerprint = content_fingerprint(departure)
            signers = [(leaver, "leaver"), *((s, "successor") for s in successors), (manager, "manager")]
            m.Signature.objects.bulk_create(
                [
                    m.Signature(
                        departure=departure,
                        signer_id=person.id,
                        signer_name=person.name,
                        role=role,
                        signed_at=self.at(last_day - timedelta(days=2), 10, 5 * n),
                        ip_address="10.0.0.1",
                        user_agent="Mozilla/5.0 (bench)",
                        content_sha256=fingerprint,
                        mark="drawn" if role == "leaver" else "typed",
                        typed_name="" if role == "leaver" else person.name,
                        image=self.signature_png if role == "leaver" else None,
                    )
                    for n, (person, role) in enumerate(signers)
                ]
            )
        return Case(items, language, departure.pk, departure.number, leaver.name, titles)

    def add_inventory(self, departure, modules, owners, hr: Person, language: str) -> None:
        """Accounts, all transferred, revoked or not applicable, and materials, all found."""
        m, text = self.m, TEXT[language]
        when = self.at(departure.last_working_day - timedelta(days=5))
        cycle = ["transferred", "transferred", "transferred", "revoked", "not_applicable"]
        accesses = []
        for n in range(self.accounts):
            module, owner = modules[n % len(modules)], owners[n % len(owners)]
            state = cycle[n % len(cycle)]
            kind = ("personal", "shared", "sub_account")[n % 3]
            moved = state in ("transferred", "revoked")
            accesses.append(
                m.Access(
                    departure=departure,
                    module=module,
                    system_id=self.systems[n % len(self.systems)],
                    account=f"shop-ops-{n + 1}@example.com" if kind == "personal" else f"team-ops-{n + 1}",
                    access_level=text["levels"][n % 4],
                    kind=kind,
                    position=n,
                    state=state,
                    transferred_at=when if moved else None,
                    transfer_method=("own_identity" if kind == "personal" else "rotated") if moved else "",
                    transferred_by_name=owner.name if moved else "",
                    revoked_at=when + timedelta(days=1) if state == "revoked" else None,
                    revoked_by_name=hr.name if state == "revoked" else "",
                    not_applicable_reason=text["not_applicable"] if state == "not_applicable" else "",
                )
            )
        m.Access.objects.bulk_create(accesses)
        materials = []
        for n in range(self.materials):
            module, owner = modules[n % len(modules)], owners[n % len(owners)]
            title, category, medium, location = MATERIALS[language][n % len(MATERIALS[language])]
            materials.append(
                m.Material(
                    departure=departure,
                    module=module,
                    title=title.format(n=n + 1),
                    category=category,
                    medium=medium,
                    location=location.format(n=n + 1),
                    importance=("high", "medium", "low")[n % 3],
                    position=n,
                    found_at=when,
                    found_by_id=owner.id,
                    found_by_name=owner.name,
                )
            )
        m.Material.objects.bulk_create(materials)


# --------------------------------------------------------------------------- measuring


class Probe:
    """Time spent inside a few WeasyPrint calls during one render: layout (HTML.render), writing the
    PDF (Document.write_pdf), and, inside that, cleaning and subsetting the fonts (Font.clean).
    Read-only instrumentation of this process; a WeasyPrint without these names is simply not probed."""

    POINTS = (
        ("weasyprint", "HTML", "render", "layout"),
        ("weasyprint.document", "Document", "write_pdf", "write"),
        ("weasyprint.pdf.fonts", "Font", "clean", "fonts"),
    )

    def __init__(self):
        import importlib

        self.spent: dict[str, float] = defaultdict(float)
        self.available = set()
        for module_name, class_name, method, key in self.POINTS:
            owner = getattr(importlib.import_module(module_name), class_name, None)
            original = getattr(owner, method, None)
            if original is None:
                continue
            setattr(owner, method, self._timed(original, key))
            self.available.add(key)

    def _timed(self, original, key):
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.spent[key] += time.perf_counter() - started

        return timed

    def reset(self) -> None:
        self.spent.clear()


@dataclass
class Run:
    render: float  # ms, render_confirmation_pdf as a whole
    layout: float  # of which WeasyPrint layout
    write: float  # of which writing the PDF ...
    fonts: float  # ... of which font subsetting
    seal: float  # ms, seal_pdf
    size: int  # bytes of the sealed PDF
    cpu: float  # ms of CPU time of this process for render + seal (less sensitive to a busy machine)

    @property
    def total(self) -> float:
        return self.render + self.seal

    @property
    def html(self) -> float:
        """Queries, context and Django template: the render outside WeasyPrint."""
        return self.render - self.layout - self.write


@dataclass
class Result:
    case: Case
    runs: list[Run]
    cold: Run | None = None
    plain: list[float] = field(default_factory=list)  # ms, the plain table of the same items
    service_ms: float = 0.0
    pages: int = 0
    fonts: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def median(self, name: str) -> float:
        return statistics.median(getattr(run, name) for run in self.runs)

    def best(self, name: str) -> float:
        return min(getattr(run, name) for run in self.runs)

    @property
    def size(self) -> int:
        return self.runs[-1].size


def produce_once(case: Case, probe: Probe) -> tuple[Run, bytes]:
    """Render and seal the case's confirmation as confirmation_produce does, timing each step."""
    from django.conf import settings

    from handover.documents.confirmation import render_confirmation_pdf
    from handover.documents.seal import seal_pdf
    from handover.models import ConfirmationDocument, Departure
    from handover.services import content_fingerprint

    departure = Departure.objects.get(pk=case.id)
    document = ConfirmationDocument(
        departure=departure, version=1, request_key="signoff", content_sha256=content_fingerprint(departure)
    )
    gc.collect()
    probe.reset()
    cpu_started = time.process_time()
    started = time.perf_counter()
    pdf = render_confirmation_pdf(departure, document)
    rendered = time.perf_counter()
    sealed = seal_pdf(pdf, reason=f"{departure.number} v1", location=settings.HANDOVER_COMPANY_NAME)
    done = time.perf_counter()
    cpu = (time.process_time() - cpu_started) * 1000
    spent = {key: probe.spent.get(key, 0.0) * 1000 for key in ("layout", "write", "fonts")}
    run = Run(
        render=(rendered - started) * 1000,
        layout=spent["layout"],
        write=spent["write"],
        fonts=spent["fonts"],
        seal=(done - rendered) * 1000,
        size=len(sealed),
        cpu=cpu,
    )
    return run, sealed


def plain_table_html(case: Case) -> str:
    """The yardstick: the case's items as one bare table (number, title, state, handed over,
    accepted by, accepted at), in the case's fonts on A4, nothing else."""
    from django.utils.html import escape

    from handover.documents.confirmation import FONT_STACKS, HTML_LANG
    from handover.models import ChecklistItem

    items = ChecklistItem.objects.filter(module__departure_id=case.id)
    items = items.order_by("module__position", "position")
    rows = "".join(
        f"<tr><td>{n}</td><td>{escape(item.title)}</td><td>{escape(item.get_state_display())}</td>"
        f"<td>{item.handed_over_at:%Y-%m-%d}</td><td>{escape(item.accepted_by_name)}</td>"
        f"<td>{item.accepted_at:%Y-%m-%d %H:%M}</td></tr>"
        for n, item in enumerate(items, start=1)
    )
    font = FONT_STACKS.get(case.language, FONT_STACKS["en"])
    lang = HTML_LANG.get(case.language, case.language)
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<style>@page {{ size: A4; }} html {{ font-family: {font}; }}</style></head>"
        f"<body><table>{rows}</table></body></html>"
    )


def plain_once(case: Case) -> float:
    """ms to render the plain table of the case's items to PDF with WeasyPrint."""
    from weasyprint import HTML

    html = plain_table_html(case)
    gc.collect()
    started = time.perf_counter()
    HTML(string=html).write_pdf()
    return (time.perf_counter() - started) * 1000


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def check_service(result: Result, keep_dir: Path | None) -> None:
    """Once per case, the real thing: services.confirmation_produce renders, seals and stores the
    document; the stored file must carry a genuine seal, the right faces and the case's text."""
    from pypdf import PdfReader

    from handover.documents.seal import check_pdf
    from handover.documents.storage import document_storage
    from handover.services import confirmation_produce

    case = result.case
    started = time.perf_counter()
    document = confirmation_produce(departure_id=case.id)
    result.service_ms = (time.perf_counter() - started) * 1000
    with document_storage().open(document.file_name, "rb") as stored:
        data = stored.read()
    if keep_dir is not None:
        (keep_dir / f"{case.items}-{case.language}.pdf").write_bytes(data)
    verdict = check_pdf(data)
    if not verdict.genuine:
        result.problems.append(f"seal not genuine: {verdict}")
    reader = PdfReader(io.BytesIO(data))
    result.pages = len(reader.pages)
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    result.fonts = sorted(fonts)
    if any("CJK-JP" in name or "CJK-KR" in name for name in fonts):
        result.problems.append(f"Japanese or Korean face embedded: {result.fonts}")
    face = CJK_FACE.get(case.language)
    if face and not any(face in name for name in fonts):
        result.problems.append(f"{face} not embedded: {result.fonts}")
    text = squash("".join(page.extract_text() for page in reader.pages))
    wanted = [case.number, case.leaver, case.titles[0], case.titles[-1], case.titles[len(case.titles) // 2]]
    missing = [value for value in wanted if squash(value) not in text]
    if missing:
        result.problems.append(f"text missing from the PDF: {missing}")


# --------------------------------------------------------------------------- report


def library_version(name: str, function: str) -> str:
    """The version a system library reports about itself (the one WeasyPrint loads by the same name)."""
    path = ctypes.util.find_library(name)
    try:
        call = getattr(ctypes.CDLL(path), function)
    except (OSError, AttributeError, TypeError):
        return "unknown"
    call.restype = ctypes.c_char_p
    return call().decode()


def environment_lines() -> list[str]:
    import sqlite3

    import django
    from weasyprint.text.ffi import harfbuzz_subset

    def package(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    found = ctypes.util.find_library("harfbuzz-subset")
    if found and harfbuzz_subset is not None:
        subset = f"present ({found}), used by WeasyPrint for font subsetting"
    elif harfbuzz_subset is not None:
        subset = "loaded by WeasyPrint, though find_library does not see it"
    else:
        subset = (
            "MISSING: WeasyPrint subsets fonts with fontTools, CJK about 10x slower "
            "(apt-get install libharfbuzz-subset0)"
        )
    return [
        f"Python     {platform.python_version()} ({platform.python_implementation()}), "
        f"Django {django.get_version()}",
        f"PDF        WeasyPrint {package('weasyprint')}, pyHanko {package('pyHanko')}, "
        f"pydyf {package('pydyf')}, fontTools {package('fonttools')}",
        f"Text       HarfBuzz {library_version('harfbuzz', 'hb_version_string')}, "
        f"Pango {library_version('pango-1.0', 'pango_version_string')}",
        f"Subset     libharfbuzz-subset0 {subset}",
        f"Database   SQLite {sqlite3.sqlite_version} ({SQLITE_PATH})",
        f"Machine    {os.cpu_count()} cores, {cpu_name()}, {platform.system()} {platform.release()}; "
        f"load average now {', '.join(f'{x:.2f}' for x in os.getloadavg())}",
    ]


def print_details(results: list[Result]) -> None:
    head = (
        f"{'items':>6}  {'language':<8} {'pages':>5} {'render':>8} {'html+db':>8} {'layout':>8} "
        f"{'write':>8} {'fonts':>8} {'seal':>7} {'total':>8} {'best':>8} {'CPU':>8} {'KB':>7} {'service':>8}"
    )
    print(head)
    print("-" * len(head))
    for r in results:
        figures = " ".join(
            f"{r.median(name):{width}.0f}"
            for name, width in (
                ("render", 8),
                ("html", 8),
                ("layout", 8),
                ("write", 8),
                ("fonts", 8),
                ("seal", 7),
                ("total", 8),
            )
        )
        figures += f" {r.best('total'):8.0f} {r.median('cpu'):8.0f}"
        print(
            f"{r.case.items:>6,}  {r.case.language:<8} {r.pages:>5} {figures} {r.size / 1024:7.0f} "
            f"{r.service_ms:8.0f}"
        )


def print_side_by_side(results: list[Result], languages: list[str]) -> None:
    by = {(r.case.items, r.case.language): r for r in results}
    sizes = sorted({r.case.items for r in results})
    chinese = [lang for lang in languages if lang != "en"]
    head = f"{'items':>6}  {'en: render + seal = total ms, KB':>34}"
    for lang in chinese:
        head += f"  {f'{lang}: render + seal = total ms, KB':>39} {'zh/en':>6} {'CPU':>6}"
    print(head)
    print("-" * len(head))
    for size in sizes:
        en = by[size, "en"]

        def cell(r: Result) -> str:
            return (
                f"{r.median('render'):.0f} + {r.median('seal'):.0f} = {r.median('total'):.0f}, "
                f"{r.size / 1024:.0f}"
            )

        line = f"{size:>6,}  {cell(en):>34}"
        for lang in chinese:
            r = by[size, lang]
            line += (
                f"  {cell(r):>39} {r.median('total') / en.median('total'):5.2f}x"
                f" {r.median('cpu') / en.median('cpu'):5.2f}x"
            )
        print(line)


def plain_ratio(r: Result) -> float:
    """Median over the rounds of render / plain table, each pair timed in the same round."""
    return statistics.median(run.render / plain for run, plain in zip(r.runs, r.plain, strict=True))


def print_plain(results: list[Result]) -> None:
    print(f"{'items':>6}  {'language':<8} {'render ms':>9} {'plain table ms':>14} {'render / plain':>14}")
    for r in results:
        plain = statistics.median(r.plain)
        print(
            f"{r.case.items:>6,}  {r.case.language:<8} {r.median('render'):9.0f} {plain:14.0f} "
            f"{plain_ratio(r):13.2f}x"
        )


def check_targets(results: list[Result], languages: list[str]) -> list[str]:
    """Print each target with PASS or FAIL; answer the failed ones."""
    by = {(r.case.items, r.case.language): r for r in results}
    sizes = sorted({r.case.items for r in results})
    failed = []

    def report(ok: bool, label: str) -> None:
        print(f"  {'PASS' if ok else 'FAIL'}  {label}")
        if not ok:
            failed.append(label)

    for size in sizes:
        en = by[size, "en"].median("total")
        for lang in languages:
            if lang == "en":
                continue
            zh = by[size, lang].median("total")
            report(
                zh <= RATIO_TARGET * en,
                f"{size:,} items: {lang} total {zh:.0f} ms <= {RATIO_TARGET} x en {en:.0f} ms "
                f"(= {RATIO_TARGET * en:.0f} ms; ratio {zh / en:.2f})",
            )
    if SIZE_TARGET_ITEMS in sizes:
        for lang in languages:
            r = by[SIZE_TARGET_ITEMS, lang]
            ratio = plain_ratio(r)
            report(
                ratio <= PLAIN_TARGET,
                f"{SIZE_TARGET_ITEMS} items: {lang} render <= {PLAIN_TARGET} x the plain table of its items "
                f"(median of the rounds' ratios {ratio:.2f}; medians {r.median('render'):.0f} and "
                f"{statistics.median(r.plain):.0f} ms)",
            )
        for lang in languages:
            size = by[SIZE_TARGET_ITEMS, lang].size
            report(
                size < SIZE_TARGET_BYTES,
                f"{SIZE_TARGET_ITEMS} items: {lang} PDF {size:,} bytes < {SIZE_TARGET_BYTES:,} (1 MB)",
            )
    else:
        print(f"  ----  PDF size target not checked: {SIZE_TARGET_ITEMS} items not measured")
    for r in results:
        if r.problems:
            for problem in r.problems:
                report(False, f"{r.case.items:,} items {r.case.language}: {problem}")
    return failed


# --------------------------------------------------------------------------- main


def main() -> None:
    args = parse_args()
    created = not BENCH_DIR.exists()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    runtime_created = not (BENCH_DIR / "runtime").exists()
    drop_database(None, SQLITE_PATH)
    work = Path(tempfile.mkdtemp(prefix="bench_pdf_"))
    try:
        failed = run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if not args.keep:
            drop_database(None, SQLITE_PATH)
            if runtime_created:
                shutil.rmtree(BENCH_DIR / "runtime", ignore_errors=True)
            if created and not any(BENCH_DIR.iterdir()):
                BENCH_DIR.rmdir()
    if failed:
        print(f"\nFAILED: {len(failed)} target(s) missed.")
        sys.exit(1)
    print("\nOK: every target met.")


def run(args: argparse.Namespace, work: Path) -> list[str]:
    setup_django(
        f"sqlite:///{SQLITE_PATH}",
        BENCH_DIR / "runtime",
        # A signing key and a document store of the benchmark's own, never the development ones.
        HANDOVER_SIGNING_DIR=str(work / "signing"),
        HANDOVER_DOCUMENT_DIR=str(work / "documents"),
    )
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    from handover.documents import seal
    from handover.documents.confirmation import FONT_STACKS

    print("Handover confirmation PDF benchmark")
    for line in environment_lines():
        print(line)
    print(
        f"Cases      {', '.join(f'{n:,}' for n in args.items)} items x {', '.join(args.languages)}; "
        f"{args.accounts} accounts and {args.materials} materials each; "
        f"{args.repeat} timed runs per case after one warm-up per language"
    )
    for lang in args.languages:
        print(f"Fonts      {lang:<8} {FONT_STACKS.get(lang, FONT_STACKS['en'])}")
    print()
    total_started = time.perf_counter()
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    print(f"Migrated a fresh database in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    seal.init()
    print(f"Made a signing key in {settings.HANDOVER_SIGNING_DIR} in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    seeder = ConfirmationSeeder(random.Random(args.seed), args.accounts, args.materials)
    cases = [seeder.add_case(items, lang) for items in args.items for lang in args.languages]
    check_grants(len(cases), seeder.rng)
    print(f"Seeded {len(cases)} signed-off cases in {time.perf_counter() - started:.1f} s")

    probe = Probe()
    results = {(c.items, c.language): Result(c, []) for c in cases}
    # The first render in a process pays for fontconfig and for loading each face: one cold run per
    # language on the smallest case, reported apart and left out of the medians.
    print("\nWarm-up (first render in the process, per language) ...", flush=True)
    for lang in args.languages:
        result = results[args.items[0], lang]
        result.cold, _ = produce_once(result.case, probe)
        print(f"  {lang:<8} {args.items[0]:>5,} items: cold {result.cold.total:7.0f} ms", flush=True)

    for size in args.items:
        print(f"\nMeasuring {size:,} items ...", flush=True)
        # Languages take turns in each round, each round starting with the next one, so that a slow
        # spell of the machine, or what a previous render left behind, hits them alike.
        for round_ in range(args.repeat):
            turn = round_ % len(args.languages)
            for lang in args.languages[turn:] + args.languages[:turn]:
                run_, _ = produce_once(results[size, lang].case, probe)
                results[size, lang].runs.append(run_)
                plain = plain_once(results[size, lang].case)
                results[size, lang].plain.append(plain)
                print(
                    f"  run {round_ + 1}/{args.repeat} {lang:<8} render {run_.render:7.0f} ms  "
                    f"seal {run_.seal:6.0f} ms  {run_.size / 1024:6.0f} KB  plain table {plain:7.0f} ms",
                    flush=True,
                )
    print("\nProducing each case once through services.confirmation_produce, and checking it ...")
    keep_dir = BENCH_DIR / "confirmation-pdfs" if args.keep else None
    if keep_dir is not None:
        keep_dir.mkdir(exist_ok=True)
    for result in results.values():
        check_service(result, keep_dir)

    ordered = [results[size, lang] for size in args.items for lang in args.languages]
    print("\n" + "=" * 100)
    print("Handover confirmation PDF benchmark: summary")
    for line in environment_lines():
        print(line)
    print(f"Whole run  {time.perf_counter() - total_started:.0f} s")
    print()
    print_details(ordered)
    print(
        "Medians of the timed runs, in ms. render = render_confirmation_pdf = html+db (queries, context,\n"
        "template) + layout (WeasyPrint HTML.render) + write (Document.write_pdf, which includes fonts:\n"
        "subsetting and embedding); seal = seal_pdf (pyHanko, PAdES B-B); total = render + seal; best: the\n"
        "fastest total; CPU: CPU time of this process for render + seal (a busy machine inflates total\n"
        "more than CPU); KB: the sealed PDF; service: one run of services.confirmation_produce (render,\n"
        "seal, store)."
    )
    print()
    print_side_by_side(ordered, args.languages)
    print()
    print_plain(ordered)
    print(
        "plain table: the same items as one bare table (6 columns, A4, the case's fonts), rendered\n"
        "by WeasyPrint right after the confirmation in each round; render / plain: the median of the\n"
        "rounds' ratios. The target is render <= 2 x plain table at 200 items."
    )
    print()
    print(
        "Cold first render (warm-up, not in the medians): "
        + ", ".join(f"{lang} {results[args.items[0], lang].cold.total:.0f} ms" for lang in args.languages)
    )
    print("Fonts embedded:")
    for lang in args.languages:
        print(f"  {lang:<8} {', '.join(results[args.items[0], lang].fonts)}")
    print()
    print("Targets")
    failed = check_targets(ordered, args.languages)
    if keep_dir is not None:
        print(f"\nKept the database {SQLITE_PATH} and the sealed PDFs in {keep_dir}")
    connections.close_all()
    return failed


if __name__ == "__main__":
    main()
