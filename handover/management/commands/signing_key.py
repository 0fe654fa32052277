"""The organisation's document-signing key for sealed (PAdES) confirmations.

    manage.py signing_key init [--if-missing] [--force]   make a root and a signing certificate
    manage.py signing_key import organisation.p12 [--root root.pem] [--force]
    manage.py signing_key show

Private keys are stored encrypted with HANDOVER_SIGNING_PASSPHRASE (the PKCS#12 must
open with it too). Readers trust the root: download it from /verify/root.pem.
"""

from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from handover.documents import seal


class Command(BaseCommand):
    help = "Create, import or show the organisation's key that seals confirmation PDFs."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        init = sub.add_parser("init", help="create an organisation root and a signing certificate")
        init.add_argument("--if-missing", action="store_true", help="do nothing if a key exists")
        init.add_argument("--force", action="store_true", help="replace the existing key")
        imported = sub.add_parser("import", help="use the organisation's own PKCS#12 file")
        imported.add_argument("file", type=Path)
        imported.add_argument("--root", type=Path, help="the root certificate (PEM), if not in the file")
        imported.add_argument("--force", action="store_true", help="replace the existing key")
        sub.add_parser("show", help="print the certificates in use")

    def handle(self, *args, action: str, **options):
        try:
            if action == "init":
                if options["if_missing"] and seal.exists():
                    self.stdout.write("A signing key exists already.")
                    return
                certificate = seal.init(overwrite=options["force"])
            elif action == "import":
                root = options["root"].read_bytes() if options["root"] else None
                certificate = seal.import_pkcs12(
                    options["file"].read_bytes(), root_pem=root, overwrite=options["force"]
                )
            else:
                self._show()
                return
        except (seal.SealError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Signing certificate: {certificate.subject.rfc4514_string()}"))
        self.stdout.write(f"Stored in {settings.HANDOVER_SIGNING_DIR}; readers trust /verify/root.pem")

    def _show(self) -> None:
        if not seal.exists():
            raise CommandError("No signing key yet: run `manage.py signing_key init`.")
        root = x509.load_pem_x509_certificate(seal.root_pem())
        self.stdout.write(f"Root:        {root.subject.rfc4514_string()}")
        self.stdout.write(f"  SHA-256:   {root.fingerprint(hashes.SHA256()).hex()}")
        self.stdout.write(f"  valid to:  {root.not_valid_after_utc:%Y-%m-%d}")
        self.stdout.write(f"Folder:      {settings.HANDOVER_SIGNING_DIR}")
