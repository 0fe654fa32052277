"""Two-factor sign-in: HR and IT must set up an authenticator and type its code after the
password; everyone else may. Codes are real TOTP codes, computed as the app would."""

import datetime as dt
import importlib
import logging
import re
from base64 import b32decode
from urllib.parse import unquote, urlencode

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.models import Role
from tests.factories import PASSWORD, UserFactory
from tests.two_factor import authenticator, code

pytestmark = pytest.mark.django_db

MY_WORK = reverse("handover:my_work")
SETUP = reverse("accounts:two_factor_setup")
VERIFY = reverse("accounts:two_factor_verify")
SECURITY = reverse("accounts:security")


@pytest.fixture
def clock():
    """A stopped clock (10:00 in Shanghai, the start of a 30-second step), moved by the test: a
    wrong code makes the device wait a second before it checks the next one."""
    with time_machine.travel(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def hr(db):
    return UserFactory(username="hana", display_name="Hana HR", roles=[Role.HR])


@pytest.fixture
def staff(db):
    return UserFactory(username="sam", display_name="Sam Staff")


def log_in(client: Client, user) -> str:
    """The password step, through the login page; where it sends the person next."""
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return response["Location"]


def follow(client: Client, url: str) -> str:
    """Where a GET of ``url`` ends up, after redirects."""
    response = client.get(url, follow=True)
    return response.redirect_chain[-1][0] if response.redirect_chain else url


def app_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def logged(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "accounts.two_factor"]


def set_up(client: Client, user) -> list[str]:
    """Set up an authenticator on the setup page; the recovery codes it shows."""
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(SETUP, {"code": app_code(device)})
    assert response.status_code == 200
    return re.findall(r"<li>([a-z2-7]{8})</li>", response.content.decode())


def test_hr_without_an_authenticator_sees_only_the_setup_page(client, hr):
    assert log_in(client, hr) == MY_WORK
    response = client.get(MY_WORK)
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?{urlencode({'next': MY_WORK})}"
    for url in [reverse("handover:case_list"), SECURITY, reverse("admin:index")]:
        assert follow(client, url).startswith(SETUP), url
    # An htmx request reloads the whole page on the setup page instead of putting it into a part.
    response = client.get(reverse("handover:case_list"), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == SETUP


def test_it_must_set_up_an_authenticator_too(client):
    it = UserFactory(username="ivy", roles=[Role.IT])
    log_in(client, it)
    assert follow(client, reverse("handover:open_accesses")).startswith(SETUP)


def test_the_way_out_and_public_pages_stay_open_before_the_code(client, hr):
    log_in(client, hr)
    assert client.get(reverse("handover:verify")).status_code == 200
    assert client.get(reverse("password_reset")).status_code == 200
    assert client.post(reverse("set_language"), {"language": "en", "next": MY_WORK}).status_code == 302
    assert client.get(SETUP).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(MY_WORK)["Location"].startswith(reverse("login"))


def test_setup_shows_a_qr_code_and_the_key_then_never_again(client, hr):
    log_in(client, hr)
    page = client.get(SETUP).content.decode()
    device = TOTPDevice.objects.get(user=hr, confirmed=False)
    secret = re.search(r'id="setup-key"[^>]*>([A-Z2-7 ]+)<', page).group(1)
    assert b32decode(secret.replace(" ", "")) == device.bin_key
    assert "<svg" in page
    assert "otpauth" not in page  # only inside the QR code, as modules
    # Opening the page again shows the same key: the app may have scanned it already.
    assert secret in client.get(SETUP).content.decode()

    codes = set_up(client, hr)
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(MY_WORK).status_code == 200
    # From now on the key is on no page.
    assert client.get(SETUP)["Location"] == SECURITY
    for url in [SECURITY, MY_WORK]:
        assert secret not in client.get(url).content.decode()
        assert secret.replace(" ", "") not in client.get(url).content.decode()


def test_the_recovery_codes_page_offers_them_as_a_text_file(client, hr):
    log_in(client, hr)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=hr)
    response = client.post(SETUP, {"code": app_code(device)})
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    href = re.search(
        r'href="data:text/plain;charset=utf-8,([^"]+)" download="handover-recovery-codes.txt"', page
    )
    text = unquote(href.group(1))
    stored = set(StaticToken.objects.filter(device__user=hr).values_list("token", flat=True))
    shown = set(re.findall(r"^[a-z2-7]{8}$", text, re.M))
    # Kept only as keyed hashes: the table holds none of the codes shown.
    assert len(shown) == 10 and not stored & shown
    assert stored == {two_factor.stored_code(code) for code in shown}
    assert "hana" in text


def test_a_wrong_code_is_refused_logged_and_then_throttled(client, hr, clock, caplog):
    log_in(client, hr)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=hr)
    right = app_code(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    caplog.set_level(logging.WARNING, logger="accounts.two_factor")
    response = client.post(SETUP, {"code": wrong})
    assert "That code is not right, or it was used already." in response.content.decode()
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    assert [r.levelname for r in logged(caplog)] == ["WARNING"]
    assert f"user {hr.pk}" in caplog.text
    assert wrong not in caplog.text and right not in caplog.text and device.key not in caplog.text

    # Each wrong code in a row doubles the wait (1 s, 2 s, 4 s): meanwhile even the right one waits.
    clock.shift(dt.timedelta(seconds=1))
    client.post(SETUP, {"code": wrong})
    clock.shift(dt.timedelta(seconds=2))
    response = client.post(SETUP, {"code": wrong})
    assert "After so many wrong ones, wait until 10:00:07 to try again." in response.content.decode()
    response = client.post(SETUP, {"code": right})
    assert "Too many wrong codes in a row. Wait until 10:00:07, then try again." in response.content.decode()
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    # Refused unread, and logged too.
    assert len(logged(caplog)) == 4

    clock.shift(dt.timedelta(seconds=4))
    response = client.post(SETUP, {"code": right})
    assert "Your recovery codes" in response.content.decode()
    assert TOTPDevice.objects.get(pk=device.pk).confirmed


@pytest.mark.parametrize(
    "typed", ["", "12345", "1234567", "abc\x00defg", "x" * 40, "<script>", "１２３４５６"]
)
def test_whatever_is_typed_as_a_code_gets_an_answer_not_an_error(client, hr, typed):
    authenticator(hr)
    log_in(client, hr)
    response = client.post(VERIFY, {"code": typed})
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    assert client.get(MY_WORK).status_code == 302


def test_with_an_authenticator_the_code_comes_after_the_password(client, staff):
    device = authenticator(staff)
    destination = reverse("handover:case_list")
    response = client.post(
        f"{reverse('login')}?next={destination}", {"username": "sam", "password": PASSWORD}
    )
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response["Location"] == f"{VERIFY}?next=%2Fcases%2F"
    page = client.get(response["Location"]).content.decode()
    assert "Two-factor sign-in" in page

    response = client.post(VERIFY, {"code": app_code(device), "next": destination})
    assert response["Location"] == destination
    assert client.get(destination).status_code == 200


def test_a_code_is_accepted_once(client, staff, clock):
    device = authenticator(staff)
    log_in(client, staff)
    used = app_code(device)
    client.post(VERIFY, {"code": used})
    assert client.get(MY_WORK).status_code == 200
    client.post(reverse("logout"))

    log_in(client, staff)
    response = client.post(VERIFY, {"code": used})
    assert "That code is not right, or it was used already." in response.content.decode()
    assert client.get(MY_WORK).status_code == 302
    # The app's next code (the device allows a step of clock drift) is fine, after the pause a
    # wrong code brings.
    clock.shift(dt.timedelta(seconds=1))
    client.post(VERIFY, {"code": code(device)})
    assert client.get(MY_WORK).status_code == 200


def test_a_recovery_code_works_once(client, hr):
    log_in(client, hr)
    codes = set_up(client, hr)
    client.post(reverse("logout"))

    log_in(client, hr)
    response = client.post(VERIFY, {"code": codes[3].upper()[:4] + "-" + codes[3][4:]}, follow=True)
    assert response.redirect_chain[-1][0] == MY_WORK
    assert "You used a recovery code; 9 are left." in response.content.decode()
    client.post(reverse("logout"))

    log_in(client, hr)
    response = client.post(VERIFY, {"code": codes[3]})
    assert "That code is not right" in response.content.decode()
    assert client.get(MY_WORK).status_code == 302


def test_the_verify_page_after_a_good_code_or_without_a_device_moves_on(client, staff):
    log_in(client, staff)
    # Nobody asks staff without an authenticator for a code.
    assert client.get(MY_WORK).status_code == 200
    assert client.get(f"{VERIFY}?next=//evil.example/")["Location"] == "/"
    assert client.get(VERIFY)["Location"] == MY_WORK


def test_staff_may_turn_two_factor_on_from_their_security_page(client, staff):
    log_in(client, staff)
    page = client.get(MY_WORK).content.decode()
    assert f'<a class="who" href="{SECURITY}"' in page
    page = client.get(SECURITY).content.decode()
    assert "Off" in page and "Turn on two-factor sign-in" in page
    codes = set_up(client, staff)
    assert len(codes) == 10
    page = client.get(SECURITY).content.decode()
    assert "You have 10 unused recovery codes." in page
    assert "Turn two-factor sign-in off" in page

    client.post(reverse("logout"))
    assert follow(client, MY_WORK).startswith(reverse("login"))
    log_in(client, staff)
    assert client.get(MY_WORK)["Location"].startswith(VERIFY)


def test_turning_two_factor_on_ends_the_other_sessions(staff):
    elsewhere, here = Client(), Client()
    log_in(elsewhere, staff)
    assert elsewhere.get(MY_WORK).status_code == 200
    log_in(here, staff)
    set_up(here, staff)
    assert here.get(MY_WORK).status_code == 200
    # Signed in with the password alone: signed out now.
    assert elsewhere.get(MY_WORK)["Location"].startswith(reverse("login"))


def test_turning_it_off_needs_the_password(client, staff):
    log_in(client, staff)
    set_up(client, staff)
    off = reverse("accounts:two_factor_disable")
    assert client.get(off).status_code == 405
    response = client.post(off, {"disable-password": "not-my-password"})
    assert "That is not your password." in response.content.decode()
    assert TOTPDevice.objects.filter(user=staff).exists()

    response = client.post(off, {"disable-password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == SECURITY
    assert "Two-factor sign-in is off." in response.content.decode()
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert not StaticDevice.objects.filter(user=staff).exists()
    client.post(reverse("logout"))
    log_in(client, staff)
    assert client.get(MY_WORK).status_code == 200


def test_the_password_alone_cannot_change_two_factor(client, staff):
    """Someone who knows the password but not the code can neither remove the app nor make recovery
    codes, nor set up an app of their own."""
    authenticator(staff)
    log_in(client, staff)
    for url, data in [
        (reverse("accounts:two_factor_disable"), {"disable-password": PASSWORD}),
        (reverse("accounts:recovery_codes_regenerate"), {"regenerate-password": PASSWORD}),
    ]:
        assert client.post(url, data)["Location"].startswith(VERIFY)
    assert client.get(SETUP)["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=staff).count() == 1
    assert not StaticDevice.objects.filter(user=staff).exists()


def test_wrong_passwords_there_count_towards_the_login_lockout(client, staff):
    log_in(client, staff)
    set_up(client, staff)
    off = reverse("accounts:two_factor_disable")
    for _ in range(4):
        assert client.post(off, {"disable-password": "not-my-password"}).status_code == 200
    response = client.post(off, {"disable-password": "not-my-password"})
    assert response.status_code == 429
    assert client.post(off, {"disable-password": PASSWORD}).status_code == 429
    assert TOTPDevice.objects.filter(user=staff).exists()


def test_hr_cannot_turn_it_off_only_move_to_a_new_app(client, hr):
    log_in(client, hr)
    set_up(client, hr)
    page = client.get(SECURITY).content.decode()
    assert "HR and IT cannot turn two-factor sign-in off." in page
    assert "Turn two-factor sign-in off" not in page

    response = client.post(reverse("accounts:two_factor_disable"), {"disable-password": PASSWORD})
    assert response["Location"] == SETUP
    # Without an authenticator, nothing but setting up the new one.
    assert follow(client, MY_WORK).startswith(SETUP)
    codes = set_up(client, hr)
    assert len(codes) == 10
    assert client.get(MY_WORK).status_code == 200


def test_new_recovery_codes_need_the_password_and_replace_the_old(client, hr, clock):
    log_in(client, hr)
    old = set_up(client, hr)
    url = reverse("accounts:recovery_codes_regenerate")
    response = client.post(url, {"regenerate-password": "not-my-password"})
    assert "That is not your password." in response.content.decode()
    assert StaticToken.objects.filter(token__in=[two_factor.stored_code(code) for code in old]).count() == 10

    response = client.post(url, {"regenerate-password": PASSWORD})
    new = re.findall(r"<li>([a-z2-7]{8})</li>", response.content.decode())
    assert len(new) == 10
    assert not StaticToken.objects.filter(token__in=[two_factor.stored_code(code) for code in old]).exists()
    client.post(reverse("logout"))
    log_in(client, hr)
    assert "That code is not right" in client.post(VERIFY, {"code": old[0]}).content.decode()
    clock.shift(dt.timedelta(seconds=1))
    assert client.post(VERIFY, {"code": new[0]})["Location"] == MY_WORK


def test_force_login_in_tests_stands_for_a_whole_sign_in(client, hr, staff):
    """The conftest's stand-in: an HR user force-logged-in has a verified session, with a device."""
    client.force_login(hr)
    assert client.get(MY_WORK).status_code == 200
    assert TOTPDevice.objects.filter(user=hr, confirmed=True).exists()
    client.force_login(staff)
    assert client.get(MY_WORK).status_code == 200
    assert not TOTPDevice.objects.filter(user=staff).exists()


def test_the_admin_shows_no_key_of_an_existing_device(client, hr):
    hr.is_staff = hr.is_superuser = True
    hr.save()
    client.force_login(hr)
    device = TOTPDevice.objects.get(user=hr)
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk])).content.decode()
    assert device.key not in page
    assert client.get(reverse("admin:otp_totp_totpdevice_config", args=[device.pk])).status_code == 403


def test_the_demo_hr_signs_in_with_the_key_seed_demo_prints(client, clock):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("seed_demo", stdout=out)
    printed = re.search(r"time-based key ((?:[A-Z2-7]{4} ?){8})", out.getvalue()).group(1)
    assert "hrdemo01 to hrdemo10" in out.getvalue()
    key = b32decode(printed.replace(" ", ""))
    client.post(reverse("login"), {"username": "hr", "password": "handover-demo"})
    assert client.get(MY_WORK)["Location"].startswith(VERIFY)
    assert client.post(VERIFY, {"code": f"{totp(key):06d}"})["Location"] == MY_WORK
    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": "it", "password": "handover-demo"})
    assert client.post(VERIFY, {"code": "itdemo01"})["Location"] == MY_WORK

    # The next run brings the used recovery code back, and keeps an app the person set up.
    TOTPDevice.objects.filter(user__username="it").update(key="ab" * 20)
    call_command("seed_demo", stdout=StringIO())
    assert StaticToken.objects.filter(
        device__user__username="it", token=two_factor.stored_code("itdemo01")
    ).exists()
    assert TOTPDevice.objects.get(user__username="it").key == "ab" * 20


def test_a_recovery_code_kept_under_a_retired_secret_key_still_works(client, hr, clock, settings):
    log_in(client, hr)
    codes = set_up(client, hr)
    client.post(reverse("logout"))
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-for-this-test-" * 2
    log_in(client, hr)
    assert client.post(VERIFY, {"code": codes[0]})["Location"] == MY_WORK
    client.post(reverse("logout"))
    # Without the old key among the fallbacks, the codes it kept sign nobody in.
    settings.SECRET_KEY_FALLBACKS = []
    log_in(client, hr)
    assert "That code is not right" in client.post(VERIFY, {"code": codes[1]}).content.decode()


def test_codes_kept_in_plain_text_before_are_hashed_once(hr):
    from django.apps import apps as django_apps

    migration = importlib.import_module("accounts.migrations.0003_recovery_codes_hashed")
    device = StaticDevice.objects.create(user=hr, name="Recovery codes", confirmed=True)
    device.token_set.create(token="abcd2345")
    migration.hash_recovery_codes(django_apps, None)
    migration.hash_recovery_codes(django_apps, None)
    assert list(device.token_set.values_list("token", flat=True)) == [two_factor.stored_code("abcd2345")]
