"""Anyone holding a confirmation can check it here, without logging in.

What an anonymous visitor learns is limited to the document itself: whether it is
intact and sealed by this organisation, its case number, version and status. Names
and the case page are for logged-in people who may see that case.

Being public, the page is bounded: uploads and lookups per address, uploads site-wide, the
size of a file; and no web process parses an upload. The file waits in the cache for the
worker (``handover.documents.verification``), and the page polls until the verdict is there.
"""

import math
import re
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django_htmx.middleware import HtmxDetails

from accounts import ratelimit
from handover import tasks
from handover.documents import seal, verification
from handover.forms import VerifyForm
from handover.models import ConfirmationDocument
from handover.permissions import case_access

from .common import case_url

SHA256 = re.compile(r"^[0-9a-f]{64}$")
# What a multipart upload carries besides the file: boundaries, part headers, the CSRF token.
FORM_OVERHEAD = 64 * 1024


class HtmxHttpRequest(HttpRequest):
    """A request, perhaps anonymous, as django-htmx's middleware leaves it."""

    htmx: HtmxDetails


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


def _issued(sha256: str) -> ConfirmationDocument | None:
    return ConfirmationDocument.objects.select_related("departure").filter(sha256=sha256).first()


def _limited(request: HttpRequest, scope: str, limit: int, *, everyone: bool = False) -> HttpResponse | None:
    """None while the address (or, with ``everyone``, the whole site) is within ``limit`` per
    window; else the page saying when to try again, answering 429 Too Many Requests."""
    who = "site" if everyone else ratelimit.address_key(ratelimit.client_ip(request))
    wait = ratelimit.retry_after(scope, who, limit=limit, seconds=settings.HANDOVER_VERIFY_WINDOW_SECONDS)
    if not wait:
        return None
    context = {"minutes": math.ceil(wait / 60), "everyone": everyone}
    response = render(request, "handover/verify_limited.html", context, status=429)
    response["Retry-After"] = str(wait)
    return response


@csrf_exempt  # Checked in _upload, once the upload is allowed: a refused one is never read.
@never_cache
def verify(request: HtmxHttpRequest) -> HttpResponse:
    """Upload a PDF to check its seal, see where that check stands, or look a document up by its SHA-256."""
    if request.method == "POST":
        return _refused_unread(request) or _upload(request)
    key = request.GET.get("check", "")
    if key:
        return _check(request, key)
    lookup = request.GET.get("sha256", "").strip().lower()
    context: dict = {"form": VerifyForm()}
    if lookup:
        refused = _limited(request, "verify-lookup", settings.HANDOVER_VERIFY_LOOKUPS_PER_ADDRESS)
        if refused:
            return refused
        context["lookup"] = lookup
        context["lookup_valid"] = bool(SHA256.match(lookup))
        context.update(_document_context(request, _issued(lookup) if context["lookup_valid"] else None))
    return render(request, "handover/verify.html", context)


def _refused_unread(request: HttpRequest) -> HttpResponse | None:
    """The answer to an upload refused before its body is read: one over a limit, or one that
    announces more bytes than a confirmation can have."""
    refused = _limited(request, "verify-upload", settings.HANDOVER_VERIFY_UPLOADS_PER_ADDRESS)
    refused = refused or _limited(
        request, "verify-upload", settings.HANDOVER_VERIFY_UPLOADS_SITE_WIDE, everyone=True
    )
    if refused:
        return refused
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > settings.HANDOVER_VERIFY_MAX_BYTES + FORM_OVERHEAD:
        context = {"form": VerifyForm(), "too_large": VerifyForm.too_large()}
        return render(request, "handover/verify.html", context, status=413)
    return None


@csrf_protect
def _upload(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "handover/verify.html", {"form": form})
    key = verification.check_start(data=form.cleaned_data["upload"].read())
    tasks.check_uploaded_pdf.delay(key)
    return redirect(_check_url(key))


def _check_url(key: str) -> str:
    return f"{reverse('handover:verify')}?{urlencode({'check': key})}"


def _check(request: HtmxHttpRequest, key: str) -> HttpResponse:
    """Where the check of an upload stands; htmx polls the check's part of the page until it is done."""
    check = verification.check_result(key)
    context: dict = {"form": VerifyForm(), "check": check, "check_url": _check_url(key)}
    if check is not None and check.state == verification.DONE:
        context.update(_document_context(request, _issued(check.sha256)))
    template = "handover/verify.html#check" if request.htmx else "handover/verify.html"
    return render(request, template, context)


@never_cache
def verify_code(request: HttpRequest, code: str) -> HttpResponse:
    """Where the QR code on a confirmation leads: that document's status, and the upload form."""
    refused = _limited(request, "verify-lookup", settings.HANDOVER_VERIFY_LOOKUPS_PER_ADDRESS)
    if refused:
        return refused
    document = ConfirmationDocument.objects.select_related("departure").filter(code=code).first()
    if document is None:
        raise Http404
    context = {"form": VerifyForm(), "from_code": True}
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
