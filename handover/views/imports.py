"""Importing a case's accounts and materials from a spreadsheet, and exporting them."""

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_variables

from handover import inventory_io, policy, services
from handover.errors import HandoverError
from handover.forms import (
    ImportForm,
)
from handover.http import AuthenticatedHttpRequest

from .common import case_url, inventory_case, load_case, theirs


@sensitive_variables()
@never_cache
@login_required
def inventory_import(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Upload a spreadsheet, see every row checked, then import all of it or nothing.

    The checked rows wait on the server, sealed with the vault key (so a secret column is never
    stored in the clear), and the confirmation names them by an id that works once."""
    departure, case_access = load_case(request, pk)
    theirs(policy.act_decision(departure.state, case_access, "list_inventory"))
    context: dict[str, Any] = {"departure": departure, "preview": None, "preview_id": ""}
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
def inventory_export(request: AuthenticatedHttpRequest, pk: int, file_format: str) -> HttpResponse:
    """The inventory without secrets: both lists as XLSX sheets, or one list as CSV."""
    departure, _case_access = inventory_case(request, pk)
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
def import_template(request: AuthenticatedHttpRequest, pk: int, kind: str, file_format: str) -> HttpResponse:
    """An empty spreadsheet with the right column names, in the reader's language."""
    departure, _case_access = inventory_case(request, pk)
    if kind not in inventory_io.COLUMNS or file_format not in FORMATS:
        raise Http404
    header, rows = inventory_io.template_table(kind, departure)
    if file_format == "xlsx":
        return _download(inventory_io.to_xlsx([(kind, header, rows)]), f"{kind}-template.xlsx", XLSX)
    return _download(inventory_io.to_csv(header, rows), f"{kind}-template.csv", "text/csv; charset=utf-8")
