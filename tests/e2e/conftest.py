"""Playwright against Django's live server, on Debian's Chromium (never `playwright install`).

With HANDOVER_E2E_BASE_URL set (http://127.0.0.1:8300), the tests drive that running deployment
instead (scripts/production_check.sh: gunicorn, a Celery worker and beat, each a process of its
own) and no live server starts. The tests still make their people and cases through the ORM, so
DATABASE_URL must name the deployment's database, which they empty before the first test and after
each one: point it only at a throwaway deployment.
"""

import os
import re
from collections.abc import Callable, Iterator

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import BrowserContext, Page, expect

from handover.models import Channel, OutboxMessage
from tests.factories import PASSWORD
from tests.two_factor import authenticator, code, needs_code

# Playwright's sync API runs an event loop in the test thread; the ORM calls made
# from the test (fixtures, assertions) are still plain synchronous code.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
DESKTOP_WIDTH = 1280
DEPLOYMENT_URL = os.environ.get("HANDOVER_E2E_BASE_URL", "").rstrip("/")


class Deployment:
    """What the tests read of pytest-django's live server, for the deployment at ``url``."""

    def __init__(self, url: str) -> None:
        self.url = url
        # pytest-django turns these on and off around each test that uses the live server; the
        # deployment has settings of its own, and nothing here changes them.
        self._live_server_modified_settings = override_settings()


class DeploymentOutbox(list):
    """``mail.outbox`` for the mails of the deployment: Handover writes each one to its outbox
    table in the transaction of the act that sends it, so it is in the shared database by the
    time the page answers, whichever process sends it later. Read afresh at each look."""

    def _mails(self) -> list[mail.EmailMessage]:
        messages = OutboxMessage.objects.filter(channel=Channel.MAIL).order_by("pk")
        return [
            mail.EmailMessage(message.subject, message.text, to=[message.address]) for message in messages
        ]

    def __iter__(self):
        return iter(self._mails())

    def __len__(self) -> int:
        return len(self._mails())

    def __getitem__(self, index):
        return self._mails()[index]


if DEPLOYMENT_URL:

    @pytest.fixture(scope="session")
    def live_server() -> Deployment:
        return Deployment(DEPLOYMENT_URL)

    @pytest.fixture(scope="session")
    def django_db_setup(django_db_blocker) -> None:
        """The deployment's own database, not a test database made for the run; emptied first, as
        the tests make their own people under names the demo data may hold."""
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)

    @pytest.fixture(autouse=True)
    def fast_password_hashing() -> None:
        """The deployment checks the passwords the tests set, with its own hashers: they stay."""

    @pytest.fixture(autouse=True)
    def deployment_outbox(monkeypatch) -> None:
        monkeypatch.setattr(mail, "outbox", DeploymentOutbox())


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
