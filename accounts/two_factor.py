"""Two-factor sign-in: after the password, a code from an authenticator app (TOTP), or one of ten
one-time recovery codes when the phone is not at hand. Required for HR, who see every case, and
IT, who revoke every account; optional for everyone else.

The devices are django-otp's. A session counts as verified once a device has accepted a code in
it (django-otp's OTPMiddleware loads that device on each request: ``user.is_verified()``).
Neither codes nor secrets are ever logged. Recovery codes are kept only as keyed hashes
(``stored_code``): a copy of the database does not hold a code that signs anyone in.
"""

import logging
import re
import unicodedata
from base64 import b32encode
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.signals import end_sessions

logger = logging.getLogger("accounts.two_factor")

RECOVERY_CODE_COUNT = 10
# Set at sign-in for a person who has an authenticator: until a code is accepted in this session,
# every page sends them to the code page. In the session, so that asking costs people without
# two-factor no query.
CHALLENGE_SESSION_KEY = "two_factor_challenge"

_TOTP_CODE = re.compile(r"[0-9]{6}")
# Eight letters and digits, as StaticToken.random_token() makes them (base32, lower case).
_RECOVERY_CODE = re.compile(r"[a-z0-9]{8}")


def required_for(user: User) -> bool:
    """Whether this person must use two-factor sign-in: HR (every case) and IT (every account)."""
    return user.is_hr or user.is_it


def authenticator(user: AbstractBaseUser) -> TOTPDevice | None:
    """The person's confirmed authenticator app; with it, two-factor sign-in is on."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def recovery_device(user: AbstractBaseUser) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).first()


_STORED_SALT = "accounts.two_factor.recovery_code"


def stored_code(code: str, secret: str | bytes | None = None) -> str:
    """How a recovery code is kept: 16 hex digits of an HMAC under the site's secret key (the
    column holds 16 characters), so a code cannot be read back nor guessed offline from the table."""
    return salted_hmac(_STORED_SALT, code, secret=secret, algorithm="sha256").hexdigest()[:16]


def _stored_candidate(device: StaticDevice, code: str) -> str:
    """The stored form of ``code`` that this device holds, also under a retired secret key (in
    SECRET_KEY_FALLBACKS); else its form under the current key, which the device will refuse."""
    forms = [stored_code(code), *(stored_code(code, old) for old in settings.SECRET_KEY_FALLBACKS)]
    held = device.token_set.filter(token__in=forms).values_list("token", flat=True).first()
    return held or forms[0]


def recovery_codes_left(user: AbstractBaseUser) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def normalized(code: str) -> str:
    """A code as typed, without the spaces and dashes people add, in lower case, and in ASCII
    when typed with a Chinese input method's full-width digits and letters."""
    return re.sub(r"[\s-]", "", unicodedata.normalize("NFKC", code)).lower()


def is_app_code(code: str) -> bool:
    return _TOTP_CODE.fullmatch(code) is not None


def device_for_code(user: AbstractBaseUser, code: str) -> Device | None:
    """The device that checks this (normalized) code: six digits are the app's, eight letters
    and digits a recovery code. Anything else is no code at all, and no device is asked."""
    if is_app_code(code):
        return authenticator(user)
    if _RECOVERY_CODE.fullmatch(code):
        return recovery_device(user)
    return None


@dataclass(frozen=True)
class CodeCheck:
    accepted: bool
    # Whether the code was looked at: not while the device waits after wrong codes.
    checked: bool = True
    # Until then the device refuses every code: django-otp's throttle doubles the wait after each
    # wrong code in a row (1 s, 2 s, 4 s…), so guessing six digits takes years.
    wait_until: datetime | None = None


def code_check(*, user: AbstractBaseUser, device: Device, code: str) -> CodeCheck:
    """Whether ``device`` (of ``user``) accepts ``code``. A TOTP code is accepted once; a recovery
    code is used up. Every refusal is logged, without the code."""
    allowed, details = device.verify_is_allowed()
    if not allowed:
        logger.warning(
            "Two-factor code refused without checking, device %s of user %s is throttled",
            device.persistent_id,
            user.pk,
        )
        return CodeCheck(accepted=False, checked=False, wait_until=(details or {}).get("locked_until"))
    # django-otp reloads the device under select_for_update: two requests with the same code
    # cannot both succeed.
    if isinstance(device, StaticDevice):
        code = _stored_candidate(device, code)
    if verify_token(user, device.persistent_id, code) is not None:
        return CodeCheck(accepted=True)
    device.refresh_from_db()
    logger.warning(
        "Wrong two-factor code for user %s on device %s (%s wrong in a row)",
        user.pk,
        device.persistent_id,
        device.throttling_failure_count,
    )
    allowed, details = device.verify_is_allowed()
    return CodeCheck(accepted=False, wait_until=None if allowed else (details or {}).get("locked_until"))


@receiver(user_logged_in)
def ask_for_the_code(sender, request: HttpRequest | None, user: User, **kwargs) -> None:
    """Whoever has an authenticator owes its code after the password (one query per sign-in)."""
    if request is not None and authenticator(user) is not None:
        request.session[CHALLENGE_SESSION_KEY] = True


def sign_in_verified(request: HttpRequest, device: Device) -> None:
    """The session now counts as verified by ``device``. The session gets a new key, as at every
    step up in what it may do."""
    otp_login(request, device)
    request.session.pop(CHALLENGE_SESSION_KEY, None)
    request.session.cycle_key()


def authenticator_prepare(*, user: User) -> TOTPDevice:
    """The authenticator being set up: the same one until it is confirmed, so that the QR code
    already scanned stays valid when the page is opened again."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def secret_for_typing(device: TOTPDevice) -> str:
    """The key as an authenticator app asks for it when typed in: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def two_factor_enable(*, request: HttpRequest, user: User, device: TOTPDevice) -> list[str]:
    """Turn two-factor sign-in on with ``device``, whose code was just accepted; return the new
    recovery codes (shown once). The person's other sessions end: they were signed in with the
    password alone."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _recovery_codes_replace(user)
    sign_in_verified(request, device)
    end_sessions(user, keep=request.session.session_key)
    logger.info("Two-factor sign-in turned on for user %s", user.pk)
    return codes


def recovery_codes_regenerate(*, user: User) -> list[str]:
    """New recovery codes; the earlier ones stop working."""
    with transaction.atomic():
        codes = _recovery_codes_replace(user)
    logger.info("New recovery codes made for user %s", user.pk)
    return codes


def two_factor_disable(*, request: HttpRequest, user: User) -> None:
    """Remove the person's authenticator and recovery codes. For HR and IT this is how they move
    to a new authenticator: with none, every page sends them to set one up."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
    request.session.pop(CHALLENGE_SESSION_KEY, None)
    logger.info("Two-factor sign-in turned off for user %s", user.pk)


def _recovery_codes_replace(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": "Recovery codes", "confirmed": True}
    )
    StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=stored_code(code)) for code in codes)
    device.throttle_reset()
    return codes


def verified(user: Any) -> bool:
    """Whether a device accepted a code in this session (set by django-otp's OTPMiddleware)."""
    return bool(user.is_verified())
