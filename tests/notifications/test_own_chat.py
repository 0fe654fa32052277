"""A person connects their own chat bot and chooses, per kind of message, whether it hears it; the
message goes through the outbox to a real local server, after the person's quiet hours, and
nobody else (HR included) sees or touches that chat."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from handover import services
from handover.models import ChatChannel, NoticeKind, NoticePreference, OutboxMessage, State, Timing
from handover.notifications import outbox
from tests.notifications.chat_platforms import DINGTALK_TOKEN, SECRET, url_for
from tests.notifications.test_notices import returned_item

pytestmark = pytest.mark.django_db

SETTINGS = reverse("handover:notification_settings")


@pytest.fixture(autouse=True)
def signing_bot(platforms):
    platforms.dingtalk_secret = SECRET


def connect(client, server, secret=SECRET):
    data = {"platform": "dingtalk", "url": url_for(server, "dingtalk"), "secret": secret}
    return client.post(reverse("handover:own_chat", args=["connect"]), data)


def choose(client, **chats):
    data = {f"kind_{kind}": Timing.NOW for kind in NoticeKind.values}
    data.update({f"chat_{kind}": "on" for kind, on in chats.items() if on})
    data["time_zone"] = ""
    return client.post(SETTINGS, data)


def test_the_leaver_hears_a_returned_item_in_their_own_chat_as_well_as_by_mail(
    client, people, make_case, platforms
):
    client.force_login(people.leaver)
    page = client.get(SETTINGS).content.decode()
    assert "Connect your own chat below" in page and 'type="checkbox" name="chat_item_returned"' not in page
    assert connect(client, platforms).status_code == 302
    own = ChatChannel.objects.get(owner=people.leaver)
    page = client.get(SETTINGS).content.decode()
    assert DINGTALK_TOKEN not in page and SECRET not in page and "127.0.0.1" in page
    assert choose(client, item_returned=True).status_code == 302
    assert NoticePreference.objects.get(user=people.leaver, kind=NoticeKind.ITEM_RETURNED).chat

    departure = make_case(State.EXECUTING)
    item = returned_item(people, departure)
    chats = OutboxMessage.objects.filter(channel="chat", kind=NoticeKind.ITEM_RETURNED)
    assert list(chats.values_list("chat_channel", "user")) == [(own.pk, people.leaver.pk)]
    assert OutboxMessage.objects.filter(channel="mail", kind=NoticeKind.ITEM_RETURNED).count() == 1
    outbox.deliver_due()
    texts = [seen.body["markdown"]["text"] for seen in platforms.seen]
    assert len(texts) == 1 and item.title in texts[0] and "Which supplier?" in texts[0]
    assert "sign" in platforms.seen[0].query


def test_hr_neither_lists_nor_touches_a_persons_own_chat(client, people, platforms):
    client.force_login(people.successor_a)
    connect(client, platforms)
    own = ChatChannel.objects.get()
    client.force_login(people.hr)
    assert own.name not in client.get(reverse("handover:chat_channels")).content.decode()
    assert client.post(reverse("handover:chat_channel_act", args=[own.pk, "disconnect"])).status_code == 404
    assert ChatChannel.objects.filter(pk=own.pk).exists()
    # Announcements are for groups: a person's own chat is not offered.
    assert ChatChannel.objects.filter(announcements=True).count() == 0


def test_quiet_hours_hold_the_chat_message_and_a_disconnected_chat_hears_nothing(
    client, people, make_case, platforms, settings
):
    new_york = ZoneInfo("America/New_York")
    people.leaver.time_zone = "America/New_York"
    people.leaver.quiet_from, people.leaver.quiet_until = dt.time(22, 0), dt.time(7, 0)
    people.leaver.save()
    client.force_login(people.leaver)
    connect(client, platforms)
    NoticePreference.objects.create(
        user=people.leaver, kind=NoticeKind.ITEM_RETURNED, timing=Timing.APP_ONLY, chat=True
    )
    with time_machine.travel(dt.datetime(2026, 12, 1, 23, 30, tzinfo=new_york), tick=False):
        departure = make_case(State.EXECUTING)
        returned_item(people, departure)
        [message] = OutboxMessage.objects.filter(channel="chat")
        assert message.not_before == dt.datetime(2026, 12, 2, 7, 0, tzinfo=new_york)
        # "No mail" means no mail; the chat still hears it.
        assert not OutboxMessage.objects.filter(channel="mail", kind=NoticeKind.ITEM_RETURNED).exists()
    client.post(reverse("handover:own_chat", args=["disconnect"]))
    assert not ChatChannel.objects.exists() and not OutboxMessage.objects.filter(channel="chat").exists()
    # The choice is kept for a chat connected later; meanwhile nothing goes to a chat.
    item = departure.modules.get(kind="orders").items.order_by("position").first()
    services.item_hand_over(actor=people.leaver, departure=departure, item_id=item.pk)
    services.item_return(actor=people.successor_b, departure=departure, item_id=item.pk, question="?")
    assert not OutboxMessage.objects.filter(channel="chat").exists()
    assert NoticePreference.objects.get(user=people.leaver, kind=NoticeKind.ITEM_RETURNED).chat


def test_an_address_off_the_platform_is_refused_and_nothing_is_kept(client, people, platforms):
    client.force_login(people.leaver)
    data = {
        "platform": "dingtalk",
        "url": f"https://oapi.dingtalk.com.evil.example/robot/send?access_token={DINGTALK_TOKEN}",
    }
    page = client.post(reverse("handover:own_chat", args=["connect"]), data).content.decode()
    assert "Enter the webhook address exactly as DingTalk gives it" in page
    assert not ChatChannel.objects.exists()
    assert client.post(reverse("handover:own_chat", args=["test"])).status_code == 404
    assert client.post(reverse("handover:own_chat", args=["elsewhere"])).status_code == 404


def test_a_test_message_reaches_the_persons_chat(client, people, platforms):
    client.force_login(people.manager)
    connect(client, platforms)
    client.post(reverse("handover:own_chat", args=["test"]))
    assert outbox.deliver_due() == 1
    assert "Handover is connected to your chat" in platforms.seen[0].body["markdown"]["text"]
