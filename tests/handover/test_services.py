from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from handover import services
from handover.errors import HandoverError
from handover.models import ChecklistItem, Departure, EventKind, ItemState, Signature, State, TrialState
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_open_copies_the_default_template_of_the_case_language(make_case):
    departure = make_case(language="zh-hant")
    titles = list(ChecklistItem.objects.filter(module__departure=departure).values_list("title", flat=True))
    assert titles, "the default template gives every chosen module items"
    assert {m.kind for m in departure.modules.all()} == {"product", "orders"}
    assert all(item.due_date >= departure.notice_date for item in ChecklistItem.objects.all())
    assert departure.number.startswith("HO-")
    assert departure.state == State.INTENT_CONFIRMED
    assert departure.events.filter(kind=EventKind.OPENED).count() == 1


def test_last_day_before_notice_is_refused_and_nothing_is_written(make_case):
    today = timezone.localdate()
    with pytest.raises(HandoverError, match="cannot be before the notice date"):
        make_case(notice_date=today, last_working_day=today - timedelta(days=1))
    assert not Departure.objects.exists()
    assert not ChecklistItem.objects.exists()


def test_short_notice_is_accepted_and_flagged(make_case):
    today = timezone.localdate()
    departure = make_case(notice_date=today, last_working_day=today + timedelta(days=9))
    assert departure.short_notice
    assert departure.notice_days == 9
    assert not make_case(
        employee=UserFactory(username="other"), notice_date=today, last_working_day=today + timedelta(days=14)
    ).short_notice


def test_only_hr_opens_cases(make_case, people):
    with pytest.raises(PermissionDenied):
        make_case(actor=people.manager)


def test_people_must_be_distinct(make_case, people):
    with pytest.raises(HandoverError, match="own successor"):
        make_case(successors={"product": people.leaver})
    with pytest.raises(HandoverError, match="cannot also be a successor"):
        make_case(successors={"product": people.manager})


def test_second_open_case_for_the_same_employee_is_refused(make_case):
    make_case()
    with pytest.raises(HandoverError, match="already has an open departure case"):
        make_case()


def test_leaver_edits_only_in_preparing_and_executing(make_case, people):
    departure = make_case(State.INTENT_CONFIRMED)
    module = departure.modules.first()
    with pytest.raises(HandoverError, match="cannot be done while the case is"):
        services.item_create(actor=people.leaver, departure=departure, module=module, title="Too early")
    services.departure_start_preparing(actor=people.hr, departure=departure)
    item = services.item_create(actor=people.leaver, departure=departure, module=module, title="Coupon rules")
    services.item_update(actor=people.leaver, departure=departure, item_id=item.pk, title="Coupon rules 2026")
    item.refresh_from_db()
    assert item.title == "Coupon rules 2026"
    services.item_delete(actor=people.leaver, departure=departure, item_id=item.pk)
    assert not ChecklistItem.objects.filter(pk=item.pk).exists()
    kinds = list(departure.events.values_list("kind", flat=True))
    assert {EventKind.ITEM_ADDED, EventKind.ITEM_EDITED, EventKind.ITEM_REMOVED} <= set(kinds)


def test_ticking_twice_gives_one_event_and_a_clear_message(make_case, people):
    departure = make_case(State.EXECUTING)
    item = ChecklistItem.objects.filter(module__departure=departure).first()
    services.item_hand_over(actor=people.leaver, departure=departure, item_id=item.pk)
    with pytest.raises(HandoverError, match="already handed over"):
        services.item_hand_over(actor=people.leaver, departure=departure, item_id=item.pk)
    assert departure.events.filter(kind=EventKind.ITEM_HANDED_OVER).count() == 1


def test_question_and_answer_round_trip(make_case, people):
    departure = make_case(State.EXECUTING)
    item = ChecklistItem.objects.filter(module__departure=departure, module__kind="product").first()
    services.item_hand_over(actor=people.leaver, departure=departure, item_id=item.pk)
    with pytest.raises(HandoverError, match="Write the question"):
        services.item_return(actor=people.successor_a, departure=departure, item_id=item.pk, question="  ")
    services.item_return(
        actor=people.successor_a, departure=departure, item_id=item.pk, question="Which sub-account?"
    )
    item.refresh_from_db()
    assert item.state == ItemState.RETURNED
    with pytest.raises(HandoverError, match="answer it"):
        services.item_hand_over(actor=people.leaver, departure=departure, item_id=item.pk)
    services.item_answer(actor=people.leaver, departure=departure, item_id=item.pk, answer="shop-ops-02")
    services.item_accept(actor=people.successor_a, departure=departure, item_id=item.pk)
    item.refresh_from_db()
    assert (item.state, item.accepted_by, item.answer) == (
        ItemState.ACCEPTED,
        people.successor_a,
        "shop-ops-02",
    )


def test_trial_task_rework_loop(make_case, people):
    departure = make_case(State.TRIAL_RUN)
    module = departure.modules.get(kind="orders")
    task = services.trial_task_create(
        actor=people.manager, departure=departure, module=module, title="Split order"
    )
    with pytest.raises(PermissionDenied):
        services.trial_task_complete(actor=people.successor_a, departure=departure, task_id=task.pk, note="x")
    services.trial_task_complete(
        actor=people.successor_b, departure=departure, task_id=task.pk, note="Split it"
    )
    with pytest.raises(HandoverError, match="Say what needs"):
        services.trial_task_rework(actor=people.leaver, departure=departure, task_id=task.pk, feedback="")
    services.trial_task_rework(
        actor=people.leaver, departure=departure, task_id=task.pk, feedback="Wrong warehouse"
    )
    with pytest.raises(HandoverError, match="not possible now"):
        services.trial_task_verify(actor=people.leaver, departure=departure, task_id=task.pk)
    services.trial_task_complete(actor=people.successor_b, departure=departure, task_id=task.pk, note="Fixed")
    task = services.trial_task_verify(actor=people.leaver, departure=departure, task_id=task.pk)
    assert task.state == TrialState.VERIFIED


def test_signing_needs_the_password_and_happens_once(ready_to_sign, people):
    departure = ready_to_sign()
    with pytest.raises(HandoverError, match="password was not correct"):
        services.departure_sign(actor=people.leaver, departure=departure, password="wrong")
    signature = services.departure_sign(
        actor=people.leaver,
        departure=departure,
        password=PASSWORD,
        ip_address="10.0.0.5",
        user_agent="Firefox",
    )
    assert signature.content_sha256 == services.content_fingerprint(departure)
    assert (signature.ip_address, signature.user_agent) == ("10.0.0.5", "Firefox")
    with pytest.raises(HandoverError, match="already signed"):
        services.departure_sign(actor=people.leaver, departure=departure, password=PASSWORD)
    assert Signature.objects.filter(departure=departure).count() == 1
    assert departure.events.filter(kind=EventKind.SIGNED).count() == 1


def test_signing_waits_until_everything_is_accepted_and_verified(make_case, people):
    departure = make_case(State.TRIAL_RUN)
    with pytest.raises(HandoverError, match="not accepted"):
        services.departure_sign(actor=people.leaver, departure=departure, password=PASSWORD)
    assert not Signature.objects.exists()


def test_manager_signature_signs_off_and_queues_the_document(
    ready_to_sign, people, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.HANDOVER_DOCUMENT_DIR = tmp_path
    departure = ready_to_sign()
    for signer in (people.leaver, people.successor_a, people.successor_b):
        services.departure_sign(actor=signer, departure=departure, password=PASSWORD)
    with django_capture_on_commit_callbacks() as callbacks:
        services.departure_sign(actor=people.manager, departure=departure, password=PASSWORD)
    departure.refresh_from_db()
    assert departure.state == State.SIGNED_OFF
    # The confirmation to produce, and the survey's mails to send (asked at the sign-off).
    from handover.notifications.notices import send_soon

    assert len(callbacks) == 2 and callbacks.count(send_soon) == 1


def test_meeting_cannot_be_recorded_in_the_future_or_before_scheduling(make_case, people):
    departure = make_case(State.PREPARING)
    with pytest.raises(HandoverError, match="Schedule the handover meeting first"):
        services.meeting_record(actor=people.hr, departure=departure, held_at=timezone.now(), minutes="x")
    services.meeting_schedule(actor=people.hr, departure=departure, scheduled_at=timezone.now(), location="R")
    with pytest.raises(HandoverError, match="in the future"):
        services.meeting_record(
            actor=people.hr, departure=departure, held_at=timezone.now() + timedelta(hours=1), minutes="x"
        )


def test_replacing_a_successor_moves_their_access(make_case, people):
    from handover.permissions import case_access

    departure = make_case(State.PREPARING)
    module = departure.modules.get(kind="product")
    newcomer = UserFactory(username="newcomer")
    services.module_set_successor(actor=people.hr, departure=departure, module=module, successor=newcomer)
    assert case_access(newcomer, departure).receives(module.__class__.objects.get(pk=module.pk))
    assert not case_access(people.successor_a, departure).can_view
    assert case_access(people.successor_b, departure).can_view


def test_aftercare_task_moves_cases_on_their_last_day(make_case, people):
    from handover.tasks import begin_due_aftercare

    departure = make_case(State.SIGNED_OFF)
    assert begin_due_aftercare() == 0
    Departure.objects.filter(pk=departure.pk).update(last_working_day=timezone.localdate())
    assert begin_due_aftercare() == 1
    departure.refresh_from_db()
    assert departure.state == State.AFTERCARE
    assert begin_due_aftercare() == 0


def test_a_meeting_recorded_before_its_scheduled_time_needs_a_confirmation(make_case, people):
    departure = make_case(State.PREPARING)
    services.meeting_schedule(
        actor=people.manager, departure=departure, scheduled_at=timezone.now(), location="Room 3"
    )
    early = timezone.now() - timedelta(days=2)
    with pytest.raises(HandoverError, match="after the time you entered"):
        services.meeting_record(actor=people.manager, departure=departure, held_at=early, minutes="Met.")
    departure.meeting.refresh_from_db()
    assert departure.meeting.held_at is None
    services.meeting_record(
        actor=people.manager, departure=departure, held_at=early, minutes="Met.", earlier_confirmed=True
    )
    departure.meeting.refresh_from_db()
    assert departure.meeting.held_at == early
