"""The manager's check-ins on a module (a note, a confidence, and the plan change made then), and the
"What is stuck" page that collects what waits too long across a supervisor's cases."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from handover import selectors, services
from handover.errors import HandoverError
from handover.models import CheckIn, Confidence, EventKind, ItemState, State, TrialState

pytestmark = pytest.mark.django_db


def check_in(people, departure, kind="product", **changes) -> CheckIn:
    return services.module_check_in(
        actor=people.manager,
        departure=departure,
        module_id=departure.modules.get(kind=kind).pk,
        confidence=changes.pop("confidence", Confidence.AT_RISK),
        note=changes.pop("note", "Unsure about supplier price updates."),
        **changes,
    )


def test_a_check_in_moves_the_open_items_due_dates_and_adds_a_trial_task_in_one_step(people, make_case):
    departure = make_case(State.EXECUTING)
    product = departure.modules.get(kind="product")
    first = product.items.order_by("position").first()
    services.item_hand_over(actor=people.leaver, departure=departure, item_id=first.pk)
    services.item_accept(actor=people.successor_a, departure=departure, item_id=first.pk)
    new_day = timezone.localdate() + timedelta(days=5)
    done = check_in(people, departure, new_due_date=new_day)
    assert done.items_moved == product.items.count() - 1
    assert set(product.items.exclude(pk=first.pk).values_list("due_date", flat=True)) == {new_day}
    assert product.items.get(pk=first.pk).due_date != new_day
    product.refresh_from_db()
    assert product.confidence == Confidence.AT_RISK
    event = departure.events.get(kind=EventKind.CHECKED_IN)
    assert event.actor == people.manager

    # An extra trial task belongs to the trial run: in execution the whole check-in is refused.
    with pytest.raises(HandoverError, match="Executing"):
        check_in(people, departure, trial_task_title="Reprice the autumn range")
    assert CheckIn.objects.count() == 1


def test_a_trial_run_check_in_sets_an_extra_trial_task(people, make_case):
    departure = make_case(State.TRIAL_RUN)
    done = check_in(people, departure, confidence=Confidence.BLOCKED, trial_task_title="Reprice the range")
    assert done.trial_task.title == "Reprice the range" and done.trial_task.state == TrialState.ASSIGNED
    assert departure.events.filter(kind=EventKind.TRIAL_ADDED).exists()


def test_only_the_manager_checks_in_and_only_while_handing_over(people, make_case):
    departure = make_case(State.EXECUTING)
    for someone in (people.hr, people.leaver, people.successor_a):
        with pytest.raises(PermissionDenied):
            services.module_check_in(
                actor=someone,
                departure=departure,
                module_id=departure.modules.first().pk,
                confidence=Confidence.ON_TRACK,
                note="Fine.",
            )
    with pytest.raises(HandoverError, match=r"Check-ins are for the execution and the trial run\."):
        check_in(people, make_case(State.PREPARING, employee=people.stranger))


def test_bad_check_ins_say_why_and_keep_nothing(people, make_case):
    departure = make_case(State.EXECUTING)
    with pytest.raises(HandoverError, match="Say how the module goes"):
        check_in(people, departure, note=" ")
    with pytest.raises(HandoverError, match="between today and the last working day"):
        check_in(people, departure, new_due_date=departure.last_working_day + timedelta(days=1))
    with pytest.raises(HandoverError, match="between today and the last working day"):
        check_in(people, departure, new_due_date=timezone.localdate() - timedelta(days=1))
    assert not CheckIn.objects.exists()


def test_the_module_page_offers_the_manager_a_check_in_and_shows_the_history(client, people, make_case):
    departure = make_case(State.EXECUTING)
    product = departure.modules.get(kind="product")
    url = reverse("handover:module_check_in", args=[departure.pk, product.pk])
    page_url = reverse("handover:case_module", args=[departure.pk, product.pk])
    client.force_login(people.successor_a)
    assert url not in client.get(page_url).content.decode()
    client.force_login(people.manager)
    assert f'action="{url}"' in client.get(page_url).content.decode()
    response = client.post(
        url, {"confidence": "on_track", "note": "Confident after our talk.", "new_due_date": ""}
    )
    assert response["Location"].startswith(page_url)
    page = client.get(page_url).content.decode()
    assert "Confident after our talk." in page and "On track" in page
    page = client.post(url, {"confidence": "sideways", "note": "x"}, follow=True).content.decode()
    assert "Say how the module goes and note what you heard." in page
    assert CheckIn.objects.count() == 1


@pytest.fixture
def stuck_case(people, make_case):
    """A case in execution with one item returned three days ago, one past due, an account never
    transferred, and the orders module blocked at the manager's last check-in."""
    departure = make_case(State.EXECUTING)
    product = departure.modules.get(kind="product")
    returned, overdue = product.items.order_by("position")[:2]
    with time_machine.travel(timezone.now() - timedelta(days=3)):
        services.item_hand_over(actor=people.leaver, departure=departure, item_id=returned.pk)
        services.item_return(
            actor=people.successor_a, departure=departure, item_id=returned.pk, question="Which supplier?"
        )
    overdue.__class__.objects.filter(pk=overdue.pk).update(due_date=timezone.localdate() - timedelta(days=1))
    check_in(people, departure, kind="orders", confidence=Confidence.BLOCKED, note="No warehouse access.")
    return departure


def test_what_is_stuck_lists_each_kind_with_who_must_act(people, stuck_case):
    groups = {group.kind: group for group in selectors.stuck(people.manager, timezone.now())}
    [unanswered] = groups["unanswered"].rows
    assert unanswered.what == stuck_case.modules.get(kind="product").items.get(state=ItemState.RETURNED).title
    assert [str(a) for a in unanswered.actors] == [f"Departing employee — {people.leaver.name}"]
    assert groups["overdue"].count >= 1
    [blocked] = groups["blocked"].rows
    assert blocked.module.kind == "orders" and blocked.actors[0].user_id == people.manager.pk
    assert groups["sent_back"].count == 0 and groups["at_risk"].count == 0
    # A day later than the question, it is not yet stuck.
    fresh = {
        group.kind: group for group in selectors.stuck(people.manager, timezone.now() - timedelta(days=2))
    }
    assert fresh["unanswered"].count == 0


def test_the_stuck_page_is_for_supervisors_of_their_own_cases(client, people, stuck_case):
    client.force_login(people.manager)
    page = client.get(reverse("handover:stuck")).content.decode()
    assert "Questions unanswered for more than 2 days" in page and "Modules blocked" in page
    assert stuck_case.number in page
    assert reverse("handover:stuck") in client.get(reverse("handover:my_work")).content.decode()
    client.force_login(people.successor_a)
    assert client.get(reverse("handover:stuck")).status_code == 404
    client.force_login(people.head)
    # A manager who supervises none of these cases sees nothing of them.
    page = client.get(reverse("handover:stuck")).content.decode()
    assert stuck_case.number not in page and "Nothing is stuck on the cases you supervise." in page


def test_the_stuck_page_reads_a_fixed_number_of_queries(client, people, make_case, stuck_case):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(people.manager)
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("handover:stuck"))
    make_case(State.EXECUTING, employee=people.stranger, successors={"product": people.successor_a})
    with CaptureQueriesContext(connection) as after:
        client.get(reverse("handover:stuck"))
    assert len(after) == len(before)
