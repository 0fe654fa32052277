"""Password reset by mail: a link to the site's public address, and no hint whether an address is known."""

import logging
import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-new-long-passphrase-7"


def ask_for_reset(client, address: str, **extra):
    return client.post(reverse("password_reset"), {"email": address}, follow=True, **extra)


def reset_link(message) -> str:
    return re.search(r"https?://\S+/accounts/password/reset/\S+/\S+/", message.body)[0]


def main(page) -> str:
    return page.content.decode().split('<main id="main"')[1].split("</main>")[0]


def log_in(client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_the_login_page_links_to_the_reset(client):
    page = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}"' in page and "Forgot your password?" in page


def test_a_person_resets_their_password_through_the_mailed_link(client, settings):
    settings.HANDOVER_BASE_URL = "https://handover.example.com"
    ming = UserFactory(username="ming", display_name="Ming Li", email="ming@example.com")
    page = ask_for_reset(client, "MING@example.com")
    assert page.redirect_chain == [(reverse("password_reset_done"), 302)]
    [message] = mail.outbox
    assert message.to == ["ming@example.com"]
    assert message.subject == "Reset your Handover password"
    assert "Hello Ming Li," in message.body and "Your username is ming." in message.body
    link = reset_link(message)
    assert link.startswith("https://handover.example.com/accounts/password/reset/")

    form = client.get(link.removeprefix("https://handover.example.com"), follow=True)
    assert 'name="new_password1"' in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert done.redirect_chain == [(reverse("password_reset_complete"), 302)]
    assert "Your new password is set." in done.content.decode()
    ming.refresh_from_db()
    assert ming.check_password(NEW_PASSWORD)
    # The link works once.
    again = client.get(link.removeprefix("https://handover.example.com"), follow=True).content.decode()
    assert "This link no longer works" in again and 'name="new_password1"' not in again
    assert log_in(client, "ming", PASSWORD).status_code == 200
    assert log_in(client, "ming", NEW_PASSWORD)["Location"] == reverse("handover:my_work")


def test_the_reset_page_answers_alike_for_a_known_an_unknown_and_an_inactive_address(client):
    UserFactory(username="ming", email="ming@example.com")
    UserFactory(username="gone", email="gone@example.com", is_active=False)
    pages = [ask_for_reset(client, address) for address in ("ming@example.com", "nobody@example.com")]
    pages.append(ask_for_reset(client, "gone@example.com"))
    # What the page says (around it, the CSRF token and the CSP nonce change with every response).
    said = {(tuple(page.redirect_chain), main(page)) for page in pages}
    assert len(said) == 1
    assert "If an account uses the address you entered" in main(pages[0])
    assert [message.to for message in mail.outbox] == [["ming@example.com"]]


def test_the_link_points_to_the_sites_address_whatever_host_the_request_named(client, settings):
    settings.ALLOWED_HOSTS = ["evil.example", "testserver"]
    settings.HANDOVER_BASE_URL = "https://handover.example.com/"
    UserFactory(username="ming", email="ming@example.com")
    ask_for_reset(client, "ming@example.com", headers={"host": "evil.example"})
    [message] = mail.outbox
    assert "evil.example" not in message.body
    assert reset_link(message).startswith("https://handover.example.com/accounts/password/reset/")


def test_in_embedded_mode_the_reset_mail_is_in_the_log_like_every_mail(client, settings, caplog):
    settings.EMAIL_BACKEND = "config.mail.LogEmailBackend"
    UserFactory(username="ming", email="ming@example.com")
    with caplog.at_level(logging.INFO, logger="handover.mail"):
        ask_for_reset(client, "ming@example.com")
    [record] = [record for record in caplog.records if record.name == "handover.mail"]
    assert "Subject: Reset your Handover password" in record.getMessage()
    assert "/accounts/password/reset/" in record.getMessage()


def test_a_reset_password_lifts_the_lockout_of_the_account(client, settings):
    settings.HANDOVER_BASE_URL = "https://handover.example.com"
    UserFactory(username="ming", email="ming@example.com")
    for _ in range(settings.HANDOVER_PASSWORD_FAILURE_LIMIT):
        log_in(client, "ming", "wrong-guess")
    assert log_in(client, "ming", PASSWORD).status_code == 429
    ask_for_reset(client, "ming@example.com")
    form = client.get(reset_link(mail.outbox[0]).removeprefix("https://handover.example.com"), follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert log_in(client, "ming", NEW_PASSWORD)["Location"] == reverse("handover:my_work")


def test_reset_mails_are_limited_per_account_and_requests_per_address(client, settings):
    settings.HANDOVER_RESET_MAILS_PER_ACCOUNT = 2
    settings.HANDOVER_RESET_PER_ADDRESS = 4
    UserFactory(username="ming", email="ming@example.com")
    # The account gets two mails this hour; the page answers the same every time.
    for _ in range(3):
        page = ask_for_reset(client, "ming@example.com")
        assert page.redirect_chain == [(reverse("password_reset_done"), 302)]
    assert len(mail.outbox) == 2
    # Another address on the same account is counted apart, and unknown addresses alike.
    assert ask_for_reset(client, "nobody@example.com").redirect_chain[-1][0] == reverse("password_reset_done")
    # The fifth request from this address within the hour is refused with when to try again.
    refused = ask_for_reset(client, "ming@example.com")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Too many new passwords were asked for from this address" in main(refused)
    assert len(mail.outbox) == 2
    # Another address is not held up by it.
    other = ask_for_reset(client, "nobody@example.com", REMOTE_ADDR="203.0.113.9")
    assert other.redirect_chain == [(reverse("password_reset_done"), 302)]
