"""Suggestions for the people pickers: a <datalist> of the people matching what was typed."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from accounts.models import Role
from handover import policy
from handover.forms import people_matching, person_label
from handover.http import AuthenticatedHttpRequest

# The groups a picker may narrow its people to (the HR owner is picked among HR).
GROUPS = {"": "", Role.HR: Role.HR}


@login_required
def people_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The pickers are on HR's pages (opening and editing cases, naming successors): HR only."""
    if not policy.may_use_hr_pages(request.user):
        raise Http404
    field = request.GET.get("field", "")
    group = GROUPS.get(request.GET.get("group", ""), "")
    text = request.GET.get(field, "") if field else ""
    labels = [person_label(person) for person in people_matching(text, group)]
    return render(request, "handover/people_options.html", {"labels": labels})
