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
from handover.forms import MeetingRecordForm, MeetingScheduleForm
from handover.http import AuthenticatedHttpRequest

from .common import case_url, form_page, load_case, submitted, theirs


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
    form = form_class(request.POST or None)
    if submitted(request, form, lambda data: service(actor=request.user, departure=departure, **data)):
        messages.success(request, done)
        return redirect(case_url(departure.pk, "meeting"))
    back = case_url(departure.pk, "meeting")
    return form_page(request, departure, form, title=title, submit=submit, back=back, blocked=may.message)


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
