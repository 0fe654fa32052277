from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import ratelimit, two_factor
from accounts.models import User

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

        email = self.cleaned_data["email"]
        # Past the limit the mailbox gets nothing more this hour; the page answers alike.
        if ratelimit.retry_after(
            "reset-mail",
            email.strip().casefold(),
            limit=settings.HANDOVER_RESET_MAILS_PER_ACCOUNT,
            seconds=settings.HANDOVER_RESET_WINDOW_SECONDS,
        ):
            return
        send_password_reset.delay(email=email, language=translation.get_language())


class SetPasswordForm(auth_forms.SetPasswordForm):
    """The new password chosen through the mailed link. It also forgets the failed logins on that
    account (and so its lockout): whoever holds its mailbox has shown who they are."""

    def save(self, commit: bool = True):
        from axes.utils import reset

        user = super().save(commit)
        if commit:
            reset(username=user.get_username())
        return user


# After a wrong code the device waits 1 s, 2 s, 4 s… before it checks the next: from 4 s on, a
# person typing would notice, so the page says until when.
WAIT_WORTH_SAYING = timedelta(seconds=4)


class CodeForm(forms.Form):
    """A code from the authenticator app, or (when signing in) one of the recovery codes."""

    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("The 6-digit code your authenticator app shows now, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, user: User, setting_up: TOTPDevice | None = None, **kwargs):
        """``setting_up``: the authenticator being set up, the only device that may accept the
        code; otherwise whichever of the person's devices the code is for."""
        super().__init__(*args, **kwargs)
        self.user = user
        self.setting_up = setting_up
        self.device: Device | None = None
        if setting_up is not None:
            self.fields["code"].help_text = _("The 6-digit code the app shows now for this account.")

    def clean_code(self) -> str:
        code = two_factor.normalized(self.cleaned_data["code"])
        if self.setting_up is not None:
            device = self.setting_up if two_factor.is_app_code(code) else None
        else:
            device = two_factor.device_for_code(self.user, code)
        if device is None and self.setting_up is not None:
            raise ValidationError(_("That is not a code: type the 6 digits the app shows."))
        if device is None:
            raise ValidationError(
                _("That is not a code: type the 6 digits your app shows, or a recovery code.")
            )
        check = two_factor.code_check(user=self.user, device=device, code=code)
        if check.accepted:
            self.device = device
            return code
        wait = check.wait_until and date_format(timezone.localtime(check.wait_until), "H:i:s")
        if not check.checked:
            raise ValidationError(
                _("Too many wrong codes in a row. Wait until %(time)s, then try again.") % {"time": wait}
            )
        if check.wait_until is not None and check.wait_until - timezone.now() >= WAIT_WORTH_SAYING:
            raise ValidationError(
                _("That code is not right. After so many wrong ones, wait until %(time)s to try again.")
                % {"time": wait}
            )
        raise ValidationError(_("That code is not right, or it was used already."))


class PasswordAgainForm(forms.Form):
    """The person's own password, typed again before a change to how they sign in. A wrong one
    counts towards the login lockout (django-axes), as at the login page."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, request: HttpRequest, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        user = self.request.user
        again = authenticate(self.request, username=user.get_username(), password=password)
        if again is None or again.pk != user.pk:
            raise ValidationError(_("That is not your password."))
        return password
