"""Secrets at rest: Fernet (AES-128-CBC with HMAC-SHA256) under keys that are not SECRET_KEY.

The keys come from HANDOVER_VAULT_KEYS, newest first; older keys still decrypt
until ``manage.py vault_key rotate`` has re-encrypted everything with the newest.
Embedded mode (DEBUG on, no keys set) generates one key into ``var/vault.key`` on first use.
"""

import hashlib
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.views.decorators.debug import sensitive_variables


class VaultError(Exception):
    """A stored secret cannot be read with the configured keys."""


def _embedded_keys(path: Path) -> list[str]:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(Fernet.generate_key().decode() + "\n")
    return [line.strip() for line in path.read_text().splitlines() if line.strip()]


def keys() -> list[bytes]:
    key_file = settings.HANDOVER_VAULT_KEY_FILE
    configured = list(settings.HANDOVER_VAULT_KEYS) or (_embedded_keys(key_file) if key_file else [])
    if not configured:
        raise ImproperlyConfigured("HANDOVER_VAULT_KEYS is not set.")
    result = []
    for key in configured:
        try:
            Fernet(key)
        except ValueError as error:
            raise ImproperlyConfigured(
                "Each HANDOVER_VAULT_KEYS entry must be a Fernet key (make one with "
                "`python manage.py vault_key generate`)."
            ) from error
        if key == settings.SECRET_KEY:
            raise ImproperlyConfigured("HANDOVER_VAULT_KEYS must not reuse SECRET_KEY.")
        result.append(key.encode())
    return result


def key_id(key: bytes) -> str:
    """A short public name for a key: which key encrypted a row, without revealing the key."""
    return hashlib.sha256(key).hexdigest()[:12]


def current_key_id() -> str:
    return key_id(keys()[0])


def _cipher() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys()])


@sensitive_variables()
def encrypt(plaintext: str) -> tuple[bytes, str]:
    """The token to store and the id of the key that made it."""
    return _cipher().encrypt(plaintext.encode()), current_key_id()


@sensitive_variables()
def decrypt(token: bytes | memoryview) -> str:
    try:
        return _cipher().decrypt(bytes(token)).decode()
    except InvalidToken as error:
        raise VaultError("No configured vault key opens this secret.") from error


def rotate(token: bytes | memoryview) -> tuple[bytes, str]:
    """Re-encrypt a token under the newest key."""
    try:
        return _cipher().rotate(bytes(token)), current_key_id()
    except InvalidToken as error:
        raise VaultError("No configured vault key opens this secret.") from error


@sensitive_variables()
def seal(payload: bytes) -> bytes:
    """Encrypt a short-lived payload (an import preview carried through the browser)."""
    return _cipher().encrypt(payload)


@sensitive_variables()
def unseal(token: bytes, max_age: int) -> bytes:
    try:
        return _cipher().decrypt(token, ttl=max_age)
    except InvalidToken as error:
        raise VaultError("The sealed payload is expired or was changed.") from error
