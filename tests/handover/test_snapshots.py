"""Pages read a case's facts and to-dos from the cache (``selectors.snapshots``), named by the
case's ``updated_at``: every change moves it, so what a page shows is never older than the case."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from handover import selectors, services
from handover.changes import FACT_ROWS, touch_case
from handover.models import Access, AccessSystem, ChecklistItem, Departure, Importance, ItemState, State

pytestmark = pytest.mark.django_db


def kinds(user) -> dict[str, int]:
    return {todo.kind: todo.count for card in selectors.my_work(user) for todo in card.todos}


def reads_facts(user) -> bool:
    """Whether My work read any case's facts (rather than the cache's)."""
    with CaptureQueriesContext(connection) as queries:
        selectors.my_work(user)
    return any("handover_trialtask" in query["sql"] for query in queries)


def test_a_second_read_comes_from_the_cache_and_a_change_is_seen_at_once(people, make_case, settings):
    departure = make_case(State.EXECUTING)
    module = departure.modules.get(kind="product")
    assert "accept" not in kinds(people.successor_a)
    settings.HANDOVER_CHECK_CACHES = False  # the check reads afresh what the cache answers
    assert not reads_facts(people.successor_a)
    settings.HANDOVER_CHECK_CACHES = True
    before = Departure.objects.get(pk=departure.pk).updated_at
    item = module.items.first()
    services.item_hand_over(actor=people.leaver, departure=departure, item_id=item.pk)
    assert Departure.objects.get(pk=departure.pk).updated_at > before
    assert kinds(people.successor_a)["accept"] == 1
    # Read again by another process (the cache's) and by one that keeps nothing (the database's).
    selectors.RECENT_SNAPSHOTS.clear()
    assert kinds(people.successor_a)["accept"] == 1
    caches["snapshots"].clear()
    selectors.RECENT_SNAPSHOTS.clear()
    assert kinds(people.successor_a)["accept"] == 1


def test_saving_a_counted_row_anywhere_moves_its_case(people, make_case):
    departure = make_case(State.EXECUTING)
    before = Departure.objects.get(pk=departure.pk).updated_at
    departure.materials.create(
        module=departure.modules.first(), title="Contracts", category="contract", importance=Importance.HIGH
    )
    assert Departure.objects.get(pk=departure.pk).updated_at > before


def test_a_change_that_does_not_move_the_case_is_caught_by_the_tests_check(people, make_case):
    departure = make_case(State.EXECUTING)
    kinds(people.successor_a)
    ChecklistItem.objects.filter(module__departure=departure).update(state=ItemState.HANDED_OVER)
    with pytest.raises(AssertionError, match="changed without moving its updated_at"):
        kinds(people.successor_a)
    touch_case(departure.pk)
    assert kinds(people.successor_a)["accept"] > 0


def test_a_snapshot_lasts_until_a_demonstration_falls_due(people, make_case, settings):
    settings.HANDOVER_CHECK_CACHES = False
    departure = make_case(State.EXECUTING)
    product = departure.modules.get(kind="product")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        services.demonstration_schedule(
            actor=people.leaver,
            departure=departure,
            title="Setting a flash-sale promotion",
            scheduled_at=start + timedelta(minutes=10),
            location="Meeting room 2",
            item_ids=list(product.items.values_list("pk", flat=True)[:1]),
            attendee_ids=[people.successor_a.pk],
        )
        assert "record_demonstrations" not in kinds(people.leaver)
    # Nothing changed on the case; the demonstration's time came.
    with time_machine.travel(start + timedelta(minutes=10, seconds=2), tick=False):
        assert kinds(people.leaver)["record_demonstrations"] == 1


def test_each_day_reads_its_own_to_dos(people, make_case, settings):
    """To-dos depend on the day (what is overdue): a snapshot is of one day."""
    settings.HANDOVER_CHECK_CACHES = False
    departure = make_case(State.EXECUTING)
    assert reads_facts(people.hr)
    assert not reads_facts(people.hr)
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        assert reads_facts(people.hr)
        assert departure.pk in {card.facts.id for card in selectors.my_work(people.hr)}


def test_the_rows_counted_name_fields_of_their_models():
    for model, (_case_of, read) in FACT_ROWS.items():
        names = {field.name for field in model._meta.get_fields()}
        assert read <= names, (model.__name__, read - names)


def test_saving_only_what_the_facts_do_not_read_leaves_the_case(people, make_case):
    """Re-encrypting a secret (vault_key rotate) locks accounts, not their cases."""
    departure = make_case(State.EXECUTING)
    system = AccessSystem.objects.create(name="Tmall seller centre", category="marketplace")
    access = Access.objects.create(
        departure=departure, module=departure.modules.first(), system=system, account="shop-admin"
    )
    before = Departure.objects.get(pk=departure.pk).updated_at
    access.save(update_fields=["secret_key_id"])
    assert Departure.objects.get(pk=departure.pk).updated_at == before
    access.save(update_fields=["state"])
    assert Departure.objects.get(pk=departure.pk).updated_at > before


class BrokenCache(BaseCache):
    """A cache server that does not answer."""

    def __init__(self, location, params):
        super().__init__(params)

    def get_many(self, keys, version=None):
        raise ConnectionError("no route to host")

    def set_many(self, data, timeout=None, version=None):
        raise ConnectionError("no route to host")


def test_without_the_cache_pages_read_the_facts(people, make_case, settings, caplog):
    settings.CACHES = {**settings.CACHES, "snapshots": {"BACKEND": f"{__name__}.BrokenCache"}}
    departure = make_case(State.EXECUTING)
    item = departure.modules.get(kind="product").items.first()
    services.item_hand_over(actor=people.leaver, departure=departure, item_id=item.pk)
    assert kinds(people.successor_a)["accept"] == 1
    assert "Case snapshots not read from the cache: ConnectionError" in caplog.text
