"""The organisation's seal on every confirmation: a PAdES signature (pyHanko), and its check.

The key lives in HANDOVER_SIGNING_DIR, either made here (an organisation root that
certifies a document-signing certificate) or imported from the organisation's own
PKCS#12. Private keys are stored encrypted with HANDOVER_SIGNING_PASSPHRASE.

The seal is PAdES B-B by default. With HANDOVER_TSA_URL a timestamp authority (RFC 3161) vouches
for when it was made (B-T), and with HANDOVER_SEAL_LONG_TERM the document also carries the
certificates and revocation data that validate it later (B-LT). A timestamp counts when its
authority's certificate chains to a public certificate authority (certifi's list) or to the
organisation's root; sealing fails rather than issue a document without the timestamp asked for.
"""

import asyncio
import base64
import datetime as dt
import functools
import io
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.timestamps import HTTPTimeStamper

ROOT_CERT = "root.pem"
ROOT_KEY = "root-key.pem"
SIGNING_CERT = "signing.pem"
SIGNING_KEY = "signing-key.pem"
PKCS12 = "organisation.p12"
FIELD_NAME = "HandoverSeal"
MD_ALGORITHM = "sha256"


class SealError(Exception):
    """The document cannot be sealed: the organisation's signing key is missing or cannot be
    opened, or (``TimestampError``) the timestamp authority gave no timestamp."""


class TimestampError(SealError):
    """HANDOVER_TSA_URL is set and its authority gave no timestamp that holds up, so nothing was
    sealed. The message names the authority by its address, never by its credentials."""


def _dir() -> Path:
    return Path(settings.HANDOVER_SIGNING_DIR)


def _passphrase() -> bytes:
    return settings.HANDOVER_SIGNING_PASSPHRASE.encode()


def exists() -> bool:
    folder = _dir()
    return (folder / ROOT_CERT).exists() and (
        ((folder / SIGNING_CERT).exists() and (folder / SIGNING_KEY).exists()) or (folder / PKCS12).exists()
    )


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, settings.HANDOVER_COMPANY_NAME[:64]),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
        ]
    )


def _write(path: Path, data: bytes, private: bool = False) -> None:
    path.write_bytes(data)
    if private:
        path.chmod(0o600)


def init(*, years: int = 10, overwrite: bool = False) -> x509.Certificate:
    """Create an organisation root (kept to certify a later signing key) and a signing certificate."""
    folder = _dir()
    if exists() and not overwrite:
        raise SealError(f"A signing key already exists in {folder}.")
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    now = dt.datetime.now(dt.UTC)
    company = settings.HANDOVER_COMPANY_NAME
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    root_name = _name(f"{company} Handover Root")
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=365 * (years + 10)))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(f"{company} Handover confirmations"))
        .issuer_name(root_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False
        )
        .sign(root_key, hashes.SHA256())
    )
    encryption = serialization.BestAvailableEncryption(_passphrase())
    private = serialization.PrivateFormat.PKCS8
    _write(folder / ROOT_CERT, root.public_bytes(serialization.Encoding.PEM))
    _write(folder / ROOT_KEY, root_key.private_bytes(serialization.Encoding.PEM, private, encryption), True)
    _write(folder / SIGNING_CERT, certificate.public_bytes(serialization.Encoding.PEM))
    _write(folder / SIGNING_KEY, key.private_bytes(serialization.Encoding.PEM, private, encryption), True)
    (folder / PKCS12).unlink(missing_ok=True)
    return certificate


def import_pkcs12(data: bytes, *, root_pem: bytes | None = None, overwrite: bool = False) -> x509.Certificate:
    """Adopt the organisation's own PKCS#12 (opened with the passphrase); the root readers should
    trust is the chain's self-signed certificate, or ``root_pem`` when the file does not carry it."""
    folder = _dir()
    if exists() and not overwrite:
        raise SealError(f"A signing key already exists in {folder}.")
    try:
        key, certificate, chain = pkcs12.load_key_and_certificates(data, _passphrase())
    except ValueError as error:
        raise SealError("HANDOVER_SIGNING_PASSPHRASE does not open this PKCS#12 file.") from error
    if key is None or certificate is None:
        raise SealError("The PKCS#12 file holds no private key and certificate.")
    roots = [c for c in chain or [] if c.issuer == c.subject]
    if root_pem is not None:
        root = x509.load_pem_x509_certificate(root_pem)
    elif roots:
        root = roots[0]
    elif certificate.issuer == certificate.subject:
        root = certificate
    else:
        raise SealError("The PKCS#12 file has no root certificate; give it with --root.")
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    _write(folder / PKCS12, data, True)
    _write(folder / ROOT_CERT, root.public_bytes(serialization.Encoding.PEM))
    for name in (SIGNING_CERT, SIGNING_KEY, ROOT_KEY):
        (folder / name).unlink(missing_ok=True)
    return certificate


def root_pem() -> bytes:
    path = _dir() / ROOT_CERT
    if not path.exists():
        raise SealError("No organisation root certificate yet: run `manage.py signing_key init`.")
    return path.read_bytes()


def root_certificate() -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(
        x509.load_pem_x509_certificate(root_pem()).public_bytes(serialization.Encoding.DER)
    )


def signer():
    from pyhanko.sign import signers

    folder = _dir()
    if not exists():
        raise ImproperlyConfigured(
            "The organisation has no document-signing key: run `python manage.py signing_key init` "
            "(or `signing_key import organisation.p12`)."
        )
    try:
        if (folder / PKCS12).exists():
            signer = signers.SimpleSigner.load_pkcs12(
                str(folder / PKCS12), ca_chain_files=(str(folder / ROOT_CERT),), passphrase=_passphrase()
            )
        else:
            signer = signers.SimpleSigner.load(
                str(folder / SIGNING_KEY),
                str(folder / SIGNING_CERT),
                ca_chain_files=(str(folder / ROOT_CERT),),
                key_passphrase=_passphrase(),
            )
    except (ValueError, OSError) as error:
        raise SealError("HANDOVER_SIGNING_PASSPHRASE does not open the signing key.") from error
    if signer is None:
        raise SealError("HANDOVER_SIGNING_PASSPHRASE does not open the signing key.")
    return signer


def _outside_event_loop(function, *args, **kwargs):
    """pyHanko's synchronous calls start their own asyncio loop, which fails in a thread that
    already runs one (an ASGI server, a browser-driving test): run them on a worker thread then."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def seal_pdf(pdf: bytes, *, reason: str, location: str) -> bytes:
    """The PDF with the organisation's PAdES signature over all of it: B-B, or B-T and B-LT when a
    timestamp authority is configured. Raises TimestampError when that authority fails."""
    return _outside_event_loop(_seal_pdf, pdf, reason=reason, location=location)


def _seal_pdf(pdf: bytes, *, reason: str, location: str) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.signers.pdf_signer import DSSContentSettings, SigDSSPlacementPreference
    from pyhanko.sign.timestamps import TimestampRequestError
    from pyhanko_certvalidator import ValidationContext
    from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError

    key = signer()
    stamper = _timestamper()
    long_term = stamper is not None and settings.HANDOVER_SEAL_LONG_TERM
    root = root_certificate()
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm=MD_ALGORITHM,
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
        embed_validation_info=long_term,
        # Revocation data is fetched where a certificate names its source (our own root names none).
        validation_context=(
            ValidationContext(trust_roots=_timestamp_roots(root), allow_fetching=True) if long_term else None
        ),
        # The validation data goes into the signed revision, so the seal still covers the whole file.
        dss_settings=DSSContentSettings(
            placement=SigDSSPlacementPreference.TOGETHER_WITH_SIGNATURE, include_vri=False
        ),
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    try:
        sealed = signers.sign_pdf(writer, metadata, signer=key, timestamper=stamper).getvalue()
    except TimestampRequestError as error:
        raise _failed(error) from None
    except (PathBuildingError, PathValidationError) as error:
        raise TimestampError(
            f"The certificate of the timestamp authority at {_tsa_address()} is not trusted: {error}"
        ) from None
    if stamper is not None:
        _ensure_timestamped(sealed, root, long_term=long_term)
    return sealed


def _timestamper() -> "HTTPTimeStamper | None":
    """The timestamp authority's client, or None without HANDOVER_TSA_URL (PAdES B-B). It is asked
    once here, so that an authority that cannot be reached or answers garbage fails before anything
    is signed; pyHanko sizes the signature with that answer."""
    if not settings.HANDOVER_TSA_URL:
        return None
    from pyhanko.sign.timestamps import HTTPTimeStamper, TimestampRequestError

    headers = {}
    if settings.HANDOVER_TSA_USERNAME:
        # HTTP basic authentication, written out: aiohttp deprecates its own helper pyHanko uses.
        credentials = f"{settings.HANDOVER_TSA_USERNAME}:{settings.HANDOVER_TSA_PASSWORD}".encode()
        headers["Authorization"] = f"Basic {base64.b64encode(credentials).decode()}"
    stamper = HTTPTimeStamper(
        settings.HANDOVER_TSA_URL, headers=headers, timeout=settings.HANDOVER_TSA_TIMEOUT
    )
    try:
        asyncio.run(stamper.async_dummy_response(MD_ALGORITHM))
    except TimestampRequestError as error:
        raise _failed(error) from None
    # What asn1crypto says of bytes that are no timestamp response.
    except (ValueError, TypeError, KeyError):
        raise TimestampError(
            f"The timestamp authority at {_tsa_address()} answered something that is not a timestamp."
        ) from None
    return stamper


def _tsa_address() -> str:
    """HANDOVER_TSA_URL without credentials or query, for messages and logs."""
    parts = urlsplit(settings.HANDOVER_TSA_URL)
    host = f"{parts.hostname}:{parts.port}" if parts.port else parts.hostname or ""
    return f"{parts.scheme}://{host}{parts.path}"


def _failed(error: Exception) -> TimestampError:
    """Why a timestamp request failed, from the HTTP client's error: a status or a connection
    failure. Never the request itself, whose headers carry the credentials, hence no cause."""
    cause = error.__cause__
    status = getattr(cause, "status", None)
    if status is not None:
        reason = f"HTTP {status} {getattr(cause, 'message', '')}".strip()
    elif isinstance(cause, TimeoutError):
        reason = f"no answer within {settings.HANDOVER_TSA_TIMEOUT:g} s"
    elif isinstance(cause, OSError):
        reason = "it cannot be reached"
    else:
        # pyHanko's own words: a refused request with the authority's status, a wrong nonce.
        reason = str(error)
    return TimestampError(f"The timestamp authority at {_tsa_address()} failed: {reason}.")


def _ensure_timestamped(sealed: bytes, root: asn1_x509.Certificate, *, long_term: bool) -> None:
    """Never issue a document without the timestamp (and validation data) the settings ask for:
    the sealed file must pass the same check as an upload to the verification page."""
    verdict = _check_pdf(sealed, root)
    if verdict.timestamped_at is None:
        raise TimestampError(
            f"The timestamp from the authority at {_tsa_address()} does not validate: its token is "
            "damaged or its certificate does not chain to a trusted root."
        )
    if long_term and not verdict.long_term:
        raise SealError("The sealed document does not carry its validation data.")


@functools.cache
def _public_roots() -> tuple[asn1_x509.Certificate, ...]:
    """The public certificate authorities' roots (Mozilla's list, as certifi ships it)."""
    import certifi

    return tuple(
        asn1_x509.Certificate.load(der)
        for _type, _headers, der in pem.unarmor(certifi.contents().encode(), multiple=True)
    )


def _timestamp_roots(root: asn1_x509.Certificate) -> list[asn1_x509.Certificate]:
    """What a timestamp authority's certificate may chain to: a public root or the organisation's."""
    return [root, *_public_roots()]


@dataclass(frozen=True)
class Verdict:
    """What a PDF's signature says: present, unchanged, made with this organisation's key; and
    whether a trusted timestamp authority vouches for when (B-T), with validation data (B-LT)."""

    signed: bool
    intact: bool = False
    trusted: bool = False
    whole_file: bool = False
    signer: str = ""
    signed_at: dt.datetime | None = None
    # ``timestamped``: the seal carries a signature timestamp; ``timestamp`` (ISO 8601) and its
    # authority only when that timestamp holds up. Text, so the sandbox's JSON carries it as it is.
    timestamped: bool = False
    timestamp: str = ""
    timestamp_authority: str = ""
    long_term: bool = False

    @property
    def genuine(self) -> bool:
        return self.signed and self.intact and self.trusted and self.whole_file

    @property
    def timestamped_at(self) -> dt.datetime | None:
        return dt.datetime.fromisoformat(self.timestamp) if self.timestamp else None


def check_pdf(data: bytes, root: asn1_x509.Certificate | None = None) -> Verdict:
    """Validate the organisation seal of a PDF against our root (or ``root``, for a process that
    has no settings), and its timestamp against the public roots and ours, without going to the
    network."""
    return _outside_event_loop(_check_pdf, data, root if root is not None else root_certificate())


def _check_pdf(data: bytes, root: asn1_x509.Certificate) -> Verdict:
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        seals = [s for s in reader.embedded_signatures if s.field_name == FIELD_NAME]
    # A file that is not a PDF, or one damaged beyond reading.
    except (PdfError, ValueError, KeyError, TypeError, IndexError) as error:
        raise ValueError("not a readable PDF") from error
    if not seals:
        return Verdict(signed=False)
    context = ValidationContext(trust_roots=[root], allow_fetching=False)
    timestamp_context = ValidationContext(trust_roots=_timestamp_roots(root), allow_fetching=False)
    try:
        status = validate_pdf_signature(seals[0], context, timestamp_context)
    # A file too big to check says nothing about its signature.
    except (MemoryError, RecursionError):
        raise
    # A signature whose bytes were changed can fail to parse at all: it is then not intact.
    except Exception:
        return Verdict(signed=True)
    stamp = status.timestamp_validity
    held = stamp if stamp is not None and stamp.intact and stamp.valid and stamp.trusted else None
    return Verdict(
        signed=True,
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        signer=status.signing_cert.subject.human_friendly,
        signed_at=status.signer_reported_dt,
        timestamped=stamp is not None,
        timestamp=held.timestamp.isoformat() if held else "",
        timestamp_authority=_common_name(held.signing_cert) if held else "",
        long_term=held is not None
        and _carries_validation_data(reader, [status.signing_cert, held.signing_cert]),
    )


def _common_name(certificate: asn1_x509.Certificate) -> str:
    return certificate.subject.native.get("common_name") or certificate.subject.human_friendly


def _carries_validation_data(reader: "PdfFileReader", certificates: list[asn1_x509.Certificate]) -> bool:
    """The document's security store (DSS) holds these certificates: the seal's and its
    timestamp authority's, with their chains and what revocation data there was (PAdES B-LT)."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign.validation.dss import DocumentSecurityStore
    from pyhanko.sign.validation.errors import NoDSSFoundError

    try:
        embedded = {certificate.sha256 for certificate in DocumentSecurityStore.read_dss(reader).load_certs()}
    # No store, or one damaged beyond reading: no validation data.
    except (NoDSSFoundError, PdfError, ValueError, KeyError, TypeError):
        return False
    return all(certificate.sha256 in embedded for certificate in certificates)
