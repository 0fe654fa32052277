"""The password re-entered to reveal a secret or to sign: every wrong one is on the case's
timeline, and five within fifteen minutes (across cases) refuse the person for a while without
the password being looked at."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import Role
from handover import services
from handover.errors import HandoverError
from handover.models import AccessSystem, Event, EventKind, State
from tests.conftest import advance
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
SECRET = "Tmall-sub#2026!recovery"
WRONG = "not-my-password-42"
FAILURES = [EventKind.SECRET_REVEAL_FAILED, EventKind.SIGN_FAILED]


@pytest.fixture
def clock():
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI), tick=False) as traveller:
        yield traveller


@pytest.fixture
def with_secret(make_case, people, clock):
    """A case in execution whose product module (Sam Successor's) holds a stored secret."""
    departure = make_case(State.PREPARING)
    access = services.access_create(
        actor=people.leaver,
        departure=departure,
        module=departure.modules.get(kind="product"),
        system=AccessSystem.objects.create(name="Tmall seller centre", category="marketplace"),
        account="ops-1",
        kind="shared",
        secret=SECRET,
    )
    return advance(departure, people, State.EXECUTING), access


def reveal(people, case, password, actor=None):
    departure, access = case
    return services.access_reveal_secret(
        actor=actor or people.successor_a, departure=departure, access_id=access.pk, password=password
    )


def sign(people, departure, password, actor=None):
    return services.departure_sign(actor=actor or people.successor_a, departure=departure, password=password)


def ready_case_of_another_employee(make_case, people):
    """Leo already has a case: one of Olga's, with the same successors, every item accepted and
    every trial task verified."""
    olga = UserFactory(username="olga", display_name="Olga Other", roles=[Role.STAFF])
    departure = make_case(State.TRIAL_RUN, employee=olga)
    for module in departure.modules.select_related("successor"):
        for item in module.items.all():
            services.item_accept(actor=module.successor, departure=departure, item_id=item.pk)
        task = services.trial_task_create(actor=olga, departure=departure, module=module, title="Run")
        services.trial_task_complete(actor=module.successor, departure=departure, task_id=task.pk, note="Ran")
        services.trial_task_verify(actor=olga, departure=departure, task_id=task.pk)
    return departure


def test_every_wrong_password_is_on_the_timeline_and_never_the_password(client, people, with_secret):
    departure, access = with_secret
    client.force_login(people.successor_a)
    url = reverse("handover:access_reveal", args=[departure.pk, access.pk])
    for _ in range(2):
        page = client.post(url, {"password": WRONG}).content.decode()
        assert "Your password was not correct; the secret stays hidden." in page
        assert SECRET not in page
    failures = Event.objects.filter(kind=EventKind.SECRET_REVEAL_FAILED)
    assert failures.count() == 2
    assert {(e.actor_id, e.departure_id, e.subject) for e in failures} == {
        (people.successor_a.pk, departure.pk, str(access))
    }
    assert not Event.objects.filter(subject__contains=WRONG).exists()
    assert not Event.objects.filter(kind=EventKind.SECRET_REVEALED).exists()
    for reader in [people.hr, people.successor_a]:
        client.force_login(reader)
        timeline = client.get(reverse("handover:case_timeline", args=[departure.pk])).content.decode()
        assert f"entered a wrong password to reveal the secret of {access}" in timeline
        assert WRONG not in timeline
    # Like every event that names an account, not for the department head, who only follows progress.
    client.force_login(people.head)
    timeline = client.get(reverse("handover:case_timeline", args=[departure.pk])).content.decode()
    assert "opened the case" in timeline
    assert "wrong password" not in timeline


def test_a_wrong_signing_password_is_on_the_timeline(client, people, ready_to_sign, clock):
    departure = ready_to_sign()
    client.force_login(people.leaver)
    data = {"password": WRONG, "mark": "typed", "typed_name": "Leo", "content_sha256": "x" * 64}
    page = client.post(reverse("handover:case_sign", args=[departure.pk]), data).content.decode()
    assert "Your password was not correct; nothing was signed." in page
    event = Event.objects.get(kind=EventKind.SIGN_FAILED)
    assert (event.actor_id, event.departure_id, event.subject) == (people.leaver.pk, departure.pk, "")
    assert not departure.signatures.exists()
    client.force_login(people.hr)
    timeline = client.get(reverse("handover:case_timeline", args=[departure.pk])).content.decode()
    assert "Leo Leaver</strong> entered a wrong password to sign the confirmation" in timeline


def test_five_wrong_passwords_across_cases_refuse_even_the_right_one(people, with_secret, make_case, clock):
    """Three wrong at the reveal of one case and two at the signing of another make five."""
    to_sign = ready_case_of_another_employee(make_case, people)
    for _ in range(3):
        with pytest.raises(HandoverError, match="password was not correct"):
            reveal(people, with_secret, WRONG)
        clock.shift(dt.timedelta(minutes=1))
    for _ in range(2):
        with pytest.raises(HandoverError, match="password was not correct"):
            sign(people, to_sign, WRONG)
        clock.shift(dt.timedelta(minutes=1))

    locked = "Too many wrong passwords; try again after 10:15."
    with pytest.raises(HandoverError, match=locked):
        reveal(people, with_secret, PASSWORD)
    with pytest.raises(HandoverError, match=locked):
        sign(people, to_sign, PASSWORD)
    # Refused without a verdict on the password: neither a reveal nor another failure.
    assert Event.objects.filter(kind__in=FAILURES).count() == 5
    assert not Event.objects.filter(kind=EventKind.SECRET_REVEALED).exists()
    assert not to_sign.signatures.exists()
    # Someone else is not held back by it.
    sign(people, to_sign, PASSWORD, actor=people.successor_b)


def test_the_lock_lifts_as_the_oldest_failure_leaves_the_fifteen_minutes(people, with_secret, clock):
    for _ in range(5):
        with pytest.raises(HandoverError, match="password was not correct"):
            reveal(people, with_secret, WRONG)
        clock.shift(dt.timedelta(minutes=1))

    clock.move_to(dt.datetime(2026, 3, 2, 10, 14, 59, tzinfo=SHANGHAI))
    with pytest.raises(HandoverError, match="try again after 10:15"):
        reveal(people, with_secret, PASSWORD)
    clock.move_to(dt.datetime(2026, 3, 2, 10, 15, 1, tzinfo=SHANGHAI))
    assert reveal(people, with_secret, PASSWORD) == SECRET
    # The other four are still within their fifteen minutes: one more wrong one locks again,
    # until the next oldest leaves them.
    with pytest.raises(HandoverError, match="password was not correct"):
        reveal(people, with_secret, WRONG)
    with pytest.raises(HandoverError, match="try again after 10:16"):
        reveal(people, with_secret, PASSWORD)


def test_the_lockout_shows_on_the_sign_page(client, people, ready_to_sign, clock):
    departure = ready_to_sign()
    client.force_login(people.leaver)
    url = reverse("handover:case_sign", args=[departure.pk])
    for password in [WRONG] * 5 + [PASSWORD]:
        data = {"password": password, "mark": "typed", "typed_name": "Leo", "content_sha256": "x" * 64}
        response = client.post(url, data)
    assert response.status_code == 200
    assert "Too many wrong passwords; try again after 10:15." in response.content.decode()
    assert not departure.signatures.exists()


def test_the_policy_refuses_first_without_a_verdict_on_the_password(people, with_secret):
    """Whether this person may sign or reveal at all is answered before the lockout and before
    the password; their refusal says nothing about the password and leaves no failure."""
    not_ready = with_secret[0]
    for password in [WRONG, PASSWORD]:
        with pytest.raises(HandoverError, match="cannot be done while the case is") as refusal:
            sign(people, not_ready, password)
        assert "password" not in str(refusal.value)
        with pytest.raises(PermissionDenied):
            reveal(people, with_secret, password, actor=people.leaver)
    assert not Event.objects.filter(kind__in=FAILURES).exists()

    # Locked out, the same person still gets the policy's answer where the policy refuses.
    for _ in range(5):
        with pytest.raises(HandoverError, match="password was not correct"):
            reveal(people, with_secret, WRONG)
    with pytest.raises(HandoverError, match="cannot be done while the case is"):
        sign(people, not_ready, PASSWORD)
