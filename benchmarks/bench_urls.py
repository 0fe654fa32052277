"""The project's URLs and a bare Django view, served side by side by the load scripts: the bare
view goes through the same middleware and does nothing else, the yardstick the pages are held to."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as project


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *project]
