from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from handover import policy, selectors, services
from handover.errors import HandoverError
from handover.forms import ItemForm, posted_text
from handover.http import AuthenticatedHttpRequest
from handover.models import ChecklistItem
from handover.places import module_url

from .common import case_action, case_url, form_page, load_case, theirs


def _item_row(
    request: AuthenticatedHttpRequest, departure, access, item_id: int, error: str = ""
) -> HttpResponse:
    """The one item's row, re-rendered for htmx after an action."""
    item = (
        ChecklistItem.objects.select_related("module").filter(pk=item_id, module__departure=departure).first()
    )
    if item is None:
        raise Http404
    # As a module's page draws it: with its lessons learned and the demonstrations that cover it.
    row = selectors.ItemRow(item, policy.item_actions(departure.state, access, item))
    [row] = selectors.with_notes([row], selectors.module_lessons(departure, access, item.module))
    context = {"row": row, "departure": departure, "row_error": error}
    response = render(request, "handover/case/item_row.html", context)
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
    module_id = ChecklistItem.objects.filter(pk=item_id, module__departure=departure).values("module_id")
    if not module_id:
        return redirect(case_url(departure.pk, "modules-title"))
    return redirect(module_url(departure.pk, module_id[0]["module_id"], item_id))


def _item_view(service, text_field: str | None = None):
    """An item action (tick, accept, return, answer) as a view; ``text_field`` is its form text, if any."""

    @case_action()
    def view(request: AuthenticatedHttpRequest, departure, access, item_id: int):
        def act():
            extra = {text_field: posted_text(request.POST, text_field)} if text_field else {}
            service(actor=request.user, departure=departure, item_id=item_id, **extra)

        return _item_action(request, departure, access, item_id, act)

    return view


item_hand_over = _item_view(services.item_hand_over)
item_accept = _item_view(services.item_accept)
item_return = _item_view(services.item_return, "question")
item_answer = _item_view(services.item_answer, "answer")


@case_action("module-{module_id}")
def item_add(request: AuthenticatedHttpRequest, departure, access, module_id: int):
    module = departure.modules.filter(pk=module_id).first()
    if module is None:
        raise Http404
    form = ItemForm(request.POST, prefix=f"m{module.pk}")
    if not form.is_valid():
        # What was typed comes back with why, on a page of its own, as the module's other forms do.
        return form_page(
            request,
            departure,
            form,
            title=_("Add an item to %(module)s") % {"module": module.get_kind_display()},
            submit=_("Add the item"),
            back=case_url(departure.pk, f"module-{module.pk}"),
        )
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
            return redirect(module_url(departure.pk, item.module_id, item.pk))
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


BULK_ACTS = ("hand_over", "accept")


def _chosen_ids(request: AuthenticatedHttpRequest) -> list[int] | None:
    """The items ticked on the case page (none ticked: the whole module)."""
    source = request.POST if request.method == "POST" else request.GET
    ids = [int(value) for value in source.getlist("item") if value.isascii() and value.isdigit()]
    return ids or None


@login_required
def items_bulk(request: AuthenticatedHttpRequest, pk: int, module_id: int, act: str) -> HttpResponse:
    """Hand over, or accept, several items of a module at once, after one confirmation."""
    if act not in BULK_ACTS:
        raise Http404
    departure, access = load_case(request, pk)
    module = departure.modules.filter(pk=module_id).first()
    if module is None:
        raise Http404
    ids = _chosen_ids(request)
    items = [
        item
        for item in module.items.order_by("position", "pk")
        if (ids is None or item.pk in ids) and policy.item_decision(departure.state, access, item, act)
    ]
    may = policy.module_items_decision(departure.state, access, module, act)
    theirs(may)
    back = case_url(departure.pk, f"module-{module.pk}")
    if request.method == "POST":
        try:
            done = services.items_bulk(
                actor=request.user, departure=departure, module_id=module.pk, act=act, item_ids=ids
            )
        except HandoverError as error:
            messages.error(request, error.message)
        else:
            done_text = BULK_DONE[act](len(done)) % {"n": len(done)}
            messages.success(request, done_text)
        return redirect(back)
    return render(
        request,
        "handover/items_bulk.html",
        {
            "departure": departure,
            "module": module,
            "items": items,
            "act": act,
            "ids": ids,
            "back": back,
            "blocked": may.message,
        },
    )


BULK_DONE = {
    "hand_over": lambda n: ngettext("%(n)d item handed over.", "%(n)d items handed over.", n),
    "accept": lambda n: ngettext("%(n)d item accepted.", "%(n)d items accepted.", n),
}
