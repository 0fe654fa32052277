"""System checks: what a deployment needs before it can issue sealed confirmations."""

import ctypes.util

from django.core.checks import Warning, register

from handover.documents import seal


@register(deploy=True)
def signing_key_exists(app_configs, **kwargs) -> list[Warning]:
    if seal.exists():
        return []
    return [
        Warning(
            "The organisation has no document-signing key: confirmations cannot be sealed.",
            hint="Run `python manage.py signing_key init` (or `signing_key import organisation.p12`).",
            id="handover.W001",
        )
    ]


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
