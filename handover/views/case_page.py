"""A case's pages: the overview it opens on, and one section per part of the handover.

Every section has its own address and works as a plain page; the tabs load a section in place
with htmx, which gets only the section back. Every button is drawn from the policy's answer for
this person, now.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from handover import places, policy, reminders, selectors
from handover.forms import (
    CheckInForm,
    DemonstrationRecordForm,
    FollowUpForm,
    ItemForm,
    LessonForm,
    MeetingRecordForm,
    MeetingScheduleForm,
    TransferForm,
    TrialTaskForm,
    WithdrawForm,
)
from handover.http import AuthenticatedHttpRequest
from handover.models import AccessState, HandoverModule, ItemState, ModuleKind
from handover.models.departure import STATE_ORDER, Departure
from handover.permissions import CaseAccess
from handover.policy import CaseFacts

from .common import load_case, query_without
from .meetings import meeting_form_kwargs

SECTION_LABELS: dict[str, Promise] = {
    "overview": _("Overview"),
    "modules": _("Work modules"),
    "accounts": _("Accounts"),
    "materials": _("Materials"),
    "meeting": _("Meeting"),
    "trial": _("Trial run"),
    "signatures": _("Signatures"),
    "timeline": _("Timeline"),
}


@dataclass(frozen=True)
class Tab:
    name: str
    label: Promise
    url: str
    count: int | None
    current: bool


@dataclass(frozen=True)
class CaseView:
    """What every page of a case reads first: the case, this person's part, the facts, today."""

    request: AuthenticatedHttpRequest
    departure: Departure
    access: CaseAccess
    facts: CaseFacts
    today: date

    @property
    def state(self) -> str:
        return self.departure.state


def _tabs(view: CaseView, current: str) -> list[Tab]:
    facts = view.facts
    counts = {
        "modules": facts.total,
        "accounts": sum(m.accesses_total for m in facts.modules),
        "materials": sum(m.materials_total for m in facts.modules),
        "trial": sum(m.trial_total for m in facts.modules),
    }
    return [
        Tab(
            name,
            SECTION_LABELS[name],
            places.section_url(view.departure.pk, name),
            counts.get(name),
            name == current,
        )
        for name in policy.case_sections(facts, view.access)
    ]


def _case_page(section: str, build: Callable[..., dict[str, Any]], template: str = ""):
    """A view for one section: the case's head and tabs around what ``build`` reads, or, for the
    tabs' htmx request, the section alone."""

    @login_required
    def view(request: AuthenticatedHttpRequest, pk: int, **kwargs) -> HttpResponse:
        departure, access = load_case(request, pk)
        if section not in policy.case_sections_open_to(access):
            raise Http404
        facts = selectors.case_progress(departure)
        case = CaseView(request, departure, access, facts, timezone.localdate())
        context = {
            "departure": departure,
            "access": access,
            "facts": facts,
            "section": section,
            "section_label": SECTION_LABELS[section],
            "section_template": f"handover/case/{template or section}.html",
            "tabs": _tabs(case, section),
            **build(case, **kwargs),
        }
        only_section = request.htmx and not request.htmx.history_restore_request
        page = "handover/case/section.html" if only_section else "handover/case/page.html"
        return render(request, page, context)

    return view


def _overview(case: CaseView) -> dict[str, Any]:
    facts, access, today = case.facts, case.access, case.today
    departure = case.departure
    documents = list(departure.confirmations.order_by("-version"))
    return {
        "next_step": policy.next_step(facts, access, today),
        "stepper": [(s, s.label, STATE_ORDER.index(s)) for s in STATE_ORDER],
        "state_index": STATE_ORDER.index(departure.state) if departure.state in STATE_ORDER else -1,
        "todos": reminders.todos_for_case(facts, today, only=case.request.user.pk).get(
            case.request.user.pk, []
        ),
        "can_withdraw": bool(policy.transition_decision(facts, access, "withdraw", today)),
        "withdraw_form": WithdrawForm(),
        "confirmation": next((d for d in documents if d.superseded_at is None), None),
        "shown": policy.sections(
            departure.state,
            has_tasks=any(m.trial_total for m in facts.modules),
            has_signatures=bool(facts.signed),
            has_documents=bool(documents),
        ),
        "meeting": getattr(departure, "meeting", None),
        "access_open": facts.accesses_open,
        "materials_to_find": sum(m.materials_to_find for m in facts.modules),
        "can_change_people": bool(policy.act_decision(departure.state, access, "change_people")),
        "alumni_page": policy.may_open_alumni_page(case.request.user, access, departure),
        "quality": selectors.case_quality(departure) if policy.shows_quality(departure.state) else None,
    }


def _modules(case: CaseView) -> dict[str, Any]:
    show = case.request.GET.get("show", "")
    rows = selectors.module_rows(case.departure, case.facts, case.access, only_yours=show == "yours")
    return {
        "modules": rows,
        "refreshed": [row.module.pk for row in rows],
        "show": show,
        "has_yours": any(row.yours for row in rows) or show == "yours",
        "can_add_module": bool(policy.act_decision(case.state, case.access, "add_module"))
        and len(case.facts.modules) < len(ModuleKind.values),
        "can_change_people": bool(policy.act_decision(case.state, case.access, "change_people")),
    }


def _module(case: CaseView, module_id: int) -> dict[str, Any]:
    request = case.request
    show = request.GET.get("show", "")
    try:
        row, page = selectors.module_page(
            case.departure,
            case.facts,
            case.access,
            module_id,
            show=show if show in selectors.ITEM_FILTERS else "",
            number=request.GET.get("page"),
            item_id=_number(request.GET.get("item")),
        )
    except HandoverModule.DoesNotExist:
        raise Http404 from None
    can_add = bool(policy.act_decision(case.state, case.access, "add_item"))
    lessons = selectors.module_lessons(case.departure, case.access, row.module)
    row = replace(row, items=selectors.with_notes(row.items, lessons))
    may_note = policy.lesson_decision(case.state, case.access, row.module)
    may_check_in = policy.act_decision(case.state, case.access, "check_in")
    may_leave = policy.act_decision(case.state, case.access, "add_follow_up")
    return {
        "follow_ups": selectors.follow_up_rows(case.departure, case.access, row.module),
        "follow_up_form": FollowUpForm(module=row.module) if may_leave else None,
        "check_ins": selectors.module_check_ins(row.module),
        "check_in_form": CheckInForm(
            module=row.module,
            items_open=bool(row.progress.pending or row.progress.returned),
            may_add_trial_task=bool(policy.act_decision(case.state, case.access, "add_trial_task")),
        )
        if may_check_in
        else None,
        "lessons": lessons,
        "lesson_form": LessonForm(module=row.module) if may_note else None,
        "manual": selectors.manual_summary(row.module),
        "may_write_manual": bool(policy.manual_decision(case.state, case.access, row.module)),
        "entry": row,
        "refreshed": [row.module.pk],
        "page": page,
        "show": show,
        "filters": [("", _("All items")), ("yours", _("Waiting for you")), *ItemState.choices],
        "query": query_without(request, "page", "item", "row"),
        "add_form": ItemForm(prefix=f"m{row.module.pk}") if can_add else None,
        "can_change_people": bool(policy.act_decision(case.state, case.access, "change_people")),
        "section_label": row.module.get_kind_display(),
    }


def _accounts(case: CaseView) -> dict[str, Any]:
    request = case.request
    state = request.GET.get("state", "")
    module_id = _number(request.GET.get("module"))
    rows, page = selectors.access_page(
        case.departure,
        case.access,
        case.today,
        state=state,
        module_id=module_id,
        number=request.GET.get("page"),
        row_id=_number(request.GET.get("row")),
    )
    counts = {m.id: m for m in case.facts.modules}
    listed = sum(m.accesses_listed for m in counts.values())
    transferred = sum(m.accesses_transferred for m in counts.values())
    total = sum(m.accesses_total for m in counts.values())
    return {
        "accesses": rows,
        "page": page,
        "state": state,
        "module_id": module_id,
        "states": AccessState.choices,
        "module_choices": [(m.id, m.label) for m in case.facts.modules],
        "query": query_without(request, "page", "item", "row"),
        "open_counts": {"listed": listed, "transferred": transferred, "closed": total - listed - transferred},
        "transfer_form": TransferForm(),
        "can_list": bool(policy.act_decision(case.state, case.access, "list_inventory")),
    }


def _materials(case: CaseView) -> dict[str, Any]:
    request = case.request
    to_find = request.GET.get("show") == "to_find"
    module_id = _number(request.GET.get("module"))
    rows, page = selectors.material_page(
        case.departure,
        case.access,
        to_find=to_find,
        module_id=module_id,
        number=request.GET.get("page"),
        row_id=_number(request.GET.get("row")),
    )
    return {
        "materials": rows,
        "page": page,
        "to_find": to_find,
        "module_id": module_id,
        "module_choices": [(m.id, m.label) for m in case.facts.modules],
        "query": query_without(request, "page", "item", "row"),
        "materials_to_find": sum(m.materials_to_find for m in case.facts.modules),
        "can_list": bool(policy.act_decision(case.state, case.access, "list_inventory")),
    }


def _meeting(case: CaseView) -> dict[str, Any]:
    meeting = getattr(case.departure, "meeting", None)
    can_schedule = bool(policy.case_decision(case.facts, case.access, "schedule_meeting"))
    can_record = bool(policy.case_decision(case.facts, case.access, "record_meeting"))
    departure = case.departure
    return {
        "demonstrations": [
            (
                row,
                DemonstrationRecordForm(demonstration_id=row.demonstration.pk)
                if "record" in row.actions
                else None,
            )
            for row in selectors.demonstration_rows(case.departure, case.access)
        ],
        "can_demonstrate": bool(policy.demonstration_decision(case.state, case.access, "schedule")),
        "meeting": meeting,
        "schedule_form": (
            MeetingScheduleForm(**meeting_form_kwargs(departure, MeetingScheduleForm))
            if can_schedule
            else None
        ),
        "record_form": MeetingRecordForm(**meeting_form_kwargs(departure, MeetingRecordForm))
        if can_record
        else None,
        "participants": list(meeting.participants.all()) if meeting else [],
        "can_schedule": can_schedule,
        "can_record": can_record,
    }


def _trial(case: CaseView) -> dict[str, Any]:
    can_add = bool(policy.act_decision(case.state, case.access, "add_trial_task"))
    return {
        "trial_tasks": selectors.trial_rows(case.departure, case.access),
        "trial_form": TrialTaskForm(departure=case.departure) if can_add else None,
    }


def _signatures(case: CaseView) -> dict[str, Any]:
    departure = case.departure
    return {
        "signatures": list(departure.signatures.order_by("signed_at").defer("image")),
        "documents": list(departure.confirmations.order_by("-version")),
        "can_sign": bool(policy.sign_decision(case.facts, case.access, case.today)),
        "can_reissue": bool(policy.act_decision(case.state, case.access, "reissue")),
    }


def _timeline(case: CaseView) -> dict[str, Any]:
    return {
        "page": selectors.timeline_page(
            case.departure, case.request.GET.get("page"), with_inventory=case.access.can_see_inventory
        ),
        "query": "",
    }


def _number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 12 else None


case_detail = _case_page("overview", _overview)
case_modules = _case_page("modules", _modules)
case_module = _case_page("modules", _module, "module")
case_accounts = _case_page("accounts", _accounts)
case_materials = _case_page("materials", _materials)
case_meeting = _case_page("meeting", _meeting)
case_trial = _case_page("trial", _trial)
case_signatures = _case_page("signatures", _signatures)
case_timeline = _case_page("timeline", _timeline)
