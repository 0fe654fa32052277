"""Request types for views, so the type checker knows what middleware has set."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request that has passed ``login_required``: its user is a real ``User``, never anonymous."""

    user: User
    htmx: HtmxDetails
