from django.contrib import messages
from django.utils.translation import gettext as _

from handover import services
from handover.errors import HandoverError
from handover.forms import TrialTaskForm, posted_text
from handover.http import AuthenticatedHttpRequest
from handover.validators import CONTROL_CHARACTERS_MESSAGE

from .common import case_action


@case_action("trial")
def trial_add(request: AuthenticatedHttpRequest, departure, access):
    form = TrialTaskForm(request.POST, departure=departure)
    if not form.is_valid():
        if any(form.has_error(name, "control_characters") for name in form.fields):
            raise HandoverError(CONTROL_CHARACTERS_MESSAGE)
        raise HandoverError(_("Choose a module and give the trial task a title."))
    services.trial_task_create(actor=request.user, departure=departure, **form.cleaned_data)
    messages.success(request, _("Trial task added."))


@case_action("trial")
def trial_done(request: AuthenticatedHttpRequest, departure, access, task_id: int):
    services.trial_task_complete(
        actor=request.user, departure=departure, task_id=task_id, note=posted_text(request.POST, "note")
    )
    messages.success(request, _("Marked done; the departing employee will verify it."))


@case_action("trial")
def trial_verify(request: AuthenticatedHttpRequest, departure, access, task_id: int):
    services.trial_task_verify(
        actor=request.user,
        departure=departure,
        task_id=task_id,
        feedback=posted_text(request.POST, "feedback"),
    )
    messages.success(request, _("Trial task verified."))


@case_action("trial")
def trial_rework(request: AuthenticatedHttpRequest, departure, access, task_id: int):
    services.trial_task_rework(
        actor=request.user,
        departure=departure,
        task_id=task_id,
        feedback=posted_text(request.POST, "feedback"),
    )
    messages.success(request, _("Trial task sent back for rework."))
