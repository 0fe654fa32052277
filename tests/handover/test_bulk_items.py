"""Handing over or accepting many items at once: one call, one confirmation, one event per item,
and the same rule as for a single item decides for each."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from handover import services
from handover.errors import HandoverError
from handover.models import EventKind, ItemState, State

pytestmark = pytest.mark.django_db


def product(departure):
    return departure.modules.get(kind="product")


def test_the_leaver_hands_over_a_whole_module_with_one_event_per_item(make_case, people):
    departure = make_case(State.EXECUTING)
    module = product(departure)
    first = module.items.order_by("position").first()
    services.item_hand_over(actor=people.leaver, departure=departure, item_id=first.pk)
    waiting = module.items.filter(state=ItemState.PENDING).count()
    done = services.items_bulk(actor=people.leaver, departure=departure, module_id=module.pk, act="hand_over")
    assert len(done) == waiting
    assert not module.items.filter(state=ItemState.PENDING).exists()
    assert departure.events.filter(kind=EventKind.ITEM_HANDED_OVER).count() == waiting + 1
    assert not departure.modules.get(kind="orders").items.exclude(state=ItemState.PENDING).exists()


def test_chosen_items_are_all_handed_over_or_none(make_case, people):
    departure = make_case(State.EXECUTING)
    items = list(product(departure).items.order_by("position")[:3])
    services.item_hand_over(actor=people.leaver, departure=departure, item_id=items[0].pk)
    with pytest.raises(HandoverError, match="already handed over"):
        services.items_bulk(
            actor=people.leaver,
            departure=departure,
            module_id=product(departure).pk,
            act="hand_over",
            item_ids=[item.pk for item in items],
        )
    assert product(departure).items.filter(state=ItemState.HANDED_OVER).count() == 1
    services.items_bulk(
        actor=people.leaver,
        departure=departure,
        module_id=product(departure).pk,
        act="hand_over",
        item_ids=[items[1].pk, items[2].pk],
    )
    assert product(departure).items.filter(state=ItemState.HANDED_OVER).count() == 3


def test_only_the_modules_successor_accepts_and_only_in_the_right_states(make_case, people):
    departure = make_case(State.TRIAL_RUN)
    module = product(departure)
    with pytest.raises(PermissionDenied):
        services.items_bulk(actor=people.successor_b, departure=departure, module_id=module.pk, act="accept")
    with pytest.raises(PermissionDenied):
        services.items_bulk(actor=people.leaver, departure=departure, module_id=module.pk, act="accept")
    done = services.items_bulk(
        actor=people.successor_a, departure=departure, module_id=module.pk, act="accept"
    )
    assert {item.accepted_by_id for item in module.items.all()} == {people.successor_a.pk}
    assert len(done) == module.items.count()
    with pytest.raises(HandoverError, match="No item of this module is waiting"):
        services.items_bulk(actor=people.successor_a, departure=departure, module_id=module.pk, act="accept")


def test_the_case_page_offers_the_bulk_acts_and_one_confirmation_does_them(client, people, make_case):
    departure = make_case(State.EXECUTING)
    module = product(departure)
    url = reverse("handover:items_bulk", args=[departure.pk, module.pk, "hand_over"])
    client.force_login(people.leaver)
    page = client.get(reverse("handover:case_modules", args=[departure.pk])).content.decode()
    assert url in page
    assert f'form="bulk-{module.pk}-hand_over"' in page
    chosen = list(module.items.order_by("position")[:2])
    confirm = client.get(url, {"item": [item.pk for item in chosen]}).content.decode()
    assert all(item.title in confirm for item in chosen)
    assert "Hand over 2 items of" in confirm
    response = client.post(url, {"item": [item.pk for item in chosen]}, follow=True)
    assert "2 items handed over." in response.content.decode()
    assert module.items.filter(state=ItemState.HANDED_OVER).count() == 2
    client.force_login(people.successor_a)
    page = client.get(reverse("handover:case_modules", args=[departure.pk])).content.decode()
    assert url not in page
    assert reverse("handover:items_bulk", args=[departure.pk, module.pk, "accept"]) in page
