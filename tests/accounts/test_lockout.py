"""Login lockout (django-axes): five wrong passwords lock the account and the address for fifteen
minutes, counted from the latest failure; a success forgets earlier failures."""

import datetime as dt
import logging
from zoneinfo import ZoneInfo

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog
from django.http import HttpRequest
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
WRONG = "not-my-password-42"


@pytest.fixture
def clock():
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI), tick=False) as traveller:
        yield traveller


@pytest.fixture
def leaver(db):
    return UserFactory(username="leaver", display_name="Leo Leaver")


def log_in(client, username, password, address="10.0.0.1", **headers):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


def fail(client, username, times, address="10.0.0.1"):
    """The first four wrong passwords get the login form back, with its error."""
    for _ in range(times):
        response = log_in(client, username, WRONG, address)
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()


def logged_in(client) -> bool:
    return client.get(reverse("handover:my_work")).status_code == 200


def test_five_wrong_passwords_lock_the_account_even_with_the_right_one(client, clock, leaver):
    fail(client, "leaver", 4)
    response = log_in(client, "leaver", WRONG)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed logins" in page
    assert "Try again after 10:15." in page
    assert response["Retry-After"] == "900"

    clock.shift(dt.timedelta(minutes=1))
    response = log_in(client, "leaver", PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)
    # The account is locked wherever the next attempt comes from.
    assert log_in(client, "leaver", PASSWORD, address="10.9.9.9").status_code == 429
    assert not logged_in(client)


def test_five_wrong_passwords_lock_the_address_for_every_account(client, clock, leaver):
    UserFactory(username="other")
    for name in ["hr", "admin", "root", "boss", "leaver"]:
        log_in(client, name, WRONG, address="10.6.6.6")
    response = log_in(client, "other", PASSWORD, address="10.6.6.6")
    assert response.status_code == 429
    assert not logged_in(client)
    # No single account took five failures: the same person elsewhere gets in.
    assert log_in(client, "other", PASSWORD, address="10.0.0.2").status_code == 302
    assert logged_in(client)


def test_the_lock_ends_fifteen_minutes_after_the_latest_failure(client, clock, leaver):
    fail(client, "leaver", 4)
    assert log_in(client, "leaver", WRONG).status_code == 429

    clock.shift(dt.timedelta(minutes=14, seconds=59))
    # An attempt while locked out is a failure too, and the fifteen minutes start again.
    response = log_in(client, "leaver", PASSWORD)
    assert response.status_code == 429
    assert "Try again after 10:29." in response.content.decode()

    clock.shift(dt.timedelta(minutes=15, seconds=1))
    response = log_in(client, "leaver", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("handover:my_work")
    assert logged_in(client)


def test_a_successful_login_forgets_the_earlier_failures(client, clock, leaver):
    fail(client, "leaver", 4)
    assert log_in(client, "leaver", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    fail(client, "leaver", 4)
    assert log_in(client, "leaver", PASSWORD).status_code == 302
    assert logged_in(client)


def test_the_lockout_page_is_the_sites_own_in_the_readers_language(client, clock, leaver):
    client.cookies["django_language"] = "zh-hans"
    for _ in range(5):
        response = log_in(client, "leaver", WRONG)
    assert response.status_code == 429
    page = response.content.decode()
    assert '<html lang="zh-hans">' in page
    assert "css/app.css" in page
    assert reverse("login") in page


def test_a_forged_forwarded_for_header_does_not_escape_the_address_lock(client, clock, leaver):
    for number in range(5):
        log_in(client, f"guess{number}", WRONG, address="10.6.6.6", HTTP_X_FORWARDED_FOR=f"1.1.1.{number}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.6.6.6"}
    assert log_in(client, "leaver", PASSWORD, address="10.6.6.6").status_code == 429


def test_behind_the_tls_proxy_the_address_is_the_one_the_proxy_saw(client, clock, leaver, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The proxy appends the address it saw to whatever the client sent.
    log_in(client, "leaver", WRONG, address="10.0.0.254", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.7"]


def test_failed_logins_are_in_the_admin_without_the_password(client, admin_client, clock, leaver, caplog):
    with caplog.at_level(logging.DEBUG):
        fail(client, "leaver", 2, address="10.7.7.7")
    for model in ["accessattempt", "accessfailurelog"]:
        response = admin_client.get(reverse(f"admin:axes_{model}_changelist"))
        assert response.status_code == 200
        page = response.content.decode()
        assert "leaver" in page
        assert "10.7.7.7" in page
        assert WRONG not in page
    attempt = AccessAttempt.objects.get(username="leaver")
    assert attempt.failures_since_start == 2
    assert WRONG not in attempt.post_data
    assert (
        WRONG
        not in admin_client.get(
            reverse("admin:axes_accessattempt_change", args=[attempt.pk])
        ).content.decode()
    )
    assert AccessFailureLog.objects.filter(username="leaver").count() == 2
    assert WRONG not in caplog.text


def test_the_login_form_counts_a_username_as_it_authenticates_it(client, clock, leaver):
    """The form strips spaces before authenticating; the count is of that same name, so spaces
    around it are not five fresh tries."""
    for name in ["leaver", " leaver", "leaver ", " leaver ", "\tleaver"]:
        log_in(client, name, WRONG, address=f"10.0.0.{len(name)}")
    assert log_in(client, "leaver", PASSWORD, address="10.0.0.99").status_code == 429


def test_client_login_in_tests_passes_a_request(client, leaver):
    """Axes needs a request to authenticate; a test that logs in with a password gives it one
    (or uses force_login, which checks no password)."""
    assert client.login(request=HttpRequest(), username="leaver", password=PASSWORD)
    assert logged_in(client)
