"""HR changes a case after opening it: modules, successors, manager, HR owner and dates until the
sign-off; withdrawing asks for a reason. Every change is on the timeline and access follows."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import Role
from handover import services
from handover.errors import HandoverError
from handover.models import EventKind, State
from handover.models.events import data_summary
from handover.permissions import case_access
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_ticked_module_needs_a_successor_to_open(client, people, default_templates):
    client.force_login(people.hr)
    data = {
        "employee": people.leaver.username,
        "manager": people.manager.username,
        "reason_category": "career",
        "notice_date": "2026-11-01",
        "last_working_day": "2026-12-01",
        "language": "en",
        "include_product": "on",
        "successor_product": people.successor_a.username,
        "include_orders": "on",
    }
    page = client.post(reverse("handover:case_open"), data).content.decode()
    assert "Choose who takes this module over, or leave it out." in page
    assert not people.leaver.departures.exists()
    with pytest.raises(HandoverError, match="needs a successor"):
        services.departure_open(
            actor=people.hr,
            employee=people.leaver,
            manager=people.manager,
            successors={"product": people.successor_a, "orders": None},
            reason_category="career",
            reason_text="",
            notice_date=people.leaver.date_joined.date(),
            last_working_day=people.leaver.date_joined.date() + timedelta(days=30),
            language="en",
        )


def test_hr_changes_manager_owner_and_dates_and_access_follows(make_case, people):
    departure = make_case(State.EXECUTING)
    new_manager = UserFactory(username="new_manager", display_name="Nora New", roles=[Role.MANAGER])
    new_hr = UserFactory(username="new_hr", display_name="Hugo HR", roles=[Role.HR])
    last_day = departure.notice_date + timedelta(days=5)
    services.departure_update(
        actor=people.hr,
        departure=departure,
        manager=new_manager,
        hr_owner=new_hr,
        last_working_day=last_day,
        support_until=last_day + timedelta(days=60),
    )
    departure.refresh_from_db()
    assert (departure.manager_name, departure.hr_owner_name) == ("Nora New", "Hugo HR")
    assert departure.short_notice  # five days' notice is now flagged
    assert case_access(new_manager, departure).is_manager
    assert case_access(new_hr, departure).is_owner
    assert not case_access(people.manager, departure).can_view
    kinds = list(departure.events.values_list("kind", flat=True))
    assert EventKind.PEOPLE_CHANGED in kinds and EventKind.DATES_CHANGED in kinds
    dates = data_summary(departure.events.get(kind=EventKind.DATES_CHANGED).subject)
    assert "Last working day" in dates and "Aftercare until" in dates


@pytest.mark.parametrize("state", [State.SIGNED_OFF, State.WITHDRAWN])
def test_nothing_about_the_case_changes_after_sign_off(make_case, people, state):
    departure = make_case(state)
    with pytest.raises(HandoverError, match="cannot change once the case is signed off or withdrawn"):
        services.departure_update(
            actor=people.hr,
            departure=departure,
            manager=people.manager,
            hr_owner=people.hr,
            last_working_day=departure.last_working_day + timedelta(days=1),
            support_until=departure.support_until,
        )


def test_only_the_hr_owner_changes_the_case(make_case, people):
    departure = make_case(State.PREPARING)
    with pytest.raises(PermissionDenied):
        services.module_add(
            actor=people.manager, departure=departure, kind="data", successor=people.successor_b
        )


def test_the_hr_owner_must_be_in_hr_and_dates_must_be_in_order(make_case, people):
    departure = make_case(State.PREPARING)
    with pytest.raises(HandoverError, match="someone in HR"):
        services.departure_update(
            actor=people.hr,
            departure=departure,
            manager=people.manager,
            hr_owner=people.stranger,
            last_working_day=departure.last_working_day,
            support_until=departure.support_until,
        )
    with pytest.raises(HandoverError, match="before the last working day"):
        services.departure_update(
            actor=people.hr,
            departure=departure,
            manager=people.manager,
            hr_owner=people.hr,
            last_working_day=departure.last_working_day,
            support_until=departure.last_working_day - timedelta(days=1),
        )


def test_modules_are_added_with_the_template_and_removed_while_untouched(
    make_case, people, default_templates
):
    departure = make_case(State.EXECUTING)
    module = services.module_add(actor=people.hr, departure=departure, kind="data", successor=people.stranger)
    assert module.items.exists()  # the default template's data items
    assert case_access(people.stranger, departure).receives(module)
    with pytest.raises(HandoverError, match="already part of the case"):
        services.module_add(actor=people.hr, departure=departure, kind="data", successor=people.stranger)

    services.module_remove(actor=people.hr, departure=departure, module_id=module.pk)
    assert not departure.modules.filter(kind="data").exists()
    assert not case_access(people.stranger, departure).can_view
    assert departure.events.filter(kind=EventKind.MODULE_REMOVED).exists()

    product = departure.modules.get(kind="product")
    services.item_hand_over(actor=people.leaver, departure=departure, item_id=product.items.first().pk)
    with pytest.raises(HandoverError, match="has been handed over"):
        services.module_remove(actor=people.hr, departure=departure, module_id=product.pk)


def test_the_case_page_offers_the_changes_to_the_hr_owner_only(client, people, make_case, whole_case):
    departure = make_case(State.PREPARING)
    urls = [
        reverse("handover:case_edit", args=[departure.pk]),
        reverse("handover:module_add", args=[departure.pk]),
    ]
    client.force_login(people.hr)
    page = whole_case(departure)
    assert all(url in page for url in urls)
    for url in urls:
        assert client.get(url).status_code == 200
    client.force_login(people.manager)
    page = whole_case(departure)
    assert not any(url in page for url in urls)
    for url in urls:
        assert client.get(url).status_code == 403
    client.force_login(people.stranger)
    for url in urls:
        assert client.get(url).status_code == 404


def test_editing_from_the_page_shows_errors_and_saves(client, people, make_case):
    departure = make_case(State.PREPARING)
    client.force_login(people.hr)
    url = reverse("handover:case_edit", args=[departure.pk])
    data = {
        "manager": people.manager.username,
        "hr_owner": people.hr.username,
        "last_working_day": departure.last_working_day.isoformat(),
        "support_until": (departure.last_working_day - timedelta(days=3)).isoformat(),
    }
    page = client.post(url, data).content.decode()
    assert "Aftercare cannot end before the last working day." in page
    data["support_until"] = (departure.last_working_day + timedelta(days=90)).isoformat()
    assert client.post(url, data).status_code == 302
    departure.refresh_from_db()
    assert departure.support_until == departure.last_working_day + timedelta(days=90)


def test_withdrawing_asks_for_a_reason_that_stays_on_the_timeline(client, people, make_case):
    departure = make_case(State.PREPARING)
    client.force_login(people.hr)
    url = reverse("handover:case_withdraw", args=[departure.pk])
    assert "Why the case is withdrawn" in client.get(url).content.decode()
    assert client.post(url, {"reason": ""}).status_code == 200
    departure.refresh_from_db()
    assert departure.state == State.PREPARING
    assert client.post(url, {"reason": "She accepted the counter-offer."}).status_code == 302
    departure.refresh_from_db()
    assert departure.state == State.WITHDRAWN
    page = client.get(reverse("handover:case_timeline", args=[departure.pk])).content.decode()
    assert "She accepted the counter-offer." in page


def test_no_module_is_added_once_the_trial_run_has_started(make_case, people):
    """Its items could no longer be handed over, and the sign-off would wait for them forever."""
    departure = make_case(State.TRIAL_RUN)
    with pytest.raises(HandoverError, match="only before the trial run"):
        services.module_add(actor=people.hr, departure=departure, kind="data", successor=people.stranger)


def test_the_withdrawal_reason_is_for_those_who_read_the_reason_for_leaving(client, people, make_case):
    departure = make_case(State.PREPARING)
    services.departure_withdraw(actor=people.hr, departure=departure, reason="Counter-offer accepted")
    url = reverse("handover:case_timeline", args=[departure.pk])
    for user, sees in [
        (people.hr, True),
        (people.leaver, True),
        (people.head, False),
        (people.successor_a, False),
    ]:
        client.force_login(user)
        page = client.get(url).content.decode()
        assert ("Counter-offer accepted" in page) is sees, user.username
        assert "Withdrawn" in page


def test_someone_who_cannot_see_the_case_learns_nothing_from_a_service(make_case, people):
    """Not even that their input was wrong: the case does not exist for them."""
    from handover.errors import NotFound

    departure = make_case(State.PREPARING)
    with pytest.raises(NotFound):
        services.departure_withdraw(actor=people.stranger, departure=departure, reason="")


def test_due_dates_move_with_the_last_working_day(make_case, people):
    departure = make_case(State.PREPARING)
    item = departure.modules.get(kind="product").items.exclude(due_date=None).first()
    before = item.due_date
    services.departure_update(
        actor=people.hr,
        departure=departure,
        manager=people.manager,
        hr_owner=people.hr,
        last_working_day=departure.last_working_day + timedelta(days=7),
        support_until=departure.support_until + timedelta(days=7),
    )
    item.refresh_from_db()
    assert item.due_date == before + timedelta(days=7)
    assert "move with it" in data_summary(departure.events.get(kind=EventKind.DATES_CHANGED).subject)


def test_changes_on_the_timeline_are_told_in_the_readers_language(client, people, make_case):
    """Dates and field names in a change are data, so each reader sees them in their language."""
    departure = make_case(State.PREPARING)
    services.departure_update(
        actor=people.hr,
        departure=departure,
        manager=people.manager,
        hr_owner=people.hr,
        last_working_day=departure.last_working_day,
        support_until=departure.support_until + timedelta(days=10),
    )
    people.leaver.language = "zh-hans"
    people.leaver.save()
    client.force_login(people.leaver)
    page = client.get(reverse("handover:case_detail", args=[departure.pk])).content.decode()
    new_end = departure.support_until + timedelta(days=10)
    assert f"{new_end.year}年{new_end.month}月{new_end.day}日" in page
    assert "离职后续截止日" in page
