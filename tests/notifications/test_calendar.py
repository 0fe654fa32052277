import email
import email.policy
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.mail import EmailMultiAlternatives
from icalendar import Calendar, Event

from handover.notifications.calendar import Attendee, Invitation, attach, ics

SHANGHAI = ZoneInfo("Asia/Shanghai")
HR = Attendee("王芳 (HR)", "hr@example.com")
LEAVER = Attendee("张伟", "zhang.wei@example.com")
SUCCESSOR = Attendee("Li, Na", "li.na@example.com")
MANAGER = Attendee("Chen Jie", "chen.jie@example.com", required=False)


def invitation(**overrides: Any) -> Invitation:
    base = Invitation(
        uid="meeting-12@handover.example.com",
        sequence=0,
        summary="交接会议: 张伟",
        description="Walk through the handover list together.",
        location="3F 会议室 A",
        url="https://handover.example.com/cases/12/",
        # 06:00 UTC is 14:00 in Shanghai: the file must carry the latter under TZID=Asia/Shanghai.
        start=datetime(2026, 3, 5, 6, 0, tzinfo=UTC),
        end=datetime(2026, 3, 5, 7, 30, tzinfo=UTC),
        time_zone="Asia/Shanghai",
        organizer=HR,
        attendees=(LEAVER, SUCCESSOR, MANAGER),
        stamp=datetime(2026, 3, 1, 9, 0, tzinfo=SHANGHAI),
    )
    return replace(base, **overrides)


def parse(invite: Invitation) -> tuple[Calendar, Event]:
    calendar = Calendar.from_ical(ics(invite))
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def attendees_by_email(event: Event) -> dict[str, dict[str, str]]:
    values = event.get("ATTENDEE", [])
    if not isinstance(values, list):
        values = [values]
    return {str(value).removeprefix("mailto:"): dict(value.params) for value in values}


def test_request_carries_method_product_uid_sequence_and_status():
    calendar, event = parse(invitation(sequence=0))

    assert calendar["METHOD"] == "REQUEST"
    assert calendar["PRODID"] == "-//Handover//Handover//EN"
    assert calendar["VERSION"] == "2.0"
    assert event["UID"] == "meeting-12@handover.example.com"
    assert event["SEQUENCE"] == 0
    assert event["STATUS"] == "CONFIRMED"
    assert event["SUMMARY"] == "交接会议: 张伟"
    assert event["DESCRIPTION"] == "Walk through the handover list together."
    assert event["LOCATION"] == "3F 会议室 A"
    assert event["URL"] == "https://handover.example.com/cases/12/"


def test_times_are_written_in_the_company_zone_with_its_definition():
    raw = ics(invitation())
    calendar, event = parse(invitation())

    assert b"DTSTART;TZID=Asia/Shanghai:20260305T140000\r\n" in raw
    assert b"DTEND;TZID=Asia/Shanghai:20260305T153000\r\n" in raw
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start == datetime(2026, 3, 5, 6, 0, tzinfo=UTC)
    assert end == datetime(2026, 3, 5, 7, 30, tzinfo=UTC)
    assert start.astimezone(SHANGHAI).hour == 14
    assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    # Clients that read top down meet the zone before the event that names it.
    assert [component.name for component in calendar.subcomponents] == ["VTIMEZONE", "VEVENT"]


def test_times_given_in_another_zone_keep_their_instant():
    berlin = ZoneInfo("Europe/Berlin")
    start, end = datetime(2026, 7, 1, 8, 0, tzinfo=berlin), datetime(2026, 7, 1, 9, 0, tzinfo=berlin)
    _, event = parse(invitation(start=start, end=end))

    assert event.decoded("DTSTART") == datetime(2026, 7, 1, 6, 0, tzinfo=UTC)
    assert event.decoded("DTSTART").astimezone(SHANGHAI).hour == 14
    assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"


def test_stamp_is_written_in_utc():
    raw = ics(invitation(stamp=datetime(2026, 3, 1, 9, 0, tzinfo=SHANGHAI)))

    assert b"DTSTAMP:20260301T010000Z\r\n" in raw


def test_stamp_defaults_to_now():
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI), tick=False):
        _, event = parse(invitation(stamp=None))

    assert event.decoded("DTSTAMP") == datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def test_attendees_are_asked_to_answer_with_their_role():
    _, event = parse(invitation())

    attendees = attendees_by_email(event)
    assert list(attendees) == ["zhang.wei@example.com", "li.na@example.com", "chen.jie@example.com"]
    assert attendees["zhang.wei@example.com"] == {
        "CN": "张伟",
        "CUTYPE": "INDIVIDUAL",
        "ROLE": "REQ-PARTICIPANT",
        "PARTSTAT": "NEEDS-ACTION",
        "RSVP": "TRUE",
    }
    assert attendees["chen.jie@example.com"]["ROLE"] == "OPT-PARTICIPANT"
    assert attendees["chen.jie@example.com"]["RSVP"] == "TRUE"


def test_organizer_is_named():
    _, event = parse(invitation())

    assert str(event["ORGANIZER"]) == "mailto:hr@example.com"
    assert event["ORGANIZER"].params["CN"] == "王芳 (HR)"


@pytest.mark.parametrize(
    "name",
    ["张伟", "Li, Na", "O'Brien; Sean", 'Robert "Bob" Smith', "Müller: Team Lead", "欧阳 娜娜, 财务部; 主管"],
)
def test_names_survive_the_round_trip(name):
    person = Attendee(name, "a@example.com")
    _, event = parse(invitation(organizer=Attendee(name, "hr@example.com"), attendees=(person,)))

    assert event["ORGANIZER"].params["CN"] == name
    assert attendees_by_email(event)["a@example.com"]["CN"] == name


def test_text_with_punctuation_survives_the_round_trip():
    text = "第一行, with a comma; a semicolon\nand a second line: 第二行"
    _, event = parse(invitation(summary=text, description=text, location=text))

    assert (event["SUMMARY"], event["DESCRIPTION"], event["LOCATION"]) == (text, text, text)


def test_long_lines_are_folded_at_75_octets():
    long = invitation(
        description="交接清单和账号移交。" * 40, attendees=(Attendee("很长的名字" * 10, "a@example.com"),)
    )

    lines = ics(long).split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)
    _, event = parse(long)
    assert event["DESCRIPTION"] == "交接清单和账号移交。" * 40
    assert attendees_by_email(event)["a@example.com"]["CN"] == "很长的名字" * 10


def test_empty_location_and_url_are_left_out():
    _, event = parse(invitation(location="", url=""))

    assert "LOCATION" not in event
    assert "URL" not in event


def test_attendees_are_deduplicated_by_address_ignoring_case():
    _, event = parse(
        invitation(
            attendees=(
                LEAVER,
                Attendee("Zhang Wei", "Zhang.Wei@Example.com"),
                MANAGER,
                Attendee("Chen", "CHEN.JIE@example.com", required=True),
            )
        )
    )

    attendees = attendees_by_email(event)
    assert list(attendees) == ["zhang.wei@example.com", "chen.jie@example.com"]
    assert attendees["zhang.wei@example.com"]["CN"] == "张伟"
    # Listed once as optional and once as required: they are expected.
    assert attendees["chen.jie@example.com"]["ROLE"] == "REQ-PARTICIPANT"


def test_organizer_is_not_added_as_an_attendee():
    _, event = parse(invitation(attendees=(LEAVER,)))

    assert list(attendees_by_email(event)) == ["zhang.wei@example.com"]


def test_organizer_listed_as_attendee_appears_once_and_is_not_asked_to_answer():
    _, event = parse(invitation(attendees=(LEAVER, Attendee("王芳", "HR@example.com"), HR)))

    attendees = attendees_by_email(event)
    assert list(attendees) == ["zhang.wei@example.com", "HR@example.com"]
    assert attendees["HR@example.com"]["PARTSTAT"] == "ACCEPTED"
    assert "RSVP" not in attendees["HR@example.com"]


def test_update_keeps_the_uid_and_raises_the_sequence():
    first = invitation(sequence=0)
    day = timedelta(days=1)
    moved = replace(first, sequence=1, start=first.start + day, end=first.end + day)

    _, before = parse(first)
    calendar, after = parse(moved)

    assert calendar["METHOD"] == "REQUEST"
    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] == before["SEQUENCE"] + 1
    assert after.decoded("DTSTART").astimezone(SHANGHAI) == datetime(2026, 3, 6, 14, 0, tzinfo=SHANGHAI)
    assert attendees_by_email(after)["zhang.wei@example.com"]["PARTSTAT"] == "NEEDS-ACTION"


def test_cancel_keeps_the_uid_and_says_cancelled():
    calendar, event = parse(invitation(sequence=2, cancelled=True))

    assert calendar["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"
    assert event["UID"] == "meeting-12@handover.example.com"
    assert event["SEQUENCE"] == 2
    attendees = attendees_by_email(event)
    assert list(attendees) == ["zhang.wei@example.com", "li.na@example.com", "chen.jie@example.com"]
    # Nobody is asked to answer a cancellation.
    assert attendees["zhang.wei@example.com"] == {
        "CN": "张伟",
        "CUTYPE": "INDIVIDUAL",
        "ROLE": "REQ-PARTICIPANT",
    }
    assert str(event["ORGANIZER"]) == "mailto:hr@example.com"


@pytest.mark.parametrize("field", ["start", "end", "stamp"])
def test_naive_times_are_refused(field):
    aware = getattr(invitation(), field)

    with pytest.raises(ValueError, match=field):
        ics(invitation(**{field: aware.replace(tzinfo=None)}))


@pytest.mark.parametrize("length", [timedelta(0), timedelta(minutes=-30)])
def test_end_must_come_after_start(length):
    start = datetime(2026, 3, 5, 6, 0, tzinfo=UTC)

    with pytest.raises(ValueError, match="end after it starts"):
        ics(invitation(start=start, end=start + length))


def test_an_invitation_without_attendees_is_refused():
    with pytest.raises(ValueError, match="attendee"):
        ics(invitation(attendees=()))


def test_a_negative_sequence_is_refused():
    with pytest.raises(ValueError, match="sequence"):
        ics(invitation(sequence=-1))


def sent(invite: Invitation) -> EmailMessage:
    message = EmailMultiAlternatives(
        subject="交接会议",
        body="You are invited to the handover meeting.",
        from_email="handover@example.com",
        to=[LEAVER.email, SUCCESSOR.email],
    )
    attach(message, ics(invite))
    parsed = email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


@pytest.mark.parametrize(("cancelled", "method"), [(False, "REQUEST"), (True, "CANCEL")])
def test_attach_adds_a_calendar_alternative_and_an_ics_file(cancelled, method):
    message = sent(invitation(cancelled=cancelled))

    assert message.get_content_type() == "multipart/mixed"
    body, attachment = message.iter_parts()
    assert body.get_content_type() == "multipart/alternative"
    plain, calendar_part = body.iter_parts()
    assert plain.get_content_type() == "text/plain"
    assert "handover meeting" in plain.get_content()

    assert calendar_part.get_content_type() == "text/calendar"
    assert calendar_part.get_param("method") == method
    assert str(calendar_part.get_param("charset")).lower() == "utf-8"
    assert calendar_part.get_content_disposition() is None
    inline = Calendar.from_ical(calendar_part.get_content())
    assert inline["METHOD"] == method
    assert inline.walk("VEVENT")[0]["SUMMARY"] == "交接会议: 张伟"

    assert attachment.get_content_type() == "application/ics"
    assert attachment.get_content_disposition() == "attachment"
    assert attachment.get_filename() == "invite.ics"
    payload = attachment.get_payload(decode=True)
    assert payload == ics(invitation(cancelled=cancelled))
    assert Calendar.from_ical(payload)["METHOD"] == method
