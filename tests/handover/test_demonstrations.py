"""Live demonstrations: the leaver or the manager schedules one covering items, the leaver records it
as held, each attending successor confirms they saw it; the items show their demonstrations."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from handover import selectors, services
from handover.errors import HandoverError
from handover.models import Demonstration, EventKind, State

pytestmark = pytest.mark.django_db


def schedule(people, departure, actor=None, **changes) -> Demonstration:
    product = departure.modules.get(kind="product")
    return services.demonstration_schedule(
        actor=actor or people.leaver,
        departure=departure,
        title=changes.pop("title", "Setting a flash-sale promotion"),
        scheduled_at=changes.pop("scheduled_at", timezone.now() + timedelta(days=1)),
        location=changes.pop("location", "https://meet.example.com/promo"),
        item_ids=changes.pop("item_ids", list(product.items.values_list("pk", flat=True)[:2])),
        attendee_ids=changes.pop("attendee_ids", [people.successor_a.pk, people.manager.pk]),
    )


def test_a_demonstration_is_scheduled_held_and_confirmed_by_those_who_attended(people, make_case):
    departure = make_case(State.EXECUTING)
    demo = schedule(people, departure)
    assert set(demo.attendees.values_list("user", flat=True)) == {people.successor_a.pk, people.manager.pk}
    with pytest.raises(HandoverError, match=r"Confirm once the demonstration has taken place\."):
        services.demonstration_confirm(
            actor=people.successor_a, departure=departure, demonstration_id=demo.pk
        )
    with pytest.raises(HandoverError, match="once it has taken place"):
        services.demonstration_record(
            actor=people.leaver,
            departure=departure,
            demonstration_id=demo.pk,
            held_at=timezone.now() + timedelta(hours=1),
        )
    services.demonstration_record(
        actor=people.leaver,
        departure=departure,
        demonstration_id=demo.pk,
        held_at=timezone.now(),
        notes="Shown.",
    )
    with pytest.raises(PermissionDenied):  # not invited
        services.demonstration_confirm(
            actor=people.successor_b, departure=departure, demonstration_id=demo.pk
        )
    services.demonstration_confirm(actor=people.successor_a, departure=departure, demonstration_id=demo.pk)
    with pytest.raises(HandoverError, match="already confirmed"):
        services.demonstration_confirm(
            actor=people.successor_a, departure=departure, demonstration_id=demo.pk
        )
    demo_events = departure.events.filter(kind__startswith="demonstration").order_by("pk")
    kinds = list(demo_events.values_list("kind", flat=True))
    assert kinds == [
        EventKind.DEMONSTRATION_SCHEDULED,
        EventKind.DEMONSTRATION_HELD,
        EventKind.DEMONSTRATION_SEEN,
    ]


def test_who_schedules_and_records_and_when(people, make_case):
    departure = make_case(State.EXECUTING)
    schedule(people, departure, actor=people.manager)
    for someone in (people.hr, people.successor_a):
        with pytest.raises(PermissionDenied):
            schedule(people, departure, actor=someone)
    demo = schedule(people, departure)
    with pytest.raises(PermissionDenied):
        services.demonstration_record(
            actor=people.manager, departure=departure, demonstration_id=demo.pk, held_at=timezone.now()
        )
    with pytest.raises(HandoverError, match="Preparing"):
        schedule(people, make_case(State.PREPARING, employee=people.stranger), actor=people.manager)


def test_a_demonstration_needs_items_of_the_case_and_an_invited_successor(people, make_case):
    departure = make_case(State.EXECUTING)
    other = make_case(State.EXECUTING, employee=people.stranger)
    foreign = other.modules.first().items.first().pk
    with pytest.raises(HandoverError, match="Choose the items"):
        schedule(people, departure, item_ids=[foreign])
    with pytest.raises(HandoverError, match=r"Invite at least one successor\."):
        schedule(people, departure, attendee_ids=[people.hr.pk])
    with pytest.raises(HandoverError, match="Say what is shown"):
        schedule(people, departure, location=" ")
    assert not Demonstration.objects.filter(departure=departure).exists()


def test_to_dos_ask_the_leaver_to_record_and_the_attendee_to_confirm(people, make_case):
    departure = make_case(State.EXECUTING)
    demo = schedule(people, departure, scheduled_at=timezone.now() - timedelta(hours=1))

    def kinds(user):
        return {t.kind: t.count for card in selectors.my_work(user) for t in card.todos}

    assert kinds(people.leaver)["record_demonstrations"] == 1
    assert "confirm_demonstrations" not in kinds(people.successor_a)
    services.demonstration_record(
        actor=people.leaver, departure=departure, demonstration_id=demo.pk, held_at=timezone.now()
    )
    assert "record_demonstrations" not in kinds(people.leaver)
    assert kinds(people.successor_a)["confirm_demonstrations"] == 1
    assert "confirm_demonstrations" not in kinds(people.successor_b)


def test_the_meeting_section_and_the_items_show_the_demonstrations(client, people, make_case):
    departure = make_case(State.EXECUTING)
    demo = schedule(people, departure)
    services.demonstration_record(
        actor=people.leaver, departure=departure, demonstration_id=demo.pk, held_at=timezone.now()
    )
    client.force_login(people.successor_a)
    page = client.get(reverse("handover:case_meeting", args=[departure.pk])).content.decode()
    assert "Setting a flash-sale promotion" in page and "https://meet.example.com/promo" in page
    seen = reverse("handover:demonstration_confirm", args=[departure.pk, demo.pk])
    assert f'action="{seen}"' in page
    response = client.post(seen)
    assert response["Location"].endswith("#demonstrations")
    page = client.get(reverse("handover:case_meeting", args=[departure.pk])).content.decode()
    assert f"{people.successor_a.name} (saw it)" in page and f'action="{seen}"' not in page

    product = departure.modules.get(kind="product")
    module_page = client.get(
        reverse("handover:case_module", args=[departure.pk, product.pk])
    ).content.decode()
    assert module_page.count(f"#demonstration-{demo.pk}") == 2


def test_the_schedule_page_keeps_what_was_typed_when_refused(client, people, make_case):
    departure = make_case(State.EXECUTING)
    client.force_login(people.leaver)
    url = reverse("handover:demonstration_schedule", args=[departure.pk])
    product = departure.modules.get(kind="product")
    data = {
        "title": "Order exceptions",
        "scheduled_at": "2026-13-40T10:00",
        "location": "Room 3",
        "items": [product.items.first().pk],
        "attendees": [people.successor_a.pk],
    }
    page = client.post(url, data).content.decode()
    assert "Order exceptions" in page and "Room 3" in page and not Demonstration.objects.exists()
    data["scheduled_at"] = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, data)
    assert response.status_code == 302 and Demonstration.objects.get().title == "Order exceptions"
    client.force_login(people.successor_a)
    assert client.get(url).status_code == 403
