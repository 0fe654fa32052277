from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from handover import selectors
from handover.models import (
    AftercareQuestion,
    AlumniConsent,
    Announcement,
    Demonstration,
    DemonstrationAttendee,
    Departure,
    ExitFeedback,
    FollowUp,
    Lesson,
    Manual,
    RehireNote,
    State,
    TemplateProposal,
    TrialState,
)

pytestmark = pytest.mark.django_db


def test_seed_demo_makes_cases_in_every_state_and_can_run_again():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=out)
    states = sorted(Departure.objects.values_list("state", flat=True))
    assert states == sorted(
        [
            State.EXECUTING,
            State.PREPARING,
            State.TRIAL_RUN,
            State.SIGNED_OFF,
            State.INTENT_CONFIRMED,
            State.AFTERCARE,
            State.CLOSED,
        ]
    )
    assert "password: handover-demo" in out.getvalue()
    assert "leaver" in out.getvalue()


def test_the_demo_shows_each_situation_of_the_handover():
    call_command("seed_demo", stdout=StringIO())
    assert DemonstrationAttendee.objects.filter(confirmed_at__isnull=False).exists()
    assert Demonstration.objects.filter(held_at__isnull=True).exists()
    assert Lesson.objects.filter(went_wrong__startswith="Refund reviews").exists()
    # Manuals: written on the case under way, and in aftercare enriched with an answer.
    assert Manual.objects.filter(departure__state=State.EXECUTING, version=1).exists()
    enriched = Manual.objects.get(departure__state=State.AFTERCARE)
    assert enriched.version == 2 and enriched.revisions.filter(question__isnull=False).exists()
    # The closed case proposed what it taught for HR to take into the template.
    assert set(TemplateProposal.objects.values_list("source", "state")) == {
        ("item", "open"),
        ("lesson", "open"),
    }
    trial = Departure.objects.get(state=State.TRIAL_RUN)
    assert set(trial.trial_tasks.values_list("state", flat=True)) == {
        TrialState.DONE,
        TrialState.REWORK,
        TrialState.ASSIGNED,
    }
    assert FollowUp.objects.filter(done_at__isnull=True, departure__state=State.SIGNED_OFF).exists()
    assert FollowUp.objects.filter(done_at__isnull=False, departure__state=State.AFTERCARE).exists()
    manager = Departure.objects.get(state=State.EXECUTING).manager
    kinds = {group.kind: group.count for group in selectors.stuck(manager, timezone.now())}
    assert kinds["at_risk"] == 1 and kinds["sent_back"] == 1


def test_the_demo_has_cases_announced_and_one_waiting_for_hr_to_announce():
    call_command("seed_demo", stdout=StringIO())
    waiting = Departure.objects.get(state=State.PREPARING)
    assert not Announcement.objects.filter(departure=waiting).exists()
    todos = [todo for card in selectors.my_work(waiting.hr_owner) for todo in card.todos]
    assert [todo.case_id for todo in todos if todo.kind == "announce"] == [waiting.pk]
    announced = Announcement.objects.get(departure__state=State.EXECUTING)
    assert announced.audience == "department" and "最后工作日" in announced.text


def test_the_demo_shows_aftercare_with_a_question_answered_and_one_waiting():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    former = Departure.objects.get(state=State.AFTERCARE)
    assert sorted(q.state for q in AftercareQuestion.objects.filter(departure=former)) == ["answered", "open"]
    assert not former.employee.is_active
    assert "/aftercare/" in out.getvalue() and "their login ended" in out.getvalue()


def test_the_demo_has_survey_answers_one_of_them_anonymous():
    call_command("seed_demo", stdout=StringIO())
    signed_off = Departure.objects.get(state=State.SIGNED_OFF)
    answers = ExitFeedback.objects.filter(departure=signed_off)
    assert sorted(answers.values_list("role", "anonymous")) == [
        ("leaver", True),
        ("manager", False),
        ("successor", False),
    ]


def test_the_demo_has_an_alumna_with_a_rehire_note():
    call_command("seed_demo", stdout=StringIO())
    former = Departure.objects.get(state=State.AFTERCARE)
    assert AlumniConsent.objects.get(departure=former).events
    assert RehireNote.objects.get(departure=former).rehire == "yes"
