"""/healthz and /readyz: what an orchestrator asks, answered whoever asks and however they address
the site, never cached, and naming what is not ready without telling a visitor anything more."""

import logging

import pytest

from config.health import _signing_key_opens

pytestmark = pytest.mark.django_db

CHECKS = {"database", "broker", "documents", "uploads", "media", "signing_key"}


@pytest.fixture(autouse=True)
def folders(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.HANDOVER_DOCUMENT_DIR = tmp_path / "documents"
    settings.HANDOVER_UPLOAD_DIR = tmp_path / "uploads"
    return tmp_path


@pytest.fixture
def probe_from_inside(settings):
    """A probe as docker or Kubernetes sends it: plain HTTP to the container's address, to a site
    that only answers its public name and sends plain HTTP to HTTPS."""
    settings.ALLOWED_HOSTS = ["handover.example.com"]
    settings.SECURE_SSL_REDIRECT = True
    return {"HTTP_HOST": "10.0.3.7:8000"}


def never_cached(response) -> bool:
    return "no-store" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]


@pytest.mark.django_db(databases=[])
def test_healthz_answers_without_the_database(client, probe_from_inside, django_assert_num_queries):
    # With no database allowed in this test, any query would raise.
    response = client.get("/healthz", **probe_from_inside)
    assert (response.status_code, response.content) == (200, b"ok")
    assert response["Content-Type"] == "text/plain"
    assert never_cached(response)


def test_readyz_answers_each_check(client, probe_from_inside, folders):
    response = client.get("/readyz", **probe_from_inside)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": dict.fromkeys(CHECKS, "ok")}
    assert never_cached(response)
    # The probe's files are gone again.
    assert list(folders.rglob("readyz-*")) == []


def test_probes_skip_sign_in_and_answer_get_and_head_only(client, people):
    client.force_login(people.hr)
    assert client.get("/healthz").status_code == 200
    assert client.head("/readyz").status_code == 200
    response = client.post("/readyz")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    client.logout()
    assert client.get("/readyz").status_code == 200


def test_an_unreachable_broker_is_named(client, caplog, monkeypatch):
    # Celery reads the broker's address from this variable before its settings. Nothing listens
    # on port 1: the connection is refused at once.
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")
    with caplog.at_level(logging.WARNING):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "failed",
        "checks": {**dict.fromkeys(CHECKS, "ok"), "broker": "failed"},
    }
    # One warning naming the cause, and not Django's error line for a 5xx answer.
    [message] = caplog.messages
    assert message.startswith("Readiness check broker failed: OperationalError: ")
    assert "Connection refused" in message


def test_a_folder_that_cannot_be_written_is_named(client, settings, folders):
    (folders / "a-file").write_text("not a folder")
    settings.HANDOVER_UPLOAD_DIR = folders / "a-file" / "uploads"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {**dict.fromkeys(CHECKS, "ok"), "uploads": "failed"}


def test_a_missing_signing_key_is_named(client, settings, tmp_path):
    settings.HANDOVER_SIGNING_DIR = tmp_path / "no-key-here"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {**dict.fromkeys(CHECKS, "ok"), "signing_key": "failed"}


def test_a_signing_key_the_passphrase_does_not_open_is_named_and_the_passphrase_is_not(
    client, settings, caplog
):
    _signing_key_opens.cache_clear()
    settings.HANDOVER_SIGNING_PASSPHRASE = "a-wrong-passphrase-for-this-key"
    with caplog.at_level(logging.WARNING):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["signing_key"] == "failed"
    assert caplog.messages == [
        "Readiness check signing_key failed: "
        "SealError: HANDOVER_SIGNING_PASSPHRASE does not open the signing key."
    ]
    for text in (response.content.decode(), caplog.text):
        assert "a-wrong-passphrase" not in text
        assert "Traceback" not in text


def test_the_signing_key_is_opened_once_per_process_not_per_probe(client):
    _signing_key_opens.cache_clear()
    for _ in range(3):
        assert client.get("/readyz").json()["checks"]["signing_key"] == "ok"
    info = _signing_key_opens.cache_info()
    assert (info.misses, info.hits) == (1, 2)
