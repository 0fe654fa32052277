"""Bulk seeding for the benchmark scripts: people, departments and the rows of a case, built with ids
of our own and inserted with bulk_create, one transaction a batch.

Going through the services would take hours at benchmark sizes, so the rows are built the way the
services would have left them. Object permissions are the exception to "built by hand": they come
from ``handover.permissions.case_grants``, the rule the services grant by, and ``check_grants``
compares a sample of stored cases with ``grants_for``.

The scripts import it as ``seeding`` (Python puts the script's own folder first on sys.path).
"""

from __future__ import annotations

import random
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

FIRST_NAMES = [
    "Anna", "Ben", "Carla", "David", "Elif", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kira", "Luca",
    "Maya", "Nils", "Olga", "Pavel", "Quinn", "Rosa", "Sven", "Tara", "Umar", "Vera", "Wim", "Yara",
]  # fmt: skip
LAST_NAMES = [
    "Andersen", "Bauer", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Hoffmann", "Ivanova",
    "Jensen", "Kowalski", "Larsen", "Moreau", "Novak", "Okafor", "Petrov", "Rossi", "Schmidt",
    "Tanaka", "Urban", "Visser", "Weber", "Young", "Zimmermann",
]  # fmt: skip
ZH_SURNAMES = {
    "zh-hans": list("王李张刘陈杨黄赵周吴徐孙马朱郭罗"),
    "zh-hant": list("王李張劉陳楊黃趙周吳徐孫馬朱郭羅"),
}
ZH_GIVEN = {
    "zh-hans": [
        "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "军", "杰", "涛", "晓明", "志强",
        "海燕",
    ],
    "zh-hant": [
        "偉", "芳", "娜", "敏", "靜", "麗", "強", "磊", "洋", "豔", "軍", "傑", "濤", "曉明", "志強",
        "海燕",
    ],
}  # fmt: skip
JOB_TITLES = ["Operations specialist", "Store manager", "Data analyst", "Buyer", "Service lead", "Planner"]
# Materials per language: title, category, medium, location ({n} numbers them).
MATERIALS = {
    "en": [
        ("Supplier framework contract {n}", "contract", "paper", "Cabinet B, shelf {n}, folder 'Suppliers'"),
        ("Monthly sales report {n}", "report", "electronic", "https://drive.example.com/reports/{n}"),
        ("Store operations manual {n}", "manual", "electronic", "//fileserver/ops/manuals/{n}.docx"),
        ("Invoices {n}", "invoice", "paper", "Archive room 2, box {n}"),
        ("Customer export {n}", "data_export", "electronic", "https://bi.example.com/exports/{n}.xlsx"),
        (
            "Mail folder 'Platform notices' {n}",
            "mail_folder",
            "electronic",
            "Company mail, shared folder {n}",
        ),
    ],
    "zh-hans": [
        ("供应商框架合同 {n}", "contract", "paper", "B柜第{n}层，“供应商”文件夹"),
        ("月度销售报表 {n}", "report", "electronic", "https://drive.example.com/reports/{n}"),
        ("店铺运营手册 {n}", "manual", "electronic", "//fileserver/ops/manuals/{n}.docx"),
        ("发票 {n}", "invoice", "paper", "2号档案室，第{n}箱"),
        ("客户数据导出 {n}", "data_export", "electronic", "https://bi.example.com/exports/{n}.xlsx"),
        ("邮件文件夹“平台通知” {n}", "mail_folder", "electronic", "公司邮箱，共享文件夹 {n}"),
    ],
    "zh-hant": [
        ("供應商框架合約 {n}", "contract", "paper", "B櫃第{n}層，「供應商」資料夾"),
        ("月度銷售報表 {n}", "report", "electronic", "https://drive.example.com/reports/{n}"),
        ("商店營運手冊 {n}", "manual", "electronic", "//fileserver/ops/manuals/{n}.docx"),
        ("發票 {n}", "invoice", "paper", "2號檔案室，第{n}箱"),
        ("客戶資料匯出 {n}", "data_export", "electronic", "https://bi.example.com/exports/{n}.xlsx"),
        ("郵件資料夾「平台通知」 {n}", "mail_folder", "electronic", "公司信箱，共用資料夾 {n}"),
    ],
}


@contextmanager
def explicit_timestamps(*fields):
    """Let bulk_create store the dates we give instead of now (auto_now / auto_now_add off)."""
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


@dataclass
class Person:
    id: int
    name: str


@dataclass
class Batch:
    """Rows inserted together in one transaction (``Seeder.insert``), parents first."""

    users: list = field(default_factory=list)
    memberships: list = field(default_factory=list)
    departures: list = field(default_factory=list)
    modules: list = field(default_factory=list)
    items: list = field(default_factory=list)
    trial_tasks: list = field(default_factory=list)
    meetings: list = field(default_factory=list)
    signatures: list = field(default_factory=list)
    documents: list = field(default_factory=list)
    accesses: list = field(default_factory=list)
    materials: list = field(default_factory=list)
    events: list = field(default_factory=list)
    grants: list = field(default_factory=list)


class Seeder:
    """Builds people and cases straight as rows, the way the services would have left them. Each
    script subclasses it with the cases it measures."""

    def __init__(self, rng: random.Random):
        from django.contrib.auth.models import Group, Permission
        from django.utils import timezone

        from accounts.models import User
        from handover import models as m
        from handover.models.checklist import MODULE_ORDER

        self.m = m
        self.m_user = User
        self.m_membership = User.groups.through
        self.rng = rng
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.tz = timezone.get_current_timezone()
        self.module_order = MODULE_ORDER
        self.groups = {g.name: g.pk for g in Group.objects.all()}
        self.perm = {
            p.codename: p.pk
            for p in Permission.objects.filter(
                content_type__app_label="handover", content_type__model="departure"
            )
        }
        self.ids: dict[str, int] = {}

    # ---------------------------------------------------------------- helpers

    def new_id(self, model: str) -> int:
        self.ids[model] = self.ids.get(model, 0) + 1
        return self.ids[model]

    def at(self, day: date, hour: int = 10, minute: int = 0) -> datetime:
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.tz)

    def person_name(self, language: str = "en") -> str:
        if language == "en":
            return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"
        return self.rng.choice(ZH_SURNAMES[language]) + self.rng.choice(ZH_GIVEN[language])

    def add_user(
        self, batch: Batch, username: str, name: str, group: str, department: int | None, **extra
    ) -> Person:
        """A user in one global role group; ``extra`` sets other fields (job_title, language …)."""
        user_id = self.new_id("user")
        fields = {"language": "en", **extra}
        batch.users.append(
            self.m_user(
                id=user_id,
                username=username,
                display_name=name,
                email=f"{username}@example.com",
                password="!bench-unusable",
                department_id=department,
                date_joined=self.now - timedelta(days=2000),
                **fields,
            )
        )
        batch.memberships.append(self.m_membership(user_id=user_id, group_id=self.groups[group]))
        return Person(user_id, name)

    # ---------------------------------------------------------------- people

    def seed_people(
        self, departments: list[str], *, hr: int, managers: int, staff: int, it: bool = False
    ) -> None:
        """``hr`` HR users (``hr_busy`` first), ``it_busy`` of IT if asked, the departments with
        ``managers`` managers each (the first heads it; ``mgr_busy`` heads department 1), and
        ``staff`` staff spread over the departments (``succ_busy``, the first, in department 1)."""
        from accounts.models import Department

        rows = [Department(id=i + 1, name=name) for i, name in enumerate(departments)]
        Department.objects.bulk_create(rows)
        self.department_names = {d.pk: d.name for d in rows}
        batch = Batch()
        self.hr_busy = self.add_user(
            batch, "hr_busy", "Hana Huang", "HR", None, job_title="HR business partner"
        )
        self.hr = [self.hr_busy] + [
            self.add_user(batch, f"hr{i:02d}", self.person_name(), "HR", None) for i in range(2, hr + 1)
        ]
        if it:
            # IT sees the risk list too, with a revoke link on every row (and no case).
            self.add_user(batch, "it_busy", "Ivan Ito", "IT", None, job_title="IT administrator")
        self.managers: dict[int, list[Person]] = {}
        for d in rows:
            self.managers[d.pk] = [
                self.add_user(
                    batch,
                    "mgr_busy" if (d.pk, i) == (1, 0) else f"mgr{d.pk:02d}{i}",
                    "Mia Meyer" if (d.pk, i) == (1, 0) else self.person_name(),
                    "Manager",
                    d.pk,
                    job_title="Department head" if i == 0 else "Team lead",
                )
                for i in range(managers)
            ]
        self.staff: dict[int, list[Person]] = {}
        for n in range(staff):
            d = rows[n % len(rows)].pk
            username, name = ("succ_busy", "Sam Sun") if n == 0 else (f"staff{n:04d}", self.person_name())
            person = self.add_user(batch, username, name, "Staff", d, job_title=self.rng.choice(JOB_TITLES))
            self.staff.setdefault(d, []).append(person)
        self.insert(batch)
        self.heads = {d.pk: self.managers[d.pk][0] for d in rows}
        for d in rows:
            d.head_id = self.heads[d.pk].id
        Department.objects.bulk_update(rows, ["head"])
        self.mgr_busy = self.heads[1]
        self.succ_busy = self.staff[1][0]

    # ---------------------------------------------------------------- rows of a case

    def add_departure(
        self,
        batch: Batch,
        case_id: int,
        *,
        state: str,
        leaver: Person,
        hr: Person,
        manager: Person,
        department: int,
        notice: date,
        last_day: date,
        created: datetime,
        updated: datetime,
        language: str = "en",
        title: str = "Operations specialist",
        reason: str = "career",
        reason_text: str = "A new role closer to home.",
    ) -> None:
        batch.departures.append(
            self.m.Departure(
                id=case_id,
                number=f"HO-{created:%Y}-{case_id:05d}",
                employee_id=leaver.id,
                hr_owner_id=hr.id,
                manager_id=manager.id,
                department_id=department,
                employee_name=leaver.name,
                employee_title=title,
                manager_name=manager.name,
                hr_owner_name=hr.name,
                department_name=self.department_names[department],
                reason_category=reason,
                reason_text=reason_text,
                notice_date=notice,
                last_working_day=last_day,
                support_until=last_day + timedelta(days=30),
                language=language,
                state=state,
                created_at=created,
                updated_at=updated,
            )
        )

    def add_module(self, batch: Batch, case_id: int, kind: str, successor: Person | None):
        module = self.m.HandoverModule(
            id=self.new_id("module"),
            departure_id=case_id,
            kind=kind,
            position=self.module_order[kind],
            successor_id=successor.id if successor else None,
            successor_name=successor.name if successor else "",
        )
        batch.modules.append(module)
        return module

    def add_grants(self, batch: Batch, case_id: int, **holders) -> None:
        """The case's object permissions, by the rule the services grant them:
        ``handover.permissions.case_grants(**holders)`` (hr_owner_id, manager_id, employee_id,
        successor_ids, head_id), as rows for the bulk insert."""
        from handover.permissions import case_grants

        batch.grants.extend(
            self.m.DepartureUserObjectPermission(
                user_id=user_id, permission_id=self.perm[code], content_object_id=case_id
            )
            for user_id, codes in case_grants(**holders).items()
            for code in codes
        )

    # ---------------------------------------------------------------- writing

    def insert(self, batch: Batch) -> None:
        from django.db import transaction

        m, size = self.m, 2000
        stamped = (
            m.Departure._meta.get_field("created_at"),
            m.Departure._meta.get_field("updated_at"),
            m.Event._meta.get_field("created_at"),
            m.Signature._meta.get_field("signed_at"),
            m.TrialTask._meta.get_field("created_at"),
            m.ConfirmationDocument._meta.get_field("created_at"),
        )
        with explicit_timestamps(*stamped), transaction.atomic():
            self.m_user.objects.bulk_create(batch.users, batch_size=size)
            self.m_membership.objects.bulk_create(batch.memberships, batch_size=size)
            m.Departure.objects.bulk_create(batch.departures, batch_size=size)
            m.HandoverModule.objects.bulk_create(batch.modules, batch_size=size)
            m.ChecklistItem.objects.bulk_create(batch.items, batch_size=size)
            m.TrialTask.objects.bulk_create(batch.trial_tasks, batch_size=size)
            m.HandoverMeeting.objects.bulk_create(batch.meetings, batch_size=size)
            m.Signature.objects.bulk_create(batch.signatures, batch_size=size)
            m.ConfirmationDocument.objects.bulk_create(batch.documents, batch_size=size)
            m.Access.objects.bulk_create(batch.accesses, batch_size=size)
            m.Material.objects.bulk_create(batch.materials, batch_size=size)
            m.Event.objects.bulk_create(batch.events, batch_size=size)
            m.DepartureUserObjectPermission.objects.bulk_create(batch.grants, batch_size=size)

    def finish(self) -> None:
        """After a bulk load: sequences past our explicit ids (PostgreSQL), fresh planner statistics
        and visibility map."""
        from django.apps import apps
        from django.core.management.color import no_style
        from django.db import connection

        from accounts.grants import grants_changed

        grants_changed()  # the memberships were written as rows, which sends no signal
        if connection.vendor == "postgresql":
            models = [
                model for app in ("handover", "accounts") for model in apps.get_app_config(app).get_models()
            ]
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(statement)
                # What autovacuum would have done by the time anyone looks at the page (the vacuum
                # lets counts read an index alone).
                cursor.execute("VACUUM ANALYZE")


def check_grants(sample: int, rng: random.Random) -> None:
    """The stored permissions of ``sample`` random cases must equal what permissions.grants_for
    derives; stops the run if not."""
    from handover.models import Departure, DepartureUserObjectPermission
    from handover.permissions import grants_for

    ids = list(Departure.objects.values_list("pk", flat=True))
    for departure in Departure.objects.filter(pk__in=rng.sample(ids, min(sample, len(ids)))).select_related(
        "department"
    ):
        wanted = {(u, c) for u, codes in grants_for(departure).items() for c in codes}
        stored = set(
            DepartureUserObjectPermission.objects.filter(content_object=departure).values_list(
                "user_id", "permission__codename"
            )
        )
        if wanted != stored:
            raise SystemExit(
                f"Seeded permissions of case {departure.pk} differ from grants_for: {wanted ^ stored}"
            )
