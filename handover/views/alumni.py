"""Alumni: the leaver's choice to stay in touch (and to withdraw it, also through the link of their
mail once their login has ended), HR's rehire note on the case, and HR's list of alumni."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from handover import policy, services
from handover.alumni_links import leave_holder
from handover.forms import AlumniForm, RehireNoteForm
from handover.http import AuthenticatedHttpRequest
from handover.models import AlumniConsent, Departure, RehireNote

from .common import load_case, submitted

PAGE_SIZE = 50


@login_required
def case_alumni(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    departure, access = load_case(request, pk)
    if not policy.may_open_alumni_page(request.user, access, departure):
        raise PermissionDenied
    consent = AlumniConsent.objects.filter(departure=departure).first()
    mine = policy.alumni_decision(departure.state, access)
    hr = policy.may_keep_rehire_note(request.user, departure)
    act = request.POST.get("act", "")
    if request.method == "POST" and not (hr if act == "rehire" else mine):
        raise PermissionDenied
    if act == "leave":
        services.alumni_leave(departure_id=departure.pk, person_id=request.user.pk)
        messages.success(request, _("Your consent is withdrawn and your contact deleted."))
        return redirect("handover:case_alumni", pk=departure.pk)
    initial = (
        {
            "contact": consent.contact,
            "news": consent.news,
            "openings": consent.openings,
            "events": consent.events,
        }
        if consent is not None and mine
        else None
    )
    form = AlumniForm(request.POST if act == "join" else None, initial=initial) if mine else None
    if form is not None and submitted(
        request, form, lambda data: services.alumni_join(actor=request.user, departure=departure, **data)
    ):
        messages.success(request, _("Thank you: you stay in touch."))
        return redirect("handover:case_alumni", pk=departure.pk)
    note = RehireNote.objects.filter(departure=departure).first() if hr else None
    note_form = None
    if hr:
        saved = {"rehire": note.rehire, "note": note.note} if note else None
        note_form = RehireNoteForm(request.POST if act == "rehire" else None, initial=saved)
        if submitted(
            request,
            note_form,
            lambda data: services.rehire_note_save(actor=request.user, departure=departure, **data),
        ):
            messages.success(request, _("The rehire note is saved."))
            return redirect("handover:case_alumni", pk=departure.pk)
    return render(
        request,
        "handover/alumni.html",
        {
            "departure": departure,
            "consent": consent if (mine or hr) else None,
            "form": form,
            "note_form": note_form,
            "note": note,
        },
    )


@login_required
def alumni_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """HR: everyone who agreed to stay in touch, what they receive, and HR's rehire note."""
    if not policy.may_see_alumni(request.user):
        raise Http404
    consents = AlumniConsent.objects.select_related(
        "person", "departure__rehire_note", "departure__department"
    )
    ordered = consents.order_by("person__display_name", "pk")
    page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "handover/alumni_list.html", {"page": page})


@never_cache
def alumni_leave(request, token: str) -> HttpResponse:
    """The link of the consent mail: confirm, and the consent and contact are deleted."""
    holder = leave_holder(token)
    if holder is None or not Departure.objects.filter(pk=holder[0], employee_id=holder[1]).exists():
        raise Http404
    if request.method == "POST":
        services.alumni_leave(departure_id=holder[0], person_id=holder[1])
        return render(request, "handover/alumni_left.html", {"done": True})
    return render(request, "handover/alumni_left.html", {"done": False})
