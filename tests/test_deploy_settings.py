"""Production behind the TLS proxy sends plain HTTP to HTTPS by itself; elsewhere it cannot tell."""

from cryptography.fernet import Fernet

from tests.settings_probe import settings_under

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 50,
    "ALLOWED_HOSTS": "handover.example.com",
    "HANDOVER_VAULT_KEYS": Fernet.generate_key().decode(),
    "HANDOVER_SIGNING_PASSPHRASE": "a-real-passphrase-for-the-organisation-key",
}


def test_https_redirect_in_production_behind_the_proxy_only():
    assert settings_under("SECURE_SSL_REDIRECT", **PRODUCTION, BEHIND_HTTPS_PROXY="1") == {
        "SECURE_SSL_REDIRECT": True
    }
    # Without the proxy's word on the scheme, every request looks like plain HTTP: it would loop.
    assert settings_under("SECURE_SSL_REDIRECT", **PRODUCTION) == {"SECURE_SSL_REDIRECT": False}
    assert settings_under("SECURE_SSL_REDIRECT", BEHIND_HTTPS_PROXY="1") == {"SECURE_SSL_REDIRECT": False}
    assert settings_under(
        "SECURE_SSL_REDIRECT", **PRODUCTION, BEHIND_HTTPS_PROXY="1", SECURE_SSL_REDIRECT="0"
    ) == {"SECURE_SSL_REDIRECT": False}
