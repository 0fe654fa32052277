"""axe-core (vendored, MPL-2.0) checks the main pages against WCAG 2 A/AA rules in Chromium:
labelled controls, landmarks, contrast, headings, ARIA use; at desktop and phone widths."""

import json
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from handover import services, vault
from handover.aftercare_links import personal_link
from handover.documents.storage import document_storage
from handover.models import (
    AccessSystem,
    Channel,
    ChatChannel,
    ConfirmationDocument,
    Departure,
    OutboxMessage,
    OutboxState,
    State,
)
from handover.services.templates import template_proposals_make
from tests.factories import PASSWORD, UserFactory, section_paths

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def violations(
    page: Page, path: str, language: str, prepare: Callable[[Page], None] | None = None
) -> list[dict]:
    page.goto(path)
    if prepare is not None:
        prepare(page)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("options => axe.run(document, options)", RULES)
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "nodes": [n["target"] for n in v["nodes"][:3]],
            "lang": language,
            "page": path + (f" ({prepare.__name__})" if prepare else ""),
        }
        for v in result["violations"]
    ]


def violations_logged_in(log_in, pages: list[tuple], width: int) -> list[dict]:
    """The violations of each (user, path, language, prepare) page, in one logged-in browser context
    per person (bypass_csp, so that axe can be injected); each page is loaded fresh in it."""
    sessions: dict[int, Page] = {}
    found = []
    for user, path, language, prepare in pages:
        if user.pk not in sessions:
            sessions[user.pk] = log_in(user, width=width, bypass_csp=True)
        found += violations(sessions[user.pk], path, language, prepare)
    for page in sessions.values():
        page.context.close()
    return found


# One good row and one bad row: the preview shows the table, a row's errors and the alert.
IMPORT_FILE = (
    b"Module,System,Account,Access level,Type,Where the credential is kept,Secret\n"
    b"product,Shopify admin,orders@example.com,Staff,personal,,\n"
    b"product,Nonexistent Shop,ghost@example.com,Admin,personal,,\n"
)


def import_preview(page: Page) -> None:
    # By element, not by label: the leaver reads the page in Chinese.
    page.locator("input[type=file]").set_input_files(
        {"name": "accounts.csv", "mimeType": "text/csv", "buffer": IMPORT_FILE}
    )
    page.locator("form.card button[type=submit]").click()
    expect(page.locator("table.preview tbody tr.bad")).to_have_count(1)


def reveal(page: Page) -> None:
    page.get_by_label("Your own password").fill(PASSWORD)
    page.get_by_role("button", name="Reveal", exact=True).click()
    expect(page.locator("#revealed-secret")).to_have_text("Tr0ub4dor&3")


def add_inventory(departure: Departure, people) -> dict[str, int]:
    """Accounts and materials in several states on the case, and the case past its last day."""
    shop = AccessSystem.objects.get_or_create(name="Shopify admin", defaults={"category": "marketplace"})[0]
    ads = AccessSystem.objects.get_or_create(name="Ads manager", defaults={"category": "advertising"})[0]
    product = departure.modules.get(kind="product")
    orders = departure.modules.get(kind="orders")
    shared = services.access_create(
        actor=people.leaver,
        departure=departure,
        module=product,
        system=shop,
        account="shop-ops@example.com",
        kind="shared",
        access_level="Staff (products, orders)",
        credential_location="Vault: E-commerce / Shopify",
        secret="Tr0ub4dor&3",
    )
    personal = services.access_create(
        actor=people.leaver, departure=departure, module=orders, system=ads, account="leo", kind="personal"
    )
    services.access_transfer(
        actor=people.successor_b, departure=departure, access_id=personal.pk, method="own_identity"
    )
    services.material_create(
        actor=people.leaver,
        departure=departure,
        module=product,
        title="Supplier contracts 2026",
        category="contract",
        location="https://drive.example.com/contracts",
        medium="electronic",
        importance="high",
        purpose="Originals for the annual audit",
    )
    found = services.material_create(
        actor=people.leaver,
        departure=departure,
        module=orders,
        title="Returns manual",
        category="manual",
        location="Office cabinet B, second drawer",
        medium="paper",
        importance="low",
    )
    services.material_found(actor=people.successor_b, departure=departure, material_id=found.pk)
    # Past the last working day both accounts are still open: overdue on the case, listed for HR.
    today = timezone.localdate()
    Departure.objects.filter(pk=departure.pk).update(
        notice_date=today - timedelta(days=33), last_working_day=today - timedelta(days=3)
    )
    return {"access": shared.pk, "system": shop.pk}


def materials_by_tab(page: Page) -> None:
    """The materials loaded in place by their tab, filtered in place: the page as htmx leaves it."""
    page.get_by_role("navigation", name="Parts of the case").get_by_role("link", name="Materials").click()
    expect(page).to_have_url(re.compile("/materials/$"))
    page.get_by_label("Show").select_option("to_find")
    expect(page).to_have_url(re.compile("show=to_find"))
    expect(page.get_by_label("Show")).to_have_value("to_find")


def open_all(page: Page) -> None:
    """Every folded form open (the check-in, the lesson learned, adding an item): what axe checks."""
    page.evaluate("document.querySelectorAll('details').forEach((details) => { details.open = true; })")


def note_check_in_and_lesson(departure: Departure, people) -> None:
    module = departure.modules.first()
    services.module_check_in(
        actor=people.manager, departure=departure, module_id=module.pk, confidence="at_risk", note="Unsure."
    )
    services.lesson_add(
        actor=people.leaver,
        departure=departure,
        module_id=module.pk,
        item_id=module.items.first().pk,
        went_wrong="Refund reviews took three days.",
        solved="Refund permissions for the team.",
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_main_pages_pass_axe(log_in, open_page, people, make_case, default_templates, width):
    people.leaver.language = "zh-hans"
    people.leaver.save()
    departure = make_case(State.EXECUTING)
    ids = add_inventory(departure, people)
    note_check_in_and_lesson(departure, people)
    reveal_path = reverse("handover:access_reveal", args=[departure.pk, ids["access"]])
    import_path = reverse("handover:inventory_import", args=[departure.pk])
    bulk_path = reverse("handover:items_bulk", args=[departure.pk, departure.modules.first().pk, "hand_over"])
    module = departure.modules.first()
    sections = section_paths(departure)
    module_path = reverse("handover:case_module", args=[departure.pk, module.pk])
    unannounced = make_case(State.PREPARING, announced=False, employee=UserFactory(username="mo"))
    former = UserFactory(username="fo", language="zh-hans")
    after = make_case(State.AFTERCARE, employee=former)
    services.question_ask(
        actor=people.successor_a,
        departure=after,
        module_id=after.modules.first().pk,
        question="Where is the price list?",
    )
    aftercare_path = reverse("handover:case_aftercare", args=[after.pk])
    services.alumni_join(actor=former, departure=after, contact="fo@example.org", news=True)
    services.feedback_give(
        actor=people.manager,
        departure=after,
        ratings={"time_enough": 3, "materials_complete": 4, "demonstrations_useful": 5, "trial_useful": 2},
        comment="Plan the trial run earlier.",
    )
    services.manual_save(
        actor=people.leaver,
        departure=departure,
        module_id=module.pk,
        body="# 上架\n\n- 第一步",
        base_version=0,
    )
    services.manual_save(
        actor=people.leaver,
        departure=departure,
        module_id=module.pk,
        body="# 上架\n\n- 第一步\n- 第二步",
        base_version=1,
    )
    template_proposals_make(departure, None)
    manual_args = [departure.pk, module.pk]
    pages = [
        (people.leaver, reverse("handover:module_manual", args=manual_args), "zh-hans", None),
        (people.leaver, reverse("handover:manual_edit", args=manual_args), "zh-hans", None),
        (people.successor_a, reverse("handover:manual_version", args=[*manual_args, 2]), "en", None),
        (people.successor_a, reverse("handover:manual_history", args=manual_args), "en", None),
        (people.successor_a, reverse("handover:manual_print", args=manual_args), "en", None),
        (people.successor_a, reverse("handover:manual_library"), "en", None),
        (people.hr, reverse("handover:template_detail", args=[departure.template_id]), "en", None),
        (people.hr, reverse("handover:case_list"), "en", None),
        (people.hr, reverse("handover:case_open"), "en", None),
        *((people.hr, path, "en", None) for path in sections),
        (people.hr, f"{module_path}?show=handed_over", "en", None),
        (people.hr, sections[0], "en", materials_by_tab),
        (people.leaver, reverse("handover:my_work"), "zh-hans", None),
        *((people.leaver, path, "zh-hans", None) for path in sections[:4]),
        (people.leaver, module_path, "zh-hans", None),
        (people.successor_a, sections[0], "en", None),
        (people.successor_a, f"{sections[1]}?show=yours", "en", None),
        (people.successor_a, f"{module_path}?show=yours", "en", None),
        (people.hr, reverse("handover:template_list"), "en", None),
        (people.leaver, reverse("handover:access_add", args=[departure.pk]), "zh-hans", None),
        (people.leaver, import_path, "zh-hans", None),
        (people.leaver, import_path, "zh-hans", import_preview),
        (people.hr, reverse("handover:open_accesses"), "en", None),
        (people.manager, module_path, "en", open_all),
        (people.manager, reverse("handover:stuck"), "en", None),
        (people.leaver, reverse("password_change"), "zh-hans", None),
        (people.hr, reverse("handover:system_list"), "en", None),
        (people.hr, reverse("handover:system_edit", args=[ids["system"]]), "en", None),
        (people.successor_a, reveal_path, "en", None),
        (people.successor_a, reveal_path, "en", reveal),
        (people.leaver, bulk_path, "zh-hans", None),
        (people.hr, reverse("handover:case_edit", args=[departure.pk]), "en", None),
        (people.hr, reverse("handover:case_withdraw", args=[departure.pk]), "en", None),
        (people.hr, f"{reverse('handover:accesses_revoke')}?access={ids['access']}", "en", None),
        (people.leaver, reverse("handover:notifications"), "zh-hans", None),
        (people.leaver, reverse("handover:notification_settings"), "zh-hans", None),
        (people.hr, reverse("handover:outbox_failed"), "en", None),
        (people.hr, reverse("handover:chat_channels"), "en", None),
        (people.head, reverse("handover:case_announcement", args=[departure.pk]), "en", None),
        (people.hr, reverse("handover:case_announcement", args=[unannounced.pk]), "en", None),
        (people.hr, reverse("handover:case_announcement", args=[unannounced.pk]), "en", see_whom),
        (people.successor_a, aftercare_path, "en", None),
        (people.hr, aftercare_path, "en", None),
        (people.successor_a, reverse("handover:case_feedback", args=[after.pk]), "en", None),
        (people.manager, reverse("handover:case_feedback", args=[after.pk]), "en", None),
        (people.hr, reverse("handover:feedback_figures"), "en", None),
        (people.hr, reverse("handover:case_alumni", args=[after.pk]), "en", None),
        (people.hr, reverse("handover:alumni_list"), "en", None),
        (people.hr, reverse("handover:privacy_settings"), "en", None),
        (people.hr, f"{reverse('handover:privacy_people')}?q=leo", "en", None),
        (people.hr, reverse("handover:privacy_person", args=[people.leaver.pk]), "en", None),
        (people.hr, reverse("handover:privacy_person", args=[people.stranger.pk]), "zh-hans", None),
        (people.leaver, reverse("handover:my_data"), "zh-hans", None),
        (people.leaver, reverse("handover:privacy_notice"), "en", None),
    ]
    failed_message(departure)
    own_chat(people.leaver)
    found = violations_logged_in(log_in, pages, width)
    # The former employee's own page, opened by the link of their mail, without a login.
    visitor = open_page(width=width, bypass_csp=True)
    found += violations(visitor, personal_link(after.pk, former.pk), "en", None)
    visitor.context.close()
    assert found == [], json.dumps(found, indent=1, ensure_ascii=False)


def see_whom(page: Page) -> None:
    """The announcement's review with whom it reaches, as HR sees it before sending."""
    page.get_by_role("button", name="See whom it reaches").click()
    expect(page.get_by_role("heading", name=re.compile("It will reach"))).to_be_visible()


def own_chat(user) -> None:
    """The person's own chat, connected: their settings offer a choice per kind for it."""
    token, key_id = vault.encrypt("https://oapi.dingtalk.com/robot/send?access_token=own")
    ChatChannel.objects.create(
        name="Own chat",
        owner=user,
        platform="dingtalk",
        host="oapi.dingtalk.com",
        webhook_token=token,
        key_id=key_id,
        announcements=False,
        escalations=False,
        created_by_name=user.name,
    )


def failed_message(departure: Departure) -> None:
    """A mail that failed for good, for HR's page of messages not sent; a connected chat group."""
    token, key_id = vault.encrypt("https://oapi.dingtalk.com/robot/send?access_token=a11y")
    ChatChannel.objects.create(
        name="Operations group",
        department=departure.department,
        platform="dingtalk",
        host="oapi.dingtalk.com",
        webhook_token=token,
        key_id=key_id,
        created_by_name="HR",
    )
    OutboxMessage.objects.create(
        key="a11y:failed",
        channel=Channel.MAIL,
        kind="item_returned",
        address="gone@example.com",
        departure=departure,
        subject="A notice that could not be sent",
        text="Text",
        state=OutboxState.FAILED,
        attempts=6,
        not_before=timezone.now(),
        last_error="SMTPRecipientsRefused: mailbox unavailable",
    )


def sign_drawn(page: Page) -> None:
    page.get_by_label("Drawn signature").check()
    expect(page.locator("canvas[data-signature-pad]")).to_be_visible()
    expect(page.get_by_label("Your name as signature")).to_be_hidden()


def sign_typed(page: Page) -> None:
    expect(page.get_by_label("Typed name")).to_be_checked()
    expect(page.get_by_label("Your name as signature")).to_be_visible()
    expect(page.locator("canvas[data-signature-pad]")).to_be_hidden()


def signed_off_with_two_versions(make_case, people) -> tuple[Departure, ConfirmationDocument, bytes]:
    """A signed-off case (sealed on commit) reissued once; version 1 and its sealed PDF."""
    # The employee is someone else than the case to sign's: one open case per employee.
    departure = make_case(State.SIGNED_OFF, employee=people.stranger)
    first = services.confirmation_produce(departure_id=departure.pk)
    event = services.confirmation_reissue(
        actor=people.hr, departure=departure, reason="The trial task title had a typo."
    )
    # Produced on commit already (eager Celery); asked again, the same version comes back.
    services.confirmation_produce(departure_id=departure.pk, request_key=f"reissue-{event.pk}")
    with document_storage().open(first.file_name, "rb") as stored:
        return departure, first, stored.read()


def verdict_after_upload(pdf: bytes) -> Callable[[Page], None]:
    def uploaded(page: Page) -> None:
        page.get_by_label("Confirmation PDF").set_input_files(
            {"name": "confirmation.pdf", "mimeType": "application/pdf", "buffer": pdf}
        )
        page.get_by_role("button", name="Check the document").click()
        expect(page.get_by_role("status")).to_contain_text("Intact: sealed by this organisation")

    return uploaded


def two_versions(page: Page) -> None:
    versions = page.get_by_role("region", name="Confirmation versions")
    expect(versions.locator("tbody tr")).to_have_count(2)
    expect(versions).to_contain_text("superseded")
    expect(versions.get_by_role("link", name="Issue a corrected version")).to_be_visible()


def superseded(page: Page) -> None:
    expect(page.get_by_role("heading", level=2)).to_contain_text(["version 1"])
    expect(page.get_by_role("main")).to_contain_text("by version 2.")


@pytest.fixture
def documents(settings, tmp_path):
    settings.HANDOVER_DOCUMENT_DIR = tmp_path / "documents"
    return settings.HANDOVER_DOCUMENT_DIR


@pytest.mark.parametrize("width", [1280, 390])
def test_signing_and_verification_pages_pass_axe(
    log_in, open_page, people, make_case, ready_to_sign, default_templates, documents, width
):
    to_sign = ready_to_sign()
    signed_off, first, pdf = signed_off_with_two_versions(make_case, people)
    assert list(signed_off.confirmations.values_list("version", flat=True)) == [2, 1]

    sign_path = reverse("handover:case_sign", args=[to_sign.pk])
    verify_path = reverse("handover:verify")
    logged_in = [
        (people.leaver, sign_path, "en", sign_typed),
        (people.leaver, sign_path, "en", sign_drawn),
        (people.hr, reverse("handover:confirmation_reissue", args=[signed_off.pk]), "en", None),
        (people.hr, reverse("handover:case_signatures", args=[signed_off.pk]), "en", two_versions),
    ]
    anonymous = [
        (verify_path, None),
        (verify_path, verdict_after_upload(pdf)),
        (reverse("handover:verify_code", args=[first.code]), superseded),
    ]
    found = violations_logged_in(log_in, logged_in, width)
    visitor = open_page(width=width, bypass_csp=True)
    for path, prepare in anonymous:
        found += violations(visitor, path, "en", prepare)
    visitor.context.close()
    assert found == [], json.dumps(found, indent=1, ensure_ascii=False)
