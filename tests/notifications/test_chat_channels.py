"""HR connects group chats per department (and for the organisation); announcements and late work
reach them through the outbox, signed where the platform signs, received by a real local server."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Department
from handover import services
from handover.models import ChatChannel, OutboxMessage, OutboxState, State
from handover.notifications import outbox
from tests.notifications.chat_platforms import DINGTALK_TOKEN, SECRET, url_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def signing_bot(platforms):
    """The group's DingTalk bot signs: it refuses what is not signed with its secret."""
    platforms.dingtalk_secret = SECRET


def connect(client, server, *, name="Ops group", department=None, secret=SECRET, platform="dingtalk"):
    data = {
        "name": name,
        "department": department.pk if department else "",
        "platform": platform,
        "url": url_for(server, platform),
        "secret": secret,
        "announcements": "on",
        "escalations": "on",
    }
    return client.post(reverse("handover:chat_channels"), data)


def test_hr_connects_a_group_whose_address_and_secret_are_never_shown_again(client, people, platforms):
    client.force_login(people.manager)
    assert client.get(reverse("handover:chat_channels")).status_code == 404
    client.force_login(people.hr)
    assert connect(client, platforms).status_code == 302
    group = ChatChannel.objects.get()
    assert DINGTALK_TOKEN.encode() not in bytes(group.webhook_token)
    assert SECRET.encode() not in bytes(group.secret_token)
    page = client.get(reverse("handover:chat_channels")).content.decode()
    assert "Ops group" in page and "127.0.0.1" in page and "signed" in page
    assert DINGTALK_TOKEN not in page and SECRET not in page

    client.post(reverse("handover:chat_channel_act", args=[group.pk, "test"]))
    assert outbox.deliver_due() == 1
    [seen] = platforms.seen
    assert seen.path == "/robot/send" and "sign" in seen.query
    assert "Handover is connected to this group" in seen.body["markdown"]["text"]


def test_an_address_off_the_platforms_hosts_is_refused_and_nothing_is_kept(client, people, platforms):
    client.force_login(people.hr)
    data = {
        "name": "Lookalike",
        "platform": "dingtalk",
        "url": f"https://oapi.dingtalk.com.evil.example/robot/send?access_token={DINGTALK_TOKEN}",
        "announcements": "on",
    }
    page = client.post(reverse("handover:chat_channels"), data).content.decode()
    assert "Enter the webhook address exactly as DingTalk gives it" in page
    assert not ChatChannel.objects.exists()


def test_the_announcement_reaches_the_groups_hr_ticked_which_start_as_the_departments_and_the_organisations(
    client, people, make_case, platforms, django_capture_on_commit_callbacks
):
    client.force_login(people.hr)
    other = Department.objects.create(name="Warehouse")
    connect(client, platforms, name="Team chat", department=people.leaver.department)
    connect(client, platforms, name="Company chat")
    connect(client, platforms, name="Warehouse chat", department=other)
    departure = make_case(State.PREPARING, announced=False)
    review = reverse("handover:case_announcement", args=[departure.pk])
    form = client.get(review).context["form"]
    ticked = form["chat_channels"].initial
    assert sorted(ChatChannel.objects.filter(pk__in=ticked).values_list("name", flat=True)) == [
        "Company chat",
        "Team chat",
    ]
    data = {"text": "Leo Leaver leaves.", "audience": "case", "chat_channels": ticked}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(review, data)
    services.departure_announce(departure_id=departure.pk)  # already announced: nothing again
    posted = OutboxMessage.objects.filter(channel="chat", kind="announcements")
    assert sorted(posted.values_list("address", flat=True)) == ["Company chat", "Team chat"]
    outbox.deliver_due()  # whatever the send after the commit left
    assert set(posted.values_list("state", flat=True)) == {OutboxState.SENT}
    texts = [seen.body["markdown"]["text"] for seen in platforms.seen]
    assert all(departure.employee_name in text for text in texts) and len(texts) == 2
    event = departure.events.get(kind="announced")
    assert "Team chat" in event.subject and "Warehouse chat" not in event.subject


def test_a_group_whose_bot_refuses_the_signature_fails_at_once_for_hr_to_see(client, people, platforms):
    client.force_login(people.hr)
    connect(client, platforms, secret="SEC-not-the-bots-secret")
    group = ChatChannel.objects.get()
    client.post(reverse("handover:chat_channel_act", args=[group.pk, "test"]))
    assert outbox.deliver_due() == 0
    message = OutboxMessage.objects.get(chat_channel=group)
    assert message.state == OutboxState.FAILED and message.attempts == 1
    page = client.get(reverse("handover:outbox_failed")).content.decode()
    assert "Ops group" in page and "310000" in page
    assert DINGTALK_TOKEN not in page and "SEC-not-the-bots-secret" not in page
    client.post(reverse("handover:chat_channel_act", args=[group.pk, "disconnect"]))
    assert not ChatChannel.objects.exists()


def test_late_work_reaches_the_departments_group_that_hears_escalations(client, people, make_case, platforms):
    client.force_login(people.hr)
    connect(client, platforms, name="Team chat", department=people.leaver.department)
    departure = make_case(State.EXECUTING)
    item = departure.modules.get(kind="product").items.order_by("position").first()
    type(item).objects.filter(pk=item.pk).update(due_date=timezone.localdate() - dt.timedelta(days=10))
    services.reminders_send()
    posted = OutboxMessage.objects.filter(channel="chat", kind="escalations", address="Team chat")
    assert posted.exists() and all(item.title in message.subject for message in posted)
    services.reminders_send()
    assert OutboxMessage.objects.filter(channel="chat", kind="escalations").count() == posted.count()


def test_late_work_of_a_case_without_a_department_reaches_no_group(client, people, make_case, platforms):
    """The organisation's group hears announcements HR chooses, never the late work of a case
    that has no department."""
    client.force_login(people.hr)
    connect(client, platforms, name="Company chat")
    people.leaver.department = None
    people.leaver.save()
    departure = make_case(State.EXECUTING)
    assert departure.department_id is None
    item = departure.modules.get(kind="product").items.order_by("position").first()
    type(item).objects.filter(pk=item.pk).update(due_date=timezone.localdate() - dt.timedelta(days=10))
    assert services.reminders_send() > 0
    assert not OutboxMessage.objects.filter(channel="chat").exists()
