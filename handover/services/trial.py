from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed

from accounts.models import User
from handover.errors import HandoverError
from handover.models import Departure, EventKind, HandoverModule, State, TrialTask

from ._base import access_for, lock_case, locked_row, record, require, require_state


def _locked_task(departure: Departure, task_id: int) -> TrialTask:
    return locked_row(TrialTask.objects.select_related("module"), pk=task_id, departure=departure)


def _refuse_unless(task: TrialTask, method) -> None:
    if not can_proceed(method):
        raise HandoverError(
            _("“%(title)s” is “%(state)s”; that step is not possible now.")
            % {"title": task.title, "state": task.get_state_display()}
        )


def trial_task_create(
    *, actor: User, departure: Departure, module: HandoverModule, title: str, description: str = ""
) -> TrialTask:
    """The leaver or the manager sets the successor a real task to do under supervision."""
    if not title.strip():
        raise HandoverError(_("Give the trial task a title."))
    with transaction.atomic():
        departure = lock_case(departure.pk)
        access = access_for(actor, departure)
        require(access.is_leaver or access.is_manager)
        require_state(departure, State.TRIAL_RUN)
        if module.departure_id != departure.pk:
            raise Http404
        task = TrialTask.objects.create(
            departure=departure, module=module, title=title.strip(), description=description, created_by=actor
        )
        record(departure, actor, EventKind.TRIAL_ADDED, subject=task.title)
    return task


def trial_task_complete(*, actor: User, departure: Departure, task_id: int, note: str) -> TrialTask:
    """The successor of the task's module did it."""
    if not note.strip():
        raise HandoverError(_("Describe briefly what you did."))
    with transaction.atomic():
        departure = lock_case(departure.pk)
        access = access_for(actor, departure)
        task = _locked_task(departure, task_id)
        require(access.receives(task.module))
        require_state(departure, State.TRIAL_RUN)
        _refuse_unless(task, task.complete)
        task.complete()
        task.done_note = note.strip()
        task.done_at = timezone.now()
        task.save()
        record(departure, actor, EventKind.TRIAL_DONE, subject=task.title)
    return task


def _leaver_review(actor: User, departure: Departure, task_id: int) -> TrialTask:
    require(access_for(actor, departure).is_leaver)
    require_state(departure, State.TRIAL_RUN)
    return _locked_task(departure, task_id)


def trial_task_verify(*, actor: User, departure: Departure, task_id: int, feedback: str = "") -> TrialTask:
    with transaction.atomic():
        departure = lock_case(departure.pk)
        task = _leaver_review(actor, departure, task_id)
        _refuse_unless(task, task.verify)
        task.verify()
        task.feedback = feedback.strip()
        task.verified_at = timezone.now()
        task.save()
        record(departure, actor, EventKind.TRIAL_VERIFIED, subject=task.title)
    return task


def trial_task_rework(*, actor: User, departure: Departure, task_id: int, feedback: str) -> TrialTask:
    if not feedback.strip():
        raise HandoverError(_("Say what needs to be done again."))
    with transaction.atomic():
        departure = lock_case(departure.pk)
        task = _leaver_review(actor, departure, task_id)
        _refuse_unless(task, task.send_back)
        task.send_back()
        task.feedback = feedback.strip()
        task.save()
        record(departure, actor, EventKind.TRIAL_REWORK, subject=f"{task.title}: {task.feedback}")
    return task
