"""Operation manuals in Markdown: rendered safely (no raw HTML, no script, links only to the web and
to mail), started from a module's items, enriched from a lesson or an aftercare answer, and compared
version with version. Pure: no queries."""

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt

SAFE_SCHEMES = ("http:", "https:", "mailto:")


def _safe_link(url: str) -> bool:
    """Links to the web, to mail, or within the page; never javascript:, data: or file:."""
    target = url.strip().lower()
    return target.startswith(SAFE_SCHEMES) or (target.startswith(("#", "/")) and not target.startswith("//"))


class _ManualMarkdown(MarkdownIt):
    def validateLink(self, url: str) -> bool:
        return _safe_link(url)


# Raw HTML stays text; images are off (a manual links to files instead of pulling them from
# elsewhere, which the page's content policy would refuse anyway).
_MARKDOWN = (
    _ManualMarkdown("commonmark", {"html": False, "breaks": True})
    .enable(["table", "strikethrough"])
    .disable("image")
)


def render(body: str) -> SafeString:
    """The manual as HTML. Safe because the parser escapes every character of raw HTML it meets and
    only writes the tags Markdown itself produces, with links it has validated."""
    return mark_safe(_MARKDOWN.render(body))  # noqa: S308 - escaped by the parser, see above


def _section(title: str, *parts: tuple[str, str]) -> str:
    lines = [f"## {title}".strip()]
    for label, text in parts:
        if text.strip():
            lines += ["", f"**{label}**", "", text.strip()]
    return "\n".join(lines)


def draft(module_label: str, items: Iterable[Any]) -> str:
    """A first text from the module's items: a section per item with its steps, key moments and
    cautions, for the leaver to rewrite in their own words."""
    sections = [
        _section(
            item.title,
            (_("Steps"), item.steps),
            (_("Key moments"), item.key_moments),
            (_("Cautions"), item.cautions),
        )
        for item in items
    ]
    heading = f"# {_('%(module)s: operation manual') % {'module': module_label}}"
    return "\n\n".join([heading, *sections]) + "\n"


def lesson_section(lesson: Any) -> str:
    about = f" ({lesson.item.title})" if lesson.item_id and lesson.item else ""
    return _section(
        _("Lesson learned") + about,
        (_("What went wrong"), lesson.went_wrong),
        (_("How it was solved"), lesson.solved),
        (_("What to watch"), lesson.watch),
    )


def answer_section(question: Any) -> str:
    about = f" ({question.item.title})" if question.item_id and question.item else ""
    return _section(
        _("Asked after the handover") + about,
        (_("Question"), question.question),
        (_("Answer"), question.answer),
    )


def appended(body: str, section: str) -> str:
    return f"{body.rstrip()}\n\n{section}\n"


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "added", "removed" or "same"
    text: str


def diff(before: str, after: str, context: int = 2) -> list[DiffLine]:
    """What changed from one version to the next, line by line, with a little context; "gap" marks
    unchanged lines left out."""
    kinds = {"+": "added", "-": "removed", " ": "same", "@": "gap"}
    # The first two lines name the two texts.
    lines = list(difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=context))[2:]
    return [DiffLine(kinds[line[0]], "" if line[0] == "@" else line[1:]) for line in lines if line]
