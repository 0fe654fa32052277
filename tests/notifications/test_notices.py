"""Immediate notices: who is told (the policy's next mover), in their language, once; how each person
chose to hear (mail now, in the digest, only in the app; quiet hours in their own time zone)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from handover import places, services
from handover.models import (
    EventKind,
    NoticeKind,
    NoticePreference,
    Notification,
    OutboxMessage,
    State,
    Timing,
)
from handover.notifications import outbox
from handover.notifications.notices import Notice, after_quiet_hours, notify
from handover.tasks import send_daily_digests

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")


def returned_item(people, departure):
    item = departure.modules.get(kind="product").items.order_by("position").first()
    services.item_hand_over(actor=people.leaver, departure=departure, item_id=item.pk)
    services.item_return(
        actor=people.successor_a, departure=departure, item_id=item.pk, question="Which supplier?"
    )
    return item


def test_a_returned_item_tells_the_leaver_in_their_language_and_nobody_else(people, make_case):
    people.leaver.language = "zh-hans"
    people.leaver.save()
    departure = make_case(State.EXECUTING)
    item = returned_item(people, departure)
    [notice] = Notification.objects.filter(kind=NoticeKind.ITEM_RETURNED)
    assert notice.user == people.leaver and notice.departure == departure
    assert notice.title == f"“{item.title}”被退回并附有问题"
    assert "Which supplier?" in notice.body
    assert notice.link == places.module_url(departure.pk, item.module_id, item.pk)
    [message] = OutboxMessage.objects.filter(kind=NoticeKind.ITEM_RETURNED)
    assert message.address == people.leaver.email and message.subject == notice.title
    assert notice.link in message.text and 'href="http://' in message.html

    outbox.deliver_due()
    [sent] = [m for m in mail.outbox if m.subject == notice.title]
    assert sent.to == [people.leaver.email]
    html = {mimetype: body for body, mimetype in sent.alternatives}["text/html"]
    assert notice.link in sent.body and notice.link in html


def test_the_answer_tells_the_successor_and_trial_acts_tell_whoever_moves_next(people, make_case):
    departure = make_case(State.EXECUTING)
    item = returned_item(people, departure)
    services.item_answer(actor=people.leaver, departure=departure, item_id=item.pk, answer="Acme.")
    told = list(Notification.objects.filter(kind=NoticeKind.ITEM_ANSWERED).values_list("user", flat=True))
    assert told == [people.successor_a.pk]


def test_the_same_key_tells_nobody_twice(people, make_case):
    departure = make_case(State.EXECUTING)

    def tell() -> int:
        return notify(
            kind=NoticeKind.ITEM_RETURNED,
            users=[people.leaver, people.manager],
            case_id=departure.pk,
            key="test:once",
            compose=lambda user: Notice(title="Once", body="", link="/"),
        )

    assert tell() == 2
    assert tell() == 0
    assert Notification.objects.filter(key__startswith="test:once").count() == 2
    assert OutboxMessage.objects.filter(key__startswith="test:once").count() == 2


def test_a_voided_signature_tells_its_signer(people, ready_to_sign):
    departure = ready_to_sign()
    services.departure_sign(actor=people.leaver, departure=departure, password=people.password)
    product = departure.modules.get(kind="product")
    services.trial_task_create(actor=people.manager, departure=departure, module=product, title="One more")
    [notice] = Notification.objects.filter(kind=NoticeKind.SIGNATURE_VOIDED)
    assert notice.user == people.leaver and departure.number in notice.title
    assert departure.events.filter(kind=EventKind.SIGNATURE_VOIDED).count() == 1


def test_a_digest_choice_keeps_the_mail_for_the_digest_and_app_only_sends_none(people, make_case):
    NoticePreference.objects.create(user=people.leaver, kind=NoticeKind.ITEM_RETURNED, timing=Timing.DIGEST)
    NoticePreference.objects.create(
        user=people.successor_a, kind=NoticeKind.ITEM_ANSWERED, timing=Timing.APP_ONLY
    )
    departure = make_case(State.EXECUTING)
    item = returned_item(people, departure)
    services.item_answer(actor=people.leaver, departure=departure, item_id=item.pk, answer="Acme.")
    assert Notification.objects.filter(kind=NoticeKind.ITEM_RETURNED, in_next_digest=True).count() == 1
    assert Notification.objects.filter(kind=NoticeKind.ITEM_ANSWERED, in_next_digest=False).count() == 1
    assert not OutboxMessage.objects.filter(kind__in=[NoticeKind.ITEM_RETURNED, NoticeKind.ITEM_ANSWERED])

    send_daily_digests()
    outbox.deliver_due()
    digests = {m.to[0]: m for m in mail.outbox if m.subject.startswith("Handover: your open work")}
    digest = digests[people.leaver.email]
    assert "Since your last digest:" in digest.body and item.title in digest.body
    assert not Notification.objects.filter(in_next_digest=True).exists()


def test_quiet_hours_hold_mail_until_they_end_in_the_persons_own_time_zone(people, make_case, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    people.leaver.time_zone = "America/New_York"
    people.leaver.quiet_from, people.leaver.quiet_until = dt.time(22, 0), dt.time(7, 0)
    people.leaver.save()
    # 23:30 in New York is 12:30 the next day in Shanghai, in the company's working hours.
    late = dt.datetime(2026, 12, 1, 23, 30, tzinfo=NEW_YORK)
    assert after_quiet_hours(people.leaver, late) == dt.datetime(2026, 12, 2, 7, 0, tzinfo=NEW_YORK)
    assert after_quiet_hours(people.leaver, late.replace(hour=21)) == late.replace(hour=21)
    early = dt.datetime(2026, 12, 2, 6, 59, tzinfo=NEW_YORK)
    assert after_quiet_hours(people.leaver, early) == dt.datetime(2026, 12, 2, 7, 0, tzinfo=NEW_YORK)

    with time_machine.travel(late, tick=False):
        departure = make_case(State.EXECUTING)
        outbox.deliver_due()  # the meeting's invitations to the others, sent on the way
        mail.outbox.clear()
        returned_item(people, departure)
        assert outbox.deliver_due() == 0
        assert mail.outbox == []
        # The successor, without quiet hours, is not held back by the leaver's.
        services.item_answer(
            actor=people.leaver,
            departure=departure,
            item_id=departure.modules.get(kind="product").items.order_by("position").first().pk,
            answer="Acme.",
        )
        assert outbox.deliver_due() == 1
        assert [m.to for m in mail.outbox] == [[people.successor_a.email]]
    with time_machine.travel(dt.datetime(2026, 12, 2, 7, 1, tzinfo=NEW_YORK), tick=False):
        # The leaver's mails waited: the meeting's invitation and the returned item.
        assert outbox.deliver_due() == 2
        assert [m.to for m in mail.outbox[1:]] == [[people.leaver.email]] * 2
        assert "came back with a question" in mail.outbox[-1].subject


def test_the_settings_page_saves_each_choice_and_refuses_half_quiet_hours(client, people):
    client.force_login(people.leaver)
    url = reverse("handover:notification_settings")
    page = client.get(url).content.decode()
    assert "In the daily digest" in page and 'name="kind_item_returned"' in page
    data = {f"kind_{kind}": Timing.NOW for kind in NoticeKind.values}
    data.update(kind_trial_done=Timing.DIGEST, time_zone="Europe/Berlin", quiet_from="22:00", quiet_until="")
    page = client.post(url, data).content.decode()
    assert "Give both ends of your quiet hours, or neither." in page
    assert not NoticePreference.objects.filter(user=people.leaver).exists()
    data["quiet_until"] = "07:00"
    assert client.post(url, data).status_code == 302
    people.leaver.refresh_from_db()
    assert people.leaver.time_zone == "Europe/Berlin" and people.leaver.quiet_until == dt.time(7, 0)
    assert (
        NoticePreference.objects.get(user=people.leaver, kind=NoticeKind.TRIAL_DONE).timing == Timing.DIGEST
    )


def test_the_notification_centre_lists_opens_and_marks_read_only_ones_own(client, people, make_case):
    departure = make_case(State.EXECUTING)
    item = returned_item(people, departure)
    notice = Notification.objects.get(user=people.leaver, kind=NoticeKind.ITEM_RETURNED)
    Notification.objects.filter(user=people.leaver).exclude(pk=notice.pk).update(read_at=timezone.now())
    client.force_login(people.leaver)
    assert ">1<" in client.get(reverse("handover:notifications_unread")).content.decode()
    page = client.get(reverse("handover:notifications")).content.decode()
    assert item.title in page and "Mark all as read" in page
    opened = client.get(reverse("handover:notification_open", args=[notice.pk]))
    assert opened["Location"] == notice.link
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert "unread-count" not in client.get(reverse("handover:notifications_unread")).content.decode()
    # Someone else's notice does not exist for this person.
    client.force_login(people.successor_a)
    assert client.get(reverse("handover:notification_open", args=[notice.pk])).status_code == 404
    response = client.post(reverse("handover:notifications_read"), {"notification": notice.pk})
    assert response.status_code == 404


def test_mark_all_read(client, people, make_case):
    departure = make_case(State.EXECUTING)
    returned_item(people, departure)
    client.force_login(people.leaver)
    client.post(reverse("handover:notifications_read"))
    assert not Notification.objects.filter(user=people.leaver, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=people.leaver, read_at__lte=timezone.now()).count() >= 2


def test_two_runs_that_overlap_write_each_notice_and_mail_once(people):
    """Two scans that both decided to tell the same person (neither had seen the other's rows)
    leave one notice and one mail: the keys keep them once, without a lock."""
    from handover.notifications.notices import DEFAULT, Batch

    def compose(user):
        return Notice(title="Due tomorrow", body="", link="/work/")

    first, second = Batch(), Batch()
    for batch in (first, second):
        batch.add(NoticeKind.DUE, people.leaver, None, "due:overlap", compose, DEFAULT)
    first.save()
    second.save()
    assert Notification.objects.filter(key=f"due:overlap:{people.leaver.pk}").count() == 1
    assert OutboxMessage.objects.filter(key__startswith="due:overlap:").count() == 1
