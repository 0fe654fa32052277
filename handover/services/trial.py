from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from handover import policy
from handover.errors import HandoverError, NotFound
from handover.models import Departure, EventKind, HandoverModule, TrialTask

from ._base import access_for, lock_case, locked_row, record_change


def _acted_task(actor: User, departure: Departure, task_id: int, act: str) -> TrialTask:
    """The task, locked, once the policy lets this person take this act on it now."""
    access = access_for(actor, departure)
    task = locked_row(TrialTask.objects.select_related("module"), pk=task_id, departure=departure)
    policy.trial_decision(departure.state, access, task, act).enforce()
    return task


def trial_task_create(
    *, actor: User, departure: Departure, module: HandoverModule, title: str, description: str = ""
) -> TrialTask:
    """The leaver or the manager sets the successor a real task to do under supervision."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        policy.act_decision(departure.state, access_for(actor, departure), "add_trial_task").enforce()
        if not title.strip():
            raise HandoverError(_("Give the trial task a title."))
        if module.departure_id != departure.pk:
            raise NotFound
        task = TrialTask.objects.create(
            departure=departure, module=module, title=title.strip(), description=description, created_by=actor
        )
        record_change(departure, actor, EventKind.TRIAL_ADDED, subject=task.title)
    return task


def trial_task_complete(*, actor: User, departure: Departure, task_id: int, note: str) -> TrialTask:
    """The successor of the task's module did it."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        task = _acted_task(actor, departure, task_id, "complete")
        if not note.strip():
            raise HandoverError(_("Describe briefly what you did."))
        task.complete()
        task.done_note = note.strip()
        task.done_at = timezone.now()
        task.save()
        record_change(departure, actor, EventKind.TRIAL_DONE, subject=task.title)
    return task


def trial_task_verify(*, actor: User, departure: Departure, task_id: int, feedback: str = "") -> TrialTask:
    with transaction.atomic():
        departure = lock_case(departure.pk)
        task = _acted_task(actor, departure, task_id, "verify")
        task.verify()
        task.feedback = feedback.strip()
        task.verified_at = timezone.now()
        task.save()
        record_change(departure, actor, EventKind.TRIAL_VERIFIED, subject=task.title)
    return task


def trial_task_rework(*, actor: User, departure: Departure, task_id: int, feedback: str) -> TrialTask:
    with transaction.atomic():
        departure = lock_case(departure.pk)
        task = _acted_task(actor, departure, task_id, "rework")
        if not feedback.strip():
            raise HandoverError(_("Say what needs to be done again."))
        task.send_back()
        task.feedback = feedback.strip()
        task.save()
        record_change(departure, actor, EventKind.TRIAL_REWORK, subject=f"{task.title}: {task.feedback}")
    return task
