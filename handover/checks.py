"""System checks: what a deployment needs before it can issue sealed confirmations."""

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
