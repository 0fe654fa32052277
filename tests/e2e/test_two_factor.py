"""Two-factor sign-in in a real (headless) Chromium: HR signs in with the password, must set up an
authenticator (typing the key shown, as a person without a camera would), saves the recovery
codes, and from then on signs in with a code; a recovery code works once."""

import re
from base64 import b32decode
from pathlib import Path

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD
from tests.two_factor import code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def password_step(page: Page, username: str) -> None:
    page.goto(reverse("login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_hr_sets_up_two_factor_then_signs_in_with_a_code(open_page, live_server, people):
    page = open_page()
    password_step(page, people.hr.username)
    # Before anything else: the setup page, with a QR code and the key to type instead.
    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:two_factor_setup"))))
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    expect(page.locator("figure.qr svg")).to_be_visible()
    page.goto(reverse("handover:case_list"))
    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:two_factor_setup"))))

    key = page.locator("#setup-key").inner_text()
    secret = b32decode(key.replace(" ", ""))
    page.get_by_label("Code").fill("000000" if f"{totp(secret):06d}" != "000000" else "111111")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.locator(".field .error")).to_contain_text("That code is not right")

    # The wrong code made the device wait a second before it checks another.
    page.wait_for_timeout(1100)
    page.get_by_label("Code").fill(f"{totp(secret):06d}")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem").all_inner_texts()
    assert len(codes) == 10
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as a text file").click()
    download = download_info.value
    assert download.suggested_filename == "handover-recovery-codes.txt"
    assert Path(download.path()).read_text().splitlines()[3:13] == codes

    # On to the page they last asked for.
    page.get_by_role("link", name="I have saved them: continue").click()
    expect(page).to_have_url(live_server.url + reverse("handover:case_list"))
    # The key is on no page any more, not even the setup page or the Security page.
    page.goto(reverse("accounts:two_factor_setup"))
    expect(page).to_have_url(live_server.url + reverse("accounts:security"))
    expect(page.locator("main")).to_contain_text("You have 10 unused recovery codes.")
    assert key not in page.content()
    page.get_by_role("button", name="Log out").click()

    # Next time: password, then the code of the app.
    device = TOTPDevice.objects.get(user=people.hr, confirmed=True)
    password_step(page, people.hr.username)
    expect(page.get_by_role("heading", name="Two-factor sign-in")).to_be_visible()
    page.get_by_label("Code").fill(code(device))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(live_server.url + reverse("handover:my_work"))
    # The header's name leads to the Security page.
    page.locator("header.site a.who").click()
    expect(page.get_by_role("heading", name="Security", exact=True)).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    # With the phone away: a recovery code, which works once.
    password_step(page, people.hr.username)
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(live_server.url + reverse("handover:my_work"))
    expect(page.locator(".messages")).to_contain_text("You used a recovery code; 9 are left.")
    page.get_by_role("button", name="Log out").click()
    password_step(page, people.hr.username)
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".field .error")).to_contain_text("That code is not right")


def test_log_in_gives_hr_the_code_step(log_in, people):
    """The fixture the other browser tests use signs HR in through both steps, twice in a row."""
    for _ in range(2):
        page = log_in(people.hr)
        expect(page.get_by_role("link", name="Open a case")).to_be_visible()
        page.context.close()
