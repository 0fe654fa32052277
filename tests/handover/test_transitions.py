"""Every case transition from every state: allowed, or refused with the words the user sees."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from handover import services
from handover.errors import HandoverError
from handover.models import Departure, State
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

WRONG_STATE = "This cannot be done while the case is"


def _sign_off(people, departure):
    return services.departure_sign(actor=people.manager, departure=departure, password=PASSWORD)


ACTIONS = {
    "start_preparing": lambda p, d: services.departure_start_preparing(actor=p.hr, departure=d),
    "start_executing": lambda p, d: services.departure_start_executing(actor=p.manager, departure=d),
    "start_trial_run": lambda p, d: services.departure_start_trial_run(actor=p.manager, departure=d),
    "sign_off": _sign_off,
    "begin_aftercare": lambda p, d: services.departure_begin_aftercare(actor=p.hr, departure=d),
    "close": lambda p, d: services.departure_close(actor=p.hr, departure=d),
    "withdraw": lambda p, d: services.departure_withdraw(actor=p.hr, departure=d, reason="Stays."),
}

# What each action does from each state of a case made by the fixtures, which
# stops at the start of a state (nothing done in it yet). A state name is the
# state reached; any other string is (part of) the refusal the user reads.
FROZEN = "The handover is signed off and its content is frozen"
EXPECTED = {
    State.INTENT_CONFIRMED: {
        "start_preparing": State.PREPARING,
        "withdraw": State.WITHDRAWN,
    },
    State.PREPARING: {
        "start_executing": "The handover meeting has not taken place yet.",
        "withdraw": State.WITHDRAWN,
    },
    State.EXECUTING: {
        "start_trial_run": "Some checklist items are not handed over yet.",
        "withdraw": State.WITHDRAWN,
    },
    State.TRIAL_RUN: {
        "sign_off": "Some checklist items are not accepted by their successor yet.",
        "withdraw": State.WITHDRAWN,
    },
    State.SIGNED_OFF: {"begin_aftercare": State.AFTERCARE, "sign_off": FROZEN},
    State.AFTERCARE: {"close": "The aftercare period has not ended yet.", "sign_off": FROZEN},
    State.CLOSED: {"sign_off": FROZEN},
    State.WITHDRAWN: {},
}

TABLE = [
    (state, action, EXPECTED[state].get(action, WRONG_STATE)) for state in State.values for action in ACTIONS
]


@pytest.mark.parametrize(("state", "action", "expected"), TABLE, ids=[f"{s}-{a}" for s, a, _ in TABLE])
def test_transition_table(make_case, people, state, action, expected):
    departure = make_case(state)
    events_before = departure.events.count()
    if expected in State.values:
        ACTIONS[action](people, departure)
        departure.refresh_from_db()
        assert departure.state == expected
        assert departure.events.filter(to_state=expected).exists()
    else:
        with pytest.raises(HandoverError) as refused:
            ACTIONS[action](people, departure)
        assert expected in str(refused.value)
        departure.refresh_from_db()
        assert departure.state == state
        assert departure.events.count() == events_before


def test_preparing_moves_on_once_the_meeting_is_held(make_case, people):
    departure = make_case(State.PREPARING)
    services.meeting_schedule(
        actor=people.hr,
        departure=departure,
        scheduled_at=timezone.now() + timedelta(days=1),
        location="Room 1",
    )
    services.meeting_record(
        actor=people.manager,
        departure=departure,
        held_at=timezone.now(),
        minutes="All modules discussed.",
        earlier_confirmed=True,  # held a day before the time it was scheduled for
    )
    assert services.departure_start_executing(actor=people.hr, departure=departure).state == State.EXECUTING


def test_executing_needs_a_successor_and_an_item_in_every_module(make_case, people):
    departure = make_case(State.PREPARING)
    module = departure.modules.get(kind="orders")
    module.items.all().delete()
    module.successor = None
    module.save()
    with pytest.raises(HandoverError) as refused:
        services.departure_start_executing(actor=people.manager, departure=departure)
    message = str(refused.value)
    assert "Every module needs a successor." in message
    assert "Every module needs at least one checklist item." in message
    assert "The handover meeting has not taken place yet." in message


def test_manager_cannot_sign_before_leaver_and_successors(ready_to_sign, people):
    departure = ready_to_sign()
    with pytest.raises(HandoverError, match="must sign before the manager"):
        _sign_off(people, departure)
    services.departure_sign(actor=people.leaver, departure=departure, password=PASSWORD)
    services.departure_sign(actor=people.successor_a, departure=departure, password=PASSWORD)
    with pytest.raises(HandoverError, match="must sign before the manager"):
        _sign_off(people, departure)
    services.departure_sign(actor=people.successor_b, departure=departure, password=PASSWORD)
    _sign_off(people, departure)
    assert Departure.objects.get(pk=departure.pk).state == State.SIGNED_OFF


def test_close_after_the_support_period(make_case, people):
    departure = make_case(State.AFTERCARE)
    Departure.objects.filter(pk=departure.pk).update(support_until=timezone.localdate() - timedelta(days=1))
    assert services.departure_close(actor=people.hr, departure=departure).state == State.CLOSED


@pytest.mark.parametrize("who", ["manager", "leaver", "successor_a", "head"])
def test_only_the_hr_owner_withdraws(make_case, people, who):
    departure = make_case(State.EXECUTING)
    with pytest.raises(PermissionDenied):
        services.departure_withdraw(actor=getattr(people, who), departure=departure, reason="Stays.")
    departure.refresh_from_db()
    assert departure.state == State.EXECUTING


def test_the_system_starts_aftercare_only_from_the_last_working_day(make_case, people):
    """HR may start aftercare early; the daily task (no actor) waits for the last working day."""
    departure = make_case(State.SIGNED_OFF)
    with pytest.raises(HandoverError, match=r"The last working day has not come yet\."):
        services.departure_begin_aftercare(actor=None, departure=departure)
    Departure.objects.filter(pk=departure.pk).update(last_working_day=timezone.localdate())
    assert services.departure_begin_aftercare(actor=None, departure=departure).state == State.AFTERCARE
