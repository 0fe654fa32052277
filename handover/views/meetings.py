"""The handover meeting of a case: scheduled, then recorded with its minutes.

The case page carries both forms; when the service refuses what was typed, these pages show the
form again with what was typed and why, instead of losing it."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from handover import policy, selectors, services
from handover.errors import HandoverError
from handover.forms import DemonstrationForm, DemonstrationRecordForm, MeetingRecordForm, MeetingScheduleForm
from handover.http import AuthenticatedHttpRequest

from .common import case_action, case_url, form_page, load_case, submitted, theirs


def _meeting_page(
    request: AuthenticatedHttpRequest,
    pk: int,
    *,
    act: str,
    form_class: type[Form],
    service: Callable[..., Any],
    title: str,
    submit: str,
    done: str,
) -> HttpResponse:
    departure, access = load_case(request, pk)
    may = policy.case_decision(selectors.case_progress(departure), access, act)
    theirs(may)
    form = form_class(request.POST or None, **meeting_form_kwargs(departure, form_class))
    if submitted(
        request, form, lambda data: service(actor=request.user, departure=departure, **people_ids(data))
    ):
        messages.success(request, done)
        return redirect(case_url(departure.pk, "meeting"))
    back = case_url(departure.pk, "meeting")
    return form_page(request, departure, form, title=title, submit=submit, back=back, blocked=may.message)


def meeting_form_kwargs(departure, form_class: type[Form]) -> dict[str, Any]:
    """Whom the scheduling form offers to invite (everyone else the handover concerns), whom the
    record form asks about (the participants invited) and the modules its action items go to."""
    if form_class is MeetingScheduleForm:
        # The departing employee is always invited: not a choice to offer.
        return {
            "invitees": [p for p in services.meeting_invitees(departure) if p.pk != departure.employee_id]
        }
    meeting = getattr(departure, "meeting", None)
    invited = list(meeting.participants.values_list("user_id", flat=True)) if meeting else []
    return {"invited": invited, "departure": departure}


def people_ids(data: dict[str, Any]) -> dict[str, Any]:
    """The forms choose people; the services take their ids."""
    renamed = {"participants": "participant_ids", "attended": "attended_ids"}
    return {
        renamed.get(key, key): [person.pk for person in value] if key in renamed else value
        for key, value in data.items()
    }


@login_required
def meeting_schedule(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _meeting_page(
        request,
        pk,
        act="schedule_meeting",
        form_class=MeetingScheduleForm,
        service=services.meeting_schedule,
        title=_("Schedule the meeting"),
        submit=_("Save the meeting"),
        done=_("The handover meeting is scheduled."),
    )


@login_required
def meeting_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _meeting_page(
        request,
        pk,
        act="record_meeting",
        form_class=MeetingRecordForm,
        service=services.meeting_record,
        title=_("Record that the meeting took place"),
        submit=_("Record the meeting"),
        done=_("The handover meeting is recorded."),
    )


@login_required
def demonstration_schedule(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The leaver or the manager schedules a live demonstration of items for chosen attendees."""
    departure, access = load_case(request, pk)
    may = policy.demonstration_decision(departure.state, access, "schedule")
    theirs(may)
    form = DemonstrationForm(
        request.POST or None, departure=departure, invitees=services.demonstration_invitees(departure)
    )

    def schedule(data: dict[str, Any]):
        return services.demonstration_schedule(
            actor=request.user,
            departure=departure,
            title=data["title"],
            scheduled_at=data["scheduled_at"],
            location=data["location"],
            item_ids=[item.pk for item in data["items"]],
            attendee_ids=[person.pk for person in data["attendees"]],
        )

    if submitted(request, form, schedule):
        messages.success(request, _("The demonstration is scheduled."))
        return redirect(case_url(departure.pk, "demonstrations"))
    back = case_url(departure.pk, "demonstrations")
    return form_page(
        request,
        departure,
        form,
        title=_("Schedule a demonstration"),
        submit=_("Schedule it"),
        back=back,
        blocked=may.message,
    )


@case_action("demonstrations")
def demonstration_record(request: AuthenticatedHttpRequest, departure, access, demonstration_id: int):
    form = DemonstrationRecordForm(request.POST, demonstration_id=demonstration_id)
    if not form.is_valid():
        raise HandoverError(_("Enter when the demonstration took place."))
    services.demonstration_record(
        actor=request.user, departure=departure, demonstration_id=demonstration_id, **form.cleaned_data
    )
    messages.success(request, _("The demonstration is recorded."))


@case_action("demonstrations")
def demonstration_confirm(request: AuthenticatedHttpRequest, departure, access, demonstration_id: int):
    services.demonstration_confirm(actor=request.user, departure=departure, demonstration_id=demonstration_id)
    messages.success(request, _("Confirmed: you saw the demonstration."))
