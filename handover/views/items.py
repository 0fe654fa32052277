from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from handover import policy, services
from handover.errors import HandoverError
from handover.forms import AnswerForm, ItemForm, QuestionForm
from handover.http import AuthenticatedHttpRequest
from handover.models import ChecklistItem

from .common import case_action, case_url, load_case, theirs


def _item_row(
    request: AuthenticatedHttpRequest, departure, access, item_id: int, error: str = ""
) -> HttpResponse:
    """The one item's row, re-rendered for htmx after an action."""
    item = (
        ChecklistItem.objects.select_related("module").filter(pk=item_id, module__departure=departure).first()
    )
    if item is None:
        raise Http404
    context = {
        "item": item,
        "actions": policy.item_actions(departure.state, access, item),
        "module": item.module,
        "departure": departure,
        "access": access,
        "row_error": error,
        "question_form": QuestionForm(),
        "answer_form": AnswerForm(),
    }
    response = render(request, "handover/partials/case/modules.html#item-row", context)
    # The next step and the progress per module may have changed too: the page refreshes them.
    response["HX-Trigger"] = "handover-changed"
    return response


def _item_action(
    request: AuthenticatedHttpRequest, departure, access, item_id: int, act
) -> HttpResponse | None:
    """Run one item action; answer htmx with the item's row, anything else with the case page."""
    try:
        act()
    except HandoverError as error:
        if request.htmx:
            return _item_row(request, departure, access, item_id, error=str(error.message))
        messages.error(request, error.message)
    if request.htmx:
        return _item_row(request, departure, access, item_id)
    return redirect(case_url(departure.pk, f"item-{item_id}"))


def _item_view(service, text_field: str | None = None):
    """An item action (tick, accept, return, answer) as a view; ``text_field`` is its form text, if any."""

    @case_action
    def view(request: AuthenticatedHttpRequest, departure, access, item_id: int):
        extra = {text_field: request.POST.get(text_field, "")} if text_field else {}
        return _item_action(
            request,
            departure,
            access,
            item_id,
            lambda: service(actor=request.user, departure=departure, item_id=item_id, **extra),
        )

    return view


item_hand_over = _item_view(services.item_hand_over)
item_accept = _item_view(services.item_accept)
item_return = _item_view(services.item_return, "question")
item_answer = _item_view(services.item_answer, "answer")


@case_action
def item_add(request: AuthenticatedHttpRequest, departure, access, module_id: int):
    module = departure.modules.filter(pk=module_id).first()
    if module is None:
        raise Http404
    form = ItemForm(request.POST, prefix=f"m{module.pk}")
    if not form.is_valid():
        errors = "; ".join(
            f"{form.fields[f].label}: {' '.join(str(m) for m in e)}" for f, e in form.errors.items()
        )
        raise HandoverError(_("The item was not added. %(errors)s") % {"errors": errors})
    item = services.item_create(actor=request.user, departure=departure, module=module, **form.cleaned_data)
    messages.success(request, _("“%(title)s” added.") % {"title": item.title})
    return redirect(case_url(departure.pk, f"module-{module.pk}"))


def _leaver_item(request: AuthenticatedHttpRequest, pk: int, item_id: int, act: str):
    departure, access = load_case(request, pk)
    item = (
        ChecklistItem.objects.filter(pk=item_id, module__departure=departure).select_related("module").first()
    )
    if item is None:
        raise Http404
    theirs(policy.item_decision(departure.state, access, item, act))
    return departure, access, item


@login_required
def item_edit(request: AuthenticatedHttpRequest, pk: int, item_id: int) -> HttpResponse:
    departure, access, item = _leaver_item(request, pk, item_id, "edit")
    form = ItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.item_update(
                actor=request.user, departure=departure, item_id=item.pk, **form.cleaned_data
            )
        except HandoverError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("“%(title)s” saved.") % {"title": form.cleaned_data["title"]})
            return redirect(case_url(departure.pk, f"item-{item.pk}"))
    return render(
        request,
        "handover/item_form.html",
        {
            "departure": departure,
            "item": item,
            "form": form,
            "editable": bool(policy.item_decision(departure.state, access, item, "edit")),
        },
    )


@login_required
def item_delete(request: AuthenticatedHttpRequest, pk: int, item_id: int) -> HttpResponse:
    departure, _access, item = _leaver_item(request, pk, item_id, "remove")
    if request.method == "POST":
        try:
            services.item_delete(actor=request.user, departure=departure, item_id=item.pk)
        except HandoverError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("“%(title)s” removed.") % {"title": item.title})
        return redirect(case_url(departure.pk, f"module-{item.module_id}"))
    return render(request, "handover/item_delete.html", {"departure": departure, "item": item})
