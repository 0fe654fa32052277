"""One rule, one place: the menu shows a page's link exactly to those its view lets in; the outbox
page offers "Send again" exactly where the service sends again; and the notices of the acts that
hand someone the next move say what they always said."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from handover import places, policy, services
from handover.errors import HandoverError
from handover.models import Channel, NoticeKind, Notification, OutboxMessage, OutboxState, State
from handover.notifications import outbox
from handover.services.notices import NEXT_NOTICES
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Every page the menu may link to beyond My work and Cases, which are everyone's.
MENU_PAGES = [
    "handover:stuck",
    "handover:open_accesses",
    "handover:case_open",
    "handover:template_list",
    "handover:system_list",
    "handover:chat_channels",
]

HR_PAGES = {"handover:case_open", "handover:template_list", "handover:system_list", "handover:chat_channels"}
EXPECTED_MENU = {
    "hr": set(MENU_PAGES),
    "manager": {"handover:stuck"},
    "it": {"handover:open_accesses"},
    "leaver": set(),
    "stranger": set(),
}


def menu_links(page: str) -> set[str]:
    [nav] = re.findall(r'<nav aria-label="Main">(.*?)</nav>', page, re.S)
    return set(re.findall(r'href="([^"]+)"', nav))


def person(people, role: str):
    if role == "it":
        return UserFactory(username="it", roles=[Role.IT])
    return getattr(people, role)


@pytest.mark.parametrize("role", list(EXPECTED_MENU))
def test_the_menu_links_exactly_the_pages_each_person_may_open(client, people, role):
    client.force_login(person(people, role))
    shown = menu_links(client.get(reverse("handover:my_work")).content.decode())
    linked = {name for name in MENU_PAGES if reverse(name) in shown}
    assert linked == EXPECTED_MENU[role]
    for name in MENU_PAGES:
        assert (client.get(reverse(name)).status_code == 200) == (name in linked), name


def test_an_hr_officer_who_may_not_open_cases_sees_no_link_to_open_one(client, people):
    assert policy.may_open_case(people.hr)
    Group.objects.get(name=Role.HR).permissions.remove(Permission.objects.get(codename="add_departure"))
    client.force_login(people.hr)
    shown = menu_links(client.get(reverse("handover:my_work")).content.decode())
    assert reverse("handover:case_open") not in shown
    assert client.get(reverse("handover:case_open")).status_code == 404
    assert {reverse(name) for name in HR_PAGES - {"handover:case_open"}} <= shown


def test_the_menu_is_not_drawn_for_someone_signed_out(client):
    page = client.get(reverse("login")).content.decode()
    assert '<nav aria-label="Main">' not in page


def message_in(state: str, key: str) -> OutboxMessage:
    return OutboxMessage.objects.create(
        key=key,
        channel=Channel.MAIL,
        kind="test",
        address=f"{key}@example.com",
        subject=f"Subject {key}",
        text="Plain text",
        state=state,
        attempts=1,
        not_before=timezone.now(),
    )


def test_only_a_message_the_outbox_gave_up_on_may_be_sent_again():
    allowed = {state for state in OutboxState.values if outbox.may_send_again(message_in(state, state))}
    assert allowed == {OutboxState.FAILED}


@pytest.mark.parametrize("state", OutboxState.values)
def test_the_send_again_button_and_the_service_agree(client, people, state):
    message = message_in(state, "one")
    client.force_login(people.hr)
    page = client.get(reverse("handover:outbox_failed")).content.decode()
    retry = reverse("handover:outbox_retry", args=[message.pk])
    offered = f'action="{retry}"' in page
    assert offered == (state == OutboxState.FAILED)
    if offered:
        services.outbox_retry(actor=people.hr, message_id=message.pk)
        message.refresh_from_db()
        assert message.state == OutboxState.PENDING and message.attempts == 0
    else:
        with pytest.raises(HandoverError, match="no longer waiting to be sent again"):
            services.outbox_retry(actor=people.hr, message_id=message.pk)
        message.refresh_from_db()
        assert message.state == state and message.attempts == 1


def test_a_message_still_being_tried_is_listed_without_send_again_and_a_post_changes_nothing(client, people):
    message = message_in(OutboxState.PENDING, "retrying")
    client.force_login(people.hr)
    page = client.get(reverse("handover:outbox_failed")).content.decode()
    assert "retrying@example.com" in page and "Send again" not in page
    answer = client.post(reverse("handover:outbox_retry", args=[message.pk]), follow=True).content.decode()
    assert "This message is no longer waiting to be sent again." in answer
    message.refresh_from_db()
    assert message.state == OutboxState.PENDING and message.attempts == 1


def test_every_act_whose_next_mover_the_policy_names_has_its_words():
    assert set(NEXT_NOTICES) == set(policy.NOTICE_NEXT)


def test_the_item_notices_keep_their_words_and_links(people, make_case):
    departure = make_case(State.EXECUTING)
    item = departure.modules.get(kind="product").items.order_by("position").first()
    services.item_hand_over(actor=people.leaver, departure=departure, item_id=item.pk)
    services.item_return(
        actor=people.successor_a, departure=departure, item_id=item.pk, question="Which one?"
    )
    services.item_answer(actor=people.leaver, departure=departure, item_id=item.pk, answer="Acme.")
    link = places.module_url(departure.pk, item.module_id, item.pk)
    told = Notification.objects.filter(kind__in=[NoticeKind.ITEM_RETURNED, NoticeKind.ITEM_ANSWERED])
    assert sorted(told.values_list("kind", "user", "title", "body", "link")) == [
        (
            NoticeKind.ITEM_ANSWERED,
            people.successor_a.pk,
            f"Your question on “{item.title}” is answered",
            "Leo Leaver answers: Acme.",
            link,
        ),
        (
            NoticeKind.ITEM_RETURNED,
            people.leaver.pk,
            f"“{item.title}” came back with a question",
            "Sam Successor asks: Which one?",
            link,
        ),
    ]


def test_the_trial_notices_keep_their_words_and_links(people, ready_to_sign):
    departure = ready_to_sign(independent=False)
    product = departure.modules.get(kind="product")
    task = services.trial_task_create(
        actor=people.manager, departure=departure, module=product, title="Refund"
    )
    services.trial_task_complete(actor=people.successor_a, departure=departure, task_id=task.pk, note="Done.")
    services.trial_task_rework(actor=people.leaver, departure=departure, task_id=task.pk, feedback="Again.")
    told = Notification.objects.filter(
        kind__in=[NoticeKind.TRIAL_DONE, NoticeKind.TRIAL_REWORK], title__contains="Refund"
    )
    link = places.case_url(departure.pk, "trial")
    assert sorted(told.values_list("kind", "user", "title", "body", "link")) == [
        (
            NoticeKind.TRIAL_DONE,
            people.leaver.pk,
            "“Refund” is done: check it",
            "Sam Successor did it: Done.",
            link,
        ),
        (
            NoticeKind.TRIAL_REWORK,
            people.successor_a.pk,
            "“Refund” was sent back for rework",
            "Leo Leaver says: Again.",
            link,
        ),
    ]
