"""The pages a visitor meets when something is missing, forbidden or broken: friendly, in their
language, logged in one line when it is their doing, and never Django's debug pages unless
DEBUG=1 asks for them."""

import logging

import pytest
from django.core.exceptions import BadRequest, PermissionDenied
from django.urls import include, path

from tests.settings_probe import settings_under


def boom(request):
    raise RuntimeError("a bug")


def bad(request):
    raise BadRequest("a mangled request")


def forbidden(request):
    raise PermissionDenied("not yours to take")


# The URLconf of this module's tests: the app's own pages (which the error pages link to) and
# three that fail on purpose, as views of the app do when a visitor or the code goes wrong.
urlpatterns = [
    path("boom/", boom),
    path("bad/", bad),
    path("forbidden/", forbidden),
    path("", include("config.urls")),
]
pytestmark = pytest.mark.urls("tests.test_error_pages")


@pytest.fixture(scope="module")
def embedded_debug() -> bool:
    """DEBUG as `make run` leaves it (the test run itself always runs with DEBUG off)."""
    return settings_under("DEBUG")["DEBUG"]


@pytest.fixture
def request_log():
    """What reaches the handlers of Django's request logger (past its filters)."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)


def test_debug_pages_only_when_asked_for():
    assert settings_under("DEBUG") == {"DEBUG": False}
    assert settings_under("DEBUG", DEBUG="1") == {"DEBUG": True}


def test_embedded_mode_keeps_its_embedded_defaults_with_debug_off():
    """Only DEBUG=0 declares production; unset, the demo still runs on its embedded key, vault
    file and plain static files, with cookies a plain-HTTP 127.0.0.1 keeps."""
    probe = settings_under("SECRET_KEY", "HANDOVER_VAULT_KEY_FILE", "STORAGES", "SESSION_COOKIE_SECURE")
    assert probe["SECRET_KEY"] == "embedded-mode-only-not-secret"
    assert probe["HANDOVER_VAULT_KEY_FILE"].endswith("vault.key")
    static_storage = probe["STORAGES"]["staticfiles"]["BACKEND"]
    assert static_storage == "django.contrib.staticfiles.storage.StaticFilesStorage"
    assert probe["SESSION_COOKIE_SECURE"] is False


@pytest.mark.parametrize(
    ("language", "title", "text"),
    [
        ("en", "Not found", "There is nothing here, or nothing you may see."),
        ("zh-hans", "未找到", "这里没有内容，或你无权查看。"),
        ("zh-hant", "找不到頁面", "這裡沒有內容，或您無權檢視。"),
    ],
)
def test_a_missing_page_is_the_friendly_404_in_the_visitors_language(
    client, settings, embedded_debug, language, title, text
):
    settings.DEBUG = embedded_debug
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    body = response.content.decode()
    assert f'<html lang="{language}">' in body
    assert f"<h1>{title}</h1>" in body
    assert text in body
    assert "URLconf" not in body


def test_a_forbidden_action_is_the_friendly_403_in_the_users_language(client, people):
    client.force_login(people.leaver)
    client.cookies["django_language"] = "zh-hans"
    response = client.get("/forbidden/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "<h1>无权操作</h1>" in body
    assert "你可以查看此内容，但无权执行此操作。" in body


def test_a_forbidden_action_is_logged_in_one_line_without_traceback(client, people, request_log):
    client.force_login(people.leaver)
    client.get("/forbidden/")
    [record] = request_log
    assert record.levelno == logging.WARNING
    assert record.status_code == 403  # type: ignore[attr-defined]
    assert record.exc_info is None
    assert logging.Formatter().format(record) == "Forbidden (Permission denied): /forbidden/"


def test_a_server_error_is_the_self_contained_500_page_and_logged_with_its_traceback(client, request_log):
    """No database (this test has none), no request context: the page must render anyway."""
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "<h1>Something went wrong</h1>" in body
    assert '<link rel="stylesheet" href="/static/css/app.css">' in body
    assert 'href="/"' in body
    [record] = request_log
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None


def test_a_server_error_page_speaks_the_visitors_language(client):
    client.raise_request_exception = False
    response = client.get("/boom/", HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert '<html lang="zh-hant">' in response.content.decode()


def test_a_bad_request_is_the_friendly_400_page_logged_in_one_line(client, request_log):
    response = client.get("/bad/")
    assert response.status_code == 400
    body = response.content.decode()
    assert "<h1>Bad request</h1>" in body
    assert "Something went wrong" not in body
    [record] = request_log
    assert record.exc_info is None


def test_a_stale_form_gets_a_friendly_translated_page(db):
    """Django's own CSRF page is English only and carries an inline style the CSP blocks."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="zh-hans")
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "style=" not in page
    assert "表单已过期" in page
