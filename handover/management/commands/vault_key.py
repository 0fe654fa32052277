"""Keys for stored account secrets: make one, see which keys rows use, re-encrypt under the newest.

Rotation: put a new key first in HANDOVER_VAULT_KEYS (keep the old ones after it), run
``vault_key rotate``, check ``vault_key status`` shows every secret under the new key,
then drop the old keys from the environment.
"""

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count

from handover import vault
from handover.models import Access


class Command(BaseCommand):
    help = "Manage the vault keys that encrypt stored account secrets: generate, status, rotate."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["generate", "status", "rotate"])

    def handle(self, *args, action: str, **options):
        getattr(self, action)()

    def generate(self) -> None:
        self.stdout.write(Fernet.generate_key().decode())
        self.stderr.write("Put this key first in HANDOVER_VAULT_KEYS (comma-separated, newest first).")

    def status(self) -> None:
        known = {vault.key_id(key): position for position, key in enumerate(vault.keys())}
        counts = dict(
            Access.objects.filter(secret_token__isnull=False)
            .values_list("secret_key_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        self.stdout.write(f"Newest key: {vault.current_key_id()}")
        for key_id, position in known.items():
            self.stdout.write(f"  key {key_id} (position {position + 1}): {counts.pop(key_id, 0)} secrets")
        for key_id, count in counts.items():
            self.stdout.write(self.style.ERROR(f"  key {key_id} (NOT CONFIGURED): {count} secrets"))
        if counts:
            raise CommandError("Some secrets use a key that is no longer configured.")

    def rotate(self) -> None:
        current = vault.current_key_id()
        rotated = 0
        ids = list(
            Access.objects.filter(secret_token__isnull=False)
            .exclude(secret_key_id=current)
            .values_list("pk", flat=True)
        )
        for start in range(0, len(ids), 200):
            with transaction.atomic():
                for access in Access.objects.select_for_update().filter(
                    pk__in=ids[start : start + 200], secret_token__isnull=False
                ):
                    assert access.secret_token is not None  # the query selects only rows with a token
                    try:
                        access.secret_token, access.secret_key_id = vault.rotate(access.secret_token)
                    except vault.VaultError as error:
                        raise CommandError(f"Access {access.pk}: {error}") from error
                    access.save(update_fields=["secret_token", "secret_key_id"])
                    rotated += 1
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {rotated} secrets under key {current}."))
