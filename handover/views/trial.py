from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.translation import gettext as _

from handover import services
from handover.errors import HandoverError
from handover.forms import CheckInForm, FollowUpForm, TrialTaskForm, posted_text
from handover.http import AuthenticatedHttpRequest
from handover.validators import CONTROL_CHARACTERS_MESSAGE

from .common import case_action, module_form_page


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


@case_action("module-{module_id}")
def module_independence(request: AuthenticatedHttpRequest, departure, access, module_id: int, act: str):
    """The manager confirms that the successor does a module's work alone, or reopens that."""
    if act not in ("confirm", "reopen"):
        raise HandoverError(_("Choose to confirm or to reopen."))
    services.module_independence(
        actor=request.user,
        departure=departure,
        module_id=module_id,
        confirm=act == "confirm",
        note=posted_text(request.POST, "note"),
    )
    if act == "confirm":
        messages.success(request, _("Confirmed: the successor does this work alone."))
    else:
        messages.success(request, _("The confirmation is reopened."))


@login_required
def module_check_in(request: AuthenticatedHttpRequest, pk: int, module_id: int) -> HttpResponse:
    return module_form_page(
        request,
        pk,
        module_id,
        form_class=CheckInForm,
        act=lambda departure, data: services.module_check_in(
            actor=request.user, departure=departure, module_id=module_id, **data
        ),
        title=_("Check in on this module"),
        submit=_("Note the check-in"),
        done=_("Check-in noted."),
    )


@login_required
def follow_up_add(request: AuthenticatedHttpRequest, pk: int, module_id: int) -> HttpResponse:
    return module_form_page(
        request,
        pk,
        module_id,
        form_class=FollowUpForm,
        act=lambda departure, data: services.follow_up_add(
            actor=request.user, departure=departure, module_id=module_id, **data
        ),
        title=_("Leave the successor a follow-up"),
        submit=_("Leave the follow-up"),
        done=_("Follow-up left to the successor."),
    )


@case_action("module-{module_id}")
def follow_up_done(request: AuthenticatedHttpRequest, departure, access, module_id: int, follow_up_id: int):
    services.follow_up_complete(
        actor=request.user,
        departure=departure,
        follow_up_id=follow_up_id,
        note=posted_text(request.POST, "note"),
    )
    messages.success(request, _("Follow-up done."))
