"""Playwright against Django's live server, on Debian's Chromium (never `playwright install`)."""

import os
import re
from collections.abc import Callable, Iterator

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import BrowserContext, Page, expect

from tests.factories import PASSWORD
from tests.two_factor import authenticator, code, needs_code

# Playwright's sync API runs an event loop in the test thread; the ORM calls made
# from the test (fixtures, assertions) are still plain synchronous code.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
DESKTOP_WIDTH = 1280


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def open_page(browser, live_server) -> Iterator[Callable[..., Page]]:
    """``open_page(width=…, bypass_csp=…)``: a page on the live server in a browser context of its
    own (its own cookies), asking for English. ``bypass_csp`` lets a test inject a script such as
    axe; the app's own pages never need it. Contexts still open at the end are closed."""
    contexts: list[BrowserContext] = []

    def open_(*, width: int = DESKTOP_WIDTH, bypass_csp: bool = False) -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            locale="en-US",
            viewport={"width": width, "height": 900},
            bypass_csp=bypass_csp,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def log_in(open_page, live_server) -> Callable[..., Page]:
    """``log_in(user, width=…, bypass_csp=…)``: the user logged in through the login form, in a
    page of their own (see ``open_page``), on My work in their own language. HR, IT and whoever
    has an authenticator type its code after the password (HR and IT get one if they have none)."""

    def log_in_(user, *, width: int = DESKTOP_WIDTH, bypass_csp: bool = False) -> Page:
        device = authenticator(user) if needs_code(user) else None
        page = open_page(width=width, bypass_csp=bypass_csp)
        page.goto(reverse("login"))
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        if device is not None:
            # By element, not by label: the code page is already in the user's language.
            expect(page).to_have_url(
                re.compile(re.escape(live_server.url + reverse("accounts:two_factor_verify")))
            )
            page.locator("input[name=code]").fill(code(device))
            page.locator("form:has(input[name=code]) button[type=submit]").click()
        expect(page).to_have_url(live_server.url + reverse("handover:my_work"))
        expect(page.locator("header.site .who")).to_have_text(user.name)
        with translation.override(user.language or "en"):
            log_out = translation.gettext("Log out")
        expect(page.get_by_role("button", name=log_out)).to_be_visible()
        return page

    return log_in_
