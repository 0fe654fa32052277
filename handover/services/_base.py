"""What every service shares: locking the case, asking the policy, writing the timeline."""

from datetime import date
from typing import Any

from django.db.models import Manager, QuerySet
from django.utils import timezone

from accounts.models import User
from handover import policy
from handover.changes import touch_case
from handover.errors import NotFound
from handover.models import Departure, Event, EventKind, HandoverModule
from handover.models.events import CONTENT_EVENT_KINDS
from handover.permissions import CaseAccess, case_access


def lock_case(departure_id: int) -> Departure:
    """Re-read the case under a row lock, to change it: call inside ``transaction.atomic``. Its
    ``updated_at`` moves with the change (the pages' cached facts of the case are read again)."""
    locked = Departure.objects.select_for_update(of=("self",)).select_related("department")
    departure = locked.get(pk=departure_id)
    touch_case(departure_id)
    return departure


def locked_row(queryset: QuerySet, **filters):
    """One row of this case, locked; a row of another case, or none, is a 404."""
    row = queryset.select_for_update(of=("self",)).filter(**filters).first()
    if row is None:
        raise NotFound
    return row


def next_position(rows: QuerySet[Any] | Manager[Any]) -> int:
    """The position after the last of these rows (1 for the first)."""
    return (rows.order_by("-position").values_list("position", flat=True).first() or 0) + 1


def own_module(departure: Departure, module: HandoverModule) -> None:
    """A module of another case is a 404, as if it did not exist."""
    if module.departure_id != departure.pk:
        raise NotFound


def access_for(actor: User, departure: Departure) -> CaseAccess:
    """The actor's part on the case; for someone who may not even see it, the case does not exist."""
    access = case_access(actor, departure)
    if not access.can_view:
        raise NotFound
    return access


def facts_of(departure: Departure) -> policy.CaseFacts:
    """The policy's facts about one case, read now (inside the caller's lock)."""
    from handover.selectors import case_facts

    return case_facts(Departure.objects.filter(pk=departure.pk))[0]


def today() -> date:
    return timezone.localdate()


def record(
    departure: Departure,
    actor: User | None,
    kind: EventKind,
    subject: str = "",
    from_state: str = "",
    to_state: str = "",
) -> Event:
    """Write one timeline event, and nothing else."""
    return Event.objects.create(
        departure=departure,
        actor=actor,
        actor_name=actor.name if actor is not None else "Handover",
        kind=kind,
        subject=subject[:300],
        from_state=from_state,
        to_state=to_state,
    )


def record_changes(departure: Departure, actor: User | None, kind: EventKind, subjects: list[str]) -> None:
    """One event per changed row of a bulk act, written together; outdated signatures are voided
    once, after all of them."""
    if kind not in CONTENT_EVENT_KINDS:
        raise ValueError(f"{kind} does not change the signed content; write it with record()")
    name = actor.name if actor is not None else "Handover"
    Event.objects.bulk_create(
        Event(departure=departure, actor=actor, actor_name=name, kind=kind, subject=subject[:300])
        for subject in subjects
    )
    if departure.state in policy.SIGNING_STATES:
        from .signatures import void_stale_signatures

        void_stale_signatures(departure)


def record_change(departure: Departure, actor: User | None, kind: EventKind, subject: str = "") -> Event:
    """Write an event that changes what signers affirm; signatures it outdates become void."""
    if kind not in CONTENT_EVENT_KINDS:
        raise ValueError(f"{kind} does not change the signed content; write it with record()")
    event = record(departure, actor, kind, subject)
    if departure.state in policy.SIGNING_STATES:
        from .signatures import void_stale_signatures

        void_stale_signatures(departure)
    return event
