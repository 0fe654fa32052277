import io
from base64 import b32decode
from datetime import timedelta

import segno
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone, translation
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.models import Department, Role, User
from handover import services
from handover.aftercare_links import personal_link
from handover.demo import Cast, drive_to, successor_of
from handover.models import AccessSystem, Audience, Confidence, Departure, HandoverModule, ItemState, State

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


def first_module(departure: Departure) -> HandoverModule:
    """The case's first module, with its successor: where the demo's later situations happen."""
    module = departure.modules.select_related("successor").order_by("position").first()
    assert module is not None  # every demo case is opened with modules
    return module


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
        former = Departure.objects.filter(state=State.AFTERCARE).first()
        if former is not None:
            link = settings.HANDOVER_BASE_URL.rstrip("/") + personal_link(former.pk, former.employee_id)
            self.stdout.write(
                f"{former.employee.username} has left: their login ended; they answer their former "
                f"colleagues' questions here (the link their mails carry):\n  {link}"
            )
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
            token = two_factor.stored_code(f"{user.username}demo{number:02d}")
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
        cast = Cast(
            hr=people["hr"],
            manager=people["manager"],
            leaver=people[leaver],
            password=DEMO_PASSWORD,
            announce=False,
        )
        if target != State.INTENT_CONFIRMED:
            departure = drive_to(departure, State.PREPARING, cast)
            self._inventory(departure, people[leaver])
            if target == State.CLOSED:
                self._taught(departure, cast)
            if target != State.PREPARING:
                # The case in preparation leaves HR the announcement to review and send.
                self._announce(departure, people["hr"])
        if target == State.CLOSED:
            departure = drive_to(departure, State.AFTERCARE, cast)
            # The daily task ended the former employee's login in aftercare, as it does.
            services.former_logins_end()
        departure = drive_to(departure, target, cast)
        if target == State.EXECUTING:
            self._halfway(departure, people[leaver])
            self._shown_and_learnt(departure, cast)
            self._manual(departure, cast.leaver)
        elif target == State.TRIAL_RUN:
            self._trying(departure, cast)
        elif target in (State.SIGNED_OFF, State.AFTERCARE):
            self._upkeep(departure, cast, done=target == State.AFTERCARE)
            self._feedback(departure, cast)
        if target == State.AFTERCARE:
            self._alumni(departure, cast)
            self._aftercare(departure, cast)

    def _feedback(self, departure: Departure, cast: Cast) -> None:
        """The survey of the sign-off: the leaver answered anonymously, a successor and the manager
        with their names."""
        module = first_module(departure)
        questions = ("time_enough", "materials_complete", "demonstrations_useful", "trial_useful")
        answers = [
            (cast.leaver, (2, 4, 4, 3), "Two weeks were too short for the supplier contacts.", True),
            (
                successor_of(module),
                (3, 4, 5, 5),
                "The live demonstration of the refund review helped most.",
                False,
            ),
            (cast.manager, (3, 5, 4, 4), "", False),
        ]
        for person, ratings, comment, anonymous in answers:
            services.feedback_give(
                actor=person,
                departure=departure,
                ratings=dict(zip(questions, ratings, strict=True)),
                comment=comment,
                anonymous=anonymous,
            )

    def _alumni(self, departure: Departure, cast: Cast) -> None:
        """The leaver agreed to stay in touch; HR noted they would rehire them."""
        services.alumni_join(
            actor=cast.leaver,
            departure=departure,
            contact=f"{cast.leaver.username}.private@example.org",
            news=True,
            events=True,
        )
        services.rehire_note_save(
            actor=cast.hr, departure=departure, rehire="yes", note="Strong on supplier negotiations."
        )

    def _aftercare(self, departure: Departure, cast: Cast) -> None:
        """The former employee answered one question of their successor; another waits. Their
        normal login has ended (the last working day is over)."""
        module = first_module(departure)
        answered = services.question_ask(
            actor=successor_of(module),
            departure=departure,
            module_id=module.pk,
            question="Which supplier gives us the 11.11 promotion prices, and by when?",
        )
        services.question_answer(
            actor=cast.leaver,
            departure=departure,
            question_id=answered.pk,
            answer="Hangzhou Textiles; their price list arrives in mid-October, see the shared drive.",
        )
        services.question_ask(
            actor=cast.manager,
            departure=departure,
            module_id=module.pk,
            question="Where did you keep the log-in for the old photo studio account?",
        )
        # Before leaving, the leaver wrote the module's manual; the successor added the answer to it.
        self._manual(departure, cast.leaver)
        services.manual_add_answer(
            actor=successor_of(module), departure=departure, module_id=module.pk, question_id=answered.pk
        )
        services.former_logins_end()

    def _manual(self, departure: Departure, leaver: User) -> None:
        """The first module's operation manual, as its leaver wrote it from the items' steps."""
        module = first_module(departure)
        introduction = (
            "这份手册写给接手这项工作的人：先读“注意事项”，再按步骤操作。"
            if departure.language != "en"
            else "For whoever does this work next: read the cautions first, then follow the steps."
        )
        start = services.manual_start(module, departure.language)
        heading, _, rest = start.partition("\n")
        services.manual_save(
            actor=leaver,
            departure=departure,
            module_id=module.pk,
            body=f"{heading}\n\n{introduction}\n{rest}",
            base_version=0,
        )

    def _taught(self, departure: Departure, cast: Cast) -> None:
        """What the closed case taught, which it proposes for the template when it closes: an item
        the template lacks and a lesson learned."""
        module = first_module(departure)
        services.item_create(
            actor=cast.leaver,
            departure=departure,
            module=module,
            title="Renew the brand registry before it lapses",
            steps="Upload the trademark certificate in the brand registry portal; renewal takes 10 days.",
            cautions="A lapsed registry hides every listing of the brand.",
        )
        services.lesson_add(
            actor=cast.leaver,
            departure=departure,
            module_id=module.pk,
            went_wrong="A promotion went live with last year's prices.",
            solved="Prices are now checked against the supplier's list by a second person.",
            watch="Compare promotion prices with the latest supplier list before publishing.",
        )

    def _announce(self, departure: Departure, hr: User) -> None:
        """HR sends the announcement Handover drafted, in the case's language, to the department."""
        with translation.override(departure.language):
            draft = services.announcement_draft(departure)
        services.announcement_send(
            actor=hr,
            departure=departure,
            text=draft.text,
            contact=draft.contact,
            audience=Audience.DEPARTMENT if departure.department_id else Audience.CASE,
        )

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

    def _shown_and_learnt(self, departure: Departure, cast: Cast) -> None:
        """A demonstration held and seen, another to come, a lesson learned and a module at risk."""
        now = timezone.now()
        chinese = departure.language != "en"
        modules = list(departure.modules.select_related("successor").order_by("position"))
        first, *others = modules
        successor = successor_of(first)
        held = services.demonstration_schedule(
            actor=cast.leaver,
            departure=departure,
            title="商品上架与价格设置" if chinese else "Listing products and setting prices",
            scheduled_at=now - timedelta(days=1),
            location="会议室 3" if chinese else "Room 3",
            item_ids=list(first.items.values_list("pk", flat=True)[:2]),
            attendee_ids=[successor.pk, cast.manager.pk],
        )
        services.demonstration_record(
            actor=cast.leaver,
            departure=departure,
            demonstration_id=held.pk,
            held_at=now - timedelta(days=1) + timedelta(hours=1),
            notes="Walked through a full listing, then the price floor check.",
        )
        services.demonstration_confirm(actor=successor, departure=departure, demonstration_id=held.pk)
        if others:
            services.demonstration_schedule(
                actor=cast.manager,
                departure=departure,
                title="订单处理与退款" if chinese else "Handling orders and refunds",
                scheduled_at=now + timedelta(days=2),
                location="https://meet.example/handover",
                item_ids=list(others[0].items.values_list("pk", flat=True)[:2]),
                attendee_ids=[successor_of(others[0]).pk],
            )
            services.module_check_in(
                actor=cast.manager,
                departure=departure,
                module_id=others[0].pk,
                confidence=Confidence.AT_RISK,
                note="The successor has not yet handled a refund dispute alone.",
            )
        services.lesson_add(
            actor=cast.leaver,
            departure=departure,
            module_id=modules[-1].pk,
            went_wrong="Refund reviews took too long: every refund waited for the manager.",
            solved="Support got refund permission up to 200 and the approval flow was shortened.",
            watch="Check the refund queue every morning; escalate anything older than a day.",
        )

    def _trying(self, departure: Departure, cast: Cast) -> None:
        """The trial run under way: one module's items accepted, a trial task done and waiting for
        the leaver, one sent back, one still to do."""
        modules = list(departure.modules.select_related("successor").order_by("position"))
        module = modules[0]
        successor = successor_of(module)
        for item in module.items.filter(state=ItemState.HANDED_OVER):
            services.item_accept(actor=successor, departure=departure, item_id=item.pk)
        done, sent_back, _todo = (
            services.trial_task_create(actor=cast.leaver, departure=departure, module=module, title=title)
            for title in (
                "Book next week's courier pick-ups",
                "Reconcile last month's courier invoice",
                "Handle a lost-parcel claim",
            )
        )
        for task in (done, sent_back):
            services.trial_task_complete(
                actor=successor, departure=departure, task_id=task.pk, note="Done while being watched."
            )
        services.trial_task_rework(
            actor=cast.leaver,
            departure=departure,
            task_id=sent_back.pk,
            feedback="Two surcharges were missed: check the fuel surcharge lines.",
        )
        services.module_check_in(
            actor=cast.manager,
            departure=departure,
            module_id=module.pk,
            confidence=Confidence.ON_TRACK,
            note="Confident after our talk; the invoice check needs one more round.",
        )

    def _upkeep(self, departure: Departure, cast: Cast, *, done: bool) -> None:
        """Upkeep left to the successor after the sign-off; done already once in aftercare."""
        module = first_module(departure)
        follow_up = services.follow_up_add(
            actor=cast.manager,
            departure=departure,
            module_id=module.pk,
            title="Review the price floor list before the next big promotion",
            due_date=timezone.localdate() + timedelta(days=14),
        )
        if done:
            services.follow_up_complete(
                actor=successor_of(module),
                departure=departure,
                follow_up_id=follow_up.pk,
                note="Reviewed with the category manager.",
            )
