"""Accounts and materials: listed by the leaver, taken over by the successor, closed by HR or the manager."""

import json
import uuid
from datetime import date, timedelta
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from accounts.models import User
from handover import vault
from handover.documents.storage import upload_storage
from handover.errors import HandoverError
from handover.models import (
    Access,
    AccessState,
    AccessSystem,
    Departure,
    EventKind,
    HandoverModule,
    ImportPreview,
    Material,
    State,
    TransferMethod,
)
from handover.models.events import import_subject
from handover.models.inventory import SECRET_KINDS
from handover.permissions import case_access

from ._base import access_for, lock_case, locked_row, next_position, record, require, require_state
from .items import EDITABLE_STATES, REMOVABLE_STATES

# The successor takes over while the handover runs; revocation and secrets matter until the case ends.
RECEIVING_STATES = (State.EXECUTING, State.TRIAL_RUN)
AFTER_PREPARATION = (State.EXECUTING, State.TRIAL_RUN, State.SIGNED_OFF, State.AFTERCARE)
SUPERVISED_STATES = (State.PREPARING, *AFTER_PREPARATION)
SECRET_MAX_LENGTH = 2000

# File types a material may carry, by extension, with the bytes such a file starts with (if any
# fixed ones): a renamed executable is refused. Office files are ZIP containers.
_ZIP = (b"PK\x03\x04",)
UPLOAD_TYPES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".docx": _ZIP,
    ".xlsx": _ZIP,
    ".pptx": _ZIP,
    ".zip": _ZIP,
    ".doc": (b"\xd0\xcf\x11\xe0",),
    ".xls": (b"\xd0\xcf\x11\xe0",),
    ".ppt": (b"\xd0\xcf\x11\xe0",),
    ".csv": (),
    ".txt": (),
}


def check_upload(upload: UploadedFile) -> str:
    """The upload's extension if its size and type are allowed; otherwise a clear refusal."""
    limit = settings.HANDOVER_UPLOAD_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise HandoverError(
            _("The file is larger than %(limit)s; link to where it is kept instead.")
            % {"limit": filesizeformat(limit)}
        )
    if upload.size == 0:
        raise HandoverError(_("The file is empty."))
    extension = PurePath(upload.name or "").suffix.lower()
    if extension not in UPLOAD_TYPES:
        raise HandoverError(
            _("Files of this type cannot be attached. Allowed: %(types)s.")
            % {"types": ", ".join(sorted(UPLOAD_TYPES))}
        )
    signatures = UPLOAD_TYPES[extension]
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if signatures and not any(head.startswith(signature) for signature in signatures):
        raise HandoverError(_("The file's content does not match its “%(type)s” name.") % {"type": extension})
    if not signatures and b"\x00" in upload.read(4096):
        raise HandoverError(_("The file's content does not match its “%(type)s” name.") % {"type": extension})
    upload.seek(0)
    return extension


def _locked_access(departure: Departure, access_id: int) -> Access:
    return locked_row(Access.objects.select_related("module", "system"), pk=access_id, departure=departure)


def _locked_material(departure: Departure, material_id: int) -> Material:
    return locked_row(Material.objects.select_related("module"), pk=material_id, departure=departure)


def _own_module(departure: Departure, module: HandoverModule) -> None:
    if module.departure_id != departure.pk:
        raise Http404


def _check_system(system: AccessSystem) -> None:
    if not system.is_active:
        raise HandoverError(_("“%(system)s” is retired from the catalogue.") % {"system": system.name})


def _check_secret(kind: str, secret: str) -> None:
    if kind not in SECRET_KINDS:
        raise HandoverError(_("Only a shared account or a sub-account may carry a stored secret."))
    if len(secret) > SECRET_MAX_LENGTH:
        raise HandoverError(_("A secret can be at most %(n)d characters long.") % {"n": SECRET_MAX_LENGTH})


@sensitive_variables()
def _set_secret(access: Access, secret: str) -> None:
    access.secret_token, access.secret_key_id = vault.encrypt(secret)
    access.secret_stored_at = timezone.now()
    access.secret_purged_at = None


def _purge_secret(departure: Departure, access: Access, actor: User | None) -> bool:
    """Forget the stored secret; True if there was one."""
    if access.secret_token is None:
        return False
    access.secret_token = None
    access.secret_key_id = ""
    access.secret_purged_at = timezone.now()
    record(departure, actor, EventKind.SECRET_PURGED, subject=str(access))
    return True


@sensitive_variables()
def _new_access(departure: Departure, *, system: AccessSystem, kind: str, secret: str, **fields) -> Access:
    """An account row as listing or importing makes it: a system still offered, a secret only on
    a shared account or sub-account, and encrypted."""
    _check_system(system)
    access = Access(departure=departure, system=system, kind=kind, **fields)
    if secret:
        _check_secret(kind, secret)
        _set_secret(access, secret)
    return access


@sensitive_variables()
def access_create(
    *,
    actor: User,
    departure: Departure,
    module: HandoverModule,
    system: AccessSystem,
    account: str,
    kind: str,
    access_level: str = "",
    credential_location: str = "",
    secret: str = "",
) -> Access:
    """The leaver lists an account or permission, optionally with its secret."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        require(access_for(actor, departure).is_leaver)
        require_state(departure, *EDITABLE_STATES)
        _own_module(departure, module)
        access = _new_access(
            departure,
            module=module,
            system=system,
            account=account,
            kind=kind,
            access_level=access_level,
            credential_location=credential_location,
            secret=secret,
            position=next_position(departure.accesses),
        )
        access.save()
        record(departure, actor, EventKind.ACCESS_ADDED, subject=str(access))
        if secret:
            record(departure, actor, EventKind.SECRET_STORED, subject=str(access))
    return access


def access_update(*, actor: User, departure: Departure, access_id: int, **fields) -> Access:
    """The leaver corrects an account not yet taken over."""
    allowed = {"module", "system", "account", "kind", "access_level", "credential_location"}
    with transaction.atomic():
        departure = lock_case(departure.pk)
        require(access_for(actor, departure).is_leaver)
        require_state(departure, *EDITABLE_STATES)
        access = _locked_access(departure, access_id)
        if access.state != AccessState.LISTED:
            raise HandoverError(_("Only accounts not yet transferred can be edited."))
        if "system" in fields and fields["system"].pk != access.system_id:
            _check_system(fields["system"])
        for name, value in fields.items():
            if name in allowed:
                setattr(access, name, value)
        _own_module(departure, access.module)
        if access.kind not in SECRET_KINDS:
            _purge_secret(departure, access, actor)
        access.save()
        record(departure, actor, EventKind.ACCESS_EDITED, subject=str(access))
    return access


def access_delete(*, actor: User, departure: Departure, access_id: int) -> None:
    with transaction.atomic():
        departure = lock_case(departure.pk)
        require(access_for(actor, departure).is_leaver)
        require_state(departure, *REMOVABLE_STATES)
        access = _locked_access(departure, access_id)
        if access.state != AccessState.LISTED:
            raise HandoverError(_("Only accounts not yet transferred can be removed."))
        label = str(access)
        access.delete()
        record(departure, actor, EventKind.ACCESS_REMOVED, subject=label)


@sensitive_variables()
def access_store_secret(*, actor: User, departure: Departure, access_id: int, secret: str) -> Access:
    """The leaver stores (or replaces) the password or recovery code of a shared account."""
    if not secret:
        raise HandoverError(_("Enter the secret to store."))
    with transaction.atomic():
        departure = lock_case(departure.pk)
        require(access_for(actor, departure).is_leaver)
        require_state(departure, *EDITABLE_STATES)
        access = _locked_access(departure, access_id)
        if access.state != AccessState.LISTED:
            raise HandoverError(_("The account is already transferred; its secret can no longer be stored."))
        _check_secret(access.kind, secret)
        _set_secret(access, secret)
        access.save()
        record(departure, actor, EventKind.SECRET_STORED, subject=str(access))
    return access


@sensitive_variables()
def access_reveal_secret(*, actor: User, departure: Departure, access_id: int, password: str) -> str:
    """The successor of the account's module, after re-entering their password, reads the secret.

    Every reveal is on the timeline; the secret is returned to the caller and nowhere else."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        roles = access_for(actor, departure)
        access = _locked_access(departure, access_id)
        require(roles.receives(access.module))
        require_state(departure, *AFTER_PREPARATION)
        if not password or not actor.check_password(password):
            raise HandoverError(_("Your password was not correct; the secret stays hidden."))
        if access.secret_token is None:
            raise HandoverError(_("No secret is stored for this account."))
        try:
            secret = vault.decrypt(access.secret_token)
        except vault.VaultError as error:
            raise HandoverError(
                _("The secret cannot be opened with the current vault keys; ask your administrator.")
            ) from error
        record(departure, actor, EventKind.SECRET_REVEALED, subject=str(access))
    return secret


def access_transfer(*, actor: User, departure: Departure, access_id: int, method: str) -> Access:
    """The successor confirms working access, under their own account or a changed credential."""
    if method not in TransferMethod.values:
        raise HandoverError(_("Say how you now get in: under your own account or with a changed password."))
    with transaction.atomic():
        departure = lock_case(departure.pk)
        roles = access_for(actor, departure)
        access = _locked_access(departure, access_id)
        require(roles.receives(access.module))
        require_state(departure, *RECEIVING_STATES)
        if access.state != AccessState.LISTED:
            raise HandoverError(
                _("“%(access)s” is “%(state)s”; only listed accounts can be transferred.")
                % {"access": access, "state": access.get_state_display()}
            )
        access.transfer()
        access.transferred_at = timezone.now()
        access.transfer_method = method
        access.transferred_by_name = actor.name
        if method == TransferMethod.ROTATED:
            access.rotated_at = access.transferred_at
            _purge_secret(departure, access, actor)
        access.save()
        record(departure, actor, EventKind.ACCESS_TRANSFERRED, subject=str(access))
    return access


def access_confirm_rotated(*, actor: User, departure: Departure, access_id: int) -> Access:
    """The successor changed the password: the stored one is useless and is purged at once."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        roles = access_for(actor, departure)
        access = _locked_access(departure, access_id)
        require(roles.receives(access.module))
        require_state(departure, *AFTER_PREPARATION)
        if access.secret_token is None:
            raise HandoverError(_("No secret is stored for this account."))
        access.rotated_at = timezone.now()
        _purge_secret(departure, access, actor)
        access.save()
    return access


def may_revoke(access: Access, departure: Departure, today: date) -> bool:
    """Revoked once transferred; after the last working day, also before any transfer."""
    if access.state == AccessState.TRANSFERRED:
        return departure.state in AFTER_PREPARATION
    return (
        access.state == AccessState.LISTED
        and today > departure.last_working_day
        and departure.state in SUPERVISED_STATES
    )


def access_revoke(
    *, actor: User, departure: Departure, access_id: int, note: str = "", evidence: str = ""
) -> Access:
    """The HR owner, the manager or IT confirms the leaver's own access is gone, with a note or an
    evidence link. IT acts on any case from the open-access list without seeing the case itself."""
    note, evidence = note.strip(), evidence.strip()
    if not (note or evidence):
        raise HandoverError(_("Say how the access was revoked: a note or a link to the evidence."))
    with transaction.atomic():
        departure = lock_case(departure.pk)
        require(actor.is_it or case_access(actor, departure).can_supervise)
        if actor.pk == departure.employee_id:
            raise PermissionDenied(_("The departing employee cannot confirm their own access revoked."))
        access = _locked_access(departure, access_id)
        if not may_revoke(access, departure, timezone.localdate()):
            raise HandoverError(
                _(
                    "“%(access)s” is “%(state)s”; it is revoked once the successor confirms the transfer, "
                    "or after the last working day."
                )
                % {"access": access, "state": access.get_state_display()}
            )
        access.revoke()
        access.revoked_at = timezone.now()
        access.revoked_by_name = actor.name
        access.revocation_note = note
        access.revocation_evidence = evidence
        _purge_secret(departure, access, actor)
        access.save()
        record(departure, actor, EventKind.ACCESS_REVOKED, subject=str(access))
    return access


def access_not_applicable(*, actor: User, departure: Departure, access_id: int, reason: str) -> Access:
    """HR or the manager takes an account out of the handover, for a stated reason."""
    if not reason.strip():
        raise HandoverError(_("Say why this account needs neither transfer nor revocation."))
    with transaction.atomic():
        departure = lock_case(departure.pk)
        require(access_for(actor, departure).can_supervise)
        require_state(departure, *SUPERVISED_STATES)
        access = _locked_access(departure, access_id)
        if access.state != AccessState.LISTED:
            raise HandoverError(_("Only accounts not yet transferred can be marked not applicable."))
        access.set_not_applicable()
        access.not_applicable_reason = reason.strip()
        _purge_secret(departure, access, actor)
        access.save()
        record(departure, actor, EventKind.ACCESS_NOT_APPLICABLE, subject=f"{access}: {reason.strip()}")
    return access


def purge_case_secrets(departure: Departure, actor: User | None) -> int:
    """Every secret stored on the case goes; runs inside the transaction that closes or withdraws it."""
    purged = 0
    for access in (
        Access.objects.select_for_update(of=("self",))
        .select_related("system")
        .filter(departure=departure, secret_token__isnull=False)
    ):
        if _purge_secret(departure, access, actor):
            access.save(update_fields=["secret_token", "secret_key_id", "secret_purged_at"])
            purged += 1
    return purged


def _store_upload(departure: Departure, upload: UploadedFile) -> tuple[str, str, int]:
    extension = check_upload(upload)
    stored = upload_storage().save(f"{departure.pk}/{uuid.uuid4().hex}{extension}", upload)
    return stored, PurePath(upload.name or "").name[:200], upload.size or 0


def _discard_file(name: str) -> None:
    if name:
        upload_storage().delete(name)


def material_create(
    *,
    actor: User,
    departure: Departure,
    module: HandoverModule,
    title: str,
    category: str,
    location: str,
    medium: str,
    importance: str,
    purpose: str = "",
    created_on: date | None = None,
    upload: UploadedFile | None = None,
) -> Material:
    """The leaver lists a material, optionally with its file."""
    stored = ""
    try:
        with transaction.atomic():
            departure = lock_case(departure.pk)
            require(access_for(actor, departure).is_leaver)
            require_state(departure, *EDITABLE_STATES)
            _own_module(departure, module)
            material = Material(
                departure=departure,
                module=module,
                title=title,
                category=category,
                location=location,
                medium=medium,
                importance=importance,
                purpose=purpose,
                created_on=created_on,
                position=next_position(departure.materials),
            )
            if upload is not None:
                stored, material.file_name, material.file_size = _store_upload(departure, upload)
                material.file.name = stored
            material.save()
            record(departure, actor, EventKind.MATERIAL_ADDED, subject=title)
    except BaseException:
        _discard_file(stored)
        raise
    return material


def material_update(
    *,
    actor: User,
    departure: Departure,
    material_id: int,
    upload: UploadedFile | None = None,
    remove_file: bool = False,
    **fields,
) -> Material:
    allowed = {"module", "title", "category", "location", "medium", "importance", "purpose", "created_on"}
    stored = ""
    try:
        with transaction.atomic():
            departure = lock_case(departure.pk)
            require(access_for(actor, departure).is_leaver)
            require_state(departure, *EDITABLE_STATES)
            material = _locked_material(departure, material_id)
            if material.found_at is not None:
                raise HandoverError(_("The successor has found this material; it can no longer be edited."))
            for name, value in fields.items():
                if name in allowed:
                    setattr(material, name, value)
            _own_module(departure, material.module)
            previous = material.file.name
            if upload is not None:
                stored, material.file_name, material.file_size = _store_upload(departure, upload)
                material.file.name = stored
            elif remove_file:
                material.file.name, material.file_name, material.file_size = "", "", None
            material.save()
            record(departure, actor, EventKind.MATERIAL_EDITED, subject=material.title)
            if previous and previous != material.file.name:
                transaction.on_commit(lambda: _discard_file(previous))
    except BaseException:
        _discard_file(stored)
        raise
    return material


def material_delete(*, actor: User, departure: Departure, material_id: int) -> None:
    with transaction.atomic():
        departure = lock_case(departure.pk)
        require(access_for(actor, departure).is_leaver)
        require_state(departure, *REMOVABLE_STATES)
        material = _locked_material(departure, material_id)
        if material.found_at is not None:
            raise HandoverError(_("The successor has found this material; it can no longer be removed."))
        title, stored = material.title, material.file.name
        material.delete()
        record(departure, actor, EventKind.MATERIAL_REMOVED, subject=title)
        transaction.on_commit(lambda: _discard_file(stored))


def material_found(*, actor: User, departure: Departure, material_id: int) -> Material:
    """The successor of the material's module confirms they found it where the leaver said."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        roles = access_for(actor, departure)
        material = _locked_material(departure, material_id)
        require(roles.receives(material.module))
        require_state(departure, *RECEIVING_STATES)
        if material.found_at is not None:
            raise HandoverError(_("“%(title)s” is already confirmed as found.") % {"title": material.title})
        material.found_at = timezone.now()
        material.found_by = actor
        material.found_by_name = actor.name
        material.save()
        record(departure, actor, EventKind.MATERIAL_FOUND, subject=material.title)
    return material


def material_open(*, actor: User, departure: Departure, material_id: int):
    """A participant downloads a material's file; every download is on the timeline."""
    require(access_for(actor, departure).can_see_inventory)
    material = Material.objects.filter(pk=material_id, departure=departure).first()
    if material is None or not material.file:
        raise Http404
    record(departure, actor, EventKind.MATERIAL_DOWNLOADED, subject=material.title)
    return material, upload_storage().open(material.file.name, "rb")


PREVIEW_MAX_AGE = timedelta(hours=1)
PREVIEW_EXPIRED = _("The preview has expired or was already imported; upload the file again.")


@sensitive_variables()
def import_preview_save(*, actor: User, departure: Departure, kind: str, rows: list[dict]) -> ImportPreview:
    """Keep checked rows, sealed, until the leaver confirms; older unconfirmed previews go."""
    require(access_for(actor, departure).is_leaver)
    require_state(departure, *EDITABLE_STATES)
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
        require(access_for(actor, departure).is_leaver)
        require_state(departure, *EDITABLE_STATES)
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
                _new_access(
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
        record(
            departure,
            actor,
            EventKind.INVENTORY_IMPORTED,
            subject=import_subject(len(new_accesses), secrets, len(new_materials)),
        )
    return kind, len(new_accesses), len(new_materials)


def inventory_exported(*, actor: User, departure: Departure, file_format: str) -> None:
    """Record who took a copy of the inventory (never with secrets) and in which format."""
    require(access_for(actor, departure).can_see_inventory)
    record(departure, actor, EventKind.INVENTORY_EXPORTED, subject=file_format.upper())
