from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from handover import formatting, policy
from handover.errors import HandoverError, NotFound
from handover.models import (
    CheckIn,
    Confidence,
    Departure,
    EventKind,
    FollowUp,
    HandoverModule,
    ItemState,
    TrialTask,
)
from handover.models.events import data_subject

from . import notices
from ._base import access_for, facts_of, lock_case, locked_row, record, record_change, today


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
        # A new task is more to prove: the module's confirmed independence waits for it again.
        if HandoverModule.objects.filter(pk=module.pk, independent_at__isnull=False).exists():
            _set_independence(module.pk, None)
            record(
                departure,
                actor,
                EventKind.MODULE_INDEPENDENCE_WITHDRAWN,
                subject=data_subject(module=module.kind),
            )
    return task


def _set_independence(module_id: int, actor: User | None, note: str = "") -> None:
    HandoverModule.objects.filter(pk=module_id).update(
        independent_at=timezone.now() if actor is not None else None,
        independent_by=actor,
        independent_by_name=actor.name if actor is not None else "",
        independence_note=note,
    )


def module_independence(
    *, actor: User, departure: Departure, module_id: int, confirm: bool = True, note: str = ""
) -> None:
    """The manager confirms that a module's successor does its work alone (what they did alone, in
    ``note``), or takes the confirmation back; the sign-off waits for every module."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        facts = facts_of(departure)
        module = next((m for m in facts.modules if m.id == module_id), None)
        if module is None:
            raise NotFound
        act = "confirm" if confirm else "withdraw"
        policy.independence_decision(facts, access_for(actor, departure), module, act).enforce()
        _set_independence(module_id, actor if confirm else None, note.strip() if confirm else "")
        kind = EventKind.MODULE_INDEPENDENT if confirm else EventKind.MODULE_INDEPENDENCE_WITHDRAWN
        record(departure, actor, kind, subject=data_subject(module=module.kind))


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
        event = record_change(departure, actor, EventKind.TRIAL_DONE, subject=task.title)
        notices.trial_done(departure, task, actor, event)
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
        task.sent_back_at = timezone.now()
        task.save()
        event = record_change(
            departure, actor, EventKind.TRIAL_REWORK, subject=f"{task.title}: {task.feedback}"
        )
        notices.trial_sent_back(departure, task, actor, event)
    return task


def module_check_in(
    *,
    actor: User,
    departure: Departure,
    module_id: int,
    confidence: str,
    note: str,
    new_due_date: date | None = None,
    trial_task_title: str = "",
) -> CheckIn:
    """The manager's check-in on a module after talking with its successor: a note and how confident
    they are, with the plan change made then (a new due date for the module's items not yet handed
    over, an extra trial task), all in one step."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        access = access_for(actor, departure)
        module = locked_row(HandoverModule.objects.all(), pk=module_id, departure=departure)
        policy.act_decision(departure.state, access, "check_in").enforce()
        if confidence not in Confidence.values or not note.strip():
            raise HandoverError(_("Say how the module goes and note what you heard."))
        moved = 0
        if new_due_date is not None:
            if not today() <= new_due_date <= departure.last_working_day:
                raise HandoverError(
                    _("A new due date falls between today and the last working day, %(day)s.")
                    % {"day": formatting.day(departure.last_working_day)}
                )
            moved = module.items.filter(state__in=[ItemState.PENDING, ItemState.RETURNED]).update(
                due_date=new_due_date
            )
        task = None
        if trial_task_title.strip():
            task = trial_task_create(
                actor=actor, departure=departure, module=module, title=trial_task_title.strip()
            )
        check_in = CheckIn.objects.create(
            departure=departure,
            module=module,
            author=actor,
            author_name=actor.name,
            confidence=confidence,
            note=note.strip(),
            new_due_date=new_due_date,
            items_moved=moved,
            trial_task=task,
        )
        HandoverModule.objects.filter(pk=module.pk).update(confidence=confidence)
        subject = {"module": module.kind, "confidence": confidence}
        if new_due_date is not None:
            subject.update(due=new_due_date.isoformat(), due_items=moved)
        record(departure, actor, EventKind.CHECKED_IN, subject=data_subject(**subject))
    return check_in


def follow_up_add(
    *, actor: User, departure: Departure, module_id: int, title: str, due_date: date, description: str = ""
) -> FollowUp:
    """After the sign-off, the leaver or the manager leaves the module's successor upkeep to do."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        access = access_for(actor, departure)
        module = locked_row(HandoverModule.objects.all(), pk=module_id, departure=departure)
        policy.act_decision(departure.state, access, "add_follow_up").enforce()
        if not title.strip():
            raise HandoverError(_("Say what the successor should do."))
        if due_date < today():
            raise HandoverError(_("A follow-up is due today or later."))
        follow_up = FollowUp.objects.create(
            departure=departure,
            module=module,
            title=title.strip(),
            description=description.strip(),
            due_date=due_date,
            created_by=actor,
            created_by_name=actor.name,
        )
        record(departure, actor, EventKind.FOLLOW_UP_ADDED, subject=follow_up.title)
    return follow_up


def follow_up_complete(*, actor: User, departure: Departure, follow_up_id: int, note: str = "") -> FollowUp:
    """The module's successor ticks a follow-up off, saying what was done."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        access = access_for(actor, departure)
        follow_up = locked_row(
            FollowUp.objects.select_related("module"), pk=follow_up_id, departure=departure
        )
        policy.follow_up_decision(departure.state, access, follow_up, "complete").enforce()
        follow_up.done_at = timezone.now()
        follow_up.done_note = note.strip()
        follow_up.save(update_fields=["done_at", "done_note"])
        record(departure, actor, EventKind.FOLLOW_UP_DONE, subject=follow_up.title)
    return follow_up
