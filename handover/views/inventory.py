"""Accounts, access and materials of a case: forms, secrets, files, import and export."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables

from handover import inventory_io, services
from handover.errors import HandoverError
from handover.forms import (
    AccessForm,
    ImportForm,
    MaterialForm,
    NotApplicableForm,
    RevealForm,
    RevokeForm,
    SecretForm,
)
from handover.models import Access, Material

from .common import case_action, case_url, load_case


def _form_page(request, departure, form, *, title, submit, back, intro="", files=False, danger=False):
    return render(
        request,
        "handover/inventory_form.html",
        {
            "departure": departure,
            "form": form,
            "title": title,
            "submit": submit,
            "back": back,
            "intro": intro,
            "multipart": files,
            "danger": danger,
        },
    )


def _case_row(request: HttpRequest, pk: int, rows, row_id: int):
    """The case, what this person may do on it, and one of its accounts or materials: 404 for
    anyone who may not see the inventory, and for a row of another case."""
    departure, case_access = _inventory_case(request, pk)
    row = rows.filter(pk=row_id, departure=departure).first()
    if row is None:
        raise Http404
    return departure, case_access, row


def _case_access_row(request: HttpRequest, pk: int, access_id: int):
    return _case_row(request, pk, Access.objects.select_related("module", "system"), access_id)


def _case_material(request: HttpRequest, pk: int, material_id: int):
    return _case_row(request, pk, Material.objects.select_related("module"), material_id)


def _submitted(request: HttpRequest, form, act):
    """For a valid POST, what ``act(cleaned_data)`` returns; None when there is nothing to act on
    yet or the service refused (its message is then on the form)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return act(form.cleaned_data)
    except HandoverError as error:
        form.add_error(None, error.message)
        return None


@sensitive_variables()
@sensitive_post_parameters("secret")
@login_required
def access_add(request: HttpRequest, pk: int) -> HttpResponse:
    departure, case_access = load_case(request, pk)
    if not case_access.is_leaver:
        raise PermissionDenied
    form = AccessForm(request.POST or None, departure=departure, with_secret=True)
    access = _submitted(
        request, form, lambda data: services.access_create(actor=request.user, departure=departure, **data)
    )
    if access is not None:
        messages.success(request, _("%(access)s listed.") % {"access": access})
        if "another" in request.POST:
            return redirect("handover:access_add", departure.pk)
        return redirect(case_url(departure.pk, f"access-{access.pk}"))
    return _form_page(
        request,
        departure,
        form,
        title=_("List an account or permission"),
        submit=_("Save"),
        back=case_url(departure.pk, "accesses"),
    )


@login_required
def access_edit(request: HttpRequest, pk: int, access_id: int) -> HttpResponse:
    departure, case_access, access = _case_access_row(request, pk, access_id)
    if not case_access.is_leaver:
        raise PermissionDenied
    initial = {
        "module": access.module,
        "system": access.system,
        "account": access.account,
        "access_level": access.access_level,
        "kind": access.kind,
        "credential_location": access.credential_location,
    }
    form = AccessForm(request.POST or None, departure=departure, initial=initial)
    done = _submitted(
        request,
        form,
        lambda data: services.access_update(
            actor=request.user, departure=departure, access_id=access.pk, **data
        ),
    )
    if done is not None:
        messages.success(request, _("Account saved."))
        return redirect(case_url(departure.pk, f"access-{access.pk}"))
    return _form_page(
        request,
        departure,
        form,
        title=_("Edit %(access)s") % {"access": access},
        submit=_("Save"),
        back=case_url(departure.pk, f"access-{access.pk}"),
    )


@login_required
def access_delete(request: HttpRequest, pk: int, access_id: int) -> HttpResponse:
    departure, case_access, access = _case_access_row(request, pk, access_id)
    if not case_access.is_leaver:
        raise PermissionDenied
    if request.method == "POST":
        try:
            services.access_delete(actor=request.user, departure=departure, access_id=access.pk)
        except HandoverError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("%(access)s removed.") % {"access": access})
        return redirect(case_url(departure.pk, "accesses"))
    return _form_page(
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
def access_secret(request: HttpRequest, pk: int, access_id: int) -> HttpResponse:
    """The leaver stores the secret of a shared account; it is never shown back to them."""
    departure, case_access, access = _case_access_row(request, pk, access_id)
    if not case_access.is_leaver:
        raise PermissionDenied
    form = SecretForm(request.POST or None)
    done = _submitted(
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
    return _form_page(
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
def access_reveal(request: HttpRequest, pk: int, access_id: int) -> HttpResponse:
    """The successor re-enters their password and sees the secret on this one response."""
    departure, case_access, access = _case_access_row(request, pk, access_id)
    if not case_access.receives(access.module):
        raise PermissionDenied
    form = RevealForm(request.POST or None)
    secret = _submitted(
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
    return _form_page(
        request,
        departure,
        form,
        title=_("Reveal the secret of %(access)s") % {"access": access},
        intro=_("The reveal is recorded on the case's timeline. Change the password once you are in."),
        submit=_("Reveal"),
        back=case_url(departure.pk, f"access-{access.pk}"),
    )


@case_action
def access_transfer(request: HttpRequest, departure, case_access, access_id: int):
    services.access_transfer(
        actor=request.user, departure=departure, access_id=access_id, method=request.POST.get("method", "")
    )
    messages.success(request, _("Working access confirmed."))
    return redirect(case_url(departure.pk, f"access-{access_id}"))


@case_action
def access_rotated(request: HttpRequest, departure, case_access, access_id: int):
    services.access_confirm_rotated(actor=request.user, departure=departure, access_id=access_id)
    messages.success(request, _("Noted: the password is changed, and the stored one is deleted."))
    return redirect(case_url(departure.pk, f"access-{access_id}"))


@login_required
def access_revoke(request: HttpRequest, pk: int, access_id: int) -> HttpResponse:
    departure, case_access, access = _case_access_row(request, pk, access_id)
    if not case_access.can_supervise:
        raise PermissionDenied
    return _revoke_page(request, departure, access, back=case_url(departure.pk, f"access-{access.pk}"))


@login_required
def access_revoke_by_it(request: HttpRequest, access_id: int) -> HttpResponse:
    """IT confirms a revocation from the open-access list; the case itself stays out of sight."""
    if not request.user.is_it:
        raise Http404
    access = Access.objects.select_related("departure", "system", "module").filter(pk=access_id).first()
    if access is None:
        raise Http404
    return _revoke_page(request, access.departure, access, back=reverse("handover:open_accesses"))


def _revoke_page(request: HttpRequest, departure, access, back: str) -> HttpResponse:
    form = RevokeForm(request.POST or None)
    done = _submitted(
        request,
        form,
        lambda data: services.access_revoke(
            actor=request.user, departure=departure, access_id=access.pk, **data
        ),
    )
    if done is not None:
        messages.success(request, _("%(access)s is revoked.") % {"access": access})
        return redirect(back)
    return _form_page(
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
def access_not_applicable(request: HttpRequest, pk: int, access_id: int) -> HttpResponse:
    departure, case_access, access = _case_access_row(request, pk, access_id)
    if not case_access.can_supervise:
        raise PermissionDenied
    form = NotApplicableForm(request.POST or None)
    done = _submitted(
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
    return _form_page(
        request,
        departure,
        form,
        title=_("Mark %(access)s not applicable") % {"access": access},
        submit=_("Mark not applicable"),
        back=case_url(departure.pk, f"access-{access.pk}"),
    )


def _material_form_page(request, departure, form, material=None):
    return _form_page(
        request,
        departure,
        form,
        title=_("Edit “%(title)s”") % {"title": material.title} if material else _("List a material"),
        submit=_("Save"),
        back=case_url(departure.pk, f"material-{material.pk}" if material else "materials"),
        files=True,
    )


@login_required
def material_add(request: HttpRequest, pk: int) -> HttpResponse:
    departure, case_access = load_case(request, pk)
    if not case_access.is_leaver:
        raise PermissionDenied
    form = MaterialForm(request.POST or None, request.FILES or None, departure=departure)
    material = _submitted(
        request, form, lambda data: services.material_create(actor=request.user, departure=departure, **data)
    )
    if material is not None:
        messages.success(request, _("“%(title)s” listed.") % {"title": material.title})
        if "another" in request.POST:
            return redirect("handover:material_add", departure.pk)
        return redirect(case_url(departure.pk, f"material-{material.pk}"))
    return _material_form_page(request, departure, form)


@login_required
def material_edit(request: HttpRequest, pk: int, material_id: int) -> HttpResponse:
    departure, case_access, material = _case_material(request, pk, material_id)
    if not case_access.is_leaver:
        raise PermissionDenied
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
    done = _submitted(
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
def material_delete(request: HttpRequest, pk: int, material_id: int) -> HttpResponse:
    departure, case_access, material = _case_material(request, pk, material_id)
    if not case_access.is_leaver:
        raise PermissionDenied
    if request.method == "POST":
        try:
            services.material_delete(actor=request.user, departure=departure, material_id=material.pk)
        except HandoverError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("“%(title)s” removed.") % {"title": material.title})
        return redirect(case_url(departure.pk, "materials"))
    return _form_page(
        request,
        departure,
        None,
        title=_("Remove “%(title)s”?") % {"title": material.title},
        intro=_("The material and its attached file leave the inventory."),
        submit=_("Remove"),
        back=case_url(departure.pk, f"material-{material.pk}"),
        danger=True,
    )


@case_action
def material_found(request: HttpRequest, departure, case_access, material_id: int):
    material = services.material_found(actor=request.user, departure=departure, material_id=material_id)
    messages.success(request, _("“%(title)s” confirmed as found.") % {"title": material.title})
    return redirect(case_url(departure.pk, f"material-{material_id}"))


@login_required
def material_file(request: HttpRequest, pk: int, material_id: int) -> FileResponse:
    """A material's file, only through this check, always as a download."""
    departure, _case_access = _inventory_case(request, pk)
    material, handle = services.material_open(
        actor=request.user, departure=departure, material_id=material_id
    )
    response = FileResponse(handle, as_attachment=True, filename=material.file_name or "material")
    response["Content-Type"] = "application/octet-stream"
    add_never_cache_headers(response)
    return response


def _inventory_case(request: HttpRequest, pk: int):
    departure, case_access = load_case(request, pk)
    if not case_access.can_see_inventory:
        raise Http404
    return departure, case_access


@sensitive_variables()
@never_cache
@login_required
def inventory_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a spreadsheet, see every row checked, then import all of it or nothing.

    The checked rows wait on the server, sealed with the vault key (so a secret column is never
    stored in the clear), and the confirmation names them by an id that works once."""
    departure, case_access = load_case(request, pk)
    if not case_access.is_leaver:
        raise PermissionDenied
    context = {"departure": departure, "preview": None, "preview_id": ""}
    if request.method == "POST" and "preview" in request.POST:
        try:
            kind, accounts, materials = services.inventory_import(
                actor=request.user, departure=departure, preview_id=_uuid(request.POST["preview"])
            )
        except HandoverError as error:
            messages.error(request, error.message)
            return redirect("handover:inventory_import", departure.pk)
        messages.success(
            request,
            _("Imported %(accounts)d accounts and %(materials)d materials.")
            % {"accounts": accounts, "materials": materials},
        )
        return redirect(case_url(departure.pk, "accesses" if kind == "accounts" else "materials"))
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            table = inventory_io.read_table(form.cleaned_data["upload"])
            preview = inventory_io.check_rows(form.cleaned_data["kind"], departure, table)
        except inventory_io.ImportFileError as error:
            form.add_error("upload", str(error))
        else:
            context["preview"] = preview
            if preview.ok:
                try:
                    saved = services.import_preview_save(
                        actor=request.user,
                        departure=departure,
                        kind=preview.kind,
                        rows=[row.data for row in preview.rows],
                    )
                except HandoverError as error:
                    form.add_error(None, error.message)
                else:
                    context["preview_id"] = str(saved.pk)
    context["form"] = form
    return render(request, "handover/inventory_import.html", context)


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    add_never_cache_headers(response)
    return response


FORMATS = ("csv", "xlsx")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def inventory_export(request: HttpRequest, pk: int, file_format: str) -> HttpResponse:
    """The inventory without secrets: both lists as XLSX sheets, or one list as CSV."""
    departure, _case_access = _inventory_case(request, pk)
    what = request.GET.get("what", "accounts")
    if what not in inventory_io.COLUMNS or file_format not in FORMATS:
        raise Http404
    services.inventory_exported(actor=request.user, departure=departure, file_format=file_format)
    stem = f"{departure.number}-inventory"
    if file_format == "xlsx":
        sheets = [
            (_("Accounts"), *inventory_io.account_table(departure)),
            (_("Materials"), *inventory_io.material_table(departure)),
        ]
        return _download(inventory_io.to_xlsx(sheets), f"{stem}.xlsx", XLSX)
    table = inventory_io.account_table if what == "accounts" else inventory_io.material_table
    return _download(inventory_io.to_csv(*table(departure)), f"{stem}-{what}.csv", "text/csv; charset=utf-8")


@login_required
def import_template(request: HttpRequest, pk: int, kind: str, file_format: str) -> HttpResponse:
    """An empty spreadsheet with the right column names, in the reader's language."""
    departure, _case_access = _inventory_case(request, pk)
    if kind not in inventory_io.COLUMNS or file_format not in FORMATS:
        raise Http404
    header, rows = inventory_io.template_table(kind, departure)
    if file_format == "xlsx":
        return _download(inventory_io.to_xlsx([(kind, header, rows)]), f"{kind}-template.xlsx", XLSX)
    return _download(inventory_io.to_csv(header, rows), f"{kind}-template.csv", "text/csv; charset=utf-8")
