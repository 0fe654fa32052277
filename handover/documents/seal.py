"""The organisation's seal on every confirmation: a PAdES B-B signature (pyHanko), and its check.

The key lives in HANDOVER_SIGNING_DIR, either made here (an organisation root that
certifies a document-signing certificate) or imported from the organisation's own
PKCS#12. Private keys are stored encrypted with HANDOVER_SIGNING_PASSPHRASE.
"""

import asyncio
import datetime as dt
import io
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

ROOT_CERT = "root.pem"
ROOT_KEY = "root-key.pem"
SIGNING_CERT = "signing.pem"
SIGNING_KEY = "signing-key.pem"
PKCS12 = "organisation.p12"
FIELD_NAME = "HandoverSeal"


class SealError(Exception):
    """The organisation's signing key is missing or cannot be opened."""


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
    """The PDF with the organisation's PAdES B-B signature over all of it."""
    return _outside_event_loop(_seal_pdf, pdf, reason=reason, location=location)


def _seal_pdf(pdf: bytes, *, reason: str, location: str) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    output = signers.sign_pdf(writer, metadata, signer=signer())
    return output.getvalue()


@dataclass(frozen=True)
class Verdict:
    """What a PDF's signature says: present, unchanged, made with this organisation's key."""

    signed: bool
    intact: bool = False
    trusted: bool = False
    whole_file: bool = False
    signer: str = ""
    signed_at: dt.datetime | None = None

    @property
    def genuine(self) -> bool:
        return self.signed and self.intact and self.trusted and self.whole_file


def check_pdf(data: bytes, root: asn1_x509.Certificate | None = None) -> Verdict:
    """Validate the organisation seal of a PDF against our root (or ``root``, for a process that
    has no settings), without going to the network."""
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
    try:
        status = validate_pdf_signature(seals[0], context)
    # A file too big to check says nothing about its signature.
    except (MemoryError, RecursionError):
        raise
    # A signature whose bytes were changed can fail to parse at all: it is then not intact.
    except Exception:
        return Verdict(signed=True)
    return Verdict(
        signed=True,
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        signer=status.signing_cert.subject.human_friendly,
        signed_at=status.signer_reported_dt,
    )
