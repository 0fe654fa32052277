from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from handover import selectors


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    cards = selectors.my_work(request.user)
    return render(
        request,
        "handover/my_work.html",
        {"cards": cards, "todo_count": sum(len(card.todos) for card in cards)},
    )
