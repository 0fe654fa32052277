"""Exit feedback: each person's survey on the case, what the HR owner and the manager read on it,
and HR's figures across cases (per template and department, drawn as bars)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from handover import policy, selectors, services
from handover.forms import SurveyForm
from handover.http import AuthenticatedHttpRequest
from handover.models import ExitFeedback

from .common import load_case, submitted, theirs


@login_required
def case_feedback(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    departure, access = load_case(request, pk)
    answers = ExitFeedback.objects.filter(departure=departure).select_related("respondent")
    answered = any(answer.respondent_id == request.user.pk for answer in answers)
    may = policy.feedback_decision(departure.state, access, answered=answered)
    if request.method == "POST":
        theirs(may)
    form = SurveyForm(request.POST or None, anonymous_allowed=policy.may_answer_anonymously(access))

    def give(data: dict[str, Any]) -> Any:
        return services.feedback_give(actor=request.user, departure=departure, **data)

    if may and submitted(request, form, give):
        messages.success(request, _("Thank you: your answers help the next handover."))
        return redirect("handover:case_feedback", pk=departure.pk)
    readable = policy.may_read_case_feedback(access)
    return render(
        request,
        "handover/feedback.html",
        {
            "departure": departure,
            "form": form if may else None,
            "blocked": "" if may.forbidden else may.message,
            "named": [a for a in answers if not a.anonymous] if readable else [],
            "anonymous": sum(a.anonymous for a in answers) if readable else 0,
        },
    )


@login_required
def feedback_figures(request: AuthenticatedHttpRequest) -> HttpResponse:
    """HR: the survey's averages per template and per department, and the latest comments without
    names."""
    if not policy.may_see_feedback_figures(request.user):
        raise Http404
    return render(
        request,
        "handover/feedback_figures.html",
        {
            "tables": [
                (_("Per checklist template"), selectors.feedback_figures("template")),
                (_("Per department"), selectors.feedback_figures("department")),
            ],
            "comments": selectors.feedback_comments(),
            "quality": selectors.quality_by_template(),
        },
    )
