import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from handover import reminders, selectors, services
from handover.models import OutboxMessage, State
from handover.notifications import outbox
from handover.tasks import send_daily_digests as queue_daily_digests

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def send_daily_digests() -> int:
    """The digests queued by the daily task, then sent by the outbox (its task runs on commit)."""
    queued = queue_daily_digests()
    outbox.deliver_due()
    return queued


def digests() -> list:
    """The digest mails among those sent (invitations to the meeting go out on the way)."""
    ids = {outbox.message_id(message) for message in OutboxMessage.objects.filter(kind="digest")}
    return [message for message in mail.outbox if message.extra_headers["Message-ID"] in ids]


def recipients() -> list[str]:
    return sorted(address for message in digests() for address in message.to)


def test_digest_goes_once_per_person_per_day(make_case, people, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    with time_machine.travel(dt.datetime(2026, 11, 2, 8, 0, tzinfo=SHANGHAI), tick=False):
        make_case(State.EXECUTING)
        assert send_daily_digests() == 1  # only the leaver has work: items to hand over
        assert recipients() == [people.leaver.email]
        assert send_daily_digests() == 0
        assert len(digests()) == 1
    with time_machine.travel(dt.datetime(2026, 11, 2, 23, 50, tzinfo=SHANGHAI), tick=False):
        assert send_daily_digests() == 0
    with time_machine.travel(dt.datetime(2026, 11, 3, 0, 10, tzinfo=SHANGHAI), tick=False):
        assert send_daily_digests() == 1
        assert send_daily_digests() == 0
    assert len(digests()) == 2
    assert OutboxMessage.objects.filter(kind="digest").count() == 2


def test_digest_lists_each_persons_work_in_their_language(make_case, people):
    people.successor_a.language = "zh-hans"
    people.successor_a.save()
    departure = make_case(State.EXECUTING)
    for item in departure.modules.get(kind="product").items.all()[:2]:
        services.item_hand_over(actor=people.leaver, departure=departure, item_id=item.pk)
    send_daily_digests()
    by_person = {message.to[0]: message for message in digests()}
    assert set(by_person) == {people.leaver.email, people.successor_a.email}
    assert departure.number in by_person[people.leaver.email].body
    assert "Hand over" in by_person[people.leaver.email].body
    assert f"/cases/{departure.pk}/" in by_person[people.successor_a.email].body


def test_nobody_without_open_work_gets_mail(make_case):
    make_case(State.SIGNED_OFF)
    assert send_daily_digests() == 0
    assert not OutboxMessage.objects.filter(kind="digest").exists()
    assert not any(message.subject.startswith("Handover: your open work") for message in mail.outbox)


def test_todos_follow_the_case(make_case, people):
    departure = make_case(State.PREPARING)
    facts = selectors.case_facts(type(departure).objects.filter(pk=departure.pk))[0]
    todos = reminders.todos_for_case(facts, dt.date(2026, 11, 2))
    assert [t.kind for t in todos[people.hr.pk]] == ["schedule_meeting"]
    assert [t.kind for t in todos[people.manager.pk]] == ["schedule_meeting"]
    assert [t.kind for t in todos[people.leaver.pk]] == ["review_inventory"]
    assert people.successor_a.pk not in todos
