"""Materials: listed by the leaver (optionally with a file), found by the successor."""

import uuid
from datetime import date
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from handover import policy
from handover.documents.storage import upload_storage
from handover.errors import HandoverError, NotFound
from handover.models import (
    Departure,
    EventKind,
    HandoverModule,
    Material,
)

from ._base import access_for, lock_case, locked_row, next_position, own_module, record, record_change

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


def _locked_material(departure: Departure, material_id: int) -> Material:
    return locked_row(Material.objects.select_related("module"), pk=material_id, departure=departure)


def _acted_material(actor: User, departure: Departure, material_id: int, act: str) -> Material:
    """The material, locked, once the policy lets this person take this act on it now."""
    access = access_for(actor, departure)
    material = _locked_material(departure, material_id)
    policy.material_decision(departure.state, access, material, act).enforce()
    return material


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
            policy.act_decision(departure.state, access_for(actor, departure), "list_inventory").enforce()
            own_module(departure, module)
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
            record_change(departure, actor, EventKind.MATERIAL_ADDED, subject=title)
    except BaseException:
        _discard_file(stored)
        raise
    return material


def material_update(
    *,
    actor: User,
    departure: Departure,
    material_id: int,
    module: HandoverModule,
    title: str,
    category: str,
    location: str,
    medium: str,
    importance: str,
    purpose: str = "",
    created_on: date | None = None,
    upload: UploadedFile | None = None,
    remove_file: bool = False,
) -> Material:
    """The leaver corrects a material the successor has not found yet."""
    stored = ""
    try:
        with transaction.atomic():
            departure = lock_case(departure.pk)
            material = _acted_material(actor, departure, material_id, "edit")
            own_module(departure, module)
            material.module, material.title, material.category = module, title, category
            material.location, material.medium, material.importance = location, medium, importance
            material.purpose, material.created_on = purpose, created_on
            previous = material.file.name
            if upload is not None:
                stored, material.file_name, material.file_size = _store_upload(departure, upload)
                material.file.name = stored
            elif remove_file:
                material.file.name, material.file_name, material.file_size = "", "", None
            material.save()
            record_change(departure, actor, EventKind.MATERIAL_EDITED, subject=material.title)
            if previous and previous != material.file.name:
                transaction.on_commit(lambda: _discard_file(previous))
    except BaseException:
        _discard_file(stored)
        raise
    return material


def material_delete(*, actor: User, departure: Departure, material_id: int) -> None:
    with transaction.atomic():
        departure = lock_case(departure.pk)
        material = _acted_material(actor, departure, material_id, "remove")
        title, stored = material.title, material.file.name
        material.delete()
        record_change(departure, actor, EventKind.MATERIAL_REMOVED, subject=title)
        transaction.on_commit(lambda: _discard_file(stored))


def material_found(*, actor: User, departure: Departure, material_id: int) -> Material:
    """The successor of the material's module confirms they found it where the leaver said."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        material = _acted_material(actor, departure, material_id, "find")
        material.found_at = timezone.now()
        material.found_by = actor
        material.found_by_name = actor.name
        material.save()
        record_change(departure, actor, EventKind.MATERIAL_FOUND, subject=material.title)
    return material


def material_open(*, actor: User, departure: Departure, material_id: int):
    """A participant downloads a material's file; every download is on the timeline."""
    if not access_for(actor, departure).can_see_inventory:
        raise PermissionDenied(policy.NOT_YOURS)
    material = Material.objects.filter(pk=material_id, departure=departure).first()
    if material is None or not material.file:
        raise NotFound
    record(departure, actor, EventKind.MATERIAL_DOWNLOADED, subject=material.title)
    return material, upload_storage().open(material.file.name, "rb")
