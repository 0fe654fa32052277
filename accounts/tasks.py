from urllib.parse import urlsplit

from celery import shared_task
from django.conf import settings

from accounts.forms import RESET_MAIL_TEMPLATE, PasswordResetMailForm


@shared_task
def send_password_reset(*, email: str, language: str) -> None:
    """Mail a reset link to each active account with this address (none: nothing is sent)."""
    form = PasswordResetMailForm({"email": email}, language=language)
    if form.is_valid():
        form.save(
            domain_override=urlsplit(settings.HANDOVER_BASE_URL).netloc,
            email_template_name=RESET_MAIL_TEMPLATE,
        )
