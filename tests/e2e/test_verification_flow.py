"""The sealed confirmation in a real (headless) Chromium: anyone checks a copy without logging in,
the page waits for the worker's verdict, a changed byte or a superseded version is said plainly,
and signing works from the keyboard."""

import io
import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pyhanko.pdf_utils.reader import PdfFileReader

from handover import services
from handover.documents.storage import document_storage
from handover.models import ConfirmationDocument, Departure, SignatureMark, SignerRole, State
from tests.factories import PASSWORD
from tests.worker_process import celery_worker, own_queue

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

INTACT = "Intact: sealed by this organisation and unchanged."
ALTERED = "Altered: the document was changed after it was sealed."
# A stream's dictionary and the start of its data.
STREAM = re.compile(rb"<<(?P<dict>[^<>]*)>>\s*stream\r?\n")


@pytest.fixture(autouse=True)
def documents(settings, tmp_path, default_templates):
    """Documents in a folder of the test's own, and the default checklists (a transactional
    test's flush empties them)."""
    settings.HANDOVER_DOCUMENT_DIR = tmp_path / "documents"
    return settings.HANDOVER_DOCUMENT_DIR


def issued(make_case) -> tuple[Departure, ConfirmationDocument, bytes]:
    """A signed-off case, its version 1 (sealed on commit; asked again, the same one) and the PDF."""
    departure = make_case(State.SIGNED_OFF)
    document = services.confirmation_produce(departure_id=departure.pk)
    with document_storage().open(document.file_name, "rb") as stored:
        return departure, document, stored.read()


def one_byte_changed(pdf: bytes) -> bytes:
    """The PDF with one byte changed in the middle of the largest content or font stream inside
    the first signed range: it still reads as a PDF, but it is not what was sealed."""
    signature = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    start, length = signature.byte_range[0], signature.byte_range[1]
    signed = pdf[start : start + length]
    streams = [
        (match.end(), signed.index(b"endstream", match.end()))
        for match in STREAM.finditer(signed)
        # Not the cross-reference or object streams that the reader needs to find the signature.
        if b"/Type" not in match["dict"]
    ]
    begin, end = max(streams, key=lambda stream: stream[1] - stream[0])
    position = start + (begin + end) // 2
    assert start <= position < start + length
    altered = bytearray(pdf)
    altered[position] ^= 0xFF
    return bytes(altered)


def check(page: Page, pdf: bytes, name: str = "confirmation.pdf") -> None:
    page.goto(reverse("handover:verify"))
    page.get_by_label("Confirmation PDF").set_input_files(
        {"name": name, "mimeType": "application/pdf", "buffer": pdf}
    )
    page.get_by_role("button", name="Check the document").click()


def test_a_visitor_finds_the_sealed_pdf_intact_and_a_changed_byte_altered(open_page, people, make_case):
    departure, document, pdf = issued(make_case)
    names = [
        people.leaver.name,
        people.manager.name,
        people.successor_a.name,
        people.successor_b.name,
        people.hr.name,
    ]
    visitor = open_page()

    check(visitor, pdf)
    verdict = visitor.get_by_role("status")
    expect(verdict).to_contain_text(INTACT)
    expect(verdict).to_contain_text("Sealed with this organisation's key: yes")
    expect(verdict).to_contain_text(document.sha256)
    status = visitor.get_by_role("region", name=f"Confirmation {departure.number}, version 1")
    expect(status).to_contain_text("This is the current version.")
    # The visitor may not see the case: no link to it, and no one's name anywhere on the page.
    expect(visitor.get_by_role("link", name="Open the case")).to_have_count(0)
    html = visitor.content()
    for name in names:
        assert name not in html, f"{name} is shown to an anonymous visitor"

    # Where the QR code leads: the same status, no names either.
    visitor.goto(reverse("handover:verify_code", args=[document.code]))
    expect(visitor.get_by_role("main")).to_contain_text("This is the current version.")
    html = visitor.content()
    for name in names:
        assert name not in html, f"{name} is shown on the QR code page"

    # One byte changed inside the signed range.
    check(visitor, one_byte_changed(pdf), "changed.pdf")
    expect(visitor.get_by_role("status")).to_contain_text(ALTERED)
    expect(visitor.get_by_role("status")).to_contain_text("Intact: no")
    expect(visitor.get_by_role("main")).not_to_contain_text(INTACT)
    visitor.context.close()


@pytest.mark.worker
def test_the_page_says_checking_until_the_worker_s_verdict_arrives(
    open_page, make_case, celery_eager, own_cache, tmp_path
):
    departure, _document, pdf = issued(make_case)
    visitor = open_page()
    # Queued for a worker that does not run yet: the page answers at once, and waits.
    with own_queue(celery_eager) as queue:
        check(visitor, pdf)
        expect(visitor.get_by_role("status")).to_contain_text("Checking the document")
    with celery_worker(queue=queue, log=tmp_path / "worker.log", CACHE_URL=own_cache):
        # The page asks again every second, and shows the verdict in place when it is there.
        status = visitor.get_by_role("status")
        expect(status).to_contain_text(INTACT, timeout=60_000)
        expect(status).not_to_contain_text("Checking the document")
        region = visitor.get_by_role("region", name=f"Confirmation {departure.number}, version 1")
        expect(region).to_contain_text("This is the current version.")
    assert "?check=" in visitor.url
    visitor.context.close()


def test_after_hr_reissues_the_old_file_verifies_as_superseded_by_version_2(
    log_in, open_page, people, make_case
):
    departure, first, old_pdf = issued(make_case)
    hr = log_in(people.hr)

    # HR issues a corrected version (produced on commit in the server, Celery eager).
    hr.goto(reverse("handover:case_signatures", args=[departure.pk]))
    versions = hr.get_by_role("region", name="Confirmation versions")
    expect(versions.locator("tbody tr")).to_have_count(1)
    versions.get_by_role("link", name="Issue a corrected version").click()
    hr.get_by_label("Why a new version").fill("The manager's title was wrong.")
    hr.get_by_role("button", name="Issue the new version").click()
    expect(hr.get_by_role("status")).to_contain_text("A corrected version is being prepared")
    versions = hr.get_by_role("region", name="Confirmation versions")
    expect(versions.locator("tbody tr")).to_have_count(2)
    expect(versions).to_contain_text("The manager's title was wrong.")
    with hr.expect_download() as download_info:
        versions.get_by_role("link", name="Version 2", exact=True).click()
    assert download_info.value.suggested_filename == f"{departure.number}-v2.pdf"
    new_pdf = Path(download_info.value.path()).read_bytes()
    second = departure.confirmations.get(version=2)
    assert second.sha256 != first.sha256
    hr.context.close()

    visitor = open_page()
    check(visitor, old_pdf, "old.pdf")
    # Still intact (it is what it was), but no longer the current version.
    expect(visitor.get_by_role("status")).to_contain_text(INTACT)
    status = visitor.get_by_role("region", name=f"Confirmation {departure.number}, version 1")
    expect(status).to_contain_text(re.compile(r"Superseded on .+ by version 2\."))
    expect(status).not_to_contain_text("This is the current version.")

    check(visitor, new_pdf, "new.pdf")
    expect(visitor.get_by_role("status")).to_contain_text(INTACT)
    status = visitor.get_by_role("region", name=f"Confirmation {departure.number}, version 2")
    expect(status).to_contain_text("This is the current version.")

    # The QR code on the old copy says the same.
    visitor.goto(reverse("handover:verify_code", args=[first.code]))
    expect(visitor.get_by_role("main")).to_contain_text("by version 2.")
    visitor.context.close()


def focused(page: Page) -> dict:
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return {tag: e.tagName.toLowerCase(), name: e.name || '', value: e.value || '',"
        " type: e.type || ''}; }"
    )


def test_the_signature_choice_works_from_the_keyboard(log_in, people, ready_to_sign):
    departure = ready_to_sign()
    leaver = log_in(people.leaver)
    leaver.goto(reverse("handover:case_sign", args=[departure.pk]))
    typed = leaver.get_by_label("Typed name")
    drawn = leaver.get_by_label("Drawn signature")
    pad = leaver.locator("canvas[data-signature-pad]")
    name_field = leaver.get_by_label("Your name as signature")
    expect(typed).to_be_checked()
    expect(pad).to_be_hidden()

    # Tab from the top of the page to the radio group: focus lands on the checked radio.
    for _ in range(60):
        leaver.keyboard.press("Tab")
        if focused(leaver)["name"] == "mark":
            break
    assert focused(leaver) == {"tag": "input", "name": "mark", "value": "typed", "type": "radio"}

    # Arrow keys switch to the drawn signature: the pad appears, the typed name goes.
    leaver.keyboard.press("ArrowDown")
    expect(drawn).to_be_checked()
    expect(drawn).to_be_focused()
    expect(pad).to_be_visible()
    expect(name_field).to_be_hidden()
    # Drawing itself needs a pointer: the canvas takes no keyboard focus, the next stop is Clear.
    leaver.keyboard.press("Tab")
    expect(leaver.get_by_role("button", name="Clear")).to_be_focused()
    leaver.keyboard.press("Shift+Tab")
    expect(drawn).to_be_focused()

    # So a keyboard user signs with the typed name: back with the arrow keys, Tab, type, Enter.
    leaver.keyboard.press("ArrowUp")
    expect(typed).to_be_checked()
    expect(pad).to_be_hidden()
    leaver.keyboard.press("Tab")
    expect(name_field).to_be_focused()
    expect(name_field).to_have_value(people.leaver.name)
    leaver.keyboard.press("Tab")
    expect(leaver.get_by_label("Your password")).to_be_focused()
    leaver.keyboard.type(PASSWORD)
    leaver.keyboard.press("Enter")
    expect(leaver.get_by_role("status")).to_contain_text("You have signed the handover confirmation.")

    signature = departure.signatures.get(signer=people.leaver)
    assert signature.role == SignerRole.LEAVER
    assert signature.mark == SignatureMark.TYPED
    assert signature.typed_name == people.leaver.name
    leaver.context.close()
