"""The copies cannot drift: for every state × person × act, the service's decision, the button the
case page draws and the to-do My work offers agree, because all three ask the policy.

The cases are built like the demo data (every state the process goes through, with an account, an
important material, items in each item state and trial tasks in each task state where the state
allows them). Each act is tried for real inside a savepoint that is rolled back.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from handover import selectors, services
from handover.errors import HandoverError
from handover.models import (
    AccessKind,
    AccessState,
    AccessSystem,
    Departure,
    HandoverModule,
    Importance,
    ItemState,
    State,
    TrialState,
)
from tests.conftest import advance

pytestmark = pytest.mark.django_db

ROLES = ("hr", "manager", "leaver", "successor_a", "successor_b", "head")


class _Undo(Exception):
    """Rolls back an act that the service allowed."""


def service_allows(act: Callable[[], object]) -> bool:
    try:
        with transaction.atomic():
            act()
            raise _Undo
    except _Undo:
        return True
    except (HandoverError, PermissionDenied, Http404):
        return False


@dataclass(frozen=True)
class Target:
    """One act on one case: how the service is asked, the URL its button carries, and the to-do
    that asks for it (module-scoped when the act is about a module's rows)."""

    call: Callable[[object], object]
    url: str
    todo: str = ""
    module: str = ""
    # Whether everyone allowed must also see the to-do (false for acts nobody has to take).
    todo_when_allowed: bool = True


def _first(queryset):
    return queryset.order_by("position", "pk").first()


def targets(departure: Departure, people) -> dict[str, Target]:
    """Every act the case page offers, aimed at a row of the product module (successor_a's)."""
    pk = departure.pk
    product = departure.modules.get(kind="product")
    items = product.items.all()
    pending = _first(items.filter(state=ItemState.PENDING)) or _first(items)
    handed_over = _first(items.filter(state=ItemState.HANDED_OVER)) or _first(items)
    returned = _first(items.filter(state=ItemState.RETURNED)) or _first(items)
    account = departure.accesses.get(module=product)
    material = departure.materials.get(module=product)
    tasks = departure.trial_tasks.filter(module=product)
    assigned = tasks.filter(state=TrialState.ASSIGNED).first()
    done = tasks.filter(state=TrialState.DONE).first()
    url = reverse

    def case(name: str) -> str:
        return url("handover:case_transition", args=[pk, name])

    acts = {
        "start_preparing": Target(
            lambda a: services.departure_start_preparing(actor=a, departure=departure),
            case("start_preparing"),
            "start_preparing",
        ),
        "start_executing": Target(
            lambda a: services.departure_start_executing(actor=a, departure=departure),
            case("start_executing"),
            "start_executing",
        ),
        "start_trial_run": Target(
            lambda a: services.departure_start_trial_run(actor=a, departure=departure),
            case("start_trial_run"),
            "start_trial_run",
        ),
        "begin_aftercare": Target(
            lambda a: services.departure_begin_aftercare(actor=a, departure=departure),
            case("begin_aftercare"),
        ),
        "close": Target(
            lambda a: services.departure_close(actor=a, departure=departure), case("close"), "close"
        ),
        "withdraw": Target(
            lambda a: services.departure_withdraw(actor=a, departure=departure, reason="Stays."),
            url("handover:case_withdraw", args=[pk]),
        ),
        "change_successor": Target(
            lambda a: services.module_set_successor(
                actor=a, departure=departure, module=product, successor=people.successor_b
            ),
            url("handover:set_successor", args=[pk, product.pk]),
        ),
        "schedule_meeting": Target(
            lambda a: services.meeting_schedule(
                actor=a, departure=departure, scheduled_at=_soon(), location="Room 1"
            ),
            url("handover:meeting_schedule", args=[pk]),
            "schedule_meeting" if not hasattr(departure, "meeting") else "",
        ),
        "record_meeting": Target(
            lambda a: services.meeting_record(
                actor=a, departure=departure, held_at=_past(), minutes="Met.", earlier_confirmed=True
            ),
            url("handover:meeting_record", args=[pk]),
            "record_meeting",
        ),
        "add_item": Target(
            lambda a: services.item_create(actor=a, departure=departure, module=product, title="More"),
            url("handover:item_add", args=[pk, product.pk]),
        ),
        "edit_item": Target(
            lambda a: services.item_update(actor=a, departure=departure, item_id=pending.pk, title="Renamed"),
            url("handover:item_edit", args=[pk, pending.pk]),
        ),
        "remove_item": Target(
            lambda a: services.item_delete(actor=a, departure=departure, item_id=pending.pk),
            url("handover:item_delete", args=[pk, pending.pk]),
        ),
        "hand_over": Target(
            lambda a: services.item_hand_over(actor=a, departure=departure, item_id=pending.pk),
            url("handover:item_hand_over", args=[pk, pending.pk]),
            "hand_over",
            "product",
        ),
        "accept": Target(
            lambda a: services.item_accept(actor=a, departure=departure, item_id=handed_over.pk),
            url("handover:item_accept", args=[pk, handed_over.pk]),
            "accept",
            "product",
        ),
        "return": Target(
            lambda a: services.item_return(
                actor=a, departure=departure, item_id=handed_over.pk, question="?"
            ),
            url("handover:item_return", args=[pk, handed_over.pk]),
        ),
        "answer": Target(
            lambda a: services.item_answer(actor=a, departure=departure, item_id=returned.pk, answer="Yes."),
            url("handover:item_answer", args=[pk, returned.pk]),
            "answer",
            "product",
        ),
        "list_account": Target(
            lambda a: services.access_create(
                actor=a,
                departure=departure,
                module=product,
                system=account.system,
                account="another",
                kind=AccessKind.PERSONAL,
            ),
            url("handover:access_add", args=[pk]),
        ),
        "edit_account": Target(
            lambda a: services.access_update(
                actor=a,
                departure=departure,
                access_id=account.pk,
                module=product,
                system=account.system,
                account="x",
                kind=account.kind,
            ),
            url("handover:access_edit", args=[pk, account.pk]),
        ),
        "remove_account": Target(
            lambda a: services.access_delete(actor=a, departure=departure, access_id=account.pk),
            url("handover:access_delete", args=[pk, account.pk]),
        ),
        "store_secret": Target(
            lambda a: services.access_store_secret(
                actor=a, departure=departure, access_id=account.pk, secret="new-secret"
            ),
            url("handover:access_secret", args=[pk, account.pk]),
        ),
        "transfer_account": Target(
            lambda a: services.access_transfer(
                actor=a, departure=departure, access_id=account.pk, method="own_identity"
            ),
            url("handover:access_transfer", args=[pk, account.pk]),
            "transfer_access",
            "product",
        ),
        "reveal_secret": Target(
            lambda a: services.access_reveal_secret(
                actor=a, departure=departure, access_id=account.pk, password=people.password
            ),
            url("handover:access_reveal", args=[pk, account.pk]),
        ),
        "confirm_rotated": Target(
            lambda a: services.access_confirm_rotated(actor=a, departure=departure, access_id=account.pk),
            url("handover:access_rotated", args=[pk, account.pk]),
        ),
        "revoke_account": Target(
            lambda a: services.access_revoke(actor=a, departure=departure, access_id=account.pk, note="Off."),
            url("handover:access_revoke", args=[pk, account.pk]),
            "revoke_access",
            todo_when_allowed=False,  # a to-do only once the last working day is over
        ),
        "account_not_applicable": Target(
            lambda a: services.access_not_applicable(
                actor=a, departure=departure, access_id=account.pk, reason="Not used."
            ),
            url("handover:access_not_applicable", args=[pk, account.pk]),
        ),
        "edit_material": Target(
            lambda a: services.material_update(
                actor=a,
                departure=departure,
                material_id=material.pk,
                module=product,
                title="Renamed",
                category=material.category,
                location=material.location,
                medium=material.medium,
                importance=material.importance,
            ),
            url("handover:material_edit", args=[pk, material.pk]),
        ),
        "remove_material": Target(
            lambda a: services.material_delete(actor=a, departure=departure, material_id=material.pk),
            url("handover:material_delete", args=[pk, material.pk]),
        ),
        "find_material": Target(
            lambda a: services.material_found(actor=a, departure=departure, material_id=material.pk),
            url("handover:material_found", args=[pk, material.pk]),
            "find_material",
            "product",
            # Only the important materials are asked for; the others are found when convenient.
            todo_when_allowed=material.importance == Importance.HIGH,
        ),
        "add_trial_task": Target(
            lambda a: services.trial_task_create(actor=a, departure=departure, module=product, title="Run"),
            url("handover:trial_add", args=[pk]),
            "add_trial_task",
            "product",
            # Asked for only while a module has no trial task yet.
            todo_when_allowed=not tasks.exists(),
        ),
        "note_lesson": Target(
            lambda a: services.lesson_add(
                actor=a, departure=departure, module_id=product.pk, went_wrong="Slow.", solved="Faster."
            ),
            url("handover:lesson_add", args=[pk, product.pk]),
        ),
        "confirm_independence": Target(
            lambda a: services.module_independence(actor=a, departure=departure, module_id=product.pk),
            url("handover:module_independence", args=[pk, product.pk, "confirm"]),
            "confirm_independence",
            "product",
        ),
        "reopen_independence": Target(
            lambda a: services.module_independence(
                actor=a, departure=departure, module_id=product.pk, confirm=False
            ),
            url("handover:module_independence", args=[pk, product.pk, "reopen"]),
        ),
        "sign": Target(
            lambda a: services.departure_sign(actor=a, departure=departure, password=people.password),
            url("handover:case_sign", args=[pk]),
            "sign",
            todo_when_allowed=False,  # the manager's is the sign-off to-do, checked below
        ),
    }
    acts["schedule_demonstration"] = Target(
        lambda a: services.demonstration_schedule(
            actor=a,
            departure=departure,
            title="Flash sale",
            scheduled_at=_soon(),
            location="Room 2",
            item_ids=[pending.pk],
            attendee_ids=[people.successor_a.pk],
        ),
        url("handover:demonstration_schedule", args=[pk]),
    )
    acts["leave_follow_up"] = Target(
        lambda a: services.follow_up_add(
            actor=a, departure=departure, module_id=product.pk, title="Upkeep", due_date=timezone.localdate()
        ),
        url("handover:follow_up_add", args=[pk, product.pk]),
    )
    follow_up = departure.follow_ups.first()
    if follow_up is not None:
        acts["do_follow_up"] = Target(
            lambda a: services.follow_up_complete(actor=a, departure=departure, follow_up_id=follow_up.pk),
            url("handover:follow_up_done", args=[pk, product.pk, follow_up.pk]),
            "do_follow_ups",
            "product",
        )
    demonstration = departure.demonstrations.first()
    if demonstration is not None:
        acts["record_demonstration"] = Target(
            lambda a: services.demonstration_record(
                actor=a, departure=departure, demonstration_id=demonstration.pk, held_at=_past()
            ),
            url("handover:demonstration_record", args=[pk, demonstration.pk]),
            "record_demonstrations",
        )
        acts["confirm_demonstration"] = Target(
            lambda a: services.demonstration_confirm(
                actor=a, departure=departure, demonstration_id=demonstration.pk
            ),
            url("handover:demonstration_confirm", args=[pk, demonstration.pk]),
            "confirm_demonstrations",
        )
    if assigned is not None:
        acts["do_trial"] = Target(
            lambda a: services.trial_task_complete(
                actor=a, departure=departure, task_id=assigned.pk, note="Did."
            ),
            url("handover:trial_done", args=[pk, assigned.pk]),
            "do_trial",
            "product",
        )
    if done is not None:
        acts["verify_trial"] = Target(
            lambda a: services.trial_task_verify(actor=a, departure=departure, task_id=done.pk),
            url("handover:trial_verify", args=[pk, done.pk]),
            "verify_trial",
            "product",
        )
        acts["rework_trial"] = Target(
            lambda a: services.trial_task_rework(
                actor=a, departure=departure, task_id=done.pk, feedback="Again."
            ),
            url("handover:trial_rework", args=[pk, done.pk]),
        )
    return acts


def _soon() -> datetime:
    return timezone.now() + timedelta(days=1)


def _past() -> datetime:
    return timezone.now() - timedelta(minutes=5)


# The states a case passes through, plus the moment in the trial run when everyone may sign.
STATES = [*State.values, "ready_to_sign"]


@pytest.fixture
def demo_like_case(make_case, ready_to_sign, people):
    """A case in ``state`` with an account (with a stored secret) and an important material in the
    product module, listed while preparing; items and trial tasks in every state they can be in."""

    def build(state: str) -> Departure:
        if state == "ready_to_sign":
            # The manager has still to confirm that the successors work alone.
            departure = ready_to_sign(independent=False)
        else:
            departure = make_case(State.PREPARING if state != State.INTENT_CONFIRMED else state)
        product = departure.modules.get(kind="product")
        if departure.state == State.PREPARING:
            services.access_create(
                actor=people.leaver,
                departure=departure,
                module=product,
                system=AccessSystem.objects.filter(is_active=True).first(),
                account="shop-admin",
                kind=AccessKind.SHARED,
                secret="s3cret",
            )
            services.material_create(
                actor=people.leaver,
                departure=departure,
                module=product,
                title="Supplier contracts",
                category="contract",
                location="Shared drive",
                medium="electronic",
                importance=Importance.HIGH,
            )
            departure = advance(departure, people, state) if state != State.PREPARING else departure
        departure = Departure.objects.get(pk=departure.pk)
        items = list(product.items.order_by("position", "pk"))
        leaver, successor = people.leaver, people.successor_a
        if departure.state in (State.EXECUTING, State.TRIAL_RUN) and state != "ready_to_sign":
            # A demonstration whose time has come: recorded as held in the trial run only.
            demonstration = services.demonstration_schedule(
                actor=leaver,
                departure=departure,
                title="Order exceptions",
                scheduled_at=_past(),
                location="Room 1",
                item_ids=[items[0].pk],
                attendee_ids=[successor.pk],
            )
            if departure.state == State.TRIAL_RUN:
                services.demonstration_record(
                    actor=leaver, departure=departure, demonstration_id=demonstration.pk, held_at=_past()
                )
        if departure.state == State.EXECUTING:
            for item in items[:2]:
                services.item_hand_over(actor=leaver, departure=departure, item_id=item.pk)
            services.item_return(actor=successor, departure=departure, item_id=items[1].pk, question="Where?")
        if departure.state == State.TRIAL_RUN and state != "ready_to_sign":
            services.item_accept(actor=successor, departure=departure, item_id=items[0].pk)
            services.item_return(actor=successor, departure=departure, item_id=items[1].pk, question="Where?")
            services.trial_task_create(actor=leaver, departure=departure, module=product, title="Assigned")
            done = services.trial_task_create(actor=leaver, departure=departure, module=product, title="Done")
            services.trial_task_complete(actor=successor, departure=departure, task_id=done.pk, note="Did.")
        if departure.state in (State.SIGNED_OFF, State.AFTERCARE, State.CLOSED):
            services.confirmation_produce(departure_id=departure.pk)
        if departure.state in (State.SIGNED_OFF, State.AFTERCARE):
            services.follow_up_add(
                actor=people.manager,
                departure=departure,
                module_id=product.pk,
                title="Refresh the listings",
                due_date=timezone.localdate(),
            )
        return departure

    return build


def _user(people, role):
    return {
        "hr": people.hr,
        "manager": people.manager,
        "leaver": people.leaver,
        "successor_a": people.successor_a,
        "successor_b": people.successor_b,
        "head": people.head,
    }[role]


@pytest.mark.parametrize("state", STATES)
def test_service_button_and_todo_agree(client, people, demo_like_case, whole_case, state):
    departure = demo_like_case(state)
    acts = targets_or_partial(departure, people)
    disagreements = []
    allowed_somewhere = set()
    for role in ROLES:
        user = _user(people, role)
        client.force_login(user)
        page = whole_case(departure)
        cards = [card for card in selectors.my_work(user) if card.facts.id == departure.pk]
        todos = {(todo.kind, todo.module) for card in cards for todo in card.todos}
        for name, target in acts.items():
            allowed = service_allows(lambda target=target, user=user: target.call(user))
            drawn = _links_to(page, target.url)
            if allowed:
                allowed_somewhere.add(name)
            if drawn != allowed:
                disagreements.append(f"{role} {name}: service {allowed}, button {drawn}")
            if not target.todo:
                continue
            kind = "sign_off" if name == "sign" and role == "manager" else target.todo
            offered = (kind, target.module) in todos
            if offered and not allowed:
                disagreements.append(f"{role} {name}: to-do offered but the service refuses")
            if allowed and not offered and target.todo_when_allowed:
                disagreements.append(f"{role} {name}: allowed but no to-do")
    assert disagreements == []
    if state not in (State.CLOSED, State.WITHDRAWN):
        assert allowed_somewhere, "a state in which nobody may do anything tests nothing"


def _links_to(page: str, url: str) -> bool:
    """A form, link or htmx action to exactly this URL (not to a longer one it is the start of)."""
    return any(f'"{url}{end}' in page for end in ('"', "#", "?"))


def targets_or_partial(departure: Departure, people) -> dict[str, Target]:
    """Every act, less those on a row the case does not have (the ready-to-sign case has no account)."""
    if departure.accesses.exists():
        return targets(departure, people)
    departure.accesses.model.objects.create(
        departure=departure,
        module=departure.modules.get(kind="product"),
        system=AccessSystem.objects.filter(is_active=True).first(),
        account="late-listed",
        kind=AccessKind.PERSONAL,
        state=AccessState.TRANSFERRED,
        position=1,
    )
    departure.materials.model.objects.create(
        departure=departure,
        module=departure.modules.get(kind="product"),
        title="Found already",
        category="contract",
        location="Drive",
        medium="electronic",
        importance=Importance.LOW,
        position=1,
    )
    return targets(departure, people)


def test_a_module_without_successor_blocks_execution_everywhere(client, people, make_case):
    """A case whose module lost its successor (cases opened before the open form required one):
    the service refuses to start executing, the page says why and whose turn it is, and My work
    asks HR to name a successor instead of offering to start."""
    departure = make_case(State.PREPARING)
    HandoverModule.objects.filter(departure=departure, kind="orders").update(
        successor=None, successor_name=""
    )
    services.meeting_schedule(actor=people.manager, departure=departure, scheduled_at=_soon(), location="R")
    services.meeting_record(
        actor=people.manager, departure=departure, held_at=_past(), minutes="Met.", earlier_confirmed=True
    )
    with pytest.raises(HandoverError, match=r"Every module needs a successor\."):
        services.departure_start_executing(actor=people.manager, departure=departure)

    client.force_login(people.manager)
    page = client.get(reverse("handover:case_detail", args=[departure.pk])).content.decode()
    assert "Every module needs a successor." in page
    assert f"HR — {people.hr.name}" in page
    assert reverse("handover:case_transition", args=[departure.pk, "start_executing"]) not in page

    kinds = {todo.kind for card in selectors.my_work(people.manager) for todo in card.todos}
    assert "start_executing" not in kinds
    hr_todos = [(t.kind, t.module) for card in selectors.my_work(people.hr) for t in card.todos]
    assert ("name_successor", "orders") in hr_todos
    assert ("start_executing", "") not in hr_todos


@pytest.mark.parametrize("state", STATES)
def test_one_persons_todos_are_theirs_among_everyones(people, demo_like_case, state):
    """My work and the overview ask for one person's to-dos only; the digest asks for everyone's."""
    from handover import reminders

    departure = demo_like_case(state)
    facts = selectors.case_progress(departure)
    today = timezone.localdate()
    everyone = reminders.todos_for_case(facts, today)
    for role in ROLES:
        user = _user(people, role)
        mine = reminders.todos_for_case(facts, today, only=user.pk).get(user.pk, [])
        assert mine == everyone.get(user.pk, []), role
