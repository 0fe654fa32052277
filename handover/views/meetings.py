"""The handover meeting of a case: scheduled, then recorded with its minutes."""

from django.contrib import messages
from django.utils.translation import gettext as _

from handover import services
from handover.errors import HandoverError
from handover.forms import (
    MeetingRecordForm,
    MeetingScheduleForm,
)
from handover.http import AuthenticatedHttpRequest

from .common import case_action


@case_action
def meeting_schedule(request: AuthenticatedHttpRequest, departure, access):
    form = MeetingScheduleForm(request.POST)
    if not form.is_valid():
        raise HandoverError(_("Give the meeting a date, a time and a place."))
    services.meeting_schedule(actor=request.user, departure=departure, **form.cleaned_data)
    messages.success(request, _("The handover meeting is scheduled."))


@case_action
def meeting_record(request: AuthenticatedHttpRequest, departure, access):
    form = MeetingRecordForm(request.POST)
    if not form.is_valid():
        raise HandoverError(_("Give the time the meeting took place and its minutes."))
    services.meeting_record(actor=request.user, departure=departure, **form.cleaned_data)
    messages.success(request, _("The handover meeting is recorded."))
