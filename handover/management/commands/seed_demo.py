import io
from base64 import b32decode
from datetime import timedelta

import segno
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.models import Department, Role, User
from handover import services
from handover.demo import Cast, drive_to, successor_of
from handover.models import AccessSystem, Departure, ItemState, State

DEMO_PASSWORD = "handover-demo"
# HR and IT must sign in with two-factor. The demo's hr and it share this published authenticator
# key (as they share the published password) and have recovery codes hrdemo01…hrdemo10 and
# itdemo01…itdemo10, each used up once, all back at the next run.
DEMO_TOTP_KEY = "HANDOVERDEMOSECRETFORHRANDITONLY"
DEMO_RECOVERY_CODES = 10

# username, display name, job title, role, language
PEOPLE = [
    ("hr", "Hana Wu 吴晗", "HR business partner", Role.HR, "en"),
    ("manager", "Ming Li 李明", "Head of e-commerce operations", Role.MANAGER, "zh-hans"),
    ("head", "Grace Lin 林嘉", "Head of customer service", Role.MANAGER, "zh-hant"),
    ("it", "Bo Huang 黄波", "IT administrator", Role.IT, "zh-hans"),
    ("leaver", "Lei Zhang 张磊", "Senior store operator", Role.STAFF, "zh-hans"),
    ("successor1", "Xiao Chen 陈晓", "Store operator", Role.STAFF, "en"),
    ("successor2", "Yan Zhao 赵燕", "Data analyst", Role.STAFF, "en"),
    ("mei", "Mei Sun 孙梅", "Customer service lead", Role.STAFF, "en"),
    ("jun", "Jun Wang 王军", "Logistics coordinator", Role.STAFF, "en"),
    ("ping", "Ping Liu 刘萍", "Finance clerk", Role.STAFF, "zh-hant"),
    ("qiang", "Qiang Zhou 周强", "Ad specialist", Role.STAFF, "en"),
    ("fang", "Fang Xu 许芳", "Product lister", Role.STAFF, "en"),
    ("tao", "Tao He 何涛", "Promotion planner", Role.STAFF, "en"),
]

# module: system, account, type, access level, demo secret (shared accounts only)
DEMO_ACCOUNTS = {
    "product": [
        (
            "Tmall / Taobao seller centre (千牛 · 天猫/淘宝卖家中心)",
            "demo旗舰店:运营1",
            "sub_account",
            "Product, promotions",
            "",
        ),
        (
            "Shopify admin",
            "ops@demo-shop.example",
            "shared",
            "Staff: products, discounts",
            "demo-Shopify-2026!",
        ),
    ],
    "orders": [
        ("ERP (e.g. Jushuitan 聚水潭, Wangdiantong 旺店通)", "zhanglei", "personal", "Order admin", "")
    ],
    "customer_service": [("WeCom (企业微信)", "zhanglei", "personal", "Customer groups owner", "")],
    "data": [
        (
            "Business intelligence dashboards (生意参谋 / BI)",
            "demo旗舰店:数据",
            "sub_account",
            "Read-only",
            "",
        )
    ],
    "logistics": [
        ("Cainiao logistics portal (菜鸟)", "demo-wh-01", "shared", "Shipping labels", "demo-cainiao-88")
    ],
    "finance": [
        ("Alipay merchant (支付宝商家)", "finance@demo-shop.example", "shared", "Reconciliation", "")
    ],
}
# module: title, category, form, location, importance
DEMO_MATERIALS = {
    "product": [
        (
            "Price floor list 2026",
            "report",
            "electronic",
            "https://drive.example/ops/price-floor-2026.xlsx",
            "high",
        )
    ],
    "orders": [
        ("After-sales SOP", "manual", "electronic", "\\\\fileserver\\ops\\SOP\\after-sales.docx", "medium")
    ],
    "finance": [
        (
            "Supplier contracts 2026 (originals)",
            "contract",
            "paper",
            "Office cabinet B, second drawer",
            "high",
        )
    ],
    "logistics": [
        ("Courier rate cards", "contract", "electronic", "https://drive.example/logistics/rates/", "medium")
    ],
    "data": [
        (
            "Monthly dashboard exports",
            "data_export",
            "electronic",
            "https://drive.example/data/monthly/",
            "low",
        )
    ],
}

# leaver, target state, case language, notice days ago, days from notice to last day, modules
CASES = [
    ("leaver", State.EXECUTING, "zh-hans", 10, 30, ["product", "orders", "customer_service", "data"]),
    ("mei", State.PREPARING, "en", 3, 21, ["customer_service", "team"]),
    ("jun", State.TRIAL_RUN, "en", 20, 28, ["logistics", "orders"]),
    ("ping", State.SIGNED_OFF, "zh-hant", 25, 30, ["finance"]),
    ("qiang", State.INTENT_CONFIRMED, "en", 1, 10, ["data", "product"]),
    ("fang", State.AFTERCARE, "en", 50, 30, ["product"]),
    ("tao", State.CLOSED, "en", 90, 30, ["product", "data"]),
]


class Command(BaseCommand):
    help = "Create demo people and departure cases in several states (safe to run again)."

    def handle(self, *args, **options):
        with transaction.atomic():
            people = self._people()
            created = 0
            if not Departure.objects.exists():
                for spec in CASES:
                    self._case(people, *spec)
                    created += 1
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} new cases)."))
        self.stdout.write(
            f"Log in at {settings.HANDOVER_BASE_URL} with any of these (password: {DEMO_PASSWORD}):"
        )
        for username, name, title, role, _language in PEOPLE:
            self.stdout.write(f"  {username:<11} {name} · {title} ({role})")
        self._two_factor_instructions(people)

    def _people(self) -> dict[str, User]:
        department, _ = Department.objects.get_or_create(name="E-commerce operations")
        people = {}
        for username, name, title, role, language in PEOPLE:
            user, made = User.objects.get_or_create(
                username=username,
                defaults={
                    "display_name": name,
                    "job_title": title,
                    "email": f"{username}@demo.handover.local",
                    "language": language,
                    "department": department,
                },
            )
            if made:
                user.set_password(DEMO_PASSWORD)
                user.save()
            user.groups.add(Group.objects.get_or_create(name=role)[0])
            people[username] = user
        for username in ("hr", "it"):
            self._two_factor(people[username])
        people["hr"].is_staff = people["hr"].is_superuser = True
        people["hr"].save(update_fields=["is_staff", "is_superuser"])
        department.head = people["head"]
        department.save(update_fields=["head"])
        return people

    def _two_factor(self, user: User) -> None:
        """The demo authenticator and recovery codes, unless the person set up their own app."""
        if two_factor.authenticator(user) is None:
            TOTPDevice.objects.filter(user=user).delete()
            TOTPDevice.objects.create(
                user=user, name="Demo authenticator", confirmed=True, key=b32decode(DEMO_TOTP_KEY).hex()
            )
        device, _ = StaticDevice.objects.get_or_create(user=user, defaults={"name": "Recovery codes"})
        have = set(device.token_set.values_list("token", flat=True))
        for number in range(1, DEMO_RECOVERY_CODES + 1):
            token = f"{user.username}demo{number:02d}"
            if token not in have:
                device.token_set.create(token=token)

    def _two_factor_instructions(self, people: dict[str, User]) -> None:
        demo_key = b32decode(DEMO_TOTP_KEY).hex()
        if not TOTPDevice.objects.filter(user=people["hr"], confirmed=True, key=demo_key).exists():
            return
        spaced = " ".join(DEMO_TOTP_KEY[i : i + 4] for i in range(0, len(DEMO_TOTP_KEY), 4))
        self.stdout.write(
            "hr and it (HR, IT) also type a code after the password: the 6-digit code of an\n"
            f"authenticator app given the time-based key {spaced}\n"
            "or this QR code; without an app, a recovery code hrdemo01 to hrdemo10 (it: itdemo01\n"
            "to itdemo10), each working once until the next run."
        )
        # One short address, so that the picture stays small; the codes are those of hr and it.
        address = f"otpauth://totp/Handover:demo?secret={DEMO_TOTP_KEY}&issuer=Handover"
        picture = io.StringIO()
        segno.make(address, error="l").terminal(out=picture, compact=True, border=2)
        self.stdout.write(picture.getvalue(), ending="")

    def _case(self, people, leaver, target, language, notice_ago, notice_days, modules) -> None:
        today = timezone.localdate()
        notice = today - timedelta(days=notice_ago)
        last_day = notice + timedelta(days=notice_days)
        successors = {
            kind: people["successor2"] if kind in ("data", "finance", "team") else people["successor1"]
            for kind in modules
        }
        departure = services.departure_open(
            actor=people["hr"],
            employee=people[leaver],
            manager=people["manager"],
            successors=successors,
            reason_category="career",
            reason_text="想去更大的平台发展。" if language != "en" else "Moving to a larger platform.",
            notice_date=notice,
            last_working_day=last_day,
            language=language,
            support_until=max(last_day, today - timedelta(days=1)) if target == State.CLOSED else None,
        )
        cast = Cast(hr=people["hr"], manager=people["manager"], leaver=people[leaver], password=DEMO_PASSWORD)
        if target != State.INTENT_CONFIRMED:
            departure = drive_to(departure, State.PREPARING, cast)
            self._inventory(departure, people[leaver])
        departure = drive_to(departure, target, cast)
        if target == State.EXECUTING:
            self._halfway(departure, people[leaver])

    def _inventory(self, departure: Departure, leaver: User) -> None:
        """The accounts and materials an operator in these modules typically holds."""
        systems = {system.name: system for system in AccessSystem.objects.all()}
        for module in departure.modules.all():
            for system_name, account, kind, level, secret in DEMO_ACCOUNTS.get(module.kind, []):
                if system_name in systems:
                    services.access_create(
                        actor=leaver,
                        departure=departure,
                        module=module,
                        system=systems[system_name],
                        account=account,
                        kind=kind,
                        access_level=level,
                        credential_location="1Password: E-commerce / " + system_name.split(" (")[0],
                        secret=secret,
                    )
            for title, category, medium, location, importance in DEMO_MATERIALS.get(module.kind, []):
                services.material_create(
                    actor=leaver,
                    departure=departure,
                    module=module,
                    title=title,
                    category=category,
                    medium=medium,
                    location=location,
                    importance=importance,
                    purpose="Needed for the day-to-day work of this module.",
                )

    def _halfway(self, departure: Departure, leaver: User) -> None:
        """Leave the main demo case mid-way: some items handed over, some accepted, one question."""
        module = departure.modules.first()
        assert module is not None  # every demo case is opened with modules
        items = list(module.items.select_related("module__successor").filter(state=ItemState.PENDING))
        for item in items[:3]:
            services.item_hand_over(actor=leaver, departure=departure, item_id=item.pk)
        if len(items) >= 3:
            successor = successor_of(items[0].module)
            services.item_accept(actor=successor, departure=departure, item_id=items[0].pk)
            services.item_return(
                actor=successor,
                departure=departure,
                item_id=items[1].pk,
                question="Which sub-account edits the price floor list?",
            )
