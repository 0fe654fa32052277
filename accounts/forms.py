from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.utils import translation

# The mail's text; Django's default name ends in .html although it is the plain-text body.
RESET_MAIL_TEMPLATE = "registration/password_reset_email.txt"


class PasswordResetMailForm(auth_forms.PasswordResetForm):
    """Django's reset mail, with the link on the site's public address (HANDOVER_BASE_URL, not the
    Host header of whoever asked) and in the person's own language."""

    def __init__(self, *args, language: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.language = language

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs) -> None:
        context = {**context, "base_url": settings.HANDOVER_BASE_URL.rstrip("/")}
        language = context["user"].language or self.language or settings.LANGUAGE_CODE
        with translation.override(language):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


class PasswordResetForm(auth_forms.PasswordResetForm):
    """The form of the reset page: it only queues the mail. The page then answers alike, and as
    fast, whether or not an account has the address, and a slow mail server holds no web worker."""

    def save(self, *args, **kwargs) -> None:
        from accounts.tasks import send_password_reset

        send_password_reset.delay(email=self.cleaned_data["email"], language=translation.get_language())


class SetPasswordForm(auth_forms.SetPasswordForm):
    """The new password chosen through the mailed link. It also forgets the failed logins on that
    account (and so its lockout): whoever holds its mailbox has shown who they are."""

    def save(self, commit: bool = True):
        from axes.utils import reset

        user = super().save(commit)
        if commit:
            reset(username=user.get_username())
        return user
