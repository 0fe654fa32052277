"""The handover confirmation (交接确认书): the document the manager's sign-off freezes as a PDF."""

import base64

import segno
from django.conf import settings
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from weasyprint import HTML, URLFetcher

from handover.models import (
    Access,
    ChecklistItem,
    ConfirmationDocument,
    Departure,
    HandoverModule,
    Lesson,
    Material,
    MeetingParticipant,
    Signature,
    TrialTask,
)

TEMPLATE = "handover/pdf/confirmation.html"

# fontconfig maps zh-cn/zh-tw but not zh-hans/zh-hant (they fall back to DejaVu Sans, which has no
# CJK glyphs; Pango's fallback then draws Chinese with the Japanese face), so each language names
# its family. An English case can still hold Chinese names, hence the CJK face at the end of its stack.
FONT_STACKS = {
    "en": '"Noto Sans", "Liberation Sans", "DejaVu Sans", "Noto Sans CJK SC", sans-serif',
    "zh-hans": '"Noto Sans CJK SC", "DejaVu Sans", sans-serif',
    "zh-hant": '"Noto Sans CJK TC", "DejaVu Sans", sans-serif',
}
HTML_LANG = {"en": "en", "zh-hans": "zh-Hans", "zh-hant": "zh-Hant"}


def _load(departure_id: int) -> Departure:
    """The case with everything the document shows, in a fixed number of queries whatever its size."""
    items = ChecklistItem.objects.order_by("position", "pk")
    sealed_lessons = (
        Lesson.objects.filter(in_confirmation=True).select_related("item").order_by("created_at", "pk")
    )
    modules = HandoverModule.objects.order_by("position").prefetch_related(
        Prefetch("items", queryset=items),
        Prefetch("lessons", queryset=sealed_lessons, to_attr="sealed_lessons"),
    )
    return (
        Departure.objects.select_related("meeting")
        .prefetch_related(
            Prefetch("modules", queryset=modules),
            Prefetch("meeting__participants", queryset=MeetingParticipant.objects.order_by("name", "pk")),
            Prefetch("trial_tasks", queryset=TrialTask.objects.select_related("module").order_by("pk")),
            Prefetch(
                "signatures",
                queryset=Signature.objects.filter(voided_at__isnull=True).order_by("signed_at", "pk"),
            ),
            Prefetch(
                "accesses",
                queryset=Access.objects.select_related("system", "module").order_by("position", "pk"),
            ),
            Prefetch(
                "materials", queryset=Material.objects.select_related("module").order_by("position", "pk")
            ),
        )
        .get(pk=departure_id)
    )


def content_context(departure_id: int) -> dict:
    """What the confirmation says, for the PDF and for the page a signer reads before signing.

    The reason for leaving is private to HR and is deliberately not in it; nor is any secret."""
    departure = _load(departure_id)
    modules = list(departure.modules.all())
    return {
        "departure": departure,
        "company_name": settings.HANDOVER_COMPANY_NAME,
        "meeting": getattr(departure, "meeting", None),
        "modules": modules,
        "item_count": sum(len(module.items.all()) for module in modules),
        "trial_tasks": list(departure.trial_tasks.all()),
        "accesses": list(departure.accesses.all()),
        "materials": list(departure.materials.all()),
        "signatures": list(departure.signatures.all()),
    }


def verify_url(document: ConfirmationDocument) -> str:
    return settings.HANDOVER_BASE_URL.rstrip("/") + reverse("handover:verify_code", args=[document.code])


def _qr_svg(url: str) -> str:
    """The verification address as a QR code, inline SVG (no file, no network)."""
    qr = segno.make(url, error="m")
    return mark_safe(qr.svg_inline(scale=4, border=0, dark="#000"))  # noqa: S308 (segno's own markup)


def render_confirmation_pdf(
    departure: Departure, document: ConfirmationDocument, previous: ConfirmationDocument | None = None
) -> bytes:
    """Render one version of the confirmation as an A4 PDF in the case's language (before sealing)."""
    context = content_context(departure.pk)
    language = context["departure"].language
    for signature in context["signatures"]:
        signature.image_uri = (
            "data:image/png;base64," + base64.b64encode(bytes(signature.image)).decode()
            if signature.image
            else ""
        )
    url = verify_url(document)
    context.update(
        {
            "html_lang": HTML_LANG.get(language, language),
            "font_family": mark_safe(FONT_STACKS.get(language, FONT_STACKS["en"])),  # noqa: S308 (a constant)
            "document": document,
            "previous": previous,
            "verify_url": url,
            "qr_svg": _qr_svg(url),
            "issued_at": timezone.now(),
        }
    )
    with translation.override(language):
        html = render_to_string(TEMPLATE, context)
    # Only local files and inline data may be read: a document must never reach the network.
    fetcher = URLFetcher(allowed_protocols={"file", "data"})
    return HTML(string=html, base_url=str(settings.BASE_DIR / "static"), url_fetcher=fetcher).write_pdf()
