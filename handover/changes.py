"""A case's ``updated_at`` says when anything its facts are read from last changed: the pages'
cached facts and to-dos of a case (``selectors.snapshots``) are named by it.

``Departure.save`` sets it; ``services.lock_case`` moves it for whatever a service changes under
its lock; saving a row the facts count moves its case's (whoever saves it: a service, the demo, the
admin, a test), unless only fields the facts do not read were saved (re-encrypting a secret locks
accounts, not their cases); whatever else changes such rows without either (``QuerySet.update``,
``bulk_create`` outside a lock) calls ``touch_case``.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import Model, Q
from django.db.models.signals import post_save
from django.utils import timezone

from handover.models import (
    Access,
    AftercareQuestion,
    Announcement,
    ChecklistItem,
    Demonstration,
    DemonstrationAttendee,
    Departure,
    FollowUp,
    HandoverMeeting,
    HandoverModule,
    Material,
    Signature,
    TrialTask,
)


def _own_case(row: Any) -> Q:
    return Q(pk=row.departure_id)


def _module_case(row: Any) -> Q:
    return Q(modules=row.module_id)


def _demonstration_case(row: Any) -> Q:
    return Q(demonstrations=row.demonstration_id)


# The rows ``selectors.case_facts`` reads: how each finds its case, and the fields read.
FACT_ROWS: dict[type[Model], tuple[Callable[[Any], Q], frozenset[str]]] = {
    HandoverModule: (
        _own_case,
        frozenset(
            {"departure", "position", "kind", "successor", "successor_name", "independent_at", "confidence"}
        ),
    ),
    ChecklistItem: (_module_case, frozenset({"module", "state"})),
    TrialTask: (_own_case, frozenset({"departure", "module", "state"})),
    Access: (_own_case, frozenset({"departure", "module", "state"})),
    Material: (_own_case, frozenset({"departure", "module", "importance", "found_at"})),
    HandoverMeeting: (_own_case, frozenset({"departure", "held_at"})),
    Signature: (_own_case, frozenset({"departure", "signer", "role", "voided_at"})),
    FollowUp: (_own_case, frozenset({"departure", "module", "done_at"})),
    Demonstration: (_own_case, frozenset({"departure", "held_at", "scheduled_at"})),
    DemonstrationAttendee: (_demonstration_case, frozenset({"demonstration", "user", "confirmed_at"})),
    AftercareQuestion: (_own_case, frozenset({"departure", "asker", "answered_at", "solved_at"})),
    Announcement: (_own_case, frozenset({"departure"})),
}


def touch_case(departure_id: int) -> None:
    """The case changed without being saved or locked: its cached facts are read again."""
    Departure.objects.filter(pk=departure_id).update(updated_at=timezone.now())


def _row_saved(sender: type[Model], instance: Model, raw: bool = False, update_fields=None, **kwargs) -> None:
    case_of, read = FACT_ROWS[sender]
    if raw or (update_fields is not None and not {name.removesuffix("_id") for name in update_fields} & read):
        return
    Departure.objects.filter(case_of(instance)).update(updated_at=timezone.now())


def connect() -> None:
    for model in FACT_ROWS:
        post_save.connect(_row_saved, sender=model, dispatch_uid=f"changes.{model.__name__}")
