"""Anyone holding a confirmation can check it here, without logging in.

What an anonymous visitor learns is limited to the document itself: whether it is
intact and sealed by this organisation, its case number, version and status. Names
and the case page are for logged-in people who may see that case.
"""

import hashlib
import re

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from handover.documents import seal
from handover.forms import VerifyForm
from handover.models import ConfirmationDocument
from handover.permissions import case_access

from .common import case_url

SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _document_context(request: HttpRequest, document: ConfirmationDocument | None) -> dict:
    if document is None:
        return {"document": None, "case_url": None}
    departure = document.departure
    current = (
        ConfirmationDocument.objects.filter(departure=departure, superseded_at__isnull=True)
        .order_by("-version")
        .first()
    )
    visible = case_access(request.user, departure).can_view
    return {
        "document": document,
        "number": departure.number,
        "current": current,
        "case_url": case_url(departure.pk) if visible else None,
    }


@never_cache
def verify(request: HttpRequest) -> HttpResponse:
    """Upload a PDF to check its seal, or look a document up by its SHA-256."""
    form = VerifyForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form, "checked": False}
    lookup = request.GET.get("sha256", "").strip().lower()
    if lookup:
        context["lookup"] = lookup
        context["lookup_valid"] = bool(SHA256.match(lookup))
        document = (
            ConfirmationDocument.objects.select_related("departure").filter(sha256=lookup).first()
            if context["lookup_valid"]
            else None
        )
        context.update(_document_context(request, document))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["upload"].read()
        digest = hashlib.sha256(data).hexdigest()
        try:
            verdict = seal.check_pdf(data)
        except ValueError:
            form.add_error("upload", VerifyForm.NOT_A_PDF)
        except seal.SealError:
            form.add_error("upload", VerifyForm.NO_KEY)
        else:
            document = ConfirmationDocument.objects.select_related("departure").filter(sha256=digest).first()
            context.update(_document_context(request, document))
            context.update({"checked": True, "verdict": verdict, "sha256": digest})
    return render(request, "handover/verify.html", context)


@never_cache
def verify_code(request: HttpRequest, code: str) -> HttpResponse:
    """Where the QR code on a confirmation leads: that document's status, and the upload form."""
    document = ConfirmationDocument.objects.select_related("departure").filter(code=code).first()
    if document is None:
        raise Http404
    context = {"form": VerifyForm(), "checked": False, "from_code": True}
    context.update(_document_context(request, document))
    return render(request, "handover/verify.html", context)


def root_certificate(request: HttpRequest) -> HttpResponse:
    """The organisation's root certificate, for PDF readers to trust the seal."""
    try:
        pem = seal.root_pem()
    except seal.SealError as error:
        raise Http404 from error
    response = HttpResponse(pem, content_type="application/x-pem-file")
    response["Content-Disposition"] = 'attachment; filename="handover-root.pem"'
    return response
