"""Two-factor sign-in for tests: a person's authenticator, and the code it shows."""

import time

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.models import User


def authenticator(user: User) -> TOTPDevice:
    """The person's confirmed authenticator, set up now if they have none."""
    return two_factor.authenticator(user) or TOTPDevice.objects.create(
        user=user, name="Authenticator app", confirmed=True
    )


def code(device: TOTPDevice) -> str:
    """The code the app shows now; or, when that one was used already (a second sign-in within
    the same 30 seconds), the next one, which the device accepts too (one step of clock drift)."""
    device.refresh_from_db()
    now = (int(time.time()) - device.t0) // device.step + device.drift
    step = max(now, device.last_t + 1)
    return f"{hotp(device.bin_key, step, device.digits):0{device.digits}d}"


def needs_code(user: User) -> bool:
    # A fresh copy: the test's own keeps no roles read here (they are cached on the instance).
    user = User.objects.get(pk=user.pk)
    return two_factor.required_for(user) or two_factor.authenticator(user) is not None


def verify_session(client: Client, user: User) -> None:
    """The client's session as after the code page, for whoever must pass it (HR, IT, anyone with
    an authenticator): what ``client.force_login`` stands for in the tests, a whole sign-in."""
    if needs_code(user):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
        session.save()
