"""The handover meeting of a case: scheduled, then recorded with its minutes.

The case page carries both forms; when the service refuses what was typed, these pages show the
form again with what was typed and why, instead of losing it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from handover import policy, selectors, services
from handover.forms import MeetingRecordForm, MeetingScheduleForm
from handover.http import AuthenticatedHttpRequest

from .common import case_url, form_page, load_case, submitted, theirs


@login_required
def meeting_schedule(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    departure, access = load_case(request, pk)
    may = policy.case_decision(selectors.case_progress(departure), access, "schedule_meeting")
    theirs(may)
    form = MeetingScheduleForm(request.POST or None)
    done = submitted(
        request, form, lambda data: services.meeting_schedule(actor=request.user, departure=departure, **data)
    )
    if done is not None:
        messages.success(request, _("The handover meeting is scheduled."))
        return redirect(case_url(departure.pk, "meeting"))
    return form_page(
        request,
        departure,
        form,
        title=_("Schedule the meeting"),
        submit=_("Save the meeting"),
        back=case_url(departure.pk, "meeting"),
        blocked=may.message,
    )


@login_required
def meeting_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    departure, access = load_case(request, pk)
    may = policy.case_decision(selectors.case_progress(departure), access, "record_meeting")
    theirs(may)
    form = MeetingRecordForm(request.POST or None)
    done = submitted(
        request, form, lambda data: services.meeting_record(actor=request.user, departure=departure, **data)
    )
    if done is not None:
        messages.success(request, _("The handover meeting is recorded."))
        return redirect(case_url(departure.pk, "meeting"))
    return form_page(
        request,
        departure,
        form,
        title=_("Record that the meeting took place"),
        submit=_("Record the meeting"),
        back=case_url(departure.pk, "meeting"),
        blocked=may.message,
    )
