"""Trial tasks and signatures that wait: whoever must act is reminded, a waiting trial task then
escalates to the manager and to the HR owner, and each reminder is given once."""

import datetime as dt

import pytest
import time_machine

from handover import services
from handover.models import ChecklistTemplate, NoticeKind, Notification, State
from tests.factories import PASSWORD
from tests.notifications.test_reminders import at, scan

pytestmark = pytest.mark.django_db

TASK = "Run the weekly promotion"


def reminded(prefix: str) -> list[tuple[int, str, str]]:
    """Who was reminded by the reminders whose key starts with ``prefix``, how and with what title."""
    notices = Notification.objects.filter(key__startswith=prefix).order_by("pk")
    return list(notices.values_list("user_id", "kind", "title"))


@pytest.fixture
def trial_run(make_case, settings):
    """A case in its trial run since 2026-12-01, with no trial task yet and its last day far off."""
    settings.TIME_ZONE = "Asia/Shanghai"
    with time_machine.travel(at(dt.date(2026, 12, 1), 10), tick=False):
        departure = make_case(State.TRIAL_RUN, last_working_day=dt.date(2027, 1, 29))
    return departure, departure.modules.get(kind="product")


@pytest.fixture
def signing(ready_to_sign, settings):
    """Build a case ready for its signatures on 2026-12-01, with or without the manager's
    confirmation that each successor works alone."""
    settings.TIME_ZONE = "Asia/Shanghai"

    def make(*, independent: bool = True):
        with time_machine.travel(at(dt.date(2026, 12, 1), 10), tick=False):
            return ready_to_sign(independent=independent)

    return make


def sign(departure, moment: dt.datetime, *signers) -> None:
    """Each of ``signers`` signs the case's confirmation at ``moment``."""
    with time_machine.travel(moment, tick=False):
        for signer in signers:
            services.departure_sign(actor=signer, departure=departure, password=PASSWORD)


def test_a_trial_task_sent_back_reminds_its_successor_then_escalates_to_the_manager_then_to_hr(
    trial_run, people
):
    departure, module = trial_run
    with time_machine.travel(at(dt.date(2026, 12, 1), 11), tick=False):
        task = services.trial_task_create(actor=people.leaver, departure=departure, module=module, title=TASK)
    with time_machine.travel(at(dt.date(2026, 12, 2), 11), tick=False):
        services.trial_task_complete(
            actor=people.successor_a, departure=departure, task_id=task.pk, note="Ran"
        )
        services.trial_task_rework(
            actor=people.leaver, departure=departure, task_id=task.pk, feedback="Again"
        )
    # It waits since it was sent back, not since it was set.
    assert scan(at(dt.date(2026, 12, 3), 10, 59)) == 0
    assert scan(at(dt.date(2026, 12, 3), 11)) == 1
    assert reminded("trial:") == [
        (people.successor_a.pk, NoticeKind.WAITING, f"Trial task “{TASK}” waits for you since Dec. 2, 2026")
    ]
    assert scan(at(dt.date(2026, 12, 3), 11)) == 0
    # The template's default: the manager after 2 more days, the HR owner after 4.
    assert scan(at(dt.date(2026, 12, 5), 10, 59)) == 0
    assert scan(at(dt.date(2026, 12, 5), 11)) == 1
    late = f"{departure.number}: trial task “{TASK}” waits since Dec. 2, 2026"
    assert reminded("trial:")[1:] == [(people.manager.pk, NoticeKind.ESCALATION, late)]
    assert scan(at(dt.date(2026, 12, 7), 10, 59)) == 0
    assert scan(at(dt.date(2026, 12, 7), 11)) == 1
    assert scan(at(dt.date(2026, 12, 7), 11)) == 0
    assert reminded("trial:")[1:] == [
        (people.manager.pk, NoticeKind.ESCALATION, late),
        (people.hr.pk, NoticeKind.ESCALATION, late),
    ]
    assert scan(at(dt.date(2026, 12, 20), 11)) == 0


def test_a_done_trial_task_reminds_the_leaver_to_verify_it_and_escalates_after_the_templates_days(
    trial_run, people
):
    departure, module = trial_run
    ChecklistTemplate.objects.filter(pk=departure.template_id).update(escalate_after_days=3)
    assert departure.template_id is not None
    with time_machine.travel(at(dt.date(2026, 12, 1), 11), tick=False):
        task = services.trial_task_create(actor=people.leaver, departure=departure, module=module, title=TASK)
    with time_machine.travel(at(dt.date(2026, 12, 2), 15, 30), tick=False):
        services.trial_task_complete(
            actor=people.successor_a, departure=departure, task_id=task.pk, note="Ran"
        )
    assert scan(at(dt.date(2026, 12, 3), 15, 29)) == 0
    assert scan(at(dt.date(2026, 12, 3), 15, 30)) == 1
    assert scan(at(dt.date(2026, 12, 3), 15, 30)) == 0
    assert reminded("trial:") == [
        (people.leaver.pk, NoticeKind.WAITING, f"Trial task “{TASK}” waits for you since Dec. 2, 2026")
    ]
    # Three days more for the manager, six for the HR owner (the default would have told HR by the 8th).
    assert scan(at(dt.date(2026, 12, 6), 15, 29)) == 0
    assert scan(at(dt.date(2026, 12, 6), 15, 30)) == 1
    assert scan(at(dt.date(2026, 12, 8), 15, 30)) == 0
    assert scan(at(dt.date(2026, 12, 9), 15, 30)) == 1
    assert scan(at(dt.date(2026, 12, 9), 15, 30)) == 0
    assert [(user, kind) for user, kind, _title in reminded("trial:")] == [
        (people.leaver.pk, NoticeKind.WAITING),
        (people.manager.pk, NoticeKind.ESCALATION),
        (people.hr.pk, NoticeKind.ESCALATION),
    ]
    # Verified, it waits for no one.
    with time_machine.travel(at(dt.date(2026, 12, 10), 9), tick=False):
        services.trial_task_verify(actor=people.leaver, departure=departure, task_id=task.pk)
    assert scan(at(dt.date(2026, 12, 20), 15, 30)) == 0
    assert len(reminded("trial:")) == 3


def test_signatures_are_reminded_each_day_to_those_who_may_sign_now(signing, people):
    departure = signing()
    title = f"{departure.number} waits for your signature"
    # The leaver and the successors first; the manager signs last.
    assert scan(at(dt.date(2026, 12, 2), 8, 59)) == 0
    assert scan(at(dt.date(2026, 12, 2), 9)) == 3
    assert scan(at(dt.date(2026, 12, 2), 9)) == 0
    assert scan(at(dt.date(2026, 12, 2), 17)) == 0
    assert sorted(reminded("sign:")) == sorted(
        (user.pk, NoticeKind.WAITING, title)
        for user in (people.leaver, people.successor_a, people.successor_b)
    )
    sign(departure, at(dt.date(2026, 12, 2), 12), people.leaver)
    Notification.objects.all().delete()
    assert scan(at(dt.date(2026, 12, 3), 9)) == 2
    assert scan(at(dt.date(2026, 12, 3), 9)) == 0
    assert {user for user, _kind, _title in reminded("sign:")} == {
        people.successor_a.pk,
        people.successor_b.pk,
    }
    sign(departure, at(dt.date(2026, 12, 3), 12), people.successor_a, people.successor_b)
    Notification.objects.all().delete()
    assert scan(at(dt.date(2026, 12, 4), 9)) == 1
    assert scan(at(dt.date(2026, 12, 4), 9)) == 0
    assert reminded("sign:") == [(people.manager.pk, NoticeKind.WAITING, title)]
    # Signed off: nothing waits any more.
    sign(departure, at(dt.date(2026, 12, 4), 12), people.manager)
    Notification.objects.all().delete()
    assert scan(at(dt.date(2026, 12, 5), 9)) == 0


def test_the_manager_is_reminded_to_sign_only_once_each_module_is_confirmed_independent(signing, people):
    departure = signing(independent=False)
    sign(departure, at(dt.date(2026, 12, 1), 12), people.leaver, people.successor_a, people.successor_b)
    Notification.objects.all().delete()
    assert scan(at(dt.date(2026, 12, 2), 9)) == 0
    assert reminded("sign:") == []
    with time_machine.travel(at(dt.date(2026, 12, 2), 9, 30), tick=False):
        for module in departure.modules.all():
            services.module_independence(actor=people.manager, departure=departure, module_id=module.pk)
    assert scan(at(dt.date(2026, 12, 2), 10)) == 1
    assert scan(at(dt.date(2026, 12, 2), 10)) == 0
    assert reminded("sign:") == [
        (people.manager.pk, NoticeKind.WAITING, f"{departure.number} waits for your signature")
    ]
