"""A case's ``updated_at`` says when anything its facts are read from last changed: the pages'
cached facts and to-dos of a case (``selectors.snapshots``) are named by it.

``Departure.save`` sets it; ``services.lock_case`` moves it for whatever a service changes under
its lock; saving a row the facts count moves its case's (whoever saves it: a service, the demo, the
admin, a test); whatever else changes such rows without either (``QuerySet.update``, ``bulk_create``
outside a lock) calls ``touch_case``.
"""

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

# The rows ``selectors.case_facts`` reads, and how each finds its case.
FACT_ROWS = {
    HandoverModule: lambda row: Q(pk=row.departure_id),
    ChecklistItem: lambda row: Q(modules=row.module_id),
    TrialTask: lambda row: Q(pk=row.departure_id),
    Access: lambda row: Q(pk=row.departure_id),
    Material: lambda row: Q(pk=row.departure_id),
    HandoverMeeting: lambda row: Q(pk=row.departure_id),
    Signature: lambda row: Q(pk=row.departure_id),
    FollowUp: lambda row: Q(pk=row.departure_id),
    Demonstration: lambda row: Q(pk=row.departure_id),
    DemonstrationAttendee: lambda row: Q(demonstrations=row.demonstration_id),
    AftercareQuestion: lambda row: Q(pk=row.departure_id),
    Announcement: lambda row: Q(pk=row.departure_id),
}


def touch_case(departure_id: int) -> None:
    """The case changed without being saved or locked: its cached facts are read again."""
    Departure.objects.filter(pk=departure_id).update(updated_at=timezone.now())


def _row_saved(sender: type[Model], instance: Model, raw: bool = False, **kwargs) -> None:
    if not raw:
        Departure.objects.filter(FACT_ROWS[sender](instance)).update(updated_at=timezone.now())


def connect() -> None:
    for model in FACT_ROWS:
        post_save.connect(_row_saved, sender=model, dispatch_uid=f"changes.{model.__name__}")
