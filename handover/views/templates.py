from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from handover import policy, selectors
from handover.errors import HandoverError
from handover.forms import ProposalDecisionForm, TemplateForm, TemplateItemForm
from handover.http import AuthenticatedHttpRequest
from handover.models import ChecklistTemplate, ProposalState, TemplateItem, TemplateProposal
from handover.services.templates import (
    template_item_delete,
    template_item_save,
    template_proposals_decide,
    template_save,
)


def _require_hr(request: AuthenticatedHttpRequest) -> None:
    """HR's pages do not exist for anyone else."""
    if not policy.may_use_hr_pages(request.user):
        raise Http404


@login_required
def template_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_hr(request)
    templates = list(ChecklistTemplate.objects.annotate(item_count=Count("items")))
    waiting = dict(
        TemplateProposal.objects.filter(state=ProposalState.OPEN)
        .values_list("template_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = [(template, waiting.get(template.pk, 0)) for template in templates]
    form = TemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        template = template_save(actor=request.user, template=form.apply_to(ChecklistTemplate()))
        messages.success(request, _("Template created."))
        return redirect("handover:template_detail", template.pk)
    return render(request, "handover/template_list.html", {"rows": rows, "form": form})


@login_required
def template_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_hr(request)
    template = get_object_or_404(ChecklistTemplate, pk=pk)
    form = TemplateForm(
        request.POST or None,
        prefix="t",
        initial={name: getattr(template, name) for name in TemplateForm.base_fields},
    )
    item_form = TemplateItemForm(prefix="new")
    if request.method == "POST" and "save_template" in request.POST and form.is_valid():
        template_save(actor=request.user, template=form.apply_to(template))
        messages.success(request, _("Template saved."))
        return redirect("handover:template_detail", template.pk)
    if request.method == "POST" and "add_item" in request.POST:
        item_form = TemplateItemForm(request.POST, prefix="new")
        if item_form.is_valid():
            item = item_form.save(commit=False)
            item.template = template
            template_item_save(actor=request.user, item=item)
            messages.success(request, _("“%(title)s” added.") % {"title": item.title})
            return redirect("handover:template_detail", template.pk)
    history = selectors.template_history(template.pk)
    may_decide = policy.may_decide_template_proposals(request.user)
    decide_form = ProposalDecisionForm(
        request.POST if "decide" in request.POST else None, proposals=history.proposals
    )
    if "decide" in request.POST and decide_form.is_valid():
        try:
            version = template_proposals_decide(
                actor=request.user,
                template=template,
                accept=decide_form.chosen("accept"),
                decline=decide_form.chosen("decline"),
            )
        except HandoverError as error:
            decide_form.add_error(None, error.message)
        else:
            if version is not None:
                messages.success(request, _("The template is now at version %(n)s.") % {"n": version})
            else:
                messages.success(request, _("The declined changes are set aside."))
            return redirect("handover:template_detail", template.pk)
    items = template.items.order_by("module", "position", "pk")
    return render(
        request,
        "handover/template_detail.html",
        {
            "template": template,
            "form": form,
            "item_form": item_form,
            "items": items,
            "history": history,
            "may_decide": may_decide,
            "decide_form": decide_form,
            # The radios are drawn by the page itself: Django's widgets took most of its time.
            "proposals": [
                (proposal, decide_form.data.get(f"proposal-{proposal.pk}", ""))
                for proposal in history.proposals
            ],
            "choices": ProposalDecisionForm.CHOICES,
        },
    )


@login_required
def template_item_edit(request: AuthenticatedHttpRequest, pk: int, item_id: int) -> HttpResponse:
    _require_hr(request)
    item = get_object_or_404(TemplateItem.objects.select_related("template"), pk=item_id, template_id=pk)
    form = TemplateItemForm(request.POST or None, instance=item)
    if request.method == "POST" and "delete" in request.POST:
        template_item_delete(actor=request.user, item=item)
        messages.success(request, _("“%(title)s” removed.") % {"title": item.title})
        return redirect("handover:template_detail", pk)
    if request.method == "POST" and form.is_valid():
        # Saved unchanged, the template stays at its version.
        if form.has_changed():
            template_item_save(actor=request.user, item=form.save(commit=False))
        messages.success(request, _("“%(title)s” saved.") % {"title": item.title})
        return redirect("handover:template_detail", pk)
    return render(request, "handover/template_item_form.html", {"item": item, "form": form})
