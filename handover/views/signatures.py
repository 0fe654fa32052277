"""Reading and signing the handover confirmation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from accounts import ratelimit
from handover import policy, selectors, services
from handover.documents.confirmation import content_context
from handover.errors import HandoverError
from handover.forms import (
    SignForm,
)
from handover.http import AuthenticatedHttpRequest

from .common import case_url, load_case


@sensitive_post_parameters("password")
@login_required
def case_sign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The signer reads exactly what they affirm, then signs with a typed name or a drawing."""
    departure, access = load_case(request, pk)
    if policy.signer_role(access) is None:
        raise PermissionDenied
    fingerprint = services.content_fingerprint(departure)
    form = SignForm(
        request.POST or None, initial={"typed_name": request.user.name, "content_sha256": fingerprint}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.departure_sign(
                actor=request.user,
                departure=departure,
                password=data["password"],
                mark=data["mark"],
                typed_name=data["typed_name"],
                image=data["drawing"],
                content_sha256=data["content_sha256"],
                ip_address=ratelimit.client_ip(request),
                user_agent=request.headers.get("User-Agent", ""),
            )
        except HandoverError as error:
            form.add_error(None, error.message)
            # The page now shows the content as it is; a new attempt affirms that.
            data = request.POST.copy()
            data["content_sha256"] = fingerprint
            form.data = data
        else:
            messages.success(request, _("You have signed the handover confirmation."))
            return redirect(case_url(departure.pk, "sign"))
    may = policy.sign_decision(selectors.case_progress(departure), access, timezone.localdate())
    context = {
        **content_context(departure.pk),
        "form": form,
        "fingerprint": fingerprint,
        "can_sign": bool(may),
        "blocked": may.message,
        "role": policy.signer_role(access),
    }
    return render(request, "handover/sign.html", context)
