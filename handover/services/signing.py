import hashlib
import json

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from handover import guards
from handover.documents.storage import document_storage
from handover.errors import HandoverError
from handover.models import (
    AccessState,
    ConfirmationDocument,
    Departure,
    EventKind,
    Importance,
    Signature,
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
        # What must be settled before anyone signs: each account reached the successor (its later
        # revocation is not what signers affirm) and each high-importance material was found.
        "accesses": [
            [a.pk, a.system_id, a.account, a.state != AccessState.LISTED]
            for a in departure.accesses.order_by("pk")
        ],
        "materials": [
            [m.pk, m.title, m.found_at is not None]
            for m in departure.materials.filter(importance=Importance.HIGH).order_by("pk")
        ],
    }
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


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


def departure_sign(
    *, actor: User, departure: Departure, password: str, ip_address: str | None = None, user_agent: str = ""
) -> Signature:
    """Sign the confirmation. The manager signs last, and that signature is the sign-off."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        access = access_for(actor, departure)
        role = signer_role(access)
        require(role is not None)
        require_state(departure, State.TRIAL_RUN)
        if not password or not actor.check_password(password):
            raise HandoverError(_("Your password was not correct; nothing was signed."))
        if departure.signatures.filter(signer=actor, role=role).exists():
            raise HandoverError(_("You have already signed this confirmation."))
        blocked = [g.message for g in READY_TO_SIGN if not g(departure)]
        if role == SignerRole.MANAGER and not guards.LEAVER_AND_SUCCESSORS_SIGNED(departure):
            blocked.append(guards.LEAVER_AND_SUCCESSORS_SIGNED.message)
        if blocked:
            raise HandoverError(" ".join(str(message) for message in blocked))
        fingerprint = content_fingerprint(departure)
        stale = [s.signer_name for s in departure.signatures.all() if s.content_sha256 != fingerprint]
        if stale:
            raise HandoverError(
                _("The handover changed after %(names)s signed; nothing was signed.")
                % {"names": ", ".join(stale)}
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


def confirmation_open(*, actor: User, departure: Departure) -> tuple[ConfirmationDocument, File]:
    """Open the stored confirmation for a participant or HR; every download is on the timeline."""
    access = access_for(actor, departure)
    document = ConfirmationDocument.objects.filter(departure=departure).first()
    if document is None:
        raise Http404
    require(access.can_download_confirmation)
    record(departure, actor, EventKind.DOCUMENT_DOWNLOADED, subject=document.sha256)
    return document, document_storage().open(document.file_name, "rb")


def confirmation_produce(*, departure_id: int) -> ConfirmationDocument:
    """Render and store the confirmation PDF once; a second call returns the first document."""
    from handover.documents.confirmation import render_confirmation_pdf

    with transaction.atomic():
        departure = lock_case(departure_id)
        existing = ConfirmationDocument.objects.filter(departure=departure).first()
        if existing is not None:
            return existing
        if departure.state not in (State.SIGNED_OFF, State.AFTERCARE, State.CLOSED):
            raise HandoverError(_("The confirmation is produced when the manager signs off."))
        pdf = render_confirmation_pdf(departure)
        digest = hashlib.sha256(pdf).hexdigest()
        name = document_storage().save(f"{departure.number}-{digest[:12]}.pdf", ContentFile(pdf))
        document = ConfirmationDocument.objects.create(
            departure=departure, file_name=name, sha256=digest, size=len(pdf)
        )
        record(departure, None, EventKind.DOCUMENT_CREATED, subject=digest)
    return document
