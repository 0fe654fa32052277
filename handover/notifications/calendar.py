"""Calendar invitations for the handover meeting and demonstrations, sent by mail (iTIP over iMIP,
RFC 5546 and RFC 6047), so that Outlook, Gmail and Apple Mail offer Accept / Decline and keep the
event in step: a change is a new REQUEST under the same UID with a higher SEQUENCE, a cancellation
a CANCEL under the same UID with a higher SEQUENCE."""

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.core.mail import EmailMultiAlternatives
from icalendar import Calendar, Event, Timezone, vCalAddress

PRODID = "-//Handover//Handover//EN"
ATTACHMENT_NAME = "invite.ics"


@dataclass(frozen=True)
class Attendee:
    name: str
    email: str
    required: bool = True  # ROLE=REQ-PARTICIPANT vs OPT-PARTICIPANT


@dataclass(frozen=True)
class Invitation:
    uid: str  # stable per meeting/demonstration, e.g. "meeting-12@handover.example.com"
    sequence: int  # 0 first, +1 per change
    summary: str
    description: str
    location: str  # place or meeting link ("" if none)
    url: str  # link to the page in the app
    start: datetime  # timezone-aware
    end: datetime  # timezone-aware, after start
    time_zone: str  # IANA name of the company's zone, e.g. "Asia/Shanghai"
    organizer: Attendee
    attendees: tuple[Attendee, ...]
    cancelled: bool = False
    stamp: datetime | None = None  # DTSTAMP; default now (UTC)


@lru_cache(maxsize=8)
def _zone(tzid: str) -> Timezone:
    """The zone's VTIMEZONE, worked out once per process (its transitions take a tenth of a second
    to compute) and only read when a calendar is written."""
    return Timezone.from_tzid(tzid)


def ics(invitation: Invitation) -> bytes:
    """The .ics file: METHOD:REQUEST (or CANCEL when cancelled), PRODID -//Handover//Handover//EN,
    one VEVENT, one VTIMEZONE."""
    _check(invitation)
    zone = ZoneInfo(invitation.time_zone)
    stamp = invitation.stamp or datetime.now(UTC)

    event = Event()
    event.add("uid", invitation.uid)
    event.add("sequence", invitation.sequence)
    event.add("dtstamp", stamp.astimezone(UTC))
    # In the company's zone under its IANA TZID rather than in UTC: clients that know the name
    # (Google, Apple, recent Outlook) apply their own rules for it, the rest read the VTIMEZONE.
    event.add("dtstart", invitation.start.astimezone(zone))
    event.add("dtend", invitation.end.astimezone(zone))
    event.add("summary", invitation.summary)
    if invitation.description:
        event.add("description", invitation.description)
    if invitation.location:
        event.add("location", invitation.location)
    if invitation.url:
        event.add("url", invitation.url)
    event.add("status", "CANCELLED" if invitation.cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    organizer = invitation.organizer
    event.add("organizer", vCalAddress(_mailto(organizer), params={"CN": organizer.name}))
    for attendee in _attendees(invitation):
        event.add("attendee", _attendee_address(attendee, invitation))

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", _method(invitation))
    # The zone's definition is added by hand rather than by add_missing_timezones(): some icalendar
    # releases also add one for the UTC of DTSTAMP, and clients that read the file top down expect
    # the VTIMEZONE before the event that refers to it.
    calendar.add_component(_zone(invitation.time_zone))
    calendar.add_component(event)
    return calendar.to_ical()


def attach(message: EmailMultiAlternatives, content: bytes) -> None:
    """Attach an invitation made by ``ics()`` so calendar clients (Outlook, Gmail, Apple Mail) offer
    Accept/Decline: a text/calendar; method=REQUEST|CANCEL; charset=UTF-8 alternative part and an
    'invite.ics' application/ics attachment."""
    method = str(Calendar.from_ical(content).get("method", "REQUEST"))
    # Gmail's own invitations have this shape: clients that read iMIP find the method-tagged
    # text/calendar among the alternatives, while those that only look at attachments (and people
    # who want to import by hand) get the same file as invite.ics. Django builds the part from the
    # subtype as given, so the method parameter rides along and the charset comes from the message
    # (DEFAULT_CHARSET, UTF-8).
    message.attach_alternative(content.decode(), f"text/calendar; method={method}")
    message.attach(ATTACHMENT_NAME, content, "application/ics")


def _check(invitation: Invitation) -> None:
    moments = {"start": invitation.start, "end": invitation.end}
    if invitation.stamp is not None:
        moments["stamp"] = invitation.stamp
    for name, moment in moments.items():
        # A naive time would be read in whatever zone the server runs in: an hour off is worse
        # than no invitation.
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"The invitation's {name} must be timezone-aware, not {moment!r}.")
    if invitation.end <= invitation.start:
        raise ValueError(f"The invitation must end after it starts ({invitation.start} to {invitation.end}).")
    if invitation.sequence < 0:
        raise ValueError(f"The invitation's sequence cannot be negative ({invitation.sequence}).")
    if not invitation.attendees:
        # RFC 5546 requires at least one ATTENDEE in a REQUEST and a CANCEL.
        raise ValueError("An invitation needs at least one attendee.")


def _method(invitation: Invitation) -> str:
    return "CANCEL" if invitation.cancelled else "REQUEST"


def _key(person: Attendee) -> str:
    return person.email.strip().lower()


def _mailto(person: Attendee) -> str:
    return f"mailto:{person.email.strip()}"


def _attendees(invitation: Invitation) -> list[Attendee]:
    """Each address once, in the order first given. A person listed both as required and as
    optional is required: they should not learn from a missing badge that they may skip it."""
    by_email: dict[str, Attendee] = {}
    for attendee in invitation.attendees:
        key = _key(attendee)
        if key in by_email:
            first = by_email[key]
            by_email[key] = replace(first, required=first.required or attendee.required)
        else:
            by_email[key] = attendee
    return list(by_email.values())


def _attendee_address(attendee: Attendee, invitation: Invitation) -> vCalAddress:
    params: dict[str, str] = {
        "CUTYPE": "INDIVIDUAL",
        "ROLE": "REQ-PARTICIPANT" if attendee.required else "OPT-PARTICIPANT",
        "CN": attendee.name,
    }
    if not invitation.cancelled:
        if _key(attendee) == _key(invitation.organizer):
            # Asking the organizer to answer their own invitation would put Accept / Decline on it
            # in their mailbox too; calendar servers list the organizer as having accepted.
            params["PARTSTAT"] = "ACCEPTED"
        else:
            params["PARTSTAT"] = "NEEDS-ACTION"
            params["RSVP"] = "TRUE"
    return vCalAddress(_mailto(attendee), params=params)
