from datetime import timedelta
from urllib.parse import quote, urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import check_for_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from accounts import ratelimit, two_factor
from accounts.forms import CodeForm, PasswordAgainForm, PasswordResetForm
from accounts.models import User


class PasswordResetView(auth_views.PasswordResetView):
    """Django's page asking for a new password by mail, limited per address: past the limit, a page
    saying when to try again (429) instead of another mail queued."""

    form_class = PasswordResetForm

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        seconds = settings.HANDOVER_RESET_WINDOW_SECONDS
        wait = ratelimit.retry_after(
            "reset",
            ratelimit.address_key(ratelimit.client_ip(request)),
            limit=settings.HANDOVER_RESET_PER_ADDRESS,
            seconds=seconds,
        )
        if wait:
            until = timezone.localtime() + timedelta(seconds=wait)
            response = render(
                request, "registration/password_reset_limited.html", {"until": until}, status=429
            )
            response["Retry-After"] = str(wait)
            return response
        return super().post(request, *args, **kwargs)


class SignedInRequest(HttpRequest):
    """A request that has passed ``login_required``: its user is a real ``User``."""

    user: User


def _same_site_path(target: str, request: HttpRequest) -> str:
    """Where to go back to: a path on this site, or the home page. A bare word would be resolved
    relative to the switch's own URL, and anything with a host could lead elsewhere."""
    allowed = url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
    return target if allowed and target.startswith("/") and not target.startswith("//") else "/"


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; a signed-in user keeps the choice on every device."""
    code = request.POST.get("language", "")
    response = HttpResponseRedirect(_same_site_path(request.POST.get("next", ""), request))
    if code in dict(settings.LANGUAGES) and check_for_language(code):
        if request.user.is_authenticated:
            request.user.language = code
            request.user.save(update_fields=["language"])
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, code, samesite="Lax")
    return response


def _next_url(request: HttpRequest) -> str:
    """Where the person was going when the second step of signing in stopped them."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    return _same_site_path(target, request) if target else resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}"


@never_cache
@sensitive_post_parameters("code")
@login_required
def two_factor_verify(request: SignedInRequest) -> HttpResponse:
    """The second step of signing in: the code of the person's authenticator, or a recovery code."""
    user = request.user
    next_url = _next_url(request)
    if two_factor.verified(user):
        return redirect(next_url)
    if two_factor.authenticator(user) is None:
        # Turned off, or removed by an administrator, since this sign-in began.
        request.session.pop(two_factor.CHALLENGE_SESSION_KEY, None)
        if two_factor.required_for(user):
            return redirect(_with_next(reverse("accounts:two_factor_setup"), next_url))
        return redirect(next_url)
    form = CodeForm(request.POST if request.method == "POST" else None, user=user)
    if form.is_valid():
        assert form.device is not None  # set by a valid form
        two_factor.sign_in_verified(request, form.device)
        if isinstance(form.device, StaticDevice):
            left = two_factor.recovery_codes_left(user)
            messages.warning(
                request,
                ngettext(
                    "You used a recovery code; %(count)d is left. Make new ones on your Security page.",
                    "You used a recovery code; %(count)d are left. Make new ones on your Security page.",
                    left,
                )
                % {"count": left},
            )
        return redirect(next_url)
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url})


@never_cache
@sensitive_post_parameters("code")
@login_required
def two_factor_setup(request: SignedInRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code (or type the key), then type a code it shows.
    The key is shown only here and only until the app is confirmed."""
    user = request.user
    next_url = _next_url(request)
    if two_factor.authenticator(user) is not None:
        if two_factor.verified(user):
            return redirect("accounts:security")
        return redirect(_with_next(reverse("accounts:two_factor_verify"), next_url))
    device = two_factor.authenticator_prepare(user=user)
    form = CodeForm(request.POST if request.method == "POST" else None, user=user, setting_up=device)
    if form.is_valid():
        codes = two_factor.two_factor_enable(request=request, user=user, device=device)
        messages.success(request, _("Two-factor sign-in is on."))
        return _recovery_codes_page(request, user, codes, next_url)
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "next": next_url,
        # segno's own markup, from the device's otpauth:// address.
        "qr_svg": mark_safe(qr.svg_inline(scale=5, border=4, dark="#000", light="#fff")),  # noqa: S308
        "secret": two_factor.secret_for_typing(device),
        "required": two_factor.required_for(user),
    }
    return render(request, "accounts/two_factor_setup.html", context)


def _recovery_codes_page(request: HttpRequest, user: User, codes: list[str], next_url: str) -> HttpResponse:
    """The new recovery codes, shown in the answer to the request that made them and nowhere
    else (the page is not kept by the browser); the download is the same text, in the page."""
    text = "\n".join(
        [
            _("Handover recovery codes for %(username)s") % {"username": user.get_username()},
            _("Each code works once, in place of the code of your authenticator app."),
            "",
            *codes,
            "",
        ]
    )
    context = {"codes": codes, "next": next_url, "download": "data:text/plain;charset=utf-8," + quote(text)}
    return render(request, "accounts/recovery_codes.html", context)


def _security_page(
    request: SignedInRequest,
    *,
    regenerate_form: PasswordAgainForm | None = None,
    disable_form: PasswordAgainForm | None = None,
) -> HttpResponse:
    user = request.user
    enabled = two_factor.authenticator(user) is not None
    context = {
        "enabled": enabled,
        "required": two_factor.required_for(user),
        "codes_left": two_factor.recovery_codes_left(user) if enabled else 0,
        "regenerate_form": regenerate_form or PasswordAgainForm(request=request, prefix="regenerate"),
        "disable_form": disable_form or PasswordAgainForm(request=request, prefix="disable"),
    }
    return render(request, "accounts/security.html", context)


@login_required
def security(request: SignedInRequest) -> HttpResponse:
    """How the person signs in: two-factor on or off, recovery codes left, what they may change."""
    return _security_page(request)


@never_cache
@sensitive_post_parameters("regenerate-password")
@login_required
@require_POST
def recovery_codes_regenerate(request: SignedInRequest) -> HttpResponse:
    user = request.user
    if two_factor.authenticator(user) is None:
        return redirect("accounts:security")
    form = PasswordAgainForm(request.POST, request=request, prefix="regenerate")
    if not form.is_valid():
        return _security_page(request, regenerate_form=form)
    codes = two_factor.recovery_codes_regenerate(user=user)
    messages.success(request, _("New recovery codes are ready; the earlier ones no longer work."))
    return _recovery_codes_page(request, user, codes, reverse("accounts:security"))


@sensitive_post_parameters("disable-password")
@login_required
@require_POST
def two_factor_disable(request: SignedInRequest) -> HttpResponse:
    """Turn two-factor sign-in off. HR and IT may not work without it: for them this removes the
    authenticator so that they set up a new one (a new phone), which they must do at once."""
    user = request.user
    if two_factor.authenticator(user) is None:
        return redirect("accounts:security")
    form = PasswordAgainForm(request.POST, request=request, prefix="disable")
    if not form.is_valid():
        return _security_page(request, disable_form=form)
    two_factor.two_factor_disable(request=request, user=user)
    if two_factor.required_for(user):
        messages.info(request, _("Your authenticator app was removed. Set up the new one now."))
        return redirect("accounts:two_factor_setup")
    messages.success(request, _("Two-factor sign-in is off."))
    return redirect("accounts:security")
