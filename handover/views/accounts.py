"""Accounts and permissions of a case: listing, secrets, transfer, revocation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables

from handover import policy, selectors, services
from handover.errors import HandoverError
from handover.forms import (
    AccessForm,
    NotApplicableForm,
    RevealForm,
    RevokeForm,
    SecretForm,
)
from handover.http import AuthenticatedHttpRequest
from handover.models import Access

from .common import case_action, case_row, case_url, form_page, load_case, submitted, theirs


def _case_access_row(request: AuthenticatedHttpRequest, pk: int, access_id: int):
    return case_row(request, pk, Access.objects.select_related("module", "system"), access_id)


@sensitive_variables()
@sensitive_post_parameters("secret")
@login_required
def access_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    departure, case_access = load_case(request, pk)
    theirs(policy.act_decision(departure.state, case_access, "list_inventory"))
    form = AccessForm(request.POST or None, departure=departure, with_secret=True)
    access = submitted(
        request, form, lambda data: services.access_create(actor=request.user, departure=departure, **data)
    )
    if access is not None:
        messages.success(request, _("%(access)s listed.") % {"access": access})
        if "another" in request.POST:
            return redirect("handover:access_add", departure.pk)
        return redirect(case_url(departure.pk, f"access-{access.pk}"))
    return form_page(
        request,
        departure,
        form,
        title=_("List an account or permission"),
        submit=_("Save"),
        back=case_url(departure.pk, "accesses"),
    )


@login_required
def access_edit(request: AuthenticatedHttpRequest, pk: int, access_id: int) -> HttpResponse:
    departure, case_access, access = _case_access_row(request, pk, access_id)
    theirs(policy.access_decision(departure.state, case_access, access, "edit"))
    initial = {
        "module": access.module,
        "system": access.system,
        "account": access.account,
        "access_level": access.access_level,
        "kind": access.kind,
        "credential_location": access.credential_location,
    }
    form = AccessForm(request.POST or None, departure=departure, initial=initial)
    done = submitted(
        request,
        form,
        lambda data: services.access_update(
            actor=request.user, departure=departure, access_id=access.pk, **data
        ),
    )
    if done is not None:
        messages.success(request, _("Account saved."))
        return redirect(case_url(departure.pk, f"access-{access.pk}"))
    return form_page(
        request,
        departure,
        form,
        title=_("Edit %(access)s") % {"access": access},
        submit=_("Save"),
        back=case_url(departure.pk, f"access-{access.pk}"),
    )


@login_required
def access_delete(request: AuthenticatedHttpRequest, pk: int, access_id: int) -> HttpResponse:
    departure, case_access, access = _case_access_row(request, pk, access_id)
    theirs(policy.access_decision(departure.state, case_access, access, "remove"))
    if request.method == "POST":
        try:
            services.access_delete(actor=request.user, departure=departure, access_id=access.pk)
        except HandoverError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("%(access)s removed.") % {"access": access})
        return redirect(case_url(departure.pk, "accesses"))
    return form_page(
        request,
        departure,
        None,
        title=_("Remove %(access)s?") % {"access": access},
        intro=_("The account leaves the inventory. This is recorded on the timeline."),
        submit=_("Remove"),
        back=case_url(departure.pk, f"access-{access.pk}"),
        danger=True,
    )


@sensitive_variables()
@sensitive_post_parameters("secret")
@never_cache
@login_required
def access_secret(request: AuthenticatedHttpRequest, pk: int, access_id: int) -> HttpResponse:
    """The leaver stores the secret of a shared account; it is never shown back to them."""
    departure, case_access, access = _case_access_row(request, pk, access_id)
    theirs(policy.access_decision(departure.state, case_access, access, "store_secret"))
    form = SecretForm(request.POST or None)
    done = submitted(
        request,
        form,
        lambda data: services.access_store_secret(
            actor=request.user,
            departure=departure,
            access_id=access.pk,
            secret=data["secret"],
        ),
    )
    if done is not None:
        messages.success(request, _("The secret is stored, encrypted."))
        return redirect(case_url(departure.pk, f"access-{access.pk}"))
    return form_page(
        request,
        departure,
        form,
        title=_("Store the secret of %(access)s") % {"access": access},
        intro=_(
            "Only the successor of this module can reveal it, after re-entering their own password. "
            "It is deleted when they confirm the password was changed, and when the case closes."
        ),
        submit=_("Store encrypted"),
        back=case_url(departure.pk, f"access-{access.pk}"),
    )


@sensitive_variables()
@sensitive_post_parameters("password")
@never_cache
@login_required
def access_reveal(request: AuthenticatedHttpRequest, pk: int, access_id: int) -> HttpResponse:
    """The successor re-enters their password and sees the secret on this one response."""
    departure, case_access, access = _case_access_row(request, pk, access_id)
    theirs(policy.access_decision(departure.state, case_access, access, "reveal"))
    form = RevealForm(request.POST or None)
    secret = submitted(
        request,
        form,
        lambda data: services.access_reveal_secret(
            actor=request.user,
            departure=departure,
            access_id=access.pk,
            password=data["password"],
        ),
    )
    if secret is not None:
        response = render(
            request,
            "handover/secret_revealed.html",
            {"departure": departure, "access": access, "secret": secret},
        )
        add_never_cache_headers(response)
        return response
    return form_page(
        request,
        departure,
        form,
        title=_("Reveal the secret of %(access)s") % {"access": access},
        intro=_("The reveal is recorded on the case's timeline. Change the password once you are in."),
        submit=_("Reveal"),
        back=case_url(departure.pk, f"access-{access.pk}"),
    )


@case_action("access-{access_id}")
def access_transfer(request: AuthenticatedHttpRequest, departure, case_access, access_id: int):
    services.access_transfer(
        actor=request.user, departure=departure, access_id=access_id, method=request.POST.get("method", "")
    )
    messages.success(request, _("Working access confirmed."))
    return redirect(case_url(departure.pk, f"access-{access_id}"))


@case_action("access-{access_id}")
def access_rotated(request: AuthenticatedHttpRequest, departure, case_access, access_id: int):
    services.access_confirm_rotated(actor=request.user, departure=departure, access_id=access_id)
    messages.success(request, _("Noted: the password is changed, and the stored one is deleted."))
    return redirect(case_url(departure.pk, f"access-{access_id}"))


@login_required
def access_revoke(request: AuthenticatedHttpRequest, pk: int, access_id: int) -> HttpResponse:
    departure, case_access, access = _case_access_row(request, pk, access_id)
    theirs(
        policy.revoke_decision(
            state=departure.state,
            last_working_day=departure.last_working_day,
            access=case_access,
            is_it=False,
            row=access,
            today=timezone.localdate(),
        )
    )
    return _revoke_page(request, departure, access, back=case_url(departure.pk, f"access-{access.pk}"))


@login_required
def access_revoke_by_it(request: AuthenticatedHttpRequest, access_id: int) -> HttpResponse:
    """IT confirms a revocation from the open-access list; the case itself stays out of sight."""
    if not policy.may_revoke_as_it(request.user):
        raise Http404
    access = Access.objects.select_related("departure", "system", "module").filter(pk=access_id).first()
    # Only what the open-access list shows: an access still open after the last working day.
    if access is None or not policy.revocation_overdue(
        access, access.departure.state, access.departure.last_working_day, timezone.localdate()
    ):
        raise Http404
    return _revoke_page(request, access.departure, access, back=reverse("handover:open_accesses"))


def _revoke_page(request: AuthenticatedHttpRequest, departure, access, back: str) -> HttpResponse:
    form = RevokeForm(request.POST or None)
    done = submitted(
        request,
        form,
        lambda data: services.access_revoke(
            actor=request.user, departure=departure, access_id=access.pk, **data
        ),
    )
    if done is not None:
        messages.success(request, _("%(access)s is revoked.") % {"access": access})
        return redirect(back)
    return form_page(
        request,
        departure,
        form,
        title=_("Confirm %(name)s's access to %(access)s is gone")
        % {"name": departure.employee_name, "access": access},
        intro=_(
            "Confirm only what you or IT have checked: the account is deleted or disabled, "
            "or its password changed."
        ),
        submit=_("Confirm revoked"),
        back=back,
    )


@login_required
def access_not_applicable(request: AuthenticatedHttpRequest, pk: int, access_id: int) -> HttpResponse:
    departure, case_access, access = _case_access_row(request, pk, access_id)
    theirs(policy.access_decision(departure.state, case_access, access, "not_applicable"))
    form = NotApplicableForm(request.POST or None)
    done = submitted(
        request,
        form,
        lambda data: services.access_not_applicable(
            actor=request.user,
            departure=departure,
            access_id=access.pk,
            reason=data["reason"],
        ),
    )
    if done is not None:
        messages.success(request, _("%(access)s is marked not applicable.") % {"access": access})
        return redirect(case_url(departure.pk, f"access-{access.pk}"))
    return form_page(
        request,
        departure,
        form,
        title=_("Mark %(access)s not applicable") % {"access": access},
        submit=_("Mark not applicable"),
        back=case_url(departure.pk, f"access-{access.pk}"),
    )


@login_required
def accesses_revoke(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Several accesses of the risk list confirmed revoked at once, after one confirmation."""
    if not policy.may_see_open_accesses(request.user):
        raise Http404
    source = request.POST if request.method == "POST" else request.GET
    ids = sorted({int(value) for value in source.getlist("access") if value.isascii() and value.isdigit()})
    back = reverse("handover:open_accesses")
    if not ids:
        messages.error(request, _("Choose the accesses to confirm revoked."))
        return redirect(back)
    rows = [
        row
        for row in selectors.open_access_rows(request.user, ids)
        if row.revoke_via  # the policy lets this person revoke it
    ]
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = services.accesses_revoke(actor=request.user, access_ids=ids, **form.cleaned_data)
        except HandoverError as error:
            form.add_error(None, error.message)
        else:
            count = len(done)
            messages.success(
                request,
                ngettext("%(n)d access is revoked.", "%(n)d accesses are revoked.", count) % {"n": count},
            )
            return redirect(back)
    return render(
        request, "handover/accesses_revoke.html", {"rows": rows, "ids": ids, "form": form, "back": back}
    )
