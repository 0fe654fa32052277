from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from handover import guards, selectors, services
from handover.documents.confirmation import content_context
from handover.errors import HandoverError
from handover.forms import (
    AnswerForm,
    CaseFilterForm,
    DepartureOpenForm,
    FeedbackForm,
    ItemForm,
    MeetingRecordForm,
    MeetingScheduleForm,
    QuestionForm,
    ReissueForm,
    SignForm,
    SuccessorForm,
    TransferForm,
    TrialDoneForm,
    TrialTaskForm,
)
from handover.models import AccessState, Importance, State
from handover.models.departure import STATE_ORDER
from handover.models.inventory import OPEN_ACCESS_STATES
from handover.permissions import CaseAccess
from handover.services.inventory import (
    AFTER_PREPARATION,
    RECEIVING_STATES,
    SUPERVISED_STATES,
    may_revoke,
)
from handover.services.items import EDITABLE_STATES, REMOVABLE_STATES
from handover.services.signing import may_sign_now, signer_role

from .common import case_action, case_url, client_ip, load_case

# The step after each state, the service that takes it, and who may.
NEXT_STEP = {
    State.INTENT_CONFIRMED: ("start_preparing", services.departure_start_preparing, "is_owner"),
    State.PREPARING: ("start_executing", services.departure_start_executing, "can_supervise"),
    State.EXECUTING: ("start_trial_run", services.departure_start_trial_run, "can_supervise"),
    State.TRIAL_RUN: ("sign_off", None, "is_manager"),
    State.SIGNED_OFF: ("begin_aftercare", services.departure_begin_aftercare, "is_owner"),
    State.AFTERCARE: ("close", services.departure_close, "is_owner"),
}
TRANSITION_SERVICES = {name: service for name, service, _who in NEXT_STEP.values() if service}
TRANSITION_SERVICES["withdraw"] = services.departure_withdraw


def _step_label(name: str) -> str:
    return {
        "start_preparing": _("Announce and start preparing"),
        "start_executing": _("Start executing"),
        "start_trial_run": _("Start the trial run"),
        "sign_off": _("Manager sign-off"),
        "begin_aftercare": _("Start aftercare now"),
        "close": _("Close the case"),
        "withdraw": _("Withdraw the case"),
    }[name]


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET or None)
    filters = selectors.CaseFilters(**form.cleaned_data) if form.is_valid() else selectors.CaseFilters()
    page = selectors.case_list_page(request.user, filters, request.GET.get("page"))
    chart = selectors.cases_by_state(request.user)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "handover/case_list.html",
        {"form": form, "page": page, "chart": chart, "query": query.urlencode()},
    )


@login_required
def case_open(request: HttpRequest) -> HttpResponse:
    if not (request.user.is_hr and request.user.has_perm("handover.add_departure")):
        raise PermissionDenied
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


def case_page_context(request: HttpRequest, departure_id: int, access: CaseAccess) -> dict:
    departure = selectors.case_detail(departure_id)
    facts = selectors.case_progress(departure)
    progress = {m.id: m for m in facts.modules}
    editable = access.is_leaver and departure.state in EDITABLE_STATES
    for module in departure.modules.all():
        module.mine = access.receives(module)
        module.progress = progress[module.id]
        module.add_form = ItemForm(prefix=f"m{module.pk}") if editable else None
    step = NEXT_STEP.get(departure.state)
    next_step = None
    if step is not None:
        name, service, who = step
        next_step = {
            "name": name,
            "label": _step_label(name),
            "can": getattr(access, who) and service is not None,
            "blockers": guards.blocking(departure, name),
        }
    timeline, timeline_cut = selectors.case_timeline(
        departure,
        everything=request.GET.get("timeline") == "all",
        with_inventory=access.can_see_inventory,
    )
    inventory = inventory_context(departure, access) if access.can_see_inventory else {}
    signatures = list(departure.signatures.all())
    signed = {(s.signer_id, s.role) for s in signatures if s.voided_at is None}
    documents = list(departure.confirmations.all())
    can_sign = may_sign_now(departure, access, signed)
    return {
        "departure": departure,
        "access": access,
        "facts": facts,
        "editable": editable,
        "next_step": next_step,
        "stepper": [(s, s.label, STATE_ORDER.index(s)) for s in STATE_ORDER],
        "state_index": STATE_ORDER.index(departure.state) if departure.state in STATE_ORDER else -1,
        "can_withdraw": access.is_owner and departure.is_open,
        "meeting": getattr(departure, "meeting", None),
        "schedule_form": MeetingScheduleForm(),
        "record_form": MeetingRecordForm(),
        "trial_form": TrialTaskForm(departure=departure),
        "question_form": QuestionForm(),
        "answer_form": AnswerForm(),
        "done_form": TrialDoneForm(),
        "feedback_form": FeedbackForm(),
        "can_sign": can_sign,
        "can_change_successors": access.is_owner and departure.is_open,
        "signatures": signatures,
        "confirmation": next((d for d in documents if d.superseded_at is None), None),
        "documents": documents,
        "can_reissue": access.is_owner
        and departure.state in (State.SIGNED_OFF, State.AFTERCARE, State.CLOSED),
        "timeline": timeline,
        "timeline_cut": timeline_cut,
        "terminal": departure.state in (State.CLOSED, State.WITHDRAWN),
        **inventory,
    }


def inventory_context(departure, access: CaseAccess) -> dict:
    """The accounts and materials sections: each row with what this person may do on it now."""
    state = departure.state
    today = timezone.localdate()
    editable = access.is_leaver and state in EDITABLE_STATES
    removable = access.is_leaver and state in REMOVABLE_STATES
    modules = {module.pk: module for module in departure.modules.all()}
    accesses = list(departure.accesses.all())
    for row in accesses:
        module = modules[row.module_id]
        row.module_label = module.get_kind_display()
        receives = access.receives(module)
        listed = row.state == AccessState.LISTED
        row.can_edit = editable and listed
        row.can_delete = removable and listed
        row.can_store_secret = editable and listed and row.may_hold_secret
        row.can_transfer = receives and listed and state in RECEIVING_STATES
        row.can_reveal = receives and row.has_secret and state in AFTER_PREPARATION
        row.can_rotate = row.can_reveal
        row.can_revoke = access.can_supervise and may_revoke(row, departure, today)
        row.can_set_not_applicable = access.can_supervise and listed and state in SUPERVISED_STATES
        row.overdue = (
            row.state in OPEN_ACCESS_STATES
            and today > departure.last_working_day
            and state != State.WITHDRAWN
        )
    materials = list(departure.materials.all())
    for material in materials:
        module = modules[material.module_id]
        material.module_label = module.get_kind_display()
        unfound = material.found_at is None
        material.can_edit = editable and unfound
        material.can_delete = removable and unfound
        material.can_find = access.receives(module) and unfound and state in RECEIVING_STATES
    counts = Counter(row.state for row in accesses)
    return {
        "accesses": accesses,
        "access_counts": [(value, label, counts.get(value, 0)) for value, label in AccessState.choices],
        "materials": materials,
        "materials_to_find": sum(
            1 for m in materials if m.importance == Importance.HIGH and m.found_at is None
        ),
        "inventory_editable": editable,
        "transfer_form": TransferForm(),
    }


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    departure, access = load_case(request, pk)
    return render(request, "handover/case_detail.html", case_page_context(request, departure.pk, access))


@case_action
def case_transition(request: HttpRequest, departure, access, name: str):
    service = TRANSITION_SERVICES.get(name)
    if service is None:
        raise Http404
    departure = service(actor=request.user, departure=departure)
    messages.success(request, _("The case is now “%(state)s”.") % {"state": departure.get_state_display()})


@login_required
def set_successor(request: HttpRequest, pk: int, module_id: int) -> HttpResponse:
    departure, access = load_case(request, pk)
    module = departure.modules.filter(pk=module_id).first()
    if module is None:
        raise Http404
    if not access.is_owner:
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


@case_action
def meeting_schedule(request: HttpRequest, departure, access):
    form = MeetingScheduleForm(request.POST)
    if not form.is_valid():
        raise HandoverError(_("Give the meeting a date, a time and a place."))
    services.meeting_schedule(actor=request.user, departure=departure, **form.cleaned_data)
    messages.success(request, _("The handover meeting is scheduled."))


@case_action
def meeting_record(request: HttpRequest, departure, access):
    form = MeetingRecordForm(request.POST)
    if not form.is_valid():
        raise HandoverError(_("Give the time the meeting took place and its minutes."))
    services.meeting_record(actor=request.user, departure=departure, **form.cleaned_data)
    messages.success(request, _("The handover meeting is recorded."))


@sensitive_post_parameters("password")
@login_required
def case_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """The signer reads exactly what they affirm, then signs with a typed name or a drawing."""
    departure, access = load_case(request, pk)
    if signer_role(access) is None:
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
                ip_address=client_ip(request),
                user_agent=request.headers.get("User-Agent", ""),
            )
        except HandoverError as error:
            form.add_error(None, error.message)
            # The page now shows the content as it is; a new attempt affirms that.
            form.data = form.data.copy()
            form.data["content_sha256"] = fingerprint
        else:
            messages.success(request, _("You have signed the handover confirmation."))
            return redirect(case_url(departure.pk, "sign"))
    signed = {
        (s.signer_id, s.role)
        for s in departure.signatures.filter(voided_at__isnull=True).only("signer", "role")
    }
    context = {
        **content_context(departure.pk),
        "form": form,
        "fingerprint": fingerprint,
        "can_sign": may_sign_now(departure, access, signed),
        "role": signer_role(access),
    }
    return render(request, "handover/sign.html", context)


@login_required
def confirmation_reissue(request: HttpRequest, pk: int) -> HttpResponse:
    departure, access = load_case(request, pk)
    if not access.is_owner:
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
def confirmation_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    departure, _access = load_case(request, pk)
    version = request.GET.get("version", "")
    document, file = services.confirmation_open(
        actor=request.user,
        departure=departure,
        version=int(version) if version.isascii() and version.isdigit() else None,
    )
    return FileResponse(
        file,
        as_attachment=True,
        filename=f"{departure.number}-v{document.version}.pdf",
        content_type="application/pdf",
    )
