from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.views.decorators.http import require_POST


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
