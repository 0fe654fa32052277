"""Uploads and confirmation PDFs in S3-compatible object storage (HANDOVER_S3_BUCKET): a real S3
server (moto's, in a process of its own) holds them, the local disk nothing, and the same
permission-checked views serve them."""

import importlib.util
import logging
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.views.debug import SafeExceptionReporterFilter

import config.settings
from handover import services
from handover.documents.storage import document_storage, upload_storage
from handover.models import Departure, Material, State

pytestmark = pytest.mark.django_db

ACCESS_KEY = "handover-test-access-key"
SECRET_KEY = "handover-test-secret-never-shown"
PDF = b"%PDF-1.7\n%%EOF\n"


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    """moto's standalone S3 server on a free port; its address."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [Path(sys.executable).parent / "moto_server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url, timeout=1).close()
            break
        except OSError:
            assert server.poll() is None, "moto_server exited"
            assert time.monotonic() < deadline, "moto_server did not answer within 30 s"
            time.sleep(0.2)
    yield url
    server.terminate()
    server.wait(timeout=10)


S3_VARIABLES = (
    "HANDOVER_S3_BUCKET",
    "HANDOVER_S3_ENDPOINT_URL",
    "HANDOVER_S3_REGION",
    "HANDOVER_S3_ACCESS_KEY_ID",
    "HANDOVER_S3_SECRET_ACCESS_KEY",
    "HANDOVER_S3_PREFIX",
    "HANDOVER_S3_ADDRESSING_STYLE",
    "HANDOVER_S3_SERVER_SIDE_ENCRYPTION",
)


def storages_under(monkeypatch, **env: str) -> dict:
    """settings.STORAGES as config/settings.py builds it from this environment: the file run
    afresh, as a module of its own. The other S3 variables are empty, not removed, so that a
    developer's .env cannot fill them in."""
    for name in S3_VARIABLES:
        monkeypatch.setenv(name, env.get(name, ""))
    spec = importlib.util.spec_from_file_location("settings_under_test", config.settings.__file__)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.STORAGES


def s3_client(url: str):
    return boto3.client(
        "s3",
        endpoint_url=url,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name="us-east-1",
    )


def keys(url: str, bucket: str) -> set[str]:
    return {entry["Key"] for entry in s3_client(url).list_objects_v2(Bucket=bucket).get("Contents", [])}


@pytest.fixture
def local_folders(settings, tmp_path) -> Path:
    """Where the files would go on the local disk: they must stay empty (the test's cache, files
    as in embedded mode, is elsewhere)."""
    folders = tmp_path / "files"
    settings.MEDIA_ROOT = folders / "media"
    settings.HANDOVER_DOCUMENT_DIR = folders / "documents"
    settings.HANDOVER_UPLOAD_DIR = folders / "uploads"
    return folders


@pytest.fixture
def bucket(s3_server, settings, monkeypatch, local_folders) -> str:
    """A bucket of this test's own, and the storages of settings.py pointed at it."""
    name = f"handover-{uuid.uuid4().hex[:12]}"
    s3_client(s3_server).create_bucket(Bucket=name)
    settings.STORAGES = storages_under(
        monkeypatch,
        HANDOVER_S3_BUCKET=name,
        HANDOVER_S3_ENDPOINT_URL=s3_server,
        HANDOVER_S3_REGION="us-east-1",
        HANDOVER_S3_ACCESS_KEY_ID=ACCESS_KEY,
        HANDOVER_S3_SECRET_ACCESS_KEY=SECRET_KEY,
        HANDOVER_S3_ADDRESSING_STYLE="path",
        HANDOVER_S3_SERVER_SIDE_ENCRYPTION="AES256",
    )
    return name


def on_local_disk(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


def test_without_a_bucket_files_stay_on_the_local_disk(monkeypatch):
    storages = storages_under(monkeypatch)
    assert storages["documents"]["BACKEND"] == "handover.documents.storage.FolderStorage"
    assert storages["documents"]["OPTIONS"] == {"folder_setting": "HANDOVER_DOCUMENT_DIR"}
    assert storages["uploads"]["OPTIONS"]["folder_setting"] == "HANDOVER_UPLOAD_DIR"
    assert storages["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_a_bucket_keeps_documents_uploads_and_media_under_prefixes_of_their_own(monkeypatch):
    storages = storages_under(monkeypatch, HANDOVER_S3_BUCKET="acme-handover", HANDOVER_S3_PREFIX="/prod/")
    locations = {name: storages[name]["OPTIONS"]["location"] for name in ("documents", "uploads", "default")}
    assert locations == {"documents": "prod/documents", "uploads": "prod/uploads", "default": "prod/media"}
    options = storages["uploads"]["OPTIONS"]
    assert storages["uploads"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert options["bucket_name"] == "acme-handover"
    # No ACL (private to the bucket's owner), only signed URLs, never a file replaced by another.
    assert (options["default_acl"], options["querystring_auth"], options["file_overwrite"]) == (
        None,
        True,
        False,
    )
    # Without keys of its own boto3 finds them (AWS_* variables, an instance role).
    assert "access_key" not in options
    assert "secret_key" not in options


def test_one_key_without_the_other_is_refused(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="HANDOVER_S3_SECRET_ACCESS_KEY"):
        storages_under(monkeypatch, HANDOVER_S3_BUCKET="acme-handover", HANDOVER_S3_ACCESS_KEY_ID="AKIA1")


def test_the_secret_key_is_hidden_where_settings_are_shown(bucket):
    shown = SafeExceptionReporterFilter().get_safe_settings()["STORAGES"]
    for name in ("documents", "uploads", "default"):
        assert shown[name]["OPTIONS"]["secret_key"] == SafeExceptionReporterFilter.cleansed_substitute
    assert SECRET_KEY not in str(shown)


def material_post(client, departure: Departure, upload: SimpleUploadedFile):
    data = {
        "module": departure.modules.get(kind="product").pk,
        "title": "Supplier contract",
        "medium": "electronic",
        "category": "contract",
        "location": "https://drive.example/contracts",
        "importance": "high",
        "upload": upload,
    }
    return client.post(reverse("handover:material_add", args=[departure.pk]), data)


def test_a_material_file_goes_to_the_bucket_and_comes_back_through_the_checked_view(
    client, people, make_case, bucket, s3_server, local_folders
):
    departure = make_case(State.PREPARING)
    client.force_login(people.leaver)
    assert material_post(client, departure, SimpleUploadedFile("contract.pdf", PDF)).status_code == 302
    material = Material.objects.get()

    assert keys(s3_server, bucket) == {f"uploads/{material.file.name}"}
    stored = s3_client(s3_server).head_object(Bucket=bucket, Key=f"uploads/{material.file.name}")
    assert stored["ServerSideEncryption"] == "AES256"
    assert on_local_disk(local_folders) == []

    url = reverse("handover:material_file", args=[departure.pk, material.pk])
    client.force_login(people.successor_a)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"] == 'attachment; filename="contract.pdf"'
    client.force_login(people.stranger)
    assert client.get(url).status_code == 404


def test_removing_a_material_removes_its_object(
    client, people, make_case, bucket, s3_server, django_capture_on_commit_callbacks
):
    departure = make_case(State.PREPARING)
    client.force_login(people.leaver)
    material_post(client, departure, SimpleUploadedFile("contract.pdf", PDF))
    material = Material.objects.get()
    assert upload_storage().exists(material.file.name)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("handover:material_delete", args=[departure.pk, material.pk]))
    assert response.status_code == 302
    assert not Material.objects.exists()
    assert keys(s3_server, bucket) == set()


def test_a_confirmation_pdf_is_kept_in_the_bucket_and_served_by_its_view(
    client, people, make_case, bucket, s3_server, local_folders
):
    departure = make_case(State.SIGNED_OFF)
    document = services.confirmation_produce(departure_id=departure.pk)

    assert keys(s3_server, bucket) == {f"documents/{document.file_name}"}
    assert on_local_disk(local_folders) == []
    with document_storage().open(document.file_name, "rb") as stored:
        assert stored.read().startswith(b"%PDF")

    client.force_login(people.hr)
    response = client.get(reverse("handover:confirmation_pdf", args=[departure.pk]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert len(content) == document.size
    assert response["Content-Type"] == "application/pdf"


def test_readyz_writes_to_the_bucket_and_names_a_storage_it_cannot_write(
    client, settings, bucket, s3_server, caplog
):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert {name: response.json()["checks"][name] for name in ("documents", "uploads", "media")} == {
        "documents": "ok",
        "uploads": "ok",
        "media": "ok",
    }
    # The probe's objects are gone again.
    assert keys(s3_server, bucket) == set()

    documents = settings.STORAGES["documents"]
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {**documents, "OPTIONS": {**documents["OPTIONS"], "bucket_name": "no-such-bucket"}},
    }
    with caplog.at_level(logging.WARNING):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["documents"] == "failed"
    assert response.json()["checks"]["uploads"] == "ok"
    [message] = caplog.messages
    assert message.startswith("Readiness check documents failed: NoSuchBucket: ")
    for text in (response.content.decode(), caplog.text):
        assert SECRET_KEY not in text
        assert ACCESS_KEY not in text
