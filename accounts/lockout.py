"""The answer to a login refused after too many wrong passwords (django-axes calls it)."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """A page saying when to try again, answered 429 Too Many Requests. The lock ends one cool-off
    after the latest failure, and django-axes has just recorded this refused attempt as the latest."""
    cool_off = settings.AXES_COOLOFF_TIME
    until = request.axes_attempt_time + cool_off  # type: ignore[attr-defined]
    response = render(request, "registration/locked_out.html", {"until": until}, status=429)
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
