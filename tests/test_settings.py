import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[1]


def check(**env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "ERROR"],
        cwd=ROOT,
        env={
            **{
                k: v
                for k, v in os.environ.items()
                if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "HANDOVER_SIGNING_DIR")
            },
            "HANDOVER_SIGNING_DIR": "/nonexistent/handover-signing",
            **env,
        },
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("key", ["", "change-me", "embedded-mode-only-not-secret"])
def test_production_refuses_to_start_without_a_real_secret_key(key):
    result = check(DEBUG="0", SECRET_KEY=key)
    assert result.returncode != 0
    assert "Set SECRET_KEY (32 characters or more)" in result.stderr


def test_production_starts_with_a_real_secret_key():
    result = check(
        DEBUG="0",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="handover.example.com",
        HANDOVER_VAULT_KEYS=Fernet.generate_key().decode(),
        HANDOVER_SIGNING_PASSPHRASE="a-real-passphrase-for-the-organisation-key",
    )
    assert result.returncode == 0, result.stderr


def test_production_refuses_to_start_without_a_signing_passphrase():
    result = check(
        DEBUG="0",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="handover.example.com",
        HANDOVER_VAULT_KEYS=Fernet.generate_key().decode(),
    )
    assert result.returncode != 0
    assert "Set HANDOVER_SIGNING_PASSPHRASE" in result.stderr


def test_production_refuses_to_start_without_vault_keys():
    result = check(
        DEBUG="0",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="handover.example.com",
        HANDOVER_SIGNING_PASSPHRASE="a-real-passphrase-for-the-organisation-key",
    )
    assert result.returncode != 0
    assert "Set HANDOVER_VAULT_KEYS" in result.stderr
