"""Cases: the list, opening one, its page, its steps and what HR changes on it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from handover import policy, selectors, services
from handover.errors import HandoverError
from handover.forms import (
    CaseEditForm,
    CaseFilterForm,
    DepartureOpenForm,
    ModuleAddForm,
    SuccessorForm,
    WithdrawForm,
)
from handover.http import AuthenticatedHttpRequest
from handover.models import ModuleKind

from .common import case_action, case_url, form_page, load_case, query_without, theirs

# The service that takes each step of the case from its page; the sign-off is a signature.
TRANSITION_SERVICES = {
    "start_preparing": services.departure_start_preparing,
    "start_executing": services.departure_start_executing,
    "start_trial_run": services.departure_start_trial_run,
    "begin_aftercare": services.departure_begin_aftercare,
    "close": services.departure_close,
}


@login_required
def case_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET or None)
    filters = selectors.CaseFilters(**form.given())
    chart = selectors.cases_by_state(request.user)
    page = selectors.case_list_page(request.user, filters, request.GET.get("page"), chart=chart)
    return render(
        request,
        "handover/case_list.html",
        {
            "form": form,
            "departments": form.department_options(),
            "dates": [form["last_day_from"], form["last_day_to"]],
            "page": page,
            "chart": chart,
            "query": query_without(request, "page"),
        },
    )


@login_required
def case_open(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.may_open_case(request.user):
        raise Http404
    form = DepartureOpenForm(request.POST or None, initial={"language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            departure = services.departure_open(
                actor=request.user,
                employee=data["employee"],
                manager=data["manager"],
                successors=data["successors"],
                reason_category=data["reason_category"],
                reason_text=data["reason_text"],
                notice_date=data["notice_date"],
                last_working_day=data["last_working_day"],
                language=data["language"],
            )
        except HandoverError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Case %(number)s is open.") % {"number": departure.number})
            if departure.short_notice:
                messages.warning(request, _("Short notice: less than two weeks to hand everything over."))
            return redirect(case_url(departure.pk))
    return render(request, "handover/case_open.html", {"form": form})


@case_action()
def case_transition(request: AuthenticatedHttpRequest, departure, access, name: str):
    service = TRANSITION_SERVICES.get(name)
    if service is None:
        raise Http404
    departure = service(actor=request.user, departure=departure)
    messages.success(request, _("The case is now “%(state)s”.") % {"state": departure.get_state_display()})
    if name == "start_preparing":
        # The preparation starts with the announcement: HR reviews it next.
        return redirect("handover:case_announcement", pk=departure.pk)
    return None


@login_required
def case_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The employee stays: HR confirms, with a reason, that the case is withdrawn."""
    departure, access = load_case(request, pk)
    facts = selectors.case_progress(departure)
    may = policy.transition_decision(facts, access, "withdraw", timezone.localdate())
    if may.forbidden:
        raise PermissionDenied
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            departure = services.departure_withdraw(
                actor=request.user, departure=departure, reason=form.cleaned_data["reason"]
            )
        except HandoverError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("The case is now “%(state)s”.") % {"state": departure.get_state_display()}
            )
            return redirect(case_url(departure.pk))
    return render(
        request, "handover/withdraw.html", {"departure": departure, "form": form, "blocked": may.message}
    )


@login_required
def case_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """HR changes the manager, the HR owner and the dates, until the sign-off."""
    departure, access = load_case(request, pk)
    may = policy.act_decision(departure.state, access, "change_people")
    theirs(may)
    initial = {
        "manager": departure.manager_id,
        "hr_owner": departure.hr_owner_id,
        "last_working_day": departure.last_working_day,
        "support_until": departure.support_until,
    }
    form = CaseEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            departure = services.departure_update(
                actor=request.user, departure=departure, **form.cleaned_data
            )
        except HandoverError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The case is saved."))
            if departure.short_notice:
                messages.warning(request, _("Short notice: less than two weeks to hand everything over."))
            return redirect(case_url(departure.pk))
    return form_page(
        request,
        departure,
        form,
        title=_("Edit the case"),
        submit=_("Save"),
        back=case_url(departure.pk),
        intro=_("Changes are on the timeline; people who leave the case lose access to it."),
        blocked=may.message,
    )


@login_required
def module_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    departure, access = load_case(request, pk)
    may = policy.act_decision(departure.state, access, "add_module")
    theirs(may)
    present = set(departure.modules.values_list("kind", flat=True))
    missing = [(kind, str(label)) for kind, label in ModuleKind.choices if kind not in present]
    form = ModuleAddForm(request.POST or None, missing=missing)
    if request.method == "POST" and form.is_valid():
        try:
            module = services.module_add(actor=request.user, departure=departure, **form.cleaned_data)
        except HandoverError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("%(module)s added.") % {"module": module.get_kind_display()})
            return redirect(case_url(departure.pk, f"module-{module.pk}"))
    return form_page(
        request,
        departure,
        form,
        title=_("Add a work module"),
        submit=_("Add the module"),
        back=case_url(departure.pk, "modules-title"),
        intro=_("Its checklist starts from the default template; the successor gets access to the case."),
        blocked=may.message,
    )


@login_required
def module_remove(request: AuthenticatedHttpRequest, pk: int, module_id: int) -> HttpResponse:
    departure, access = load_case(request, pk)
    module = departure.modules.filter(pk=module_id).first()
    if module is None:
        raise Http404
    facts = selectors.case_progress(departure)
    may = policy.module_removal_decision(facts, access, next(m for m in facts.modules if m.id == module.pk))
    theirs(may)
    if request.method == "POST":
        try:
            services.module_remove(actor=request.user, departure=departure, module_id=module.pk)
        except HandoverError as error:
            messages.error(request, error.message)
            return redirect(case_url(departure.pk, f"module-{module.pk}"))
        messages.success(request, _("%(module)s removed.") % {"module": module.get_kind_display()})
        return redirect(case_url(departure.pk, "modules-title"))
    return form_page(
        request,
        departure,
        None,
        title=_("Remove %(module)s from the case") % {"module": module.get_kind_display()},
        submit=_("Remove the module"),
        back=case_url(departure.pk, f"module-{module.pk}"),
        intro=_(
            "Its checklist items go with it. Its successor loses access unless they take over another module."
        ),
        blocked=may.message,
    )


@login_required
def set_successor(request: AuthenticatedHttpRequest, pk: int, module_id: int) -> HttpResponse:
    departure, access = load_case(request, pk)
    module = departure.modules.filter(pk=module_id).first()
    if module is None:
        raise Http404
    if policy.act_decision(departure.state, access, "change_people").forbidden:
        raise PermissionDenied
    form = SuccessorForm(request.POST or None, initial={"successor": module.successor_id})
    if request.method == "POST" and form.is_valid():
        try:
            services.module_set_successor(
                actor=request.user,
                departure=departure,
                module=module,
                successor=form.cleaned_data["successor"],
            )
        except HandoverError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The successor is saved."))
            return redirect(case_url(departure.pk, f"module-{module.pk}"))
    return render(
        request, "handover/module_successor.html", {"departure": departure, "module": module, "form": form}
    )
