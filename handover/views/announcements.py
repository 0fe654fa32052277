"""The internal announcement of a departure: HR reviews it, sees whom it reaches, and sends it once;
afterwards everyone on the case reads what was sent, to whom and when."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from handover import policy, selectors, services
from handover.forms import AnnouncementForm
from handover.http import AuthenticatedHttpRequest
from handover.models import Announcement

from .common import load_case, submitted, theirs


@login_required
def case_announcement(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    departure, access = load_case(request, pk)
    sent = (
        Announcement.objects.filter(departure=departure)
        .prefetch_related("departments", "chat_channels")
        .first()
    )
    may = policy.case_decision(selectors.case_progress(departure), access, "announce")
    if request.method == "POST":
        theirs(may)
    # Who may not announce reads what was sent (or that nothing was yet); HR, why not now.
    context: dict[str, Any] = {
        "departure": departure,
        "sent": sent,
        "blocked": "" if may.forbidden else may.message,
    }
    if sent is not None or not may:
        return render(request, "handover/announcement.html", context)
    draft = services.announcement_draft(departure)
    form = AnnouncementForm(
        request.POST or None, departure=departure, initial={"text": draft.text, "contact": draft.contact}
    )

    def send(data) -> Announcement:
        return services.announcement_send(
            actor=request.user,
            departure=departure,
            text=data["text"],
            contact=data["contact"],
            audience=data["audience"],
            department_ids=[d.pk for d in data["departments"]],
            chat_channel_ids=[g.pk for g in data["chat_channels"]],
        )

    if "preview" not in request.POST and submitted(request, form, send):
        messages.success(request, _("The announcement is sent."))
        return redirect("handover:case_announcement", pk=departure.pk)
    if "preview" in request.POST and form.is_valid():
        data = form.cleaned_data
        context["reach"] = services.announcement_reach(
            departure, data["audience"], [d.pk for d in data["departments"]]
        )
        context["groups"] = data["chat_channels"]
    context["form"] = form
    return render(request, "handover/announcement.html", context)
