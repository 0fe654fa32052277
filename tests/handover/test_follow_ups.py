"""Follow-ups after the sign-off: the leaver or the manager leaves the successor upkeep with a due
date; the successor ticks it off, from My work, even once the case is closed."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from handover import selectors, services
from handover.errors import HandoverError
from handover.models import EventKind, FollowUp, State
from tests.conftest import advance

pytestmark = pytest.mark.django_db


def leave(people, departure, actor=None, **changes) -> FollowUp:
    return services.follow_up_add(
        actor=actor or people.manager,
        departure=departure,
        module_id=departure.modules.get(kind="product").pk,
        title=changes.pop("title", "Refresh the autumn listings"),
        due_date=changes.pop("due_date", timezone.localdate() + timedelta(days=30)),
    )


def todos(user) -> dict[tuple[str, str], int]:
    return {(t.kind, t.module): t.count for card in selectors.my_work(user) for t in card.todos}


def test_upkeep_is_left_after_the_sign_off_and_ticked_off_by_the_successor(people, make_case):
    departure = make_case(State.SIGNED_OFF)
    leave(people, departure, actor=people.leaver)
    follow_up = leave(people, departure)
    assert todos(people.successor_a)[("do_follow_ups", "product")] == 2
    assert ("do_follow_ups", "product") not in todos(people.successor_b)
    with pytest.raises(PermissionDenied):
        services.follow_up_complete(actor=people.successor_b, departure=departure, follow_up_id=follow_up.pk)
    services.follow_up_complete(
        actor=people.successor_a, departure=departure, follow_up_id=follow_up.pk, note="Listings refreshed."
    )
    follow_up.refresh_from_db()
    assert follow_up.done_at is not None and follow_up.done_note == "Listings refreshed."
    assert todos(people.successor_a)[("do_follow_ups", "product")] == 1
    with pytest.raises(HandoverError, match="already done"):
        services.follow_up_complete(actor=people.successor_a, departure=departure, follow_up_id=follow_up.pk)
    assert departure.events.filter(kind=EventKind.FOLLOW_UP_DONE).count() == 1


def test_follow_ups_are_left_only_after_the_sign_off_by_the_leaver_or_the_manager(people, make_case):
    with pytest.raises(HandoverError, match="after the sign-off"):
        leave(people, make_case(State.TRIAL_RUN))
    departure = make_case(State.AFTERCARE, employee=people.stranger)
    for someone in (people.hr, people.successor_a):
        with pytest.raises(PermissionDenied):
            leave(people, departure, actor=someone)
    with pytest.raises(HandoverError, match="due today or later"):
        leave(people, departure, due_date=timezone.localdate() - timedelta(days=1))
    with pytest.raises(HandoverError, match=r"Say what the successor should do\."):
        leave(people, departure, title=" ")


def test_a_closed_case_stays_on_my_work_while_a_follow_up_is_open(people, make_case):
    departure = make_case(State.AFTERCARE)
    follow_up = leave(people, departure)
    departure = advance(departure, people, State.CLOSED)
    assert departure.state == State.CLOSED
    assert todos(people.successor_a)[("do_follow_ups", "product")] == 1
    services.follow_up_complete(actor=people.successor_a, departure=departure, follow_up_id=follow_up.pk)
    assert all(card.facts.id != departure.pk for card in selectors.my_work(people.successor_a))


def test_an_anonymised_case_leaves_my_work_with_its_follow_ups(people, make_case):
    departure = make_case(State.AFTERCARE)
    follow_up = leave(people, departure)
    departure = advance(departure, people, State.CLOSED)
    assert services.case_anonymise(departure_id=departure.pk)
    assert all(card.facts.id != departure.pk for card in selectors.my_work(people.successor_a))
    with pytest.raises(PermissionDenied):
        services.follow_up_complete(actor=people.successor_a, departure=departure, follow_up_id=follow_up.pk)


def test_the_module_page_lists_follow_ups_and_offers_each_its_act(client, people, make_case):
    departure = make_case(State.SIGNED_OFF)
    product = departure.modules.get(kind="product")
    page_url = reverse("handover:case_module", args=[departure.pk, product.pk])
    client.force_login(people.manager)
    add_url = reverse("handover:follow_up_add", args=[departure.pk, product.pk])
    assert f'action="{add_url}"' in client.get(page_url).content.decode()
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    client.post(add_url, {"title": "Renew the supplier contract", "due_date": due, "description": ""})
    follow_up = FollowUp.objects.get()
    client.force_login(people.successor_a)
    page = client.get(page_url).content.decode()
    done_url = reverse("handover:follow_up_done", args=[departure.pk, product.pk, follow_up.pk])
    assert "Renew the supplier contract" in page and f'action="{done_url}"' in page
    assert f'action="{add_url}"' not in page
    client.post(done_url, {"note": "Signed for a year."})
    page = client.get(page_url).content.decode()
    assert "Signed for a year." in page and f'action="{done_url}"' not in page
