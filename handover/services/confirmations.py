"""The confirmation PDF: produced (rendered and sealed) once per sign-off or reissue, and opened
by the people on the case."""

import hashlib

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from handover import policy
from handover.documents.storage import document_storage
from handover.errors import HandoverError, NotFound
from handover.models import (
    ConfirmationDocument,
    Departure,
    Event,
    EventKind,
)
from handover.policy import ISSUED_STATES

from . import notices
from ._base import access_for, lock_case, record
from .signatures import content_fingerprint


def confirmation_open(
    *, actor: User, departure: Departure, version: int | None = None
) -> tuple[ConfirmationDocument, File]:
    """Open a stored confirmation (the current version unless one is named) for a participant or
    HR; every download is on the timeline."""
    if not access_for(actor, departure).can_download_confirmation:
        raise PermissionDenied(policy.NOT_YOURS)
    documents = ConfirmationDocument.objects.filter(departure=departure)
    document = (
        documents.filter(version=version).first()
        if version is not None
        else documents.filter(superseded_at__isnull=True).order_by("-version").first()
    )
    if document is None:
        raise NotFound
    if document.file_deleted_at is not None:
        raise HandoverError(
            _("This confirmation was deleted at the end of its retention; its record still verifies a copy.")
        )
    record(departure, actor, EventKind.DOCUMENT_DOWNLOADED, subject=document.sha256)
    return document, document_storage().open(document.file_name, "rb")


def _planned_document(
    departure: Departure, request_key: str
) -> tuple[ConfirmationDocument, ConfirmationDocument | None]:
    """The version this request will become, and the current version it will supersede."""
    documents = ConfirmationDocument.objects.filter(departure=departure)
    previous = documents.filter(superseded_at__isnull=True).order_by("-version").first()
    reissue = None
    if request_key != "signoff":
        reissue = departure.events.filter(pk=int(request_key.removeprefix("reissue-"))).first()
    document = ConfirmationDocument(
        departure=departure,
        version=(previous.version + 1) if previous else 1,
        request_key=request_key,
        content_sha256=content_fingerprint(departure),
        issued_by_name=reissue.actor_name if reissue else "",
        reissue_reason=reissue.subject if reissue else "",
    )
    return document, previous


def confirmation_produce(*, departure_id: int, request_key: str = "signoff") -> ConfirmationDocument:
    """Render, seal and store one version of the confirmation; asked again, return the same one.

    Version 1 answers the sign-off; a reissue event asks for the next version, which supersedes
    the current one (kept, and still verifiable as what it was). Rendering and sealing take
    seconds, so they happen before the case is locked; the lock only guards the insert."""
    from handover.documents.confirmation import render_confirmation_pdf
    from handover.documents.seal import seal_pdf

    departure = Departure.objects.get(pk=departure_id)
    existing = ConfirmationDocument.objects.filter(departure=departure, request_key=request_key).first()
    if existing is not None:
        return existing
    if departure.state not in ISSUED_STATES:
        raise HandoverError(_("The confirmation is produced when the manager signs off."))
    document, previous = _planned_document(departure, request_key)
    pdf = seal_pdf(
        render_confirmation_pdf(departure, document, previous=previous),
        reason=f"{departure.number} v{document.version}",
        location=settings.HANDOVER_COMPANY_NAME,
    )
    with transaction.atomic():
        departure = lock_case(departure_id)
        documents = ConfirmationDocument.objects.select_for_update().filter(departure=departure)
        existing = documents.filter(request_key=request_key).first()
        if existing is not None:
            return existing
        current = documents.filter(superseded_at__isnull=True).order_by("-version").first()
        if (current.pk if current else None) != (previous.pk if previous else None):
            raise HandoverError(
                _("Another version was issued meanwhile; the confirmation will be produced again.")
            )
        document.sha256 = hashlib.sha256(pdf).hexdigest()
        document.size = len(pdf)
        document.file_name = document_storage().save(
            f"{departure.number}-v{document.version}-{document.sha256[:12]}.pdf", ContentFile(pdf)
        )
        if previous is not None:
            previous.superseded_at = timezone.now()
            previous.save(update_fields=["superseded_at"])
        document.save()
        record(departure, None, EventKind.DOCUMENT_CREATED, subject=document.sha256)
        notices.confirmation_ready(departure, document)
    return document


def missing_confirmations() -> list[tuple[int, str]]:
    """(case, request) pairs still waiting for their document: a sign-off or a reissue whose task
    failed (a wrong key passphrase, a worker that died) is produced again by the periodic task."""
    issued = set(ConfirmationDocument.objects.values_list("departure_id", "request_key"))
    wanted = [
        (case_id, "signoff")
        for case_id in Departure.objects.filter(state__in=ISSUED_STATES).values_list("pk", flat=True)
    ]
    wanted += [
        (case_id, f"reissue-{pk}")
        for pk, case_id in Event.objects.filter(kind=EventKind.DOCUMENT_REISSUED).values_list(
            "pk", "departure_id"
        )
    ]
    return [pair for pair in wanted if pair not in issued]


def confirmation_reissue(*, actor: User, departure: Departure, reason: str) -> Event:
    """The HR owner asks for a corrected version, with a reason; a Celery task renders it."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        policy.act_decision(departure.state, access_for(actor, departure), "reissue").enforce()
        reason = reason.strip()
        if not reason:
            raise HandoverError(_("Say why a new version is needed; the reason is printed on it."))
        keys = set(
            ConfirmationDocument.objects.filter(departure=departure).values_list("request_key", flat=True)
        )
        if "signoff" not in keys or any(
            f"reissue-{pk}" not in keys
            for pk in departure.events.filter(kind=EventKind.DOCUMENT_REISSUED).values_list("pk", flat=True)
        ):
            raise HandoverError(
                _("A version of the confirmation is still being prepared; try again shortly.")
            )
        if len(reason) > 300:
            raise HandoverError(_("Keep the reason under 300 characters."))
        event = record(departure, actor, EventKind.DOCUMENT_REISSUED, subject=reason)
        from handover.tasks import produce_confirmation

        case_id, key = departure.pk, f"reissue-{event.pk}"
        transaction.on_commit(lambda: produce_confirmation.delay(case_id, key))
    return event
