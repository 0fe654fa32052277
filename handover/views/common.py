from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from handover.errors import HandoverError
from handover.models import Departure
from handover.permissions import CaseAccess, case_access


def load_case(request: HttpRequest, pk: int) -> tuple[Departure, CaseAccess]:
    """The case and what this user may do on it; a case they may not see does not exist (404)."""
    departure = get_object_or_404(Departure.objects.select_related("department"), pk=pk)
    access = case_access(request.user, departure)
    if not access.can_view:
        raise Http404
    return departure, access


def case_url(departure_id: int, anchor: str = "") -> str:
    url = reverse("handover:case_detail", args=[departure_id])
    return f"{url}#{anchor}" if anchor else url


def case_action(view: Callable) -> Callable:
    """A POST-only action on a case: 404 unless visible, domain errors become a message.

    The wrapped view returns a response or None (then the case page is shown again).
    """

    @login_required
    @require_POST
    @wraps(view)
    def wrapper(request: HttpRequest, pk: int, *args, **kwargs) -> HttpResponse:
        departure, access = load_case(request, pk)
        try:
            response = view(request, departure, access, *args, **kwargs)
        except HandoverError as error:
            messages.error(request, error.message)
            return redirect(case_url(departure.pk))
        return response or redirect(case_url(departure.pk))

    return wrapper


def client_ip(request: HttpRequest) -> str | None:
    """The signer's address: behind the TLS proxy (BEHIND_HTTPS_PROXY) the last hop it appended to
    X-Forwarded-For, which a client cannot forge; otherwise the connection's address."""
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if forwarded[-1]:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR") or None
