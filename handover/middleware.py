"""Turns the domain's "not found" into the web's 404, so services never speak HTTP."""

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse

from handover.errors import NotFound


class DomainNotFoundMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, NotFound):
            # Django answers an Http404 raised here with the 404 page, as one raised in a view.
            raise Http404 from exception
