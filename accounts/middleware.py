from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django_htmx.http import HttpResponseClientRedirect

from accounts import two_factor


class UserLanguageMiddleware:
    """Switch to the language a signed-in user chose, wherever they sign in from."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class TwoFactorMiddleware:
    """Whoever signed in with their password but still owes the second step sees no other page:
    a person with an authenticator is sent to type its code, HR and IT without one to set one up.

    Asks nothing of the database for people without two-factor: whether they have an
    authenticator was noted in the session when they signed in (accounts.two_factor), and the
    roles are the ones the page itself reads. Goes after django-otp's OTPMiddleware.
    """

    # The way in and out, and the public pages: signing in, the code and the setup themselves,
    # the language switch, the password reset, the verification of a confirmation, the privacy notice.
    OPEN_VIEWS = frozenset(
        {
            "login",
            "logout",
            "password_reset",
            "password_reset_done",
            "password_reset_confirm",
            "password_reset_complete",
            "set_language",
            "accounts:two_factor_verify",
            "accounts:two_factor_setup",
            "admin:login",
            "admin:logout",
            "handover:verify",
            "handover:verify_code",
            "handover:root_certificate",
            "handover:privacy_notice",
        }
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or two_factor.verified(user):
            return None
        if request.session.get(two_factor.CHALLENGE_SESSION_KEY):
            target = reverse("accounts:two_factor_verify")
        elif two_factor.required_for(user):
            target = reverse("accounts:two_factor_setup")
        else:
            return None
        # The pages open to them show nothing that belongs to the signed-in (the bell, say).
        setattr(request, "two_factor_pending", True)  # noqa: B010 - HttpRequest declares no such attribute
        match = request.resolver_match
        if match is not None and match.view_name in self.OPEN_VIEWS:
            return None
        if request.headers.get("HX-Request") == "true":
            # An htmx request would put the code page inside the page it updates: load it whole.
            return HttpResponseClientRedirect(target)
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(target)
