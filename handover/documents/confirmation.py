"""The handover confirmation (交接确认书): the document the manager's sign-off freezes as a PDF."""

from django.conf import settings
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from weasyprint import HTML, URLFetcher

from handover.models import ChecklistItem, Departure, HandoverModule, Signature, TrialTask

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
    """The case with everything the document shows, in five queries whatever its size."""
    items = ChecklistItem.objects.order_by("position", "pk")
    modules = HandoverModule.objects.order_by("position").prefetch_related(Prefetch("items", queryset=items))
    return (
        Departure.objects.select_related("meeting")
        .prefetch_related(
            Prefetch("modules", queryset=modules),
            Prefetch("trial_tasks", queryset=TrialTask.objects.select_related("module").order_by("pk")),
            Prefetch("signatures", queryset=Signature.objects.order_by("signed_at", "pk")),
        )
        .get(pk=departure_id)
    )


def render_confirmation_pdf(departure: Departure) -> bytes:
    """Render the confirmation of a signed-off case as an A4 PDF in the case's language.

    The reason for leaving is private to HR and is deliberately not in the context.
    """
    departure = _load(departure.pk)
    language = departure.language
    modules = list(departure.modules.all())
    context = {
        "departure": departure,
        "company_name": settings.HANDOVER_COMPANY_NAME,
        "html_lang": HTML_LANG.get(language, language),
        "font_family": mark_safe(FONT_STACKS.get(language, FONT_STACKS["en"])),  # noqa: S308 (a constant)
        "meeting": getattr(departure, "meeting", None),
        "modules": modules,
        "item_count": sum(len(module.items.all()) for module in modules),
        "trial_tasks": list(departure.trial_tasks.all()),
        "signatures": list(departure.signatures.all()),
    }
    with translation.override(language):
        html = render_to_string(TEMPLATE, context)
    # Only local files may be read (there are none today): a document must never reach the network.
    fetcher = URLFetcher(allowed_protocols={"file"})
    return HTML(string=html, base_url=str(settings.BASE_DIR / "static"), url_fetcher=fetcher).write_pdf()
