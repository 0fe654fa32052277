"""Calendar invitations for the handover meeting and the demonstrations: each invitee is told in the
app and, by mail, gets an iCalendar invitation (the same UID for the life of the event, a higher
SEQUENCE for each change, METHOD:CANCEL when it is called off or they are no longer invited)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr
from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from handover import formatting, places
from handover.models import Demonstration, Departure, HandoverMeeting, NoticeKind
from handover.notifications import calendar
from handover.notifications.notices import Notice, notify

# Neither the meeting nor a demonstration has an end of its own: the invitation blocks an hour.
LENGTH = timedelta(hours=1)


@dataclass(frozen=True)
class Event:
    """What the invitation is about, as calendars show it."""

    uid: str
    sequence: int
    summary: str
    description: str
    location: str
    start: datetime
    link: str


def _domain() -> str:
    return urlsplit(settings.HANDOVER_BASE_URL).hostname or "handover.invalid"


def _attendee(user: User) -> calendar.Attendee:
    return calendar.Attendee(name=user.name, email=user.email)


def _organizer(user: User) -> calendar.Attendee:
    if user.email:
        return _attendee(user)
    return calendar.Attendee(name=user.name, email=parseaddr(settings.DEFAULT_FROM_EMAIL)[1])


def send(
    *,
    describe: Callable[[], Event],
    departure: Departure,
    organizer: User,
    invited: Iterable[User],
    uninvited: Iterable[User] = (),
    cancelled: bool = False,
) -> None:
    """Invite ``invited`` (or tell them it is called off), and tell ``uninvited`` they are no longer
    expected; each once for this version of the event. ``describe()`` is asked in each person's
    language."""
    invited = [person for person in invited if person.is_active]
    with_mail = tuple(_attendee(person) for person in invited if person.email)
    version = describe()

    made: dict[tuple[str | None, tuple[calendar.Attendee, ...], bool], bytes] = {}

    def invitation(attendees: tuple[calendar.Attendee, ...], off: bool) -> bytes:
        # The same file for everyone who reads the same language.
        version = (translation.get_language(), attendees, off)
        if version not in made:
            made[version] = _ics(attendees, off)
        return made[version]

    def _ics(attendees: tuple[calendar.Attendee, ...], off: bool) -> bytes:
        event = describe()
        return calendar.ics(
            calendar.Invitation(
                uid=event.uid,
                sequence=event.sequence,
                summary=event.summary,
                description=event.description,
                location=event.location,
                url=settings.HANDOVER_BASE_URL + event.link,
                start=event.start,
                end=event.start + LENGTH,
                time_zone=settings.TIME_ZONE,
                organizer=_organizer(organizer),
                attendees=attendees,
                cancelled=off,
            )
        )

    def compose(off: bool) -> Callable[[User], Notice]:
        def notice(user: User) -> Notice:
            event = describe()
            what = {"what": event.summary, "when": formatting.moment(event.start)}
            if off:
                title = _("Called off: %(what)s, %(when)s") % what
            elif event.sequence:
                title = _("Changed: %(what)s, now %(when)s") % what
            else:
                title = _("Invitation: %(what)s, %(when)s") % what
            body = "\n".join(line for line in (event.location, event.description) if line)
            return Notice(title=title, body=body, link=event.link)

        return notice

    notify(
        kind=NoticeKind.INVITATION,
        users=invited,
        case_id=departure.pk,
        key=f"{version.uid}:{version.sequence}",
        compose=compose(cancelled),
        calendar=(lambda user: invitation(with_mail, cancelled)) if with_mail else None,
    )
    notify(
        kind=NoticeKind.INVITATION,
        users=[person for person in uninvited if person.is_active],
        case_id=departure.pk,
        key=f"{version.uid}:{version.sequence}:off",
        compose=compose(True),
        calendar=lambda user: invitation((_attendee(user),), True),
    )


def meeting_event(meeting: HandoverMeeting, departure: Departure) -> Event:
    return Event(
        uid=f"handover-meeting-{meeting.pk}@{_domain()}",
        sequence=meeting.sequence,
        summary=_("Handover meeting: %(name)s") % {"name": departure.employee_name},
        description=meeting.agenda,
        location=meeting.location,
        start=meeting.scheduled_at,
        link=places.case_url(departure.pk, "meeting"),
    )


def demonstration_event(demonstration: Demonstration, departure: Departure, sequence: int = 0) -> Event:
    return Event(
        uid=f"handover-demonstration-{demonstration.pk}@{_domain()}",
        sequence=sequence,
        summary=_("Demonstration: %(what)s (%(name)s)")
        % {"what": demonstration.title, "name": departure.employee_name},
        description="",
        location=demonstration.location,
        start=demonstration.scheduled_at,
        link=places.case_url(departure.pk, f"demonstration-{demonstration.pk}"),
    )


def call_off(departure: Departure, actor: User | None) -> None:
    """A withdrawn case: the meeting and the demonstrations still to come are called off."""
    organizer = actor or departure.hr_owner
    meeting = HandoverMeeting.objects.filter(departure=departure, held_at__isnull=True).first()
    if meeting is not None:
        HandoverMeeting.objects.filter(pk=meeting.pk).update(sequence=F("sequence") + 1)
        meeting.refresh_from_db()
        send(
            describe=lambda: meeting_event(meeting, departure),
            departure=departure,
            organizer=organizer,
            invited=[p.user for p in meeting.participants.select_related("user")],
            cancelled=True,
        )
    for demonstration in departure.demonstrations.filter(held_at__isnull=True):
        send(
            describe=partial(demonstration_event, demonstration, departure, 1),
            departure=departure,
            organizer=organizer,
            invited=demonstration_people(demonstration, departure),
            cancelled=True,
        )


def demonstration_people(demonstration: Demonstration, departure: Departure) -> list[User]:
    """Who a demonstration concerns: its attendees and the departing employee who gives it."""
    people = [attendee.user for attendee in demonstration.attendees.select_related("user")]
    return [departure.employee, *(person for person in people if person.pk != departure.employee_id)]
