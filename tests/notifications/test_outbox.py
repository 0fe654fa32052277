"""The outbox sends each message once: a second run, a second worker, a worker that died while
sending; failures wait longer each time, and after the last try they wait on HR's page."""

import datetime as dt
import smtplib

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import timezone

from handover.models import Channel, OutboxMessage, OutboxState
from handover.notifications import outbox

pytestmark = pytest.mark.django_db


class RefusingMailServer(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused({"nobody@example.com": (550, b"mailbox unavailable")})


def queued(key: str = "test:1", **extra) -> OutboxMessage:
    return OutboxMessage.objects.create(
        key=key,
        channel=Channel.MAIL,
        kind="test",
        address="someone@example.com",
        subject="Hello",
        text="Plain text",
        html="<p>HTML</p>",
        not_before=timezone.now(),
        **extra,
    )


def test_a_message_is_sent_once_however_often_the_outbox_runs():
    message = queued()
    assert outbox.deliver_due() == 1
    assert outbox.deliver_due() == 0
    assert outbox.deliver(message.pk) is False
    [sent] = mail.outbox
    assert sent.extra_headers["Message-ID"] == outbox.message_id(message)
    message.refresh_from_db()
    assert message.state == OutboxState.SENT and message.attempts == 1 and message.sent_at is not None


def test_two_workers_claiming_one_message_get_it_once():
    message = queued()
    now = timezone.now()
    assert outbox.claim(message.pk, now) is not None
    assert outbox.claim(message.pk, now) is None
    assert outbox.deliver(message.pk, now=now) is False
    assert mail.outbox == []


def test_a_message_whose_worker_died_is_sent_again_as_the_same_message_after_its_claim_ends():
    message = queued()
    with time_machine.travel(timezone.now(), tick=False):
        claimed = outbox.claim(message.pk, timezone.now())
        assert claimed is not None
        # The worker sent it, then died before it could mark it sent.
        outbox.send(claimed)
        assert outbox.deliver_due() == 0  # the claim holds: nobody else sends it meanwhile
    with time_machine.travel(timezone.now() + outbox.lease() + dt.timedelta(seconds=1), tick=False):
        assert outbox.deliver_due() == 1
    first, second = mail.outbox
    # The receiving mail system sees the same Message-ID: one message, delivered twice at most.
    assert first.extra_headers["Message-ID"] == second.extra_headers["Message-ID"]
    message.refresh_from_db()
    assert message.state == OutboxState.SENT and message.attempts == 2


def test_a_failing_message_waits_longer_each_time_then_waits_for_hr(settings, client, people):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingMailServer"
    message = queued()
    start = timezone.now()
    waits = []
    moment = start
    for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
        with time_machine.travel(moment, tick=False):
            assert outbox.deliver_due() == 0
        message.refresh_from_db()
        assert message.attempts == attempt and "mailbox unavailable" in message.last_error
        waits.append(message.not_before - moment)
        moment = message.not_before + dt.timedelta(seconds=1)
    assert message.state == OutboxState.FAILED
    assert [w.total_seconds() // 60 for w in waits[:-1]] == [2, 4, 8, 16, 32]

    client.force_login(people.manager)
    assert client.get(reverse("handover:outbox_failed")).status_code == 404
    assert client.post(reverse("handover:outbox_retry", args=[message.pk])).status_code == 404
    client.force_login(people.hr)
    page = client.get(reverse("handover:outbox_failed")).content.decode()
    assert "someone@example.com" in page and "mailbox unavailable" in page and "Send again" in page

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.post(reverse("handover:outbox_retry", args=[message.pk]))
    message.refresh_from_db()
    assert message.state == OutboxState.PENDING and message.attempts == 0
    assert outbox.deliver_due() == 1
    assert [m.to for m in mail.outbox] == [["someone@example.com"]]
    page = client.post(reverse("handover:outbox_retry", args=[message.pk]), follow=True).content.decode()
    assert "This message is no longer waiting to be sent again." in page


def test_a_calendar_invitation_rides_with_the_mail():
    from handover.notifications.calendar import Attendee, Invitation, ics

    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=1)
    invite = Invitation(
        uid="meeting-1@handover.test",
        sequence=0,
        summary="Handover meeting",
        description="",
        location="Room 3",
        url="",
        start=start,
        end=start + dt.timedelta(hours=1),
        time_zone="Asia/Shanghai",
        organizer=Attendee("Mia Manager", "mia@example.com"),
        attendees=(Attendee("Leo Leaver", "leo@example.com"),),
    )
    queued(calendar=ics(invite).decode())
    outbox.deliver_due()
    [sent] = mail.outbox
    types = [mimetype for _body, mimetype in sent.alternatives]
    assert "text/calendar; method=REQUEST" in types
    assert [name for name, _content, _type in sent.attachments] == ["invite.ics"]
