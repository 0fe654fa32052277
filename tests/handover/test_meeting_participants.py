"""The handover meeting invites whom the handover concerns and records who attended."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from handover import services
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
