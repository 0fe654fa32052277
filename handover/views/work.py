from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from handover import policy, selectors
from handover.http import AuthenticatedHttpRequest


@login_required
def my_work(request: AuthenticatedHttpRequest) -> HttpResponse:
    cards = selectors.my_work(request.user)
    # HR's decisions on what closed cases proposed for the checklist templates.
    proposals = selectors.proposals_waiting(request.user)
    return render(
        request,
        "handover/my_work.html",
        {
            "busy": [card for card in cards if card.todos],
            "waiting": [card for card in cards if not card.todos],
            "todo_count": sum(len(card.todos) for card in cards) + len(proposals),
            "proposals": proposals,
        },
    )


@login_required
def stuck(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What waits too long on the cases this manager or HR officer supervises, and who must act."""
    if not policy.may_see_stuck(request.user):
        raise Http404
    groups = selectors.stuck(request.user, timezone.now())
    largest = max((group.count for group in groups), default=0) or 1
    chart = [(group, round(100 * group.count / largest)) for group in groups]
    return render(
        request,
        "handover/stuck.html",
        {"groups": groups, "chart": chart, "total": sum(group.count for group in groups)},
    )
