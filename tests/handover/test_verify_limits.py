"""The public verification page cannot stall the site: uploads and lookups are limited per address,
a file is refused past a confirmation's size, the check runs in the worker (in a child process
bounded in time and memory) while the page polls, and an import reads only so many rows."""

import io
import time
import zipfile
from datetime import timedelta
from html.parser import HTMLParser

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import PatternFill

from handover import services
from handover.documents.storage import document_storage
from handover.models import Access, AccessSystem, ConfirmationDocument, State
from tests.worker_process import celery_worker, own_queue

pytestmark = pytest.mark.django_db

INTACT = "Intact: sealed by this organisation and unchanged."
CHECKING = "Checking the document"
COULD_NOT = "This file could not be checked"
NOT_A_PDF = "This is not a PDF this page can read."
TOO_MANY = "Try again in"


@pytest.fixture
def sealed_pdf(make_case) -> tuple[str, bytes]:
    """A signed-off case's confirmation: its number and the sealed PDF."""
    departure = make_case(State.SIGNED_OFF)
    document = services.confirmation_produce(departure_id=departure.pk)
    with document_storage().open(document.file_name, "rb") as stored:
        return departure.number, stored.read()


def hostile_pdf(item: bytes, size: int = 5 * 1024 * 1024) -> bytes:
    """A small, valid PDF whose trailer holds one array of ``item`` filling ``size`` bytes: pyHanko
    reads the trailer whole when it opens the file. Measured without bounds at 5 MB: an array of
    numbers takes 28 s, one of empty strings 21 s and 1.3 GB of memory."""
    body = (
        b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    )
    xref = b"xref\n0 3\n0000000000 65535 f \n0000000009 00000 n \n%010d 00000 n \n" % body.index(b"2 0 obj")
    array = item * ((size - 400) // len(item))
    return (
        body
        + xref
        + b"trailer\n<< /Size 3 /Root 1 0 R /X ["
        + array
        + b"] >>\nstartxref\n%d\n%%%%EOF\n" % len(body)
    )


def upload(client, data: bytes, *, address: str = "192.0.2.1", follow: bool = True, name: str = "copy.pdf"):
    return client.post(
        reverse("handover:verify"),
        {"upload": SimpleUploadedFile(name, data)},
        follow=follow,
        REMOTE_ADDR=address,
    )


def lookup(client, address: str = "192.0.2.1"):
    return client.get(reverse("handover:verify") + "?sha256=" + "0" * 64, REMOTE_ADDR=address)


def test_uploads_are_limited_per_address_and_allowed_again_after_the_window(client):
    assert django_settings.HANDOVER_VERIFY_UPLOADS_PER_ADDRESS == 10
    with time_machine.travel("2026-03-02 09:00:30 +0000", tick=False) as clock:
        # Every upload counts, also one refused as not a PDF: each was sent and read.
        for _ in range(10):
            response = upload(client, b"GIF89a not a pdf")
            assert response.status_code == 200
            assert NOT_A_PDF in response.content.decode()
        refused = upload(client, b"GIF89a not a pdf")
        assert refused.status_code == 429
        assert int(refused["Retry-After"]) == 9 * 60 + 30
        page = refused.content.decode()
        assert "Your address has asked for more checks" in page and "Try again in 10 minutes." in page
        assert NOT_A_PDF not in page

        # Another address is not held back; lookups have their own count.
        assert upload(client, b"GIF89a", address="192.0.2.2").status_code == 200
        assert lookup(client).status_code == 200

        clock.shift(timedelta(minutes=9, seconds=30))
        assert upload(client, b"GIF89a not a pdf").status_code == 200


def test_an_ipv6_subscriber_is_counted_by_its_64_block(client, settings):
    settings.HANDOVER_VERIFY_UPLOADS_PER_ADDRESS = 2
    assert upload(client, b"GIF89a", address="2001:db8:1:2::1").status_code == 200
    assert upload(client, b"GIF89a", address="2001:db8:1:2:ffff::9").status_code == 200
    assert upload(client, b"GIF89a", address="2001:db8:1:2::abcd").status_code == 429
    assert upload(client, b"GIF89a", address="2001:db8:1:3::1").status_code == 200


def test_lookups_by_sha256_or_qr_code_have_a_more_generous_limit(client):
    limit = django_settings.HANDOVER_VERIFY_LOOKUPS_PER_ADDRESS
    assert limit > django_settings.HANDOVER_VERIFY_UPLOADS_PER_ADDRESS
    for _ in range(limit - 1):
        assert lookup(client).status_code == 200
    # The QR code's page is a lookup too; unknown codes count as well.
    assert (
        client.get(reverse("handover:verify_code", args=["nope"]), REMOTE_ADDR="192.0.2.1").status_code == 404
    )
    refused = lookup(client)
    assert refused.status_code == 429 and TOO_MANY in refused.content.decode()
    assert (
        client.get(reverse("handover:verify_code", args=["nope"]), REMOTE_ADDR="192.0.2.1").status_code == 429
    )
    assert lookup(client, address="192.0.2.7").status_code == 200
    # Uploads are still allowed, and the plain page is never limited.
    assert upload(client, b"GIF89a").status_code == 200
    assert client.get(reverse("handover:verify"), REMOTE_ADDR="192.0.2.1").status_code == 200


def test_uploads_from_many_addresses_meet_a_site_wide_limit(client, settings):
    settings.HANDOVER_VERIFY_UPLOADS_SITE_WIDE = 3
    for n in range(3):
        assert upload(client, b"GIF89a", address=f"198.51.100.{n}").status_code == 200
    refused = upload(client, b"GIF89a", address="198.51.100.99")
    assert refused.status_code == 429
    assert "This page has been asked to check more files than it can" in refused.content.decode()
    # Lookups do not wait for the checks.
    assert lookup(client, address="198.51.100.99").status_code == 200


def test_an_oversized_upload_is_refused_with_a_clear_error(client):
    assert django_settings.HANDOVER_VERIFY_MAX_BYTES == 5 * 1024 * 1024
    just_over = b"%PDF-1.7\n" + b"0" * (5 * 1024 * 1024 - 8)
    response = upload(client, just_over)
    assert response.status_code == 200
    assert "The file is larger than a confirmation can be (at most 5.0\xa0MB)." in response.content.decode()

    # A body announced far larger is answered at once, before a byte of it is read: the test
    # client's payload refuses to be read past what it holds.
    response = client.generic(
        "POST",
        reverse("handover:verify"),
        b"--x--",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(31 * 1024 * 1024),
        REMOTE_ADDR="192.0.2.1",
    )
    assert response.status_code == 413
    assert "The file is larger than a confirmation can be" in response.content.decode()


def test_the_check_answers_with_a_verdict_page_that_names_the_upload(client, sealed_pdf):
    number, pdf = sealed_pdf
    response = upload(client, pdf, follow=False)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("handover:verify") + "?check=")
    # Tasks run eagerly here: the verdict is there at once, in the page and in its polled part.
    page = client.get(response["Location"]).content.decode()
    assert INTACT in page and number in page and CHECKING not in page
    part = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert INTACT in part and "<form" not in part

    assert NOT_A_PDF in upload(client, b"%PDF-1.7\n" + bytes(range(256)) * 16).content.decode()
    gone = client.get(reverse("handover:verify") + "?check=" + "A" * 22).content.decode()
    assert "This check is no longer available" in gone
    assert (
        "This check is no longer available"
        in client.get(reverse("handover:verify") + "?check=../x").content.decode()
    )


def test_a_pdf_that_takes_too_long_could_not_be_checked(client, settings):
    settings.HANDOVER_VERIFY_CHECK_SECONDS = 2
    started = time.monotonic()
    response = upload(client, hostile_pdf(b"0 "))
    assert time.monotonic() - started < 10
    assert response.status_code == 200
    page = response.content.decode()
    assert COULD_NOT in page and "took too long or needed too much memory" in page
    assert INTACT not in page


def test_a_pdf_that_needs_too_much_memory_could_not_be_checked_but_a_real_one_can(
    client, settings, sealed_pdf
):
    settings.HANDOVER_VERIFY_CHECK_MEMORY_MB = 160
    started = time.monotonic()
    page = upload(client, hostile_pdf(b"()")).content.decode()
    assert COULD_NOT in page
    # Ended by the memory bound, well before the time bound.
    assert time.monotonic() - started < settings.HANDOVER_VERIFY_CHECK_SECONDS
    # The same bound leaves room for a real confirmation.
    number, pdf = sealed_pdf
    page = upload(client, pdf).content.decode()
    assert INTACT in page and number in page


@pytest.mark.worker
def test_the_worker_checks_the_upload_while_the_page_polls(
    client, sealed_pdf, celery_eager, own_cache, tmp_path
):
    number, pdf = sealed_pdf
    with own_queue(celery_eager) as queue:
        response = upload(client, pdf, follow=False)
    assert response.status_code == 302
    # No worker yet: the web process answered without checking anything.
    page = client.get(response["Location"]).content.decode()
    assert CHECKING in page and 'hx-trigger="every 1s"' in page and INTACT not in page

    with celery_worker(queue=queue, log=tmp_path / "worker.log", CACHE_URL=own_cache):
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            part = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
            if CHECKING not in part:
                break
            time.sleep(0.5)
    assert INTACT in part and number in part
    # The verdict stops the polling.
    assert "hx-trigger" not in part


class Forms(HTMLParser):
    """The forms of a page: each one's attributes, and the names and values of its inputs."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag == "form":
            self.forms.append({**dict(attrs), "inputs": {}})
        elif tag == "input" and self.forms:
            attributes = dict(attrs)
            self.forms[-1]["inputs"][attributes.get("name")] = attributes.get("value")


def page_forms(html: str) -> list[dict]:
    parser = Forms()
    parser.feed(html)
    return parser.forms


def test_the_qr_code_page_s_forms_check_an_upload_and_look_a_document_up(sealed_pdf):
    """The page a confirmation's QR code opens shows that document, and its forms go to /verify/:
    the upload is checked there (within its limits, by the worker), the lookup answered there."""
    number, pdf = sealed_pdf
    document = ConfirmationDocument.objects.get(departure__number=number)
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("handover:verify_code", args=[document.code]), REMOTE_ADDR="192.0.2.1")
    assert page.status_code == 200
    html = page.content.decode()
    assert number in html and "This is the current version." in html
    forms = page_forms(html)
    upload_form = next(form for form in forms if form.get("enctype") == "multipart/form-data")
    lookup_form = next(form for form in forms if "sha256" in form["inputs"])
    assert upload_form["enctype"] == "multipart/form-data"
    assert upload_form["action"] == reverse("handover:verify")
    assert lookup_form["action"] == reverse("handover:verify")
    assert "upload" in upload_form["inputs"] and "sha256" in lookup_form["inputs"]

    # Posted as the browser would, with the page's CSRF token: checked, as on /verify/.
    token = upload_form["inputs"]["csrfmiddlewaretoken"]
    response = client.post(
        upload_form["action"],
        {"upload": SimpleUploadedFile("copy.pdf", pdf), "csrfmiddlewaretoken": token},
        REMOTE_ADDR="192.0.2.1",
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("handover:verify") + "?check=")
    verdict = client.get(response["Location"]).content.decode()
    assert INTACT in verdict and number in verdict

    found = client.get(lookup_form["action"], {"sha256": document.sha256}).content.decode()
    assert number in found and "This is the current version." in found


def test_an_upload_from_the_qr_code_page_counts_against_the_upload_limit(client, sealed_pdf, settings):
    settings.HANDOVER_VERIFY_UPLOADS_PER_ADDRESS = 1
    number, _pdf = sealed_pdf
    document = ConfirmationDocument.objects.get(departure__number=number)
    html = client.get(reverse("handover:verify_code", args=[document.code])).content.decode()
    action = next(form for form in page_forms(html) if "upload" in form["inputs"])["action"]
    sent = {"upload": SimpleUploadedFile("copy.pdf", b"GIF89a not a pdf")}
    assert NOT_A_PDF in client.post(action, sent, follow=True, REMOTE_ADDR="192.0.2.1").content.decode()
    sent = {"upload": SimpleUploadedFile("copy.pdf", b"GIF89a not a pdf")}
    assert client.post(action, sent, REMOTE_ADDR="192.0.2.1").status_code == 429


# Imports: a workbook that declares many empty rows is answered at once.

HEADER = ["Module", "System", "Account", "Access level", "Type"]
ROW = ["Product management", "Shopify admin", "shop-ops", "", "Shared account"]


def workbook_with_empty_rows(empty: int) -> SimpleUploadedFile:
    """Two rows of data, then ``empty`` rows that hold nothing but a fill colour."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADER)
    sheet.append(ROW)
    cell = WriteOnlyCell(sheet)
    cell.fill = PatternFill("solid", fgColor="FFFF00")
    for _ in range(empty):
        sheet.append([cell])
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("accounts.xlsx", out.getvalue())


@pytest.fixture
def importing(client, people, make_case):
    AccessSystem.objects.get_or_create(name="Shopify admin", defaults={"category": "marketplace"})
    departure = make_case(State.PREPARING)
    client.force_login(people.leaver)

    def check(upload: SimpleUploadedFile) -> tuple[str, float]:
        started = time.monotonic()
        response = client.post(
            reverse("handover:inventory_import", args=[departure.pk]), {"kind": "accounts", "upload": upload}
        )
        assert response.status_code == 200
        return response.content.decode(), time.monotonic() - started

    return check


def test_a_workbook_with_200000_empty_formatted_rows_is_refused_at_once(importing):
    page, seconds = importing(workbook_with_empty_rows(200_000))
    assert "The workbook holds far more than 1000 rows need" in page
    assert seconds < 2
    assert not Access.objects.exists()


def test_rows_millions_apart_are_not_walked_through(importing):
    """Two rows of data and one cell a million rows below: few tags, but openpyxl would fill the gap."""
    out = io.BytesIO()
    with zipfile.ZipFile(workbook_with_empty_rows(0)) as source, zipfile.ZipFile(out, "w") as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                late = b'<row r="1000000"><c r="A1000000" t="inlineStr"><is><t>late</t></is></c></row>'
                data = data.replace(b"</sheetData>", late + b"</sheetData>")
            target.writestr(member, data)
    page, seconds = importing(SimpleUploadedFile("accounts.xlsx", out.getvalue()))
    assert "The file goes on past row 10000" in page
    assert seconds < 2


def test_trailing_empty_rows_within_reason_are_ignored(importing):
    page, _seconds = importing(workbook_with_empty_rows(3_000))
    assert "shop-ops" in page and 'name="preview"' in page
    text = "\r\n".join([",".join(HEADER), ",".join(ROW)]) + ",,,,\r\n" * 400_000
    page, seconds = importing(SimpleUploadedFile("accounts.csv", text.encode()))
    assert "shop-ops" in page and 'name="preview"' in page
    assert seconds < 2
