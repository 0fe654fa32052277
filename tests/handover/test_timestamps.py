"""Long-term signatures: with a timestamp authority configured, the seal carries an RFC 3161
timestamp (PAdES B-T) and, on request, its validation data (B-LT); without one it stays B-B. The
authority is a real HTTP server in the test process (tests/tsa.py)."""

import base64
import datetime as dt
import io
import logging
import socket
import traceback

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko_certvalidator import ValidationContext

from handover import checks, services, tasks
from handover.documents import seal
from handover.documents.storage import document_storage
from handover.models import ConfirmationDocument, State
from tests.factories import PASSWORD
from tests.tsa import Issuer, make_root, running_authority

pytestmark = pytest.mark.django_db

TIMESTAMPED = "Timestamped by a timestamp authority (Test TSA) at"
LONG_TERM = "Long-term: the document carries the data to validate its seal later."
TSA_PASSWORD = "tsa-pass-5f2c9e"


@pytest.fixture
def organisation_root(organisation_key, settings) -> Issuer:
    """The organisation's root from the test key, which may certify a timestamp authority: the one
    root besides the public ones that the verification page's sandbox trusts for timestamps."""
    key = serialization.load_pem_private_key(
        (organisation_key / seal.ROOT_KEY).read_bytes(), settings.HANDOVER_SIGNING_PASSPHRASE.encode()
    )
    assert isinstance(key, rsa.RSAPrivateKey)
    certificate = x509.load_pem_x509_certificate((organisation_key / seal.ROOT_CERT).read_bytes())
    return Issuer(certificate, key)


@pytest.fixture
def documents(settings, tmp_path):
    settings.HANDOVER_DOCUMENT_DIR = tmp_path / "documents"
    return settings.HANDOVER_DOCUMENT_DIR


@pytest.fixture
def authority(organisation_root, settings):
    """A running authority the settings point to."""
    with running_authority(organisation_root) as running:
        settings.HANDOVER_TSA_URL = running.url
        yield running


def stored_pdf(document: ConfirmationDocument) -> bytes:
    with document_storage().open(document.file_name, "rb") as stored:
        return stored.read()


def the_seal(pdf: bytes):
    (signature,) = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    return signature


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def upload(client, pdf: bytes) -> str:
    upload = SimpleUploadedFile("confirmation.pdf", pdf)
    return client.post(reverse("handover:verify"), {"upload": upload}, follow=True).content.decode()


def test_by_default_the_seal_has_no_timestamp_and_the_authority_is_not_asked(
    client, make_case, organisation_root, documents
):
    with running_authority(organisation_root) as unused:
        document = services.confirmation_produce(departure_id=make_case(State.SIGNED_OFF).pk)
    assert unused.requests == 0
    pdf = stored_pdf(document)
    status = validate_pdf_signature(
        the_seal(pdf), ValidationContext(trust_roots=[seal.root_certificate()], allow_fetching=False)
    )
    assert status.bottom_line and status.timestamp_validity is None
    assert "/DSS" not in PdfFileReader(io.BytesIO(pdf)).root
    verdict = seal.check_pdf(pdf)
    assert verdict.genuine and not verdict.timestamped and verdict.timestamped_at is None
    page = upload(client, pdf)
    assert "Intact: sealed by this organisation and unchanged." in page and "timestamp" not in page


def test_with_an_authority_the_seal_carries_a_timestamp_that_validates_against_its_root(
    make_case, authority, documents
):
    document = services.confirmation_produce(departure_id=make_case(State.SIGNED_OFF).pk)
    pdf = stored_pdf(document)
    status = validate_pdf_signature(
        the_seal(pdf),
        ValidationContext(trust_roots=[seal.root_certificate()], allow_fetching=False),
        ts_validation_context=ValidationContext(trust_roots=[authority.root.asn1], allow_fetching=False),
    )
    stamp = status.timestamp_validity
    assert stamp is not None and stamp.intact and stamp.valid and stamp.trusted
    assert stamp.signing_cert.sha256 == authority.certificate.asn1.sha256
    assert abs(stamp.timestamp - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)
    assert status.bottom_line
    # B-T only: no validation data unless asked for.
    assert "/DSS" not in PdfFileReader(io.BytesIO(pdf)).root
    verdict = seal.check_pdf(pdf)
    assert verdict.genuine and verdict.timestamped and verdict.timestamp_authority == "Test TSA"
    assert verdict.timestamped_at == stamp.timestamp and not verdict.long_term


def test_long_term_embeds_the_validation_data_in_the_sealed_revision(
    make_case, authority, documents, settings
):
    settings.HANDOVER_SEAL_LONG_TERM = True
    pdf = stored_pdf(services.confirmation_produce(departure_id=make_case(State.SIGNED_OFF).pk))
    reader = PdfFileReader(io.BytesIO(pdf))
    assert "/DSS" in reader.root
    embedded = {certificate.sha256 for certificate in DocumentSecurityStore.read_dss(reader).load_certs()}
    signing_certificate = seal.signer().signing_cert
    assert {
        signing_certificate.sha256,
        authority.certificate.asn1.sha256,
        authority.root.asn1.sha256,
    } <= embedded
    verdict = seal.check_pdf(pdf)
    assert verdict.genuine and verdict.whole_file and verdict.long_term and verdict.timestamped_at


def test_a_timestamp_whose_authority_nobody_trusts_is_refused_at_sealing(make_case, documents, settings):
    departure = make_case(State.SIGNED_OFF)
    with running_authority(make_root("Unknown Root")) as stranger:
        settings.HANDOVER_TSA_URL = stranger.url
        with pytest.raises(seal.TimestampError, match="does not validate"):
            services.confirmation_produce(departure_id=departure.pk)
        settings.HANDOVER_SEAL_LONG_TERM = True
        with pytest.raises(seal.TimestampError, match="is not trusted"):
            services.confirmation_produce(departure_id=departure.pk)
    assert stranger.requests >= 2
    assert not ConfirmationDocument.objects.exists()


def test_an_authority_that_is_down_or_answers_garbage_stops_the_sealing(
    make_case, authority, documents, settings
):
    departure = make_case(State.SIGNED_OFF)
    authority.garbage = True
    with pytest.raises(seal.TimestampError, match="answered something that is not a timestamp"):
        services.confirmation_produce(departure_id=departure.pk)
    port = closed_port()
    settings.HANDOVER_TSA_URL = f"http://127.0.0.1:{port}/tsa"
    with pytest.raises(seal.TimestampError, match=f"127.0.0.1:{port}/tsa failed: it cannot be reached"):
        services.confirmation_produce(departure_id=departure.pk)
    # One that takes the connection and never answers.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        settings.HANDOVER_TSA_URL = f"http://127.0.0.1:{silent.getsockname()[1]}/tsa"
        settings.HANDOVER_TSA_TIMEOUT = 0.5
        with pytest.raises(seal.TimestampError, match=r"failed: no answer within 0\.5 s"):
            services.confirmation_produce(departure_id=departure.pk)
    # No B-B document in its place: nothing stored, and the confirmation is still wanted.
    assert not ConfirmationDocument.objects.exists()
    assert not documents.exists() or not any(documents.iterdir())
    assert services.missing_confirmations() == [(departure.pk, "signoff")]


def test_a_wrong_password_fails_without_showing_it_and_the_worker_tries_again(
    make_case, organisation_root, documents, settings, caplog, celery_eager
):
    departure = make_case(State.SIGNED_OFF)
    # As in a worker: the task's failure is its result, not the caller's exception.
    celery_eager.conf.task_eager_propagates = False
    with running_authority(organisation_root, username="handover", password=TSA_PASSWORD) as guarded:
        settings.HANDOVER_TSA_URL = guarded.url
        settings.HANDOVER_TSA_USERNAME = "handover"
        settings.HANDOVER_TSA_PASSWORD = "not-" + TSA_PASSWORD
        with caplog.at_level(logging.DEBUG):
            result = tasks.produce_confirmation.delay(departure.pk)
        # The task ran once and was retried five times, each refused by the authority.
        assert guarded.refused == 6
        assert result.failed() and isinstance(result.result, seal.TimestampError)
        assert "failed: HTTP 401 Unauthorized." in str(result.result)
        told = "".join(traceback.format_exception(result.result)) + str(result.traceback) + caplog.text
        header = base64.b64encode(f"handover:not-{TSA_PASSWORD}".encode()).decode()
        assert "HTTP 401" in told and TSA_PASSWORD not in told and header not in told
        assert not ConfirmationDocument.objects.exists()
        # With the right password, the periodic task produces what is missing.
        settings.HANDOVER_TSA_PASSWORD = TSA_PASSWORD
        assert tasks.produce_missing_confirmations() == 1
    document = ConfirmationDocument.objects.get(departure=departure)
    assert seal.check_pdf(stored_pdf(document)).timestamped_at is not None


def test_the_verification_page_shows_the_timestamp(client, make_case, authority, documents, settings):
    settings.HANDOVER_SEAL_LONG_TERM = True
    document = services.confirmation_produce(departure_id=make_case(State.SIGNED_OFF).pk)
    page = upload(client, stored_pdf(document))
    assert "Intact: sealed by this organisation and unchanged." in page
    assert TIMESTAMPED in page and LONG_TERM in page


def test_a_tampered_timestamp_is_not_shown_as_one(client, make_case, authority, documents):
    """The timestamp sits in the signature's unsigned part: replacing it keeps the seal intact,
    so the page must check the timestamp itself."""
    pdf = stored_pdf(services.confirmation_produce(departure_id=make_case(State.SIGNED_OFF).pk))
    signature = the_seal(pdf)
    token = signature.signer_info["unsigned_attrs"][0]["values"][0].dump()
    # The signature's /Contents is upper-case hex, outside the signed byte range; one digit near
    # the token's end lies in the authority's own signature value.
    hex_token = token.hex().upper().encode()
    spot = pdf.index(hex_token, signature.byte_range[1]) + len(hex_token) - 20
    tampered = bytearray(pdf)
    tampered[spot : spot + 1] = b"0" if pdf[spot : spot + 1] != b"0" else b"1"
    verdict = seal.check_pdf(bytes(tampered))
    assert verdict.genuine and verdict.timestamped and verdict.timestamped_at is None
    page = upload(client, bytes(tampered))
    # Other bytes than the issued file, so not issued here; but the seal holds.
    assert "Sealed by this organisation and unchanged, but not issued by this installation." in page
    assert "The seal carries a timestamp that could not be verified." in page and TIMESTAMPED not in page


def test_signing_off_seals_the_confirmation_with_a_timestamp(
    ready_to_sign, people, authority, documents, django_capture_on_commit_callbacks
):
    departure = ready_to_sign()
    for signer in (people.leaver, people.successor_a, people.successor_b):
        services.departure_sign(actor=signer, departure=departure, password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        services.departure_sign(actor=people.manager, departure=departure, password=PASSWORD)
    document = ConfirmationDocument.objects.get(departure=departure)
    verdict = seal.check_pdf(stored_pdf(document))
    assert verdict.genuine and verdict.timestamp_authority == "Test TSA"
    assert authority.requests >= 2


def test_deploy_checks_name_settings_that_do_not_fit(settings):
    assert checks.timestamp_authority_settings(None) == []
    settings.HANDOVER_SEAL_LONG_TERM = True
    assert [m.id for m in checks.timestamp_authority_settings(None)] == ["handover.W004"]
    settings.HANDOVER_TSA_URL = "tsa.example.com"
    assert [m.id for m in checks.timestamp_authority_settings(None)] == ["handover.E002"]
    settings.HANDOVER_TSA_URL = "http://tsa.example.com/tsr"
    assert checks.timestamp_authority_settings(None) == []
    settings.HANDOVER_TSA_PASSWORD = TSA_PASSWORD
    messages = checks.timestamp_authority_settings(None)
    assert [m.id for m in messages] == ["handover.W005"] and TSA_PASSWORD not in str(messages[0])
    settings.HANDOVER_TSA_URL = "https://tsa.example.com/tsr"
    assert checks.timestamp_authority_settings(None) == []
