from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from handover import formatting, policy
from handover.errors import HandoverError
from handover.models import Departure, EventKind, HandoverMeeting
from handover.models.events import data_subject

from ._base import access_for, facts_of, lock_case, record_change


def meeting_schedule(
    *, actor: User, departure: Departure, scheduled_at: datetime, location: str, agenda: str = ""
) -> HandoverMeeting:
    """HR or the manager sets (or moves) the handover meeting."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        access = access_for(actor, departure)
        policy.case_decision(facts_of(departure), access, "schedule_meeting").enforce()
        meeting, _created = HandoverMeeting.objects.update_or_create(
            departure=departure,
            defaults={"scheduled_at": scheduled_at, "location": location, "agenda": agenda},
        )
        record_change(
            departure,
            actor,
            EventKind.MEETING_SCHEDULED,
            subject=data_subject(at=scheduled_at.isoformat(), place=location[:150]),
        )
    return meeting


def meeting_record(
    *, actor: User, departure: Departure, held_at: datetime, minutes: str, earlier_confirmed: bool = False
) -> HandoverMeeting:
    """HR or the manager records that the meeting took place, with its minutes. A time before the
    scheduled one is usually a slip of the date picker, so it needs to be confirmed."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        access = access_for(actor, departure)
        policy.case_decision(facts_of(departure), access, "record_meeting").enforce()
        if not minutes.strip():
            raise HandoverError(_("Write the minutes of the meeting."))
        if held_at > timezone.now():
            raise HandoverError(_("A meeting cannot be recorded as held in the future."))
        meeting = HandoverMeeting.objects.select_for_update().get(departure=departure)
        if held_at < meeting.scheduled_at and not earlier_confirmed:
            raise HandoverError(
                _(
                    "The meeting was scheduled for %(when)s, after the time you entered. Check the time, "
                    "or confirm that it took place earlier than planned."
                )
                % {"when": formatting.moment(meeting.scheduled_at)}
            )
        meeting.held_at = held_at
        meeting.minutes = minutes.strip()
        meeting.save(update_fields=["held_at", "minutes"])
        record_change(departure, actor, EventKind.MEETING_HELD, subject=meeting.location)
    return meeting
