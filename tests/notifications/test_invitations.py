"""Scheduling the meeting or a demonstration sends calendar invitations; moving it an update with
the same UID and the next SEQUENCE; dropping someone or withdrawing the case a cancellation."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from handover import services
from handover.models import NoticeKind, Notification, State
from handover.notifications import outbox

pytestmark = pytest.mark.django_db


def invitations_by_address() -> dict[str, list[Calendar]]:
    outbox.deliver_due()
    found: dict[str, list[Calendar]] = {}
    for message in mail.outbox:
        for body, mimetype in message.alternatives:
            if mimetype.startswith("text/calendar"):
                found.setdefault(message.to[0], []).append(Calendar.from_ical(body))
    mail.outbox.clear()
    return found


def the_event(calendar: Calendar):
    [event] = calendar.walk("VEVENT")
    return event


def attendees(event) -> set[str]:
    found = event.get("attendee")
    found = found if isinstance(found, list) else [found]
    return {str(address).removeprefix("mailto:") for address in found}


def test_the_meeting_invites_everyone_concerned_and_moves_and_drops_with_the_same_uid(
    people, make_case, settings
):
    settings.TIME_ZONE = "Asia/Shanghai"
    departure = make_case(State.PREPARING)
    when = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    services.meeting_schedule(
        actor=people.manager, departure=departure, scheduled_at=when, location="Room 3", agenda="Prices"
    )
    sent = invitations_by_address()
    invited = {people.leaver.email, people.successor_a.email, people.successor_b.email, people.hr.email}
    assert invited <= set(sent) and people.manager.email not in sent
    first = the_event(sent[people.leaver.email][0])
    assert sent[people.leaver.email][0]["method"] == "REQUEST"
    assert first["sequence"] == 0 and str(first["location"]) == "Room 3"
    assert first.decoded("dtstart") == when and first["dtstart"].params["TZID"] == "Asia/Shanghai"
    assert (
        first.decoded("dtstart").astimezone(ZoneInfo("Asia/Shanghai")).hour
        == when.astimezone(ZoneInfo("Asia/Shanghai")).hour
    )
    assert invited <= attendees(first)
    assert str(first["organizer"]) == f"mailto:{people.manager.email}"
    notice = Notification.objects.get(user=people.leaver, kind=NoticeKind.INVITATION)
    assert notice.title.startswith("Invitation: Handover meeting")

    later = when + timedelta(hours=3)
    services.meeting_schedule(
        actor=people.manager,
        departure=departure,
        scheduled_at=later,
        location="Room 4",
        participant_ids=[people.successor_a.pk],
    )
    sent = invitations_by_address()
    update = the_event(sent[people.successor_a.email][0])
    assert update["uid"] == first["uid"] and update["sequence"] == 1
    assert update.decoded("dtstart") == later
    dropped = sent[people.successor_b.email][0]
    assert dropped["method"] == "CANCEL" and the_event(dropped)["uid"] == first["uid"]
    assert the_event(dropped)["status"] == "CANCELLED"
    assert Notification.objects.filter(user=people.successor_a, title__startswith="Changed:").exists()


def test_a_demonstration_invites_its_attendees_and_the_leaver_and_a_withdrawal_calls_it_off(
    people, make_case
):
    departure = make_case(State.EXECUTING)
    invitations_by_address()  # the meeting's, sent on the way
    item = departure.modules.get(kind="product").items.first()
    when = timezone.now() + timedelta(days=1)
    demonstration = services.demonstration_schedule(
        actor=people.manager,
        departure=departure,
        title="Repricing live",
        scheduled_at=when,
        location="Desk 12",
        item_ids=[item.pk],
        attendee_ids=[people.successor_a.pk],
    )
    sent = invitations_by_address()
    assert set(sent) == {people.leaver.email, people.successor_a.email}
    event = the_event(sent[people.successor_a.email][0])
    assert "Repricing live" in str(event["summary"]) and event["sequence"] == 0
    assert f"demonstration-{demonstration.pk}" in str(event["uid"])

    services.departure_withdraw(actor=people.hr, departure=departure, reason="Stays after all.")
    sent = invitations_by_address()
    called_off = sent[people.successor_a.email]
    assert {str(c["method"]) for c in called_off} == {"CANCEL"}
    assert any(the_event(c)["uid"] == event["uid"] and the_event(c)["sequence"] == 1 for c in called_off)
