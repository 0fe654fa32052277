"""HR's pages across cases: the security risk list and the system catalogue."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from handover import policy, selectors
from handover.forms import OpenAccessSortForm, SystemForm
from handover.http import AuthenticatedHttpRequest
from handover.models import AccessSystem


def _require_hr(request: AuthenticatedHttpRequest) -> None:
    """HR's pages do not exist for anyone else."""
    if not policy.may_use_hr_pages(request.user):
        raise Http404


@login_required
def open_accesses(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Accesses still open after the last working day, across all cases: the security risk list,
    for HR and for IT (who revoke from it)."""
    if not policy.may_see_open_accesses(request.user):
        raise Http404
    form = OpenAccessSortForm(request.GET or None)
    sort = form.cleaned_data["sort"] if form.is_valid() and form.cleaned_data["sort"] else "-overdue"
    page = selectors.open_access_page(request.user, request.GET.get("page"), sort)
    return render(
        request,
        "handover/open_accesses.html",
        {"page": page, "form": form, "sort": sort},
    )


@login_required
def system_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_hr(request)
    form = SystemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        system = form.save()
        messages.success(request, _("“%(name)s” added to the catalogue.") % {"name": system.name})
        return redirect("handover:system_list")
    systems = AccessSystem.objects.annotate(accounts=Count("accesses")).order_by("category", "name")
    return render(request, "handover/system_list.html", {"systems": systems, "form": form})


@login_required
def system_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_hr(request)
    system = get_object_or_404(AccessSystem, pk=pk)
    form = SystemForm(request.POST or None, instance=system)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("“%(name)s” saved.") % {"name": system.name})
        return redirect("handover:system_list")
    return render(request, "handover/system_edit.html", {"system": system, "form": form})
