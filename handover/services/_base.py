"""What every service shares: locking the case, refusing politely, writing the timeline."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from handover.errors import HandoverError
from handover.models import Departure, Event, EventKind, State
from handover.permissions import CaseAccess, case_access


def lock_case(departure_id: int) -> Departure:
    """Re-read the case under a row lock; call inside ``transaction.atomic``."""
    return Departure.objects.select_for_update(of=("self",)).select_related("department").get(pk=departure_id)


def locked_row(queryset: QuerySet, **filters):
    """One row of this case, locked; a row of another case, or none, is a 404."""
    row = queryset.select_for_update(of=("self",)).filter(**filters).first()
    if row is None:
        raise Http404
    return row


def next_position(rows: QuerySet) -> int:
    """The position after the last of these rows (1 for the first)."""
    return (rows.order_by("-position").values_list("position", flat=True).first() or 0) + 1


def require(allowed: bool) -> None:
    """The person may see the case but this act is not theirs: 403."""
    if not allowed:
        raise PermissionDenied(_("This action is not yours to take on this case."))


FROZEN_STATES = (State.SIGNED_OFF, State.AFTERCARE, State.CLOSED)


def require_state(departure: Departure, *states: str) -> None:
    if departure.state not in states and departure.state in FROZEN_STATES:
        raise HandoverError(
            _("The handover is signed off and its content is frozen; nothing in it can change now.")
        )
    if departure.state not in states:
        raise HandoverError(
            _("This cannot be done while the case is “%(state)s”.") % {"state": departure.get_state_display()}
        )


def access_for(actor, departure: Departure) -> CaseAccess:
    access = case_access(actor, departure)
    if not access.can_view:
        raise PermissionDenied(_("This action is not yours to take on this case."))
    return access


# Events that cannot change what a signer affirms.
_NOT_CONTENT = frozenset(
    {
        EventKind.SIGNED,
        EventKind.SIGNATURE_VOIDED,
        EventKind.ANNOUNCED,
        EventKind.TRANSITION,
        EventKind.DOCUMENT_CREATED,
        EventKind.DOCUMENT_DOWNLOADED,
        EventKind.DOCUMENT_REISSUED,
        EventKind.SECRET_REVEALED,
        EventKind.SECRET_STORED,
        EventKind.SECRET_PURGED,
        EventKind.MATERIAL_DOWNLOADED,
        EventKind.INVENTORY_EXPORTED,
        EventKind.ACCESS_REVOKED,
    }
)


def record(
    departure: Departure,
    actor,
    kind: EventKind,
    subject: str = "",
    from_state: str = "",
    to_state: str = "",
) -> Event:
    """Write one timeline event; a change to the signed content voids the signatures it outdates."""
    event = _event(departure, actor, kind, subject, from_state, to_state)
    if kind not in _NOT_CONTENT and departure.state == State.TRIAL_RUN:
        from .signing import void_stale_signatures

        void_stale_signatures(departure)
    return event


def _event(departure, actor, kind, subject, from_state, to_state) -> Event:
    return Event.objects.create(
        departure=departure,
        actor=actor,
        actor_name=actor.name if actor is not None else "Handover",
        kind=kind,
        subject=subject[:300],
        from_state=from_state,
        to_state=to_state,
    )
