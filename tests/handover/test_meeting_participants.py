"""The handover meeting invites whom the handover concerns and records who attended."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from handover import services
from handover.errors import NotFound
from handover.models import MeetingParticipant, State

pytestmark = pytest.mark.django_db


def schedule(people, departure, **extra):
    return services.meeting_schedule(
        actor=people.manager,
        departure=departure,
        scheduled_at=timezone.now() + timedelta(days=1),
        location="Room 4",
        **extra,
    )


def test_the_meeting_invites_the_leaver_successors_manager_hr_and_the_department_head(people, make_case):
    departure = make_case(State.PREPARING)
    meeting = schedule(people, departure)
    invited = set(meeting.participants.values_list("user", flat=True))
    expected = {people.leaver, people.manager, people.hr, people.successor_a, people.successor_b}
    if people.leaver.department_id:
        expected.add(people.leaver.department.head)
    assert invited == {person.pk for person in expected}


def test_the_organiser_chooses_among_them_but_the_leaver_is_always_invited(people, make_case):
    departure = make_case(State.PREPARING)
    meeting = schedule(people, departure, participant_ids=[people.successor_a.pk, people.stranger.pk])
    assert set(meeting.participants.values_list("user", flat=True)) == {
        people.successor_a.pk,
        people.leaver.pk,
    }
    meeting = schedule(people, departure, participant_ids=[people.successor_b.pk])
    assert set(meeting.participants.values_list("user", flat=True)) == {
        people.successor_b.pk,
        people.leaver.pk,
    }


def test_attendance_is_recorded_with_the_minutes_and_shown(client, people, make_case):
    departure = make_case(State.PREPARING)
    schedule(people, departure, participant_ids=[people.successor_a.pk, people.successor_b.pk])
    services.meeting_record(
        actor=people.manager,
        departure=departure,
        held_at=timezone.now() - timedelta(minutes=5),
        minutes="Walked through the modules.",
        earlier_confirmed=True,
        attended_ids=[people.leaver.pk, people.successor_a.pk],
    )
    attended = dict(MeetingParticipant.objects.values_list("user", "attended"))
    assert attended == {people.leaver.pk: True, people.successor_a.pk: True, people.successor_b.pk: False}
    client.force_login(people.successor_b)
    page = client.get(reverse("handover:case_meeting", args=[departure.pk])).content.decode()
    assert f"{people.successor_a.name} (attended)" in page and f"{people.successor_b.name} (absent)" in page


def test_the_schedule_page_offers_everyone_concerned_ticked(client, people, make_case):
    departure = make_case(State.PREPARING)
    client.force_login(people.manager)
    page = client.get(reverse("handover:meeting_schedule", args=[departure.pk])).content.decode()
    for person in (people.successor_a, people.successor_b, people.hr, people.manager):
        assert f'name="participants" value="{person.pk}"' in page and person.name in page
    # The departing employee is always invited: no box to untick.
    assert f'name="participants" value="{people.leaver.pk}"' not in page
    assert page.count("checked") >= 4


def record_page_post(client, departure, **fields):
    held = (timezone.localtime() - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")
    data = {"held_at": held, "minutes": "Agreed two more things.", "earlier_confirmed": "on", **fields}
    return client.post(reverse("handover:meeting_record", args=[departure.pk]), data)


def test_action_items_of_the_minutes_become_checklist_items_and_trial_tasks_in_one_step(
    client, people, make_case
):
    departure = make_case(State.PREPARING)
    schedule(people, departure)
    first, second = departure.modules.order_by("position")[:2]
    client.force_login(people.manager)
    response = record_page_post(
        client,
        departure,
        action_1="Share the refund approval flow",
        action_1_module=first.pk,
        action_1_as="item",
        action_2="Run the Friday promotion alone",
        action_2_module=second.pk,
        action_2_as="trial",
        action_3_as="item",
    )
    assert response.status_code == 302
    item = first.items.get(title="Share the refund approval flow")
    assert item.state == "pending"
    assert list(first.items.order_by("position", "pk"))[-1] == item
    task = second.trial_tasks.get(title="Run the Friday promotion alone")
    assert task.state == "assigned" and task.created_by == people.manager
    kinds = list(departure.events.order_by("pk").values_list("kind", flat=True))[-3:]
    assert kinds == ["meeting_held", "item_added", "trial_added"]


def test_an_action_item_without_its_module_keeps_everything_typed_and_records_nothing(
    client, people, make_case
):
    departure = make_case(State.PREPARING)
    schedule(people, departure)
    client.force_login(people.manager)
    response = record_page_post(client, departure, action_1="Hand over the supplier list", action_1_as="item")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose the module this action item belongs to." in page
    assert 'value="Hand over the supplier list"' in page and "Agreed two more things." in page
    departure.meeting.refresh_from_db()
    assert departure.meeting.held_at is None


def test_an_action_item_for_another_cases_module_is_refused_whole(people, make_case):
    departure = make_case(State.PREPARING)
    other = make_case(State.PREPARING, employee=people.stranger)
    schedule(people, departure)
    with pytest.raises(NotFound):
        services.meeting_record(
            actor=people.manager,
            departure=departure,
            held_at=timezone.now() - timedelta(minutes=5),
            minutes="Minutes",
            earlier_confirmed=True,
            action_items=[services.ActionItem(title="Elsewhere", module_id=other.modules.first().pk)],
        )
    departure.meeting.refresh_from_db()
    assert departure.meeting.held_at is None
    assert not other.modules.first().items.filter(title="Elsewhere").exists()
