"""The confirmation as a record that holds up: sealed, verifiable by anyone, reissued openly."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from handover import services
from handover.documents import seal
from handover.documents.storage import document_storage
from handover.errors import HandoverError
from handover.models import ConfirmationDocument, EventKind, Signature, State
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
    b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def issued(make_case):
    departure = make_case(State.SIGNED_OFF)
    document = services.confirmation_produce(departure_id=departure.pk)
    with document_storage().open(document.file_name, "rb") as stored:
        return departure, document, stored.read()


def test_a_fresh_document_is_intact_and_trusted_against_the_org_root(issued):
    _departure, _document, pdf = issued
    reader = PdfFileReader(io.BytesIO(pdf))
    (signature,) = reader.embedded_signatures
    status = validate_pdf_signature(
        signature, ValidationContext(trust_roots=[seal.root_certificate()], allow_fetching=False)
    )
    assert status.intact and status.valid and status.trusted
    assert status.bottom_line
    assert "Handover confirmations" in status.signing_cert.subject.human_friendly


def upload(client, data: bytes, name="confirmation.pdf"):
    return client.post(reverse("handover:verify"), {"upload": SimpleUploadedFile(name, data)}, follow=True)


def test_the_verification_page_says_intact_for_the_issued_file(client, issued):
    departure, document, pdf = issued
    page = upload(client, pdf).content.decode()
    assert "Intact: sealed by this organisation and unchanged." in page
    assert departure.number in page and document.sha256 in page
    assert departure.employee_name not in page and departure.manager_name not in page


def test_one_changed_byte_in_the_signed_range_is_reported_as_altered(client, issued):
    _departure, _document, pdf = issued
    reader = PdfFileReader(io.BytesIO(pdf))
    (signature,) = reader.embedded_signatures
    start, length = signature.byte_range[0], signature.byte_range[1]
    position = start + length // 2
    altered = bytearray(pdf)
    altered[position] = (altered[position] + 1) % 256
    page = upload(client, bytes(altered)).content.decode()
    assert "Altered: the document was changed after it was sealed." in page
    assert "Intact: sealed" not in page
    # Something appended after the seal is caught too.
    page = upload(client, pdf + b"\n%%appended\n").content.decode()
    assert "Altered" in page


def test_other_files_get_a_clear_answer(client):
    from weasyprint import HTML

    unsealed = HTML(string="<p>Looks official</p>").write_pdf()
    assert "Not sealed: this PDF carries no Handover seal." in upload(client, unsealed).content.decode()
    page = upload(client, b"GIF89a not a pdf", "x.pdf").content.decode()
    assert "This is not a PDF this page can read." in page


def test_anonymous_lookup_by_hash_or_code_reveals_nothing_personal(client, issued, people):
    departure, document, _pdf = issued
    for url in (
        reverse("handover:verify") + f"?sha256={document.sha256}",
        reverse("handover:verify_code", args=[document.code]),
    ):
        page = client.get(url).content.decode()
        assert departure.number in page and "This is the current version." in page
        for personal in (
            departure.employee_name,
            departure.manager_name,
            departure.hr_owner_name,
            *departure.modules.values_list("successor_name", flat=True),
            departure.department_name,
        ):
            assert personal not in page
        assert reverse("handover:case_detail", args=[departure.pk]) not in page
    client.force_login(people.manager)
    page = client.get(reverse("handover:verify_code", args=[document.code])).content.decode()
    assert reverse("handover:case_detail", args=[departure.pk]) in page
    client.force_login(people.stranger)
    page = client.get(reverse("handover:verify_code", args=[document.code])).content.decode()
    assert reverse("handover:case_detail", args=[departure.pk]) not in page
    assert client.get(reverse("handover:verify") + "?sha256=" + "0" * 64).status_code == 200
    assert client.get(reverse("handover:verify_code", args=["nope"])).status_code == 404


def test_the_root_certificate_can_be_downloaded(client):
    response = client.get(reverse("handover:root_certificate"))
    assert response.status_code == 200
    assert response.content.startswith(b"-----BEGIN CERTIFICATE-----")


def test_a_second_request_never_makes_a_second_document(issued):
    departure, document, _pdf = issued
    assert services.confirmation_produce(departure_id=departure.pk).pk == document.pk
    assert ConfirmationDocument.objects.filter(departure=departure).count() == 1


def test_reissue_keeps_the_old_version_which_still_verifies(
    client, issued, people, django_capture_on_commit_callbacks
):
    departure, first, first_pdf = issued
    with pytest.raises(HandoverError, match="Say why"):
        services.confirmation_reissue(actor=people.hr, departure=departure, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.confirmation_reissue(actor=people.hr, departure=departure, reason="Revocation dates added")
    first.refresh_from_db()
    second = ConfirmationDocument.objects.get(departure=departure, version=2)
    assert first.superseded_at is not None and second.superseded_at is None
    assert second.reissue_reason == "Revocation dates added" and second.issued_by_name == people.hr.name
    page = upload(client, first_pdf).content.decode()
    assert "Intact: sealed by this organisation and unchanged." in page
    assert "Superseded on" in page and "by version 2" in page
    with document_storage().open(second.file_name, "rb") as stored:
        second_pdf = stored.read()
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(second_pdf)).pages)
    assert "Revocation dates added" in text and "replaces version 1" in text
    with pytest.raises(Exception, match="not yours"):
        services.confirmation_reissue(actor=people.manager, departure=departure, reason="x")


def sign_data(departure, **extra) -> dict:
    return {
        "password": PASSWORD,
        "mark": "typed",
        "typed_name": "Leo L.",
        "content_sha256": services.content_fingerprint(departure),
        **extra,
    }


def test_signing_needs_the_password_and_a_double_submission_signs_once(client, ready_to_sign, people):
    departure = ready_to_sign()
    url = reverse("handover:case_sign", args=[departure.pk])
    client.force_login(people.leaver)
    page = client.get(url).content.decode()
    assert "This is exactly what you affirm by signing." in page
    assert first_item_title(departure) in page
    response = client.post(url, sign_data(departure, password=""))
    assert "This field is required." in response.content.decode()
    with pytest.raises(HandoverError, match="password was not correct"):
        services.departure_sign(actor=people.leaver, departure=departure, password="")
    assert not Signature.objects.exists()
    first = client.post(url, sign_data(departure))
    second = client.post(url, sign_data(departure))
    assert first.status_code == 302
    assert "You have already signed this confirmation." in second.content.decode()
    signature = Signature.objects.get()
    assert signature.typed_name == "Leo L." and signature.ip_address == "127.0.0.1"


def first_item_title(departure) -> str:
    return departure.modules.first().items.first().title


def test_a_signer_shown_old_content_signs_nothing(client, ready_to_sign, people):
    departure = ready_to_sign()
    client.force_login(people.leaver)
    stale = sign_data(departure, content_sha256="0" * 64)
    page = client.post(reverse("handover:case_sign", args=[departure.pk]), stale).content.decode()
    assert "The handover changed while you were reading it" in page
    assert not Signature.objects.exists()


def test_a_drawn_signature_is_printed_on_the_confirmation(ready_to_sign, people):
    departure = ready_to_sign()
    services.departure_sign(
        actor=people.leaver, departure=departure, password=PASSWORD, mark="drawn", image=PNG
    )
    with pytest.raises(HandoverError, match="Draw your signature"):
        services.departure_sign(
            actor=people.successor_a, departure=departure, password=PASSWORD, mark="drawn", image=b"GIF89a"
        )
    for signer in (people.successor_a, people.successor_b, people.manager):
        services.departure_sign(actor=signer, departure=departure, password=PASSWORD)
    document = services.confirmation_produce(departure_id=departure.pk)
    with document_storage().open(document.file_name, "rb") as stored:
        pdf = stored.read()
    from pypdf import PdfReader

    images = [image for page in PdfReader(io.BytesIO(pdf)).pages for image in page.images]
    assert images, "the drawn signature is an image in the PDF"


def test_edits_after_sign_off_are_refused_with_a_clear_message(make_case, people):
    departure = make_case(State.SIGNED_OFF)
    module = departure.modules.first()
    with pytest.raises(HandoverError, match="signed off and its content is frozen"):
        services.item_create(actor=people.leaver, departure=departure, module=module, title="Late")
    with pytest.raises(HandoverError, match="signed off and its content is frozen"):
        services.trial_task_create(actor=people.leaver, departure=departure, module=module, title="Late")
    assert departure.events.filter(kind=EventKind.ITEM_ADDED, subject="Late").count() == 0


def test_signing_key_init_protects_the_key_and_import_adopts_an_organisations_pkcs12(
    settings, tmp_path, make_case
):
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID
    from django.core.management import call_command
    from django.core.management.base import CommandError

    settings.HANDOVER_SIGNING_DIR = tmp_path / "made"
    call_command("signing_key", "init")
    with pytest.raises(CommandError, match="already exists"):
        call_command("signing_key", "init")
    call_command("signing_key", "init", "--if-missing")
    key_pem = (tmp_path / "made" / seal.SIGNING_KEY).read_bytes()
    assert b"ENCRYPTED PRIVATE KEY" in key_pem
    with pytest.raises(TypeError):
        serialization.load_pem_private_key(key_pem, password=None)
    assert oct((tmp_path / "made" / seal.SIGNING_KEY).stat().st_mode)[-3:] == "600"

    # The organisation's own certificate, issued by its own CA, as a PKCS#12 file.
    now = dt.datetime.now(dt.UTC)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Example Corp CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(1)
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Example Corp documents")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(2)
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
        )
        .sign(ca_key, hashes.SHA256())
    )
    passphrase = settings.HANDOVER_SIGNING_PASSPHRASE.encode()
    bundle = pkcs12.serialize_key_and_certificates(
        b"org", key, certificate, [ca], serialization.BestAvailableEncryption(passphrase)
    )
    (tmp_path / "org.p12").write_bytes(bundle)
    settings.HANDOVER_SIGNING_DIR = tmp_path / "imported"
    call_command("signing_key", "import", str(tmp_path / "org.p12"))
    assert seal.root_pem() == ca.public_bytes(serialization.Encoding.PEM)
    departure = make_case(State.SIGNED_OFF)
    document = services.confirmation_produce(departure_id=departure.pk)
    with document_storage().open(document.file_name, "rb") as stored:
        verdict = seal.check_pdf(stored.read())
    assert verdict.genuine and "Example Corp documents" in verdict.signer


def png(width: int, height: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (width, height), 255).save(out, format="PNG")
    return out.getvalue()


def test_only_a_real_small_drawing_is_kept_and_it_is_re_encoded(ready_to_sign, people):
    departure = ready_to_sign()
    for bad in (PNG[:8] + b"junk" * 10, png(6000, 200)):
        with pytest.raises(HandoverError, match="Draw your signature"):
            services.departure_sign(
                actor=people.leaver, departure=departure, password=PASSWORD, mark="drawn", image=bad
            )
    drawing = png(600, 180)
    signature = services.departure_sign(
        actor=people.leaver, departure=departure, password=PASSWORD, mark="drawn", image=drawing
    )
    stored = bytes(Signature.objects.get(pk=signature.pk).image)
    assert stored.startswith(b"\x89PNG") and stored != drawing  # our own encoding, not the upload


def test_a_confirmation_that_failed_to_seal_is_produced_again(make_case, settings, tmp_path):
    from handover.tasks import produce_missing_confirmations

    departure = make_case(State.SIGNED_OFF)
    right = settings.HANDOVER_SIGNING_PASSPHRASE
    settings.HANDOVER_SIGNING_PASSPHRASE = "a wrong passphrase"
    with pytest.raises(seal.SealError):
        services.confirmation_produce(departure_id=departure.pk)
    assert services.missing_confirmations() == [(departure.pk, "signoff")]
    settings.HANDOVER_SIGNING_PASSPHRASE = right
    assert produce_missing_confirmations() == 1
    assert ConfirmationDocument.objects.filter(departure=departure, version=1).exists()
    assert services.missing_confirmations() == []


def test_odd_requests_get_answers_not_errors(client, issued, people, settings, tmp_path):
    departure, _document, pdf = issued
    client.force_login(people.hr)
    url = reverse("handover:confirmation_pdf", args=[departure.pk])
    assert client.get(url + "?version=²").status_code == 200  # not a version number: the current one
    assert client.get(url + "?version=99").status_code == 404
    client.logout()
    settings.HANDOVER_SIGNING_DIR = tmp_path / "no-key-yet"
    page = upload(client, pdf).content.decode()
    assert "has no organisation key yet" in page


def test_signers_address_behind_the_tls_proxy(rf, settings):
    from accounts.ratelimit import client_ip

    request = rf.post("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert client_ip(request) == "10.0.0.2"
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert client_ip(request) == "203.0.113.7"
