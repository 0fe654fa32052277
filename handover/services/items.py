from datetime import date

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from handover.errors import HandoverError
from handover.models import ChecklistItem, Departure, EventKind, HandoverModule, ItemState, State

from ._base import access_for, lock_case, locked_row, next_position, record, require, require_state

# Items can still be added or corrected while handing over; removing one is for the preparation.
EDITABLE_STATES = (State.PREPARING, State.EXECUTING)
REMOVABLE_STATES = (State.PREPARING,)


def _locked_item(departure: Departure, item_id: int) -> ChecklistItem:
    """The item, locked, if it belongs to this case; another case's item is a 404."""
    return locked_row(ChecklistItem.objects.select_related("module"), pk=item_id, module__departure=departure)


def item_create(
    *,
    actor: User,
    departure: Departure,
    module: HandoverModule,
    title: str,
    steps: str = "",
    key_moments: str = "",
    cautions: str = "",
    due_date: date | None = None,
    evidence_url: str = "",
) -> ChecklistItem:
    with transaction.atomic():
        departure = lock_case(departure.pk)
        require(access_for(actor, departure).is_leaver)
        require_state(departure, *EDITABLE_STATES)
        if module.departure_id != departure.pk:
            raise Http404
        item = ChecklistItem.objects.create(
            module=module,
            title=title,
            steps=steps,
            key_moments=key_moments,
            cautions=cautions,
            due_date=due_date,
            evidence_url=evidence_url,
            position=next_position(module.items),
        )
        record(departure, actor, EventKind.ITEM_ADDED, subject=title)
    return item


def item_update(*, actor: User, departure: Departure, item_id: int, **fields) -> ChecklistItem:
    allowed = {"title", "steps", "key_moments", "cautions", "due_date", "evidence_url"}
    with transaction.atomic():
        departure = lock_case(departure.pk)
        require(access_for(actor, departure).is_leaver)
        require_state(departure, *EDITABLE_STATES)
        item = _locked_item(departure, item_id)
        if item.state != ItemState.PENDING:
            raise HandoverError(_("Only items not yet handed over can be edited."))
        for name, value in fields.items():
            if name in allowed:
                setattr(item, name, value)
        item.save()
        record(departure, actor, EventKind.ITEM_EDITED, subject=item.title)
    return item


def item_delete(*, actor: User, departure: Departure, item_id: int) -> None:
    with transaction.atomic():
        departure = lock_case(departure.pk)
        require(access_for(actor, departure).is_leaver)
        require_state(departure, *REMOVABLE_STATES)
        item = _locked_item(departure, item_id)
        if item.state != ItemState.PENDING:
            raise HandoverError(_("Only items not yet handed over can be removed."))
        title = item.title
        item.delete()
        record(departure, actor, EventKind.ITEM_REMOVED, subject=title)


def item_hand_over(*, actor: User, departure: Departure, item_id: int) -> ChecklistItem:
    """The leaver ticks an item as handed over."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        require(access_for(actor, departure).is_leaver)
        require_state(departure, State.EXECUTING)
        item = _locked_item(departure, item_id)
        if item.state == ItemState.RETURNED:
            raise HandoverError(
                _("The successor asked a question on this item: answer it to hand it over again.")
            )
        if item.state != ItemState.PENDING:
            raise HandoverError(_("“%(title)s” is already handed over.") % {"title": item.title})
        item.hand_over()
        item.handed_over_at = timezone.now()
        item.save()
        record(departure, actor, EventKind.ITEM_HANDED_OVER, subject=item.title)
    return item


def _successor_item(actor: User, departure: Departure, item_id: int) -> ChecklistItem:
    access = access_for(actor, departure)
    item = _locked_item(departure, item_id)
    require(access.receives(item.module))
    require_state(departure, State.EXECUTING, State.TRIAL_RUN)
    if item.state != ItemState.HANDED_OVER:
        raise HandoverError(
            _("“%(title)s” is “%(state)s”; only items handed over can be accepted or returned.")
            % {"title": item.title, "state": item.get_state_display()}
        )
    return item


def item_accept(*, actor: User, departure: Departure, item_id: int) -> ChecklistItem:
    """The successor of the item's module confirms receipt."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        item = _successor_item(actor, departure, item_id)
        item.accept()
        item.accepted_at = timezone.now()
        item.accepted_by = actor
        item.accepted_by_name = actor.name
        item.save()
        record(departure, actor, EventKind.ITEM_ACCEPTED, subject=item.title)
    return item


def item_return(*, actor: User, departure: Departure, item_id: int, question: str) -> ChecklistItem:
    """The successor sends an item back with a question for the leaver."""
    if not question.strip():
        raise HandoverError(_("Write the question the departing employee should answer."))
    with transaction.atomic():
        departure = lock_case(departure.pk)
        item = _successor_item(actor, departure, item_id)
        item.return_with_question()
        item.question = question.strip()
        item.answer = ""
        item.save()
        record(departure, actor, EventKind.ITEM_RETURNED, subject=f"{item.title}: {item.question}")
    return item


def item_answer(*, actor: User, departure: Departure, item_id: int, answer: str) -> ChecklistItem:
    """The leaver answers the question, which hands the item over again."""
    if not answer.strip():
        raise HandoverError(_("Write an answer to the successor's question."))
    with transaction.atomic():
        departure = lock_case(departure.pk)
        require(access_for(actor, departure).is_leaver)
        require_state(departure, State.EXECUTING, State.TRIAL_RUN)
        item = _locked_item(departure, item_id)
        if item.state != ItemState.RETURNED:
            raise HandoverError(_("There is no open question on “%(title)s”.") % {"title": item.title})
        item.hand_over()
        item.answer = answer.strip()
        item.handed_over_at = timezone.now()
        item.save()
        record(departure, actor, EventKind.ITEM_ANSWERED, subject=f"{item.title}: {item.answer}")
    return item
