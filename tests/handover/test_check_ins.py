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
from handover.models import AccessSystem, CheckIn, Confidence, EventKind, ItemState, State, TrialState

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
    page = client.post(url, {"confidence": "sideways", "note": "Typed, kept."}).content.decode()
    assert "Select a valid choice." in page and "Typed, kept." in page
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
    assert blocked.since == timezone.localdate()
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


def test_the_stuck_page_reads_a_fixed_number_of_queries(client, people, make_case, stuck_case, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Queries as a server reads them, the cases' facts read (none cached yet, one cached after).
    settings.HANDOVER_CHECK_CACHES = False
    client.force_login(people.manager)
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("handover:stuck"))
    make_case(State.EXECUTING, employee=people.stranger, successors={"product": people.successor_a})
    with CaptureQueriesContext(connection) as after:
        client.get(reverse("handover:stuck"))
    assert len(after) == len(before)


def test_a_refused_check_in_comes_back_with_what_was_typed_and_why(client, people, make_case):
    departure = make_case(State.EXECUTING)
    product = departure.modules.get(kind="product")
    client.force_login(people.manager)
    too_late = departure.last_working_day + timedelta(days=3)
    response = client.post(
        reverse("handover:module_check_in", args=[departure.pk, product.pk]),
        {"confidence": "at_risk", "note": "Slower than planned on refunds.", "new_due_date": too_late},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "A new due date falls between today and the last working day" in page
    assert "Slower than planned on refunds." in page and f'value="{too_late.isoformat()}"' in page
    assert not product.check_ins.exists()
    # A GET of the form's address leads to the module, where the form lives.
    response = client.get(reverse("handover:module_check_in", args=[departure.pk, product.pk]))
    assert response["Location"].startswith(reverse("handover:case_module", args=[departure.pk, product.pk]))


def test_a_task_sent_back_and_an_account_not_transferred_say_since_when(people, make_case):
    departure = make_case(State.TRIAL_RUN)
    product = departure.modules.get(kind="product")
    task = services.trial_task_create(
        actor=people.manager, departure=departure, module=product, title="Refund"
    )
    services.trial_task_complete(actor=people.successor_a, departure=departure, task_id=task.pk, note="Done.")
    with time_machine.travel(timezone.now() - timedelta(days=4)):
        services.trial_task_rework(
            actor=people.leaver, departure=departure, task_id=task.pk, feedback="Check the amount first."
        )
    groups = {group.kind: group for group in selectors.stuck(people.manager, timezone.now())}
    [sent_back] = groups["sent_back"].rows
    assert sent_back.what == "Refund" and sent_back.since == timezone.localdate() - timedelta(days=4)
    assert [a.user_id for a in sent_back.actors] == [people.successor_a.pk]


def test_an_account_not_transferred_waits_since_the_execution_started(people, make_case):
    with time_machine.travel(timezone.now() - timedelta(days=5)):
        departure = make_case(State.EXECUTING)
    services.access_create(
        actor=people.leaver,
        departure=departure,
        module=departure.modules.get(kind="orders"),
        system=AccessSystem.objects.create(name="ERP"),
        account="ops-7",
        kind="shared",
    )
    [row] = {group.kind: group for group in selectors.stuck(people.manager, timezone.now())}[
        "not_transferred"
    ].rows
    assert "ops-7" in row.what and row.since == timezone.localdate() - timedelta(days=5)
    assert [a.user_id for a in row.actors] == [people.successor_b.pk]


def test_the_check_in_form_offers_only_the_plan_changes_possible_now(
    client, people, make_case, ready_to_sign
):
    departure = make_case(State.EXECUTING, employee=people.stranger)
    product = departure.modules.get(kind="product")
    client.force_login(people.manager)
    page = client.get(reverse("handover:case_module", args=[departure.pk, product.pk])).content.decode()
    assert f"check-in-{product.pk}-new_due_date" in page
    assert f"check-in-{product.pk}-trial_task_title" not in page
    # In the trial run, with every item accepted: no due date left to move, a trial task can be set.
    signing = ready_to_sign(independent=False)
    module = signing.modules.get(kind="product")
    page = client.get(reverse("handover:case_module", args=[signing.pk, module.pk])).content.decode()
    assert f"check-in-{module.pk}-new_due_date" not in page
    assert f"check-in-{module.pk}-trial_task_title" in page
