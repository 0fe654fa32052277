"""The confirmation PDF: downloading a version, asking for a corrected one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from handover import policy, services
from handover.errors import HandoverError
from handover.forms import (
    ReissueForm,
)
from handover.http import AuthenticatedHttpRequest

from .common import case_url, load_case


@login_required
def confirmation_reissue(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    departure, access = load_case(request, pk)
    if policy.act_decision(departure.state, access, "reissue").forbidden:
        raise PermissionDenied
    form = ReissueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.confirmation_reissue(
                actor=request.user, departure=departure, reason=form.cleaned_data["reason"]
            )
        except HandoverError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("A corrected version is being prepared; it replaces the current one.")
            )
            return redirect(case_url(departure.pk, "confirmation"))
    return render(request, "handover/reissue.html", {"departure": departure, "form": form})


@login_required
def confirmation_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    departure, _access = load_case(request, pk)
    version = request.GET.get("version", "")
    try:
        document, file = services.confirmation_open(
            actor=request.user,
            departure=departure,
            version=int(version) if version.isascii() and version.isdigit() else None,
        )
    except HandoverError as error:
        messages.error(request, error.message)
        return redirect(case_url(departure.pk, "confirmation"))
    return FileResponse(
        file,
        as_attachment=True,
        filename=f"{departure.number}-v{document.version}.pdf",
        content_type="application/pdf",
    )
