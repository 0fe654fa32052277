from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from handover import selectors
from handover.http import AuthenticatedHttpRequest


@login_required
def my_work(request: AuthenticatedHttpRequest) -> HttpResponse:
    cards = selectors.my_work(request.user)
    return render(
        request,
        "handover/my_work.html",
        {
            "busy": [card for card in cards if card.todos],
            "waiting": [card for card in cards if not card.todos],
            "todo_count": sum(len(card.todos) for card in cards),
        },
    )
