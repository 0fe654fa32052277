"""Accounts, access and materials in a real (headless) Chromium.

The leaver lists a shared account with its secret, which the page never shows
back; the successor re-enters their password to reveal it, confirms the password
was changed (the stored copy is deleted) and confirms working access. The leaver
imports accounts from a spreadsheet: a file with a bad row is refused as a whole,
a good one is imported after its preview.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from handover.demo import Cast, drive_to
from handover.models import (
    Access,
    AccessState,
    AccessSystem,
    Event,
    EventKind,
    ModuleKind,
    State,
    TransferMethod,
)
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PRODUCT = str(ModuleKind.PRODUCT.label)
SYSTEM = "Shopify admin"
ACCOUNT = "shop-ops@example.com"
SECRET = "Tr0ub4dor&3-shop-ops"


@pytest.fixture
def shop_system(db) -> AccessSystem:
    """The catalogue comes from a data migration that a transactional test's flush may have emptied."""
    return AccessSystem.objects.get_or_create(name=SYSTEM, defaults={"category": "marketplace"})[0]


def accounts_section(page: Page):
    return page.get_by_role("region", name="Accounts and access")


def account_row(page: Page, account: str):
    return accounts_section(page).locator("tbody tr").filter(has_text=account)


def test_shared_account_secret_from_listing_to_working_access(
    log_in, people, make_case, default_templates, shop_system
):
    departure = make_case(State.PREPARING)
    case_path = f"/cases/{departure.pk}/"
    accounts_path = f"{case_path}accounts/"
    leaver = log_in(people.leaver)
    successor = log_in(people.successor_a)

    # 1. The leaver lists a shared account with its password; the page never shows it back.
    leaver.goto(accounts_path)
    expect(accounts_section(leaver)).to_contain_text("No accounts listed yet.")
    accounts_section(leaver).get_by_role("link", name="List an account").click()
    expect(leaver).to_have_url(re.compile(rf"/cases/{departure.pk}/accounts/new/$"))
    expect(leaver.get_by_role("heading", level=1)).to_have_text("List an account or permission")
    leaver.get_by_label("Module").select_option(label=PRODUCT)
    leaver.get_by_label("System").select_option(label=SYSTEM)
    leaver.get_by_role("textbox", name="Account", exact=True).fill(ACCOUNT)
    leaver.get_by_label("Type").select_option(label="Shared account")
    secret_box = leaver.get_by_label("Password or recovery code (optional)")
    expect(secret_box).to_have_attribute("type", "password")
    secret_box.fill(SECRET)
    leaver.get_by_role("button", name="Save", exact=True).click()

    expect(leaver).to_have_url(re.compile(re.escape(accounts_path) + r"\?row=\d+#access-\d+$"))
    expect(leaver.get_by_role("status")).to_contain_text(f"{SYSTEM} · {ACCOUNT} listed.")
    row = account_row(leaver, ACCOUNT)
    expect(row).to_have_count(1)
    expect(row.get_by_role("rowheader")).to_have_text(SYSTEM)
    expect(row).to_contain_text("Shared account")
    expect(row).to_contain_text(PRODUCT)
    expect(row).to_contain_text("secret stored, encrypted")
    expect(row.locator(".badge.access-listed")).to_have_text("Listed")
    assert SECRET not in leaver.content()
    access = Access.objects.get(departure=departure)
    assert access.kind == "shared" and access.has_secret
    assert SECRET.encode() not in bytes(access.secret_token)
    # Before the handover runs, the successor can neither reveal nor take over.
    successor.goto(accounts_path)
    expect(account_row(successor, ACCOUNT)).to_be_visible()
    expect(
        accounts_section(successor).get_by_role("link", name=re.compile("^Reveal the secret"))
    ).to_have_count(0)
    expect(accounts_section(successor).get_by_role("button", name="Confirm working access")).to_have_count(0)

    # 2. The meeting is held and the case moves to executing (through the services).
    departure = drive_to(
        departure,
        State.EXECUTING,
        Cast(hr=people.hr, manager=people.manager, leaver=people.leaver, password=PASSWORD),
    )
    assert departure.state == State.EXECUTING

    # The successor re-enters their own password and sees the secret, once.
    successor.goto(accounts_path)
    row = account_row(successor, ACCOUNT)
    row.get_by_role("link", name=re.compile("^Reveal the secret")).click()
    expect(successor).to_have_url(re.compile(rf"/accounts/{access.pk}/reveal/$"))
    expect(successor.get_by_role("heading", level=1)).to_have_text(
        f"Reveal the secret of {SYSTEM} · {ACCOUNT}"
    )
    successor.get_by_label("Your own password").fill("not-my-password")
    successor.get_by_role("button", name="Reveal", exact=True).click()
    expect(successor.get_by_role("alert")).to_contain_text("Your password was not correct")
    assert SECRET not in successor.content()
    assert not Event.objects.filter(departure=departure, kind=EventKind.SECRET_REVEALED).exists()
    successor.get_by_label("Your own password").fill(PASSWORD)
    successor.get_by_role("button", name="Reveal", exact=True).click()
    expect(successor.get_by_role("heading", level=1)).to_have_text(f"The secret of {SYSTEM} · {ACCOUNT}")
    expect(successor.locator("#revealed-secret")).to_have_text(SECRET)
    reveal = Event.objects.get(departure=departure, kind=EventKind.SECRET_REVEALED)
    assert reveal.actor_id == people.successor_a.pk

    # The successor changed the password: the stored copy is deleted and no longer offered.
    successor.get_by_role("button", name="I changed the password: delete the stored one").click()
    expect(successor).to_have_url(
        re.compile(re.escape(accounts_path) + rf"\?row={access.pk}#access-{access.pk}$")
    )
    expect(successor.get_by_role("status")).to_contain_text("the stored one is deleted")
    row = account_row(successor, ACCOUNT)
    expect(row).to_contain_text("stored secret deleted")
    expect(row).not_to_contain_text("secret stored, encrypted")
    expect(row.get_by_role("link", name=re.compile("^Reveal the secret"))).to_have_count(0)
    expect(row.get_by_role("button", name=re.compile("^I changed the password"))).to_have_count(0)
    assert SECRET not in successor.content()
    access.refresh_from_db()
    assert access.secret_token is None and access.secret_purged_at and access.rotated_at
    assert Event.objects.filter(departure=departure, kind=EventKind.SECRET_PURGED).count() == 1
    # A reveal attempted after the purge finds nothing to show.
    successor.goto(f"/cases/{departure.pk}/accounts/{access.pk}/reveal/")
    successor.get_by_label("Your own password").fill(PASSWORD)
    successor.get_by_role("button", name="Reveal", exact=True).click()
    expect(successor.get_by_role("alert")).to_contain_text("No secret is stored for this account.")
    assert Event.objects.filter(departure=departure, kind=EventKind.SECRET_REVEALED).count() == 1

    # The successor confirms working access under their own account.
    successor.goto(accounts_path)
    row = account_row(successor, ACCOUNT)
    row.get_by_role("group", name=re.compile("^I can get in")).get_by_label("Under my own account").check()
    row.get_by_role("button", name="Confirm working access").click()
    expect(successor.get_by_role("status")).to_contain_text("Working access confirmed.")
    row = account_row(successor, ACCOUNT)
    expect(row.locator(".badge.access-transferred")).to_have_text("Transferred")
    expect(row).to_contain_text(f"to {people.successor_a.name}")
    expect(row.get_by_role("button", name="Confirm working access")).to_have_count(0)
    access.refresh_from_db()
    assert access.state == AccessState.TRANSFERRED
    assert access.transfer_method == TransferMethod.OWN_IDENTITY
    assert access.transferred_by_name == people.successor_a.name

    for page in (leaver, successor):
        page.context.close()


HEADER = "Module,System,Account,Access level,Type,Where the credential is kept,Secret\n"
BAD_FILE = (
    HEADER
    + f"{PRODUCT},{SYSTEM},orders@example.com,Staff,Personal account,,\n"
    + f"{PRODUCT},Nonexistent Shop,ghost@example.com,Admin,Personal account,,\n"
).encode()
GOOD_FILE = (
    HEADER
    + f"{PRODUCT},{SYSTEM},orders@example.com,Staff,Personal account,,\n"
    + f"{PRODUCT},{SYSTEM},ads-team,Sub-account,Sub-account,Vault: Ads,{SECRET}\n"
).encode()


def check_file(page: Page, name: str, content: bytes) -> None:
    page.get_by_label("Accounts and access").check()
    page.get_by_label("Spreadsheet").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content}
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Preview")).to_be_visible()


def test_import_accounts_from_a_spreadsheet(log_in, people, make_case, default_templates, shop_system):
    departure = make_case(State.PREPARING)
    case_path = f"/cases/{departure.pk}/"
    accounts_path = f"{case_path}accounts/"
    leaver = log_in(people.leaver)
    leaver.goto(accounts_path)
    accounts_section(leaver).get_by_role("link", name="Import from a spreadsheet").click()
    expect(leaver).to_have_url(re.compile(rf"/cases/{departure.pk}/import/$"))
    expect(leaver.get_by_role("heading", level=1)).to_have_text("Import from a spreadsheet")

    # A file with one bad row: the preview names the row, and nothing can be imported.
    check_file(leaver, "accounts.csv", BAD_FILE)
    expect(leaver.get_by_role("alert")).to_contain_text("1 row has a problem; nothing was imported.")
    rows = leaver.locator("table.preview tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).get_by_role("rowheader")).to_have_text("2")
    expect(rows.nth(0)).to_contain_text("OK")
    bad = leaver.locator("table.preview tbody tr.bad")
    expect(bad).to_have_count(1)
    expect(bad.get_by_role("rowheader")).to_have_text("3")
    expect(bad).to_contain_text("“Nonexistent Shop” is not in the system catalogue")
    expect(leaver.get_by_role("button", name=re.compile(r"^Import \d+ rows?$"))).to_have_count(0)
    expect(leaver.locator("input[name=preview]")).to_have_count(0)
    assert not Access.objects.filter(departure=departure).exists()

    # A good file: every row checked, the secret never shown, then imported in one go.
    check_file(leaver, "accounts.csv", GOOD_FILE)
    expect(leaver.get_by_role("status")).to_contain_text("All 2 rows are ready to import.")
    expect(leaver.locator("table.preview tbody tr.bad")).to_have_count(0)
    expect(leaver.locator("table.preview tbody tr").nth(1)).to_contain_text("secret will be encrypted")
    assert SECRET not in leaver.content()
    assert not Access.objects.filter(departure=departure).exists()
    leaver.get_by_role("button", name="Import 2 rows").click()

    expect(leaver).to_have_url(re.compile(re.escape(accounts_path) + "#accesses$"))
    expect(leaver.get_by_role("status")).to_contain_text("Imported 2 accounts and 0 materials.")
    expect(accounts_section(leaver).locator("tbody tr")).to_have_count(2)
    expect(account_row(leaver, "orders@example.com")).to_contain_text("Personal account")
    ads = account_row(leaver, "ads-team")
    expect(ads).to_contain_text("Sub-account")
    expect(ads).to_contain_text("Vault: Ads")
    expect(ads).to_contain_text("secret stored, encrypted")
    assert SECRET not in leaver.content()
    imported = {a.account: a for a in Access.objects.filter(departure=departure)}
    assert set(imported) == {"orders@example.com", "ads-team"}
    assert imported["ads-team"].has_secret and not imported["orders@example.com"].has_secret
    assert Event.objects.filter(departure=departure, kind=EventKind.INVENTORY_IMPORTED).count() == 1

    leaver.context.close()
