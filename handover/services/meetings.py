from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from handover import formatting, policy
from handover.errors import HandoverError
from handover.models import (
    ChecklistItem,
    Demonstration,
    DemonstrationAttendee,
    Departure,
    EventKind,
    HandoverMeeting,
    HandoverModule,
    MeetingParticipant,
    TrialTask,
)
from handover.models.events import data_subject

from . import invitations
from ._base import access_for, facts_of, lock_case, locked_row, next_position, record, record_change


@dataclass(frozen=True)
class ActionItem:
    """Something agreed in the handover meeting: it becomes a checklist item of a module ("item") or a
    trial task the successor will do in the trial run ("trial")."""

    title: str
    module_id: int
    kind: str = "item"


def meeting_invitees(departure: Departure) -> list[User]:
    """Whom the handover meeting concerns: the leaver, the successors, the manager, the HR owner and
    the heads of the departments concerned (the leaver's and each successor's)."""
    people = [departure.employee, departure.manager, departure.hr_owner]
    successors = [
        m.successor for m in departure.modules.select_related("successor__department__head") if m.successor
    ]
    people += successors
    if departure.department is not None and departure.department.head is not None:
        people.append(departure.department.head)
    people += [
        s.department.head for s in successors if s.department is not None and s.department.head is not None
    ]
    return list({person.pk: person for person in people}.values())


def demonstration_invitees(departure: Departure) -> QuerySet[User]:
    """Who may be invited to a demonstration: the successors and the manager."""
    people = {module.successor_id for module in departure.modules.all()} | {departure.manager_id}
    return User.objects.filter(pk__in=people - {None}).order_by("display_name")


def meeting_schedule(
    *,
    actor: User,
    departure: Departure,
    scheduled_at: datetime,
    location: str,
    agenda: str = "",
    participant_ids: list[int] | None = None,
) -> HandoverMeeting:
    """HR or the manager sets (or moves) the handover meeting and invites whom it concerns (all of
    them unless ``participant_ids`` chooses among them; the leaver always)."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        access = access_for(actor, departure)
        policy.case_decision(facts_of(departure), access, "schedule_meeting").enforce()
        concerned = meeting_invitees(departure)
        chosen = set(participant_ids) | {departure.employee_id} if participant_ids is not None else None
        invited = [person for person in concerned if chosen is None or person.pk in chosen]
        meeting, created = HandoverMeeting.objects.update_or_create(
            departure=departure,
            defaults={"scheduled_at": scheduled_at, "location": location, "agenda": agenda},
        )
        if not created:
            meeting.sequence += 1
            meeting.save(update_fields=["sequence"])
        dropped = meeting.participants.exclude(user__in=invited).select_related("user")
        uninvited = [participant.user for participant in dropped]
        dropped.delete()
        known = set(meeting.participants.values_list("user_id", flat=True))
        MeetingParticipant.objects.bulk_create(
            MeetingParticipant(meeting=meeting, user=person, name=person.name)
            for person in invited
            if person.pk not in known
        )
        record_change(
            departure,
            actor,
            EventKind.MEETING_SCHEDULED,
            subject=data_subject(at=scheduled_at.isoformat(), place=location[:150]),
        )
        invitations.send(
            describe=lambda: invitations.meeting_event(meeting, departure),
            departure=departure,
            organizer=actor,
            invited=[person for person in invited if person.pk != actor.pk],
            uninvited=uninvited,
        )
    return meeting


def meeting_record(
    *,
    actor: User,
    departure: Departure,
    held_at: datetime,
    minutes: str,
    earlier_confirmed: bool = False,
    attended_ids: list[int] | None = None,
    action_items: Sequence[ActionItem] = (),
) -> HandoverMeeting:
    """HR or the manager records that the meeting took place, with its minutes, who attended
    (``attended_ids`` among the participants; everyone when not said) and the action items agreed,
    each turned into work at once. A time before the scheduled one is usually a slip of the date
    picker, so it needs to be confirmed."""
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
        attended = meeting.participants.all()
        if attended_ids is not None:
            attended = attended.filter(user_id__in=attended_ids)
        attended.update(attended=True)
        record_change(departure, actor, EventKind.MEETING_HELD, subject=meeting.location)
        for action in action_items:
            _turn_into_work(actor, departure, action)
    return meeting


def _turn_into_work(actor: User, departure: Departure, action: ActionItem) -> None:
    """An action item of the minutes becomes a checklist item of its module, or a trial task the
    successor does once the trial run starts (planned now, done then)."""
    module = locked_row(HandoverModule.objects.all(), pk=action.module_id, departure=departure)
    title = action.title.strip()
    if action.kind == "trial":
        TrialTask.objects.create(departure=departure, module=module, title=title, created_by=actor)
        record_change(departure, actor, EventKind.TRIAL_ADDED, subject=title)
        return
    ChecklistItem.objects.create(module=module, title=title, position=next_position(module.items))
    record_change(departure, actor, EventKind.ITEM_ADDED, subject=title)


def demonstration_schedule(
    *,
    actor: User,
    departure: Departure,
    title: str,
    scheduled_at: datetime,
    location: str,
    item_ids: list[int],
    attendee_ids: list[int],
) -> Demonstration:
    """The leaver or the manager schedules a live demonstration of items for attendees chosen among
    the successors and the manager."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        access = access_for(actor, departure)
        policy.demonstration_decision(departure.state, access, "schedule").enforce()
        if not title.strip() or not location.strip():
            raise HandoverError(_("Say what is shown, and where or by which link."))
        items = list(ChecklistItem.objects.filter(module__departure=departure, pk__in=item_ids))
        if not items or len(items) != len(set(item_ids)):
            raise HandoverError(_("Choose the items the demonstration covers."))
        people = list(demonstration_invitees(departure).filter(pk__in=attendee_ids))
        if not people:
            raise HandoverError(_("Invite at least one successor."))
        demonstration = Demonstration.objects.create(
            departure=departure,
            title=title.strip(),
            scheduled_at=scheduled_at,
            location=location.strip(),
            created_by=actor,
        )
        demonstration.items.set(items)
        DemonstrationAttendee.objects.bulk_create(
            DemonstrationAttendee(demonstration=demonstration, user=person, name=person.name)
            for person in people
        )
        record(departure, actor, EventKind.DEMONSTRATION_SCHEDULED, subject=demonstration.title)
        invitations.send(
            describe=lambda: invitations.demonstration_event(demonstration, departure),
            departure=departure,
            organizer=actor,
            invited=[
                person
                for person in invitations.demonstration_people(demonstration, departure)
                if person.pk != actor.pk
            ],
        )
    return demonstration


def _demonstration(departure: Departure, demonstration_id: int) -> Demonstration:
    return locked_row(Demonstration.objects.all(), pk=demonstration_id, departure=departure)


def demonstration_record(
    *, actor: User, departure: Departure, demonstration_id: int, held_at: datetime, notes: str = ""
) -> Demonstration:
    """The leaver records that the demonstration took place, with what was shown."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        access = access_for(actor, departure)
        demonstration = _demonstration(departure, demonstration_id)
        policy.demonstration_decision(
            departure.state, access, "record", held=demonstration.held_at is not None
        ).enforce()
        if held_at > timezone.now():
            raise HandoverError(_("A demonstration is recorded once it has taken place."))
        demonstration.held_at = held_at
        demonstration.notes = notes.strip()
        demonstration.save(update_fields=["held_at", "notes"])
        record(departure, actor, EventKind.DEMONSTRATION_HELD, subject=demonstration.title)
    return demonstration


def demonstration_confirm(*, actor: User, departure: Departure, demonstration_id: int) -> None:
    """An attending successor confirms they saw the demonstration."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        access = access_for(actor, departure)
        demonstration = _demonstration(departure, demonstration_id)
        invitation = demonstration.attendees.filter(user=actor).first()
        policy.demonstration_decision(
            departure.state, access, "confirm", held=demonstration.held_at is not None, invitation=invitation
        ).enforce()
        assert invitation is not None  # the policy refuses anyone not invited
        invitation.confirmed_at = timezone.now()
        invitation.save(update_fields=["confirmed_at"])
        record(departure, actor, EventKind.DEMONSTRATION_SEEN, subject=demonstration.title)
