"""Importing accounts and materials from a spreadsheet (preview, then all rows or none) and exporting them."""

import json
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from accounts.models import User
from handover import policy, vault
from handover.errors import HandoverError
from handover.models import (
    Access,
    AccessSystem,
    Departure,
    EventKind,
    ImportPreview,
    Material,
)
from handover.models.events import import_subject

from ._base import access_for, lock_case, next_position, record, record_change
from .accounts import new_access

PREVIEW_MAX_AGE = timedelta(hours=1)
PREVIEW_EXPIRED = _("The preview has expired or was already imported; upload the file again.")


@sensitive_variables()
def import_preview_save(*, actor: User, departure: Departure, kind: str, rows: list[dict]) -> ImportPreview:
    """Keep checked rows, sealed, until the leaver confirms; older unconfirmed previews go."""
    policy.act_decision(departure.state, access_for(actor, departure), "list_inventory").enforce()
    ImportPreview.objects.filter(created_at__lt=timezone.now() - PREVIEW_MAX_AGE).delete()
    ImportPreview.objects.filter(departure=departure, user=actor).delete()
    return ImportPreview.objects.create(
        departure=departure, user=actor, kind=kind, sealed_rows=vault.seal(json.dumps(rows).encode())
    )


@sensitive_variables()
def inventory_import(*, actor: User, departure: Departure, preview_id) -> tuple[str, int, int]:
    """Create every row of a confirmed preview, or none of them; a preview imports once.

    Its rows are dicts of model fields (module and system as ids) that passed the preview's
    checks; ids are checked again against this case. Returns the kind and the counts."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        policy.act_decision(departure.state, access_for(actor, departure), "list_inventory").enforce()
        preview = (
            ImportPreview.objects.select_for_update()
            .filter(pk=preview_id, departure=departure, user=actor)
            .first()
        )
        if preview is None or preview.created_at < timezone.now() - PREVIEW_MAX_AGE:
            raise HandoverError(PREVIEW_EXPIRED)
        try:
            rows = json.loads(vault.unseal(bytes(preview.sealed_rows), int(PREVIEW_MAX_AGE.total_seconds())))
        except (vault.VaultError, ValueError) as error:
            raise HandoverError(PREVIEW_EXPIRED) from error
        kind = preview.kind
        preview.delete()
        accesses = rows if kind == "accounts" else ()
        materials = rows if kind == "materials" else ()
        modules = {m.pk: m for m in departure.modules.all()}
        systems = {s.pk: s for s in AccessSystem.objects.filter(is_active=True)}
        position = next_position(departure.accesses) - 1
        new_accesses = []
        for row in accesses:
            if row["module"] not in modules or row["system"] not in systems:
                raise HandoverError(_("The import no longer matches this case; check the file again."))
            position += 1
            new_accesses.append(
                new_access(
                    departure,
                    module=modules[row["module"]],
                    system=systems[row["system"]],
                    account=row["account"],
                    kind=row["kind"],
                    access_level=row.get("access_level", ""),
                    credential_location=row.get("credential_location", ""),
                    secret=row.get("secret", ""),
                    position=position,
                )
            )
        Access.objects.bulk_create(new_accesses)
        position = next_position(departure.materials) - 1
        new_materials = []
        for row in materials:
            if row["module"] not in modules:
                raise HandoverError(_("The import no longer matches this case; check the file again."))
            position += 1
            new_materials.append(
                Material(
                    departure=departure,
                    module=modules[row["module"]],
                    title=row["title"],
                    category=row["category"],
                    location=row["location"],
                    medium=row["medium"],
                    importance=row["importance"],
                    purpose=row.get("purpose", ""),
                    created_on=date.fromisoformat(row["created_on"]) if row.get("created_on") else None,
                    position=position,
                )
            )
        Material.objects.bulk_create(new_materials)
        secrets = sum(1 for access in new_accesses if access.secret_token is not None)
        record_change(
            departure,
            actor,
            EventKind.INVENTORY_IMPORTED,
            subject=import_subject(len(new_accesses), secrets, len(new_materials)),
        )
    return kind, len(new_accesses), len(new_materials)


def inventory_exported(*, actor: User, departure: Departure, file_format: str) -> None:
    """Record who took a copy of the inventory (never with secrets) and in which format."""
    if not access_for(actor, departure).can_see_inventory:
        raise PermissionDenied(policy.NOT_YOURS)
    record(departure, actor, EventKind.INVENTORY_EXPORTED, subject=file_format.upper())
