"""Materials of a case: listing with an optional file, finding, downloading."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from handover import policy, services
from handover.errors import HandoverError
from handover.forms import (
    MaterialForm,
)
from handover.http import AuthenticatedHttpRequest
from handover.models import Material

from .common import case_action, case_row, case_url, form_page, inventory_case, load_case, submitted, theirs


def _case_material(request: AuthenticatedHttpRequest, pk: int, material_id: int):
    return case_row(request, pk, Material.objects.select_related("module"), material_id)


def _material_form_page(request, departure, form, material=None):
    return form_page(
        request,
        departure,
        form,
        title=_("Edit “%(title)s”") % {"title": material.title} if material else _("List a material"),
        submit=_("Save"),
        back=case_url(departure.pk, f"material-{material.pk}" if material else "materials"),
        files=True,
    )


@login_required
def material_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    departure, case_access = load_case(request, pk)
    theirs(policy.act_decision(departure.state, case_access, "list_inventory"))
    form = MaterialForm(request.POST or None, request.FILES or None, departure=departure)
    material = submitted(
        request, form, lambda data: services.material_create(actor=request.user, departure=departure, **data)
    )
    if material is not None:
        messages.success(request, _("“%(title)s” listed.") % {"title": material.title})
        if "another" in request.POST:
            return redirect("handover:material_add", departure.pk)
        return redirect(case_url(departure.pk, f"material-{material.pk}"))
    return _material_form_page(request, departure, form)


@login_required
def material_edit(request: AuthenticatedHttpRequest, pk: int, material_id: int) -> HttpResponse:
    departure, case_access, material = _case_material(request, pk, material_id)
    theirs(policy.material_decision(departure.state, case_access, material, "edit"))
    initial = {
        name: getattr(material, name)
        for name in (
            "module",
            "title",
            "medium",
            "category",
            "location",
            "created_on",
            "purpose",
            "importance",
        )
    }
    form = MaterialForm(
        request.POST or None,
        request.FILES or None,
        departure=departure,
        has_file=bool(material.file),
        initial=initial,
    )
    done = submitted(
        request,
        form,
        lambda data: services.material_update(
            actor=request.user, departure=departure, material_id=material.pk, **data
        ),
    )
    if done is not None:
        messages.success(request, _("“%(title)s” saved.") % {"title": form.cleaned_data["title"]})
        return redirect(case_url(departure.pk, f"material-{material.pk}"))
    return _material_form_page(request, departure, form, material)


@login_required
def material_delete(request: AuthenticatedHttpRequest, pk: int, material_id: int) -> HttpResponse:
    departure, case_access, material = _case_material(request, pk, material_id)
    theirs(policy.material_decision(departure.state, case_access, material, "remove"))
    if request.method == "POST":
        try:
            services.material_delete(actor=request.user, departure=departure, material_id=material.pk)
        except HandoverError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("“%(title)s” removed.") % {"title": material.title})
        return redirect(case_url(departure.pk, "materials"))
    return form_page(
        request,
        departure,
        None,
        title=_("Remove “%(title)s”?") % {"title": material.title},
        intro=_("The material and its attached file leave the inventory."),
        submit=_("Remove"),
        back=case_url(departure.pk, f"material-{material.pk}"),
        danger=True,
    )


@case_action("material-{material_id}")
def material_found(request: AuthenticatedHttpRequest, departure, case_access, material_id: int):
    material = services.material_found(actor=request.user, departure=departure, material_id=material_id)
    messages.success(request, _("“%(title)s” confirmed as found.") % {"title": material.title})
    return redirect(case_url(departure.pk, f"material-{material_id}"))


@login_required
def material_file(request: AuthenticatedHttpRequest, pk: int, material_id: int) -> FileResponse:
    """A material's file, only through this check, always as a download."""
    departure, _case_access = inventory_case(request, pk)
    material, handle = services.material_open(
        actor=request.user, departure=departure, material_id=material_id
    )
    response = FileResponse(handle, as_attachment=True, filename=material.file_name or "material")
    response["Content-Type"] = "application/octet-stream"
    add_never_cache_headers(response)
    return response
