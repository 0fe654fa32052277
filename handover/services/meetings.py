from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from handover.errors import HandoverError
from handover.models import Departure, EventKind, HandoverMeeting, State

from ._base import access_for, lock_case, record, require, require_state


def meeting_schedule(
    *, actor: User, departure: Departure, scheduled_at: datetime, location: str, agenda: str = ""
) -> HandoverMeeting:
    """HR or the manager sets (or moves) the handover meeting."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        require(access_for(actor, departure).can_supervise)
        require_state(departure, State.INTENT_CONFIRMED, State.PREPARING)
        meeting = HandoverMeeting.objects.filter(departure=departure).first()
        if meeting is not None and meeting.held:
            raise HandoverError(_("The handover meeting has already taken place."))
        meeting, _created = HandoverMeeting.objects.update_or_create(
            departure=departure,
            defaults={"scheduled_at": scheduled_at, "location": location, "agenda": agenda},
        )
        when = date_format(timezone.localtime(scheduled_at), "DATETIME_FORMAT")
        record(departure, actor, EventKind.MEETING_SCHEDULED, subject=f"{when}, {location}")
    return meeting


def meeting_record(*, actor: User, departure: Departure, held_at: datetime, minutes: str) -> HandoverMeeting:
    """HR or the manager records that the meeting took place, with its minutes."""
    if not minutes.strip():
        raise HandoverError(_("Write the minutes of the meeting."))
    if held_at > timezone.now():
        raise HandoverError(_("A meeting cannot be recorded as held in the future."))
    with transaction.atomic():
        departure = lock_case(departure.pk)
        require(access_for(actor, departure).can_supervise)
        require_state(departure, State.PREPARING)
        meeting = HandoverMeeting.objects.select_for_update().filter(departure=departure).first()
        if meeting is None:
            raise HandoverError(_("Schedule the handover meeting first."))
        if meeting.held:
            raise HandoverError(_("The handover meeting has already been recorded."))
        meeting.held_at = held_at
        meeting.minutes = minutes.strip()
        meeting.save(update_fields=["held_at", "minutes"])
        record(departure, actor, EventKind.MEETING_HELD, subject=meeting.location)
    return meeting
