import hashlib
import io
import json

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image

from accounts.models import User
from handover import guards
from handover.documents.storage import document_storage
from handover.errors import HandoverError
from handover.models import (
    AccessState,
    ConfirmationDocument,
    Departure,
    Event,
    EventKind,
    Signature,
    SignatureMark,
    SignerRole,
    State,
)
from handover.permissions import CaseAccess

from ._base import access_for, lock_case, record, require, require_state

READY_TO_SIGN = [
    guards.ITEMS_ACCEPTED,
    guards.TRIAL_TASKS_EXIST,
    guards.TRIAL_TASKS_VERIFIED,
    guards.ACCESSES_TRANSFERRED,
    guards.IMPORTANT_MATERIALS_FOUND,
]


def content_fingerprint(departure: Departure) -> str:
    """SHA-256 of what a signer affirms: the people, every item and trial task, and their states."""
    content = {
        "case": departure.number,
        "employee": departure.employee_name,
        "manager": departure.manager_name,
        "last_working_day": departure.last_working_day.isoformat(),
        "modules": [
            {
                "module": module.kind,
                "successor": module.successor_name,
                "items": [
                    [item.pk, item.title, item.state] for item in module.items.order_by("position", "pk")
                ],
            }
            for module in departure.modules.order_by("position")
        ],
        "trial_tasks": [[t.pk, t.title, t.state] for t in departure.trial_tasks.order_by("pk")],
        # Each account reached the successor or not (its revocation goes on after sign-off and is
        # not what signers affirm) and each material was found or not.
        "accesses": [
            [a.pk, a.system_id, a.account, a.state != AccessState.LISTED]
            for a in departure.accesses.order_by("pk")
        ],
        "materials": [[m.pk, m.title, m.found_at is not None] for m in departure.materials.order_by("pk")],
    }
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def void_stale_signatures(departure: Departure) -> int:
    """Signatures on content that has since changed are void: their signers must sign again."""
    valid = list(departure.signatures.filter(voided_at__isnull=True))
    if not valid:
        return 0
    fingerprint = content_fingerprint(departure)
    stale = [signature for signature in valid if signature.content_sha256 != fingerprint]
    now = timezone.now()
    for signature in stale:
        signature.voided_at = now
        signature.save(update_fields=["voided_at"])
        record(departure, None, EventKind.SIGNATURE_VOIDED, subject=signature.signer_name)
    return len(stale)


def signer_role(access: CaseAccess) -> SignerRole | None:
    """The role a person signs in: the manager's signature comes first in this order because it
    is the sign-off; someone with no role on the case does not sign."""
    if access.is_manager:
        return SignerRole.MANAGER
    if access.is_leaver:
        return SignerRole.LEAVER
    if access.is_successor:
        return SignerRole.SUCCESSOR
    return None


def may_sign_now(departure: Departure, access: CaseAccess, signed: set[tuple[int, str]]) -> bool:
    """Whether the sign form should be offered: right state, a role, not yet signed, content ready."""
    role = signer_role(access)
    return (
        departure.state == State.TRIAL_RUN
        and role is not None
        and (access.user_id, role) not in signed
        and all(guard(departure) for guard in READY_TO_SIGN)
    )


SIGNATURE_IMAGE_MAX_BYTES = 200 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# The pad draws 600 x 180; anything much larger is not a signature drawn on it.
SIGNATURE_MAX_SIZE = (1200, 400)


def _clean_drawing(mark: str, image: bytes | None) -> bytes | None:
    """A drawn signature as a small PNG we re-encoded ourselves (never the uploaded bytes), or a
    refusal; a typed signature carries no image."""
    if mark == SignatureMark.TYPED:
        return None
    if mark != SignatureMark.DRAWN:
        raise HandoverError(_("Type your name to sign, or draw your signature."))
    refused = HandoverError(_("Draw your signature in the box, or type your name instead."))
    if not image or not image.startswith(PNG_SIGNATURE) or len(image) > SIGNATURE_IMAGE_MAX_BYTES:
        raise refused
    try:
        with Image.open(io.BytesIO(image)) as drawing:
            width, height = drawing.size  # read from the header, before any pixel is decoded
            if drawing.format != "PNG" or width > SIGNATURE_MAX_SIZE[0] or height > SIGNATURE_MAX_SIZE[1]:
                raise refused
            drawing.load()
            out = io.BytesIO()
            drawing.convert("RGBA").save(out, format="PNG", optimize=True)
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise refused from error
    return out.getvalue()


def departure_sign(
    *,
    actor: User,
    departure: Departure,
    password: str,
    mark: str = SignatureMark.TYPED,
    typed_name: str = "",
    image: bytes | None = None,
    content_sha256: str = "",
    ip_address: str | None = None,
    user_agent: str = "",
) -> Signature:
    """Sign the confirmation with a typed name or a drawn signature, after re-entering the password.

    ``content_sha256`` is the fingerprint of the content the signer was shown; if the handover
    changed since, nothing is signed. The manager signs last, and that signature is the sign-off."""
    image = _clean_drawing(mark, image)
    typed_name = typed_name.strip() or actor.name
    with transaction.atomic():
        departure = lock_case(departure.pk)
        access = access_for(actor, departure)
        role = signer_role(access)
        require(role is not None)
        require_state(departure, State.TRIAL_RUN)
        if not password or not actor.check_password(password):
            raise HandoverError(_("Your password was not correct; nothing was signed."))
        void_stale_signatures(departure)
        if departure.signatures.filter(signer=actor, role=role, voided_at__isnull=True).exists():
            raise HandoverError(_("You have already signed this confirmation."))
        blocked = [g.message for g in READY_TO_SIGN if not g(departure)]
        if role == SignerRole.MANAGER and not guards.LEAVER_AND_SUCCESSORS_SIGNED(departure):
            blocked.append(guards.LEAVER_AND_SUCCESSORS_SIGNED.message)
        if blocked:
            raise HandoverError(" ".join(str(message) for message in blocked))
        fingerprint = content_fingerprint(departure)
        if content_sha256 and content_sha256 != fingerprint:
            raise HandoverError(
                _("The handover changed while you were reading it; nothing was signed. Read it again.")
            )
        try:
            with transaction.atomic():
                signature = Signature.objects.create(
                    departure=departure,
                    signer=actor,
                    signer_name=actor.name,
                    role=role,
                    ip_address=ip_address,
                    user_agent=user_agent[:300],
                    content_sha256=fingerprint,
                    mark=mark,
                    typed_name=typed_name[:150] if mark == SignatureMark.TYPED else "",
                    image=image if mark == SignatureMark.DRAWN else None,
                )
        except IntegrityError as exc:
            raise HandoverError(_("You have already signed this confirmation.")) from exc
        record(departure, actor, EventKind.SIGNED, subject=role)
        if role == SignerRole.MANAGER:
            before = departure.state
            departure.sign_off()
            departure.save()
            record(departure, actor, EventKind.TRANSITION, from_state=before, to_state=departure.state)
            from handover.tasks import produce_confirmation

            case_id = departure.pk
            transaction.on_commit(lambda: produce_confirmation.delay(case_id))
    return signature


def confirmation_open(
    *, actor: User, departure: Departure, version: int | None = None
) -> tuple[ConfirmationDocument, File]:
    """Open a stored confirmation (the current version unless one is named) for a participant or
    HR; every download is on the timeline."""
    access = access_for(actor, departure)
    documents = ConfirmationDocument.objects.filter(departure=departure)
    document = (
        documents.filter(version=version).first()
        if version is not None
        else documents.filter(superseded_at__isnull=True).order_by("-version").first()
    )
    if document is None:
        raise Http404
    require(access.can_download_confirmation)
    record(departure, actor, EventKind.DOCUMENT_DOWNLOADED, subject=document.sha256)
    return document, document_storage().open(document.file_name, "rb")


ISSUED_STATES = (State.SIGNED_OFF, State.AFTERCARE, State.CLOSED)


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
    reason = reason.strip()
    if not reason:
        raise HandoverError(_("Say why a new version is needed; the reason is printed on it."))
    with transaction.atomic():
        departure = lock_case(departure.pk)
        require(access_for(actor, departure).is_owner)
        require_state(departure, *ISSUED_STATES)
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
