"""System checks: what a deployment needs before it can issue sealed confirmations."""

import ctypes.util
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register

from handover.documents import seal


@register(deploy=True)
def signing_key_exists(app_configs, **kwargs) -> list[CheckMessage]:
    if seal.exists():
        try:
            seal.signer()
        except seal.SealError as error:
            return [
                Error(
                    f"The document-signing key cannot be used: {error}",
                    hint="Check HANDOVER_SIGNING_PASSPHRASE against the key in HANDOVER_SIGNING_DIR.",
                    id="handover.E001",
                )
            ]
        return []
    return [
        Warning(
            "The organisation has no document-signing key: confirmations cannot be sealed.",
            hint="Run `python manage.py signing_key init` (or `signing_key import organisation.p12`).",
            id="handover.W001",
        )
    ]


@register(deploy=True)
def timestamp_authority_settings(app_configs, **kwargs) -> list[CheckMessage]:
    """Timestamp settings that cannot work as meant: long-term validation data is only embedded
    beside a timestamp, the authority is asked over HTTP(S), and basic authentication over plain
    HTTP hands its password to anyone on the way."""
    if not settings.HANDOVER_TSA_URL:
        if not settings.HANDOVER_SEAL_LONG_TERM:
            return []
        return [
            Warning(
                "HANDOVER_SEAL_LONG_TERM is on without HANDOVER_TSA_URL: confirmations are sealed "
                "PAdES B-B, without a timestamp or validation data.",
                hint="Set HANDOVER_TSA_URL to the timestamp authority's address.",
                id="handover.W004",
            )
        ]
    url = urlsplit(settings.HANDOVER_TSA_URL)
    if url.scheme not in ("http", "https") or not url.hostname:
        return [
            Error(
                "HANDOVER_TSA_URL is not an http:// or https:// address: no confirmation can be sealed.",
                hint="Set it to the timestamp authority's address, e.g. https://tsa.example.com/tsr.",
                id="handover.E002",
            )
        ]
    if settings.HANDOVER_TSA_PASSWORD and url.scheme != "https":
        return [
            Warning(
                "HANDOVER_TSA_PASSWORD is sent to the timestamp authority over plain HTTP.",
                hint="Use the authority's https:// address.",
                id="handover.W005",
            )
        ]
    return []


@register()
def cjk_subsetting_is_fast(app_configs, **kwargs) -> list[Warning]:
    """Without the system HarfBuzz subsetter, WeasyPrint subsets Chinese fonts in Python: a
    200-item Chinese confirmation then takes about 17 s instead of about 2.5 s."""
    if ctypes.util.find_library("harfbuzz-subset"):
        return []
    return [
        Warning(
            "libharfbuzz-subset is not installed: Chinese confirmation PDFs render several times slower.",
            hint="Install it (Debian/Ubuntu: apt-get install libharfbuzz-subset0).",
            id="handover.W002",
        )
    ]


@register(deploy=True)
def base_url_is_public(app_configs, **kwargs) -> list[Warning]:
    """The verification address is printed and QR-coded into every confirmation for good."""
    host = urlsplit(settings.HANDOVER_BASE_URL).hostname or ""
    if host in ("127.0.0.1", "localhost", "::1", ""):
        return [
            Warning(
                f"HANDOVER_BASE_URL is {settings.HANDOVER_BASE_URL}: confirmations would print a "
                "verification address nobody else can open.",
                hint="Set HANDOVER_BASE_URL to the public address of this site.",
                id="handover.W003",
            )
        ]
    return []
