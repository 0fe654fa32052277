"""The handover quality score: 100 points less capped deductions for friction, shown with how it
was computed on the closed case, and averaged per checklist template for HR."""

from datetime import timedelta

import pytest
from django.urls import reverse

from handover import quality, selectors, services
from handover.models import ChecklistItem, Departure, State
from tests.conftest import advance

pytestmark = pytest.mark.django_db


def test_the_score_loses_capped_points_for_each_kind_of_friction():
    assert quality.score(quality.Friction()).value == 100
    # 2 per returned item, capped at 20; 3 per rework, capped at 15; a survey average of 3 costs 10.
    mixed = quality.score(quality.Friction(returned=3, rework=10, late=1, questions=2, feedback=3.0))
    assert mixed.value == 100 - 6 - 15 - 2 - 2 - 10
    assert [part.lost for part in mixed.parts] == [6, 15, 2, 2, 10.0]
    worst = quality.Friction(returned=99, rework=99, late=99, questions=99, feedback=1.0)
    assert quality.score(worst).value == 100 - 20 - 15 - 20 - 10 - 20


def test_a_closed_case_shows_its_score_and_how_it_was_computed(client, people, make_case):
    departure = make_case(State.EXECUTING)
    item = departure.modules.get(kind="product").items.order_by("position").first()
    services.item_hand_over(actor=people.leaver, departure=departure, item_id=item.pk)
    services.item_return(actor=people.successor_a, departure=departure, item_id=item.pk, question="Which?")
    services.item_answer(actor=people.leaver, departure=departure, item_id=item.pk, answer="This one.")
    departure = advance(departure, people, State.AFTERCARE)
    late = ChecklistItem.objects.filter(module__departure=departure).order_by("pk").first()
    ChecklistItem.objects.filter(pk=late.pk).update(due_date=late.accepted_at.date() - timedelta(days=1))
    for text in ("Where is the price list?", "Which courier?"):
        services.question_ask(
            actor=people.successor_a,
            departure=departure,
            module_id=departure.modules.get(kind="product").pk,
            question=text,
        )
    ratings = {"time_enough": 3, "materials_complete": 3, "demonstrations_useful": 3, "trial_useful": 3}
    services.feedback_give(actor=people.manager, departure=departure, ratings=ratings)
    friction = selectors.case_friction(Departure.objects.filter(pk=departure.pk))[departure.pk]
    assert friction == quality.Friction(returned=1, rework=0, late=1, questions=2, feedback=3.0)

    client.force_login(people.manager)
    overview = reverse("handover:case_detail", args=[departure.pk])
    assert "Handover quality" not in client.get(overview).content.decode()
    departure = advance(departure, people, State.CLOSED)
    page = client.get(overview).content.decode()
    assert "Handover quality: 84 of 100" in page and "Questions asked in aftercare" in page

    client.force_login(people.hr)
    figures = client.get(reverse("handover:feedback_figures")).content.decode()
    assert "Quality of closed handovers per checklist template" in figures and ">84<" in figures


def test_the_score_is_stored_at_the_close_and_filled_in_for_cases_closed_before(people, make_case):
    from handover.tasks import fill_quality_scores

    closed = make_case(State.CLOSED)
    closed.refresh_from_db()
    # Nothing went back, nothing late, no question, no survey answer: the full score.
    assert closed.quality_score == 100
    [row] = selectors.quality_by_template()
    assert (row.cases, row.average) == (1, closed.quality_score)
    # A case closed before scores were stored counts once the task has scored it.
    Departure.objects.filter(pk=closed.pk).update(quality_score=None)
    assert selectors.quality_by_template() == []
    assert fill_quality_scores.apply().get() == 1
    assert services.quality_scores_fill() == 0
    assert Departure.objects.get(pk=closed.pk).quality_score == closed.quality_score
