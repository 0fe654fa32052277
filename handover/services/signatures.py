"""Signing the handover confirmation: what signers affirm (its fingerprint), typed or drawn
signatures, and voiding the ones the content outdates."""

import hashlib
import io
import json

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image

from accounts.models import User
from handover import policy
from handover.errors import HandoverError
from handover.models import (
    AccessState,
    Departure,
    EventKind,
    Signature,
    SignatureMark,
    SignerRole,
)

from . import notices
from ._base import access_for, facts_of, lock_case, record, today
from .reentry import password_reentered


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
    # Lessons noted before the sign-off are in the confirmation. Only a case that has some carries
    # the key, so that the fingerprints of the others stay what they were.
    lessons = [
        [lesson.pk, lesson.item_id, lesson.went_wrong, lesson.solved, lesson.watch]
        for lesson in departure.lessons.filter(in_confirmation=True).order_by("pk")
    ]
    if lessons:
        content["lessons"] = lessons
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
    notices.signatures_voided(departure, stale)
    return len(stale)


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
    changed since, nothing is signed. The manager signs last, and that signature is the sign-off.
    A wrong password is on the timeline; after too many, it is not even checked for a while."""
    typed_name = typed_name.strip() or actor.name
    with transaction.atomic():
        departure = lock_case(departure.pk)
        access = access_for(actor, departure)
        role = policy.signer_role(access)
        void_stale_signatures(departure)
        # Whether this person may sign now is settled before the password is looked at, so a
        # refused signature tells nothing about the password.
        policy.sign_decision(facts_of(departure), access, today()).enforce()
        assert role is not None  # the policy refuses anyone without a signing role
        image = _clean_drawing(mark, image)
        signature: Signature | None = None
        if password_reentered(
            actor=actor, password=password, departure=departure, failure=EventKind.SIGN_FAILED
        ):
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
                from handover.tasks import produce_confirmation

                from .departures import run_transition
                from .feedback import feedback_ask

                run_transition(
                    actor=actor,
                    departure=departure,
                    name="sign_off",
                    within=feedback_ask,
                    after=produce_confirmation.delay,
                )
    # Refused only now, so that the wrong password stays on the timeline.
    if signature is None:
        raise HandoverError(_("Your password was not correct; nothing was signed."))
    return signature
