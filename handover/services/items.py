from collections.abc import Collection
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from handover import policy
from handover.errors import HandoverError, NotFound
from handover.models import ChecklistItem, Departure, EventKind, HandoverModule

from . import notices
from ._base import access_for, lock_case, locked_row, next_position, record_change, record_changes


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
        policy.act_decision(departure.state, access_for(actor, departure), "add_item").enforce()
        if module.departure_id != departure.pk:
            raise NotFound
        if not policy.date_in_range(due_date):
            raise HandoverError(policy.date_range_message())
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
        record_change(departure, actor, EventKind.ITEM_ADDED, subject=title)
    return item


def item_update(
    *,
    actor: User,
    departure: Departure,
    item_id: int,
    title: str,
    steps: str = "",
    key_moments: str = "",
    cautions: str = "",
    due_date: date | None = None,
    evidence_url: str = "",
) -> ChecklistItem:
    with transaction.atomic():
        departure = lock_case(departure.pk)
        access = access_for(actor, departure)
        item = _locked_item(departure, item_id)
        policy.item_decision(departure.state, access, item, "edit").enforce()
        if not policy.date_in_range(due_date):
            raise HandoverError(policy.date_range_message())
        item.title, item.steps, item.key_moments, item.cautions = title, steps, key_moments, cautions
        item.due_date, item.evidence_url = due_date, evidence_url
        item.save()
        record_change(departure, actor, EventKind.ITEM_EDITED, subject=item.title)
    return item


def item_delete(*, actor: User, departure: Departure, item_id: int) -> None:
    with transaction.atomic():
        departure = lock_case(departure.pk)
        access = access_for(actor, departure)
        item = _locked_item(departure, item_id)
        policy.item_decision(departure.state, access, item, "remove").enforce()
        title = item.title
        item.delete()
        record_change(departure, actor, EventKind.ITEM_REMOVED, subject=title)


def item_hand_over(*, actor: User, departure: Departure, item_id: int) -> ChecklistItem:
    """The leaver ticks an item as handed over."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        access = access_for(actor, departure)
        item = _locked_item(departure, item_id)
        policy.item_decision(departure.state, access, item, "hand_over").enforce()
        item.hand_over()
        item.handed_over_at = timezone.now()
        item.save()
        record_change(departure, actor, EventKind.ITEM_HANDED_OVER, subject=item.title)
    return item


def _acted_item(actor: User, departure: Departure, item_id: int, act: str) -> ChecklistItem:
    """The item, locked, once the policy lets this person take this act on it now."""
    access = access_for(actor, departure)
    item = _locked_item(departure, item_id)
    policy.item_decision(departure.state, access, item, act).enforce()
    return item


def item_accept(*, actor: User, departure: Departure, item_id: int) -> ChecklistItem:
    """The successor of the item's module confirms receipt."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        item = _acted_item(actor, departure, item_id, "accept")
        item.accept()
        item.accepted_at = timezone.now()
        item.accepted_by = actor
        item.accepted_by_name = actor.name
        item.save()
        record_change(departure, actor, EventKind.ITEM_ACCEPTED, subject=item.title)
    return item


def item_return(*, actor: User, departure: Departure, item_id: int, question: str) -> ChecklistItem:
    """The successor sends an item back with a question for the leaver."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        item = _acted_item(actor, departure, item_id, "return")
        if not question.strip():
            raise HandoverError(_("Write the question the departing employee should answer."))
        item.return_with_question()
        item.question = question.strip()
        item.answer = ""
        item.returned_at = timezone.now()
        item.save()
        event = record_change(
            departure, actor, EventKind.ITEM_RETURNED, subject=f"{item.title}: {item.question}"
        )
        notices.item_returned(departure, item, actor, event)
    return item


def item_answer(*, actor: User, departure: Departure, item_id: int, answer: str) -> ChecklistItem:
    """The leaver answers the question, which hands the item over again."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        item = _acted_item(actor, departure, item_id, "answer")
        if not answer.strip():
            raise HandoverError(_("Write an answer to the successor's question."))
        item.hand_over()
        item.answer = answer.strip()
        item.handed_over_at = timezone.now()
        item.save()
        event = record_change(
            departure, actor, EventKind.ITEM_ANSWERED, subject=f"{item.title}: {item.answer}"
        )
        notices.item_answered(departure, item, actor, event)
    return item


# What a bulk act does to each item, and the event it leaves per item.
_BULK = {
    "hand_over": (EventKind.ITEM_HANDED_OVER, ["state", "handed_over_at"]),
    "accept": (EventKind.ITEM_ACCEPTED, ["state", "accepted_at", "accepted_by", "accepted_by_name"]),
}


def items_bulk(
    *, actor: User, departure: Departure, module_id: int, act: str, item_ids: Collection[int] | None = None
) -> list[ChecklistItem]:
    """The leaver hands over, or the successor accepts, several items of one module at once: the
    items named, or (none named) every item of the module the act applies to now. The same rule as
    for one item decides for each; if it refuses any, nothing happens. One event per item."""
    if act not in _BULK:
        raise NotFound
    kind, fields = _BULK[act]
    with transaction.atomic():
        departure = lock_case(departure.pk)
        access = access_for(actor, departure)
        module = locked_row(HandoverModule.objects.all(), pk=module_id, departure=departure)
        policy.module_items_decision(departure.state, access, module, act).enforce()
        items = list(
            module.items.select_for_update(of=("self",)).select_related("module").order_by("position", "pk")
        )
        if item_ids is None:
            items = [item for item in items if policy.item_decision(departure.state, access, item, act)]
        else:
            wanted = set(item_ids)
            items = [item for item in items if item.pk in wanted]
            if len(items) != len(wanted):
                raise NotFound
        if not items:
            raise HandoverError(_("No item of this module is waiting for this now."))
        for item in items:
            policy.item_decision(departure.state, access, item, act).enforce()
        now = timezone.now()
        for item in items:
            if act == "hand_over":
                item.hand_over()
                item.handed_over_at = now
            else:
                item.accept()
                item.accepted_at, item.accepted_by, item.accepted_by_name = now, actor, actor.name
        ChecklistItem.objects.bulk_update(items, fields)
        record_changes(departure, actor, kind, [item.title for item in items])
    return items
