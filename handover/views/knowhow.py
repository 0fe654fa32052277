"""Know-how: a module's operation manual (read, written in versions, enriched with one click,
compared, printed) and the library of manuals a person may read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from handover import manuals, policy, selectors, services
from handover.forms import ManualForm
from handover.http import AuthenticatedHttpRequest
from handover.models import Departure, HandoverModule, Manual, ManualAddition, ManualRevision, ModuleKind
from handover.permissions import CaseAccess, case_access
from handover.validators import CONTROL_CHARACTERS

from .common import case_action, query_without, submitted, theirs

HISTORY_PAGE_SIZE = 50
# The largest version number a database column holds; an address with more names no version.
MAX_VERSION = 2**31 - 1


def _readable(
    request: AuthenticatedHttpRequest, pk: int, module_id: int
) -> tuple[Departure, HandoverModule, CaseAccess]:
    """The case, the module and this person's part, for whoever may read the module's manual: the
    people on the case, and after it closed whoever holds that module in the department; 404 for others."""
    departure = get_object_or_404(Departure.objects.select_related("department"), pk=pk)
    module = get_object_or_404(HandoverModule, pk=module_id, departure=departure)
    access = case_access(request.user, departure)

    def holds() -> bool:
        return selectors.holds_module_in_department(request.user, departure, module.kind)

    if not policy.may_read_manual(access, departure.state, holds_module_in_department=holds):
        raise Http404
    return departure, module, access


@login_required
def module_manual(request: AuthenticatedHttpRequest, pk: int, module_id: int) -> HttpResponse:
    departure, module, access = _readable(request, pk, module_id)
    write = policy.manual_decision(departure.state, access, module)
    view = selectors.manual_view(module, enrich=bool(write))
    return render(
        request,
        "handover/manual.html",
        {
            "departure": departure,
            "module": module,
            "access": access,
            "view": view,
            "html": manuals.render(view.manual.body) if view.manual else "",
            "may_write": bool(write),
            "blocked": "" if write.forbidden else write.message,
        },
    )


@login_required
def manual_edit(request: AuthenticatedHttpRequest, pk: int, module_id: int) -> HttpResponse:
    departure, module, access = _readable(request, pk, module_id)
    decision = policy.manual_decision(departure.state, access, module)
    theirs(decision)
    manual = getattr(module, "manual", None)
    initial = {
        "body": manual.body if manual else services.manual_start(module, departure.language),
        "base_version": manual.version if manual else 0,
    }
    form = ManualForm(request.POST or None, initial=initial)

    def save(data):
        return services.manual_save(
            actor=request.user,
            departure=departure,
            module_id=module.pk,
            body=data["body"],
            base_version=data["base_version"],
            note=data["note"],
        )

    if submitted(request, form, save):
        messages.success(request, _("The manual is saved."))
        return redirect("handover:module_manual", pk=departure.pk, module_id=module.pk)
    # Someone saved a newer version meanwhile: the writer's text stays in the form, now based on
    # that version, with it shown beside to compare; saving again is then theirs to decide.
    current = Manual.objects.filter(module=module).first()
    newer, changes = None, []
    posted_base = request.POST.get("base_version", "")
    if request.method == "POST" and current is not None and posted_base != str(current.version):
        newer = current
        # What the others changed since the version this writer started from.
        base = (
            ManualRevision.objects.filter(manual=current, number=int(posted_base)).first()
            if posted_base.isdigit()
            else None
        )
        changes = manuals.diff(base.body if base else "", current.body)
        refusals = form.non_field_errors()
        form = ManualForm({**request.POST.dict(), "base_version": current.version})
        form.is_valid()
        for refusal in refusals:
            form.add_error(None, refusal)
    return render(
        request,
        "handover/manual_edit.html",
        {
            "departure": departure,
            "module": module,
            "manual": current,
            "form": form,
            "newer": newer,
            "changes": changes,
            # Refused on submit, the form stays with what was typed and why.
            "blocked": decision.message if not decision and not form.is_bound else "",
        },
    )


@case_action("manual-{module_id}")
def manual_enrich(
    request: AuthenticatedHttpRequest, departure, access, module_id: int, source: str, row_id: int
):
    if source == ManualAddition.LESSON:
        services.manual_add_lesson(
            actor=request.user, departure=departure, module_id=module_id, lesson_id=row_id
        )
        messages.success(request, _("The lesson is added to the manual."))
    elif source == ManualAddition.ANSWER:
        services.manual_add_answer(
            actor=request.user, departure=departure, module_id=module_id, question_id=row_id
        )
        messages.success(request, _("The answer is added to the manual."))
    else:
        raise Http404


@login_required
def manual_history(request: AuthenticatedHttpRequest, pk: int, module_id: int) -> HttpResponse:
    departure, module, _access = _readable(request, pk, module_id)
    revisions = ManualRevision.objects.filter(manual__module=module).defer("body").order_by("-number")
    page = Paginator(revisions, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "handover/manual_history.html", {"departure": departure, "module": module, "page": page}
    )


@login_required
def manual_version(request: AuthenticatedHttpRequest, pk: int, module_id: int, number: int) -> HttpResponse:
    """One version as it read, and what it changed from the one before."""
    departure, module, _access = _readable(request, pk, module_id)
    if number > MAX_VERSION:
        raise Http404
    revisions = ManualRevision.objects.filter(manual__module=module, number__in=[number - 1, number])
    by_number = {revision.number: revision for revision in revisions}
    if number not in by_number:
        raise Http404
    revision, before = by_number[number], by_number.get(number - 1)
    return render(
        request,
        "handover/manual_version.html",
        {
            "departure": departure,
            "module": module,
            "revision": revision,
            "html": manuals.render(revision.body),
            "changes": manuals.diff(before.body if before else "", revision.body),
        },
    )


@login_required
def manual_print(request: AuthenticatedHttpRequest, pk: int, module_id: int) -> HttpResponse:
    """The manual alone, laid out for paper."""
    departure, module, _access = _readable(request, pk, module_id)
    manual = getattr(module, "manual", None)
    if manual is None:
        raise Http404
    return render(
        request,
        "handover/manual_print.html",
        {"departure": departure, "module": module, "manual": manual, "html": manuals.render(manual.body)},
    )


@login_required
def manual_library(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The manuals this person may read, to find how a module's work is done."""
    kind = request.GET.get("module", "")
    kind = kind if kind in ModuleKind.values else ""
    text = CONTROL_CHARACTERS.sub("", request.GET.get("q", "")).strip()[:100]
    page = selectors.manual_library(request.user, kind=kind, text=text, page=request.GET.get("page"))
    return render(
        request,
        "handover/manuals.html",
        {
            "page": page,
            "kind": kind,
            "text": text,
            "kinds": ModuleKind.choices,
            "query": query_without(request, "page"),
        },
    )
