"""Exit feedback: asked at the sign-off of the leaver, each successor and the manager; answered once;
the leaver may answer anonymously towards the manager; HR reads figures per template and department
and comments without names."""

import pytest
from django.urls import reverse

from handover import services
from handover.errors import HandoverError
from handover.models import EventKind, ExitFeedback, NoticeKind, Notification, State

pytestmark = pytest.mark.django_db

RATINGS = {"time_enough": 2, "materials_complete": 4, "demonstrations_useful": 5, "trial_useful": 3}


def survey(departure):
    return reverse("handover:case_feedback", args=[departure.pk])


def answer(client, departure, **extra):
    return client.post(survey(departure), {**RATINGS, "comment": "More time for orders.", **extra})


def test_the_sign_off_asks_the_leaver_the_successors_and_the_manager(people, make_case):
    departure = make_case(State.SIGNED_OFF)
    asked = Notification.objects.filter(kind=NoticeKind.FEEDBACK, departure=departure)
    assert set(asked.values_list("user__username", flat=True)) == {"leaver", "succ_a", "succ_b", "manager"}
    assert all(notice.link == survey(departure) for notice in asked)


def test_a_successor_answers_once_and_the_manager_reads_it_on_the_case(client, people, make_case):
    departure = make_case(State.SIGNED_OFF)
    client.force_login(people.successor_a)
    assert 'name="anonymous"' not in client.get(survey(departure)).content.decode()
    assert answer(client, departure).status_code == 302
    given = ExitFeedback.objects.get()
    assert (given.role, given.time_enough, given.anonymous) == ("successor", 2, False)
    assert departure.events.filter(kind=EventKind.FEEDBACK_GIVEN, actor=people.successor_a).exists()
    page = answer(client, departure).content.decode()
    assert "You have already answered the survey." in page
    assert ExitFeedback.objects.count() == 1

    client.force_login(people.manager)
    page = client.get(survey(departure)).content.decode()
    assert "Sam Successor" in page and "More time for orders." in page and "Hardly" in page


def test_the_leaver_answers_anonymously_and_nobody_sees_it_with_a_name(client, people, make_case):
    departure = make_case(State.SIGNED_OFF)
    client.force_login(people.leaver)
    answer(client, departure, anonymous="on", comment="The trial run came too late.")
    assert ExitFeedback.objects.get().anonymous
    client.force_login(people.manager)
    page = client.get(survey(departure)).content.decode()
    assert "The trial run came too late." not in page
    assert "1 answer was given anonymously" in page
    client.force_login(people.hr)
    figures = client.get(reverse("handover:feedback_figures")).content.decode()
    assert "The trial run came too late." in figures and "Leo Leaver" not in figures
    assert "E-commerce Ops" in figures


def test_hr_reads_the_averages_per_template_and_department(client, people, make_case):
    departure = make_case(State.SIGNED_OFF)
    services.feedback_give(actor=people.successor_a, departure=departure, ratings=RATINGS)
    services.feedback_give(actor=people.manager, departure=departure, ratings={**RATINGS, "time_enough": 4})
    client.force_login(people.hr)
    page = client.get(reverse("handover:feedback_figures")).content.decode()
    # Enough time: (2 + 4) / 2; both answers, per template and per department.
    assert page.count("2 answers") == 2 and ">3.0<" in page
    client.force_login(people.manager)
    assert client.get(reverse("handover:feedback_figures")).status_code == 404


def test_who_answers_and_when(client, people, make_case):
    departure = make_case(State.TRIAL_RUN)
    with pytest.raises(HandoverError, match="The survey opens at the sign-off"):
        services.feedback_give(actor=people.leaver, departure=departure, ratings=RATINGS)
    people.stranger.department = people.leaver.department
    people.stranger.save()
    departure = make_case(State.SIGNED_OFF, employee=people.stranger)
    with pytest.raises(HandoverError, match="Only the departing employee answers anonymously"):
        services.feedback_give(actor=people.successor_a, departure=departure, ratings=RATINGS, anonymous=True)
    with pytest.raises(HandoverError, match="Answer each question"):
        services.feedback_give(
            actor=people.successor_a, departure=departure, ratings={**RATINGS, "trial_useful": 9}
        )
    assert not ExitFeedback.objects.exists()
    client.force_login(people.hr)
    assert answer(client, departure).status_code == 403
    client.force_login(people.head)
    assert client.get(survey(departure)).status_code == 200
    assert answer(client, departure).status_code == 403
    assert not ExitFeedback.objects.exists()
