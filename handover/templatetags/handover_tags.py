import html
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django import template
from django.template.defaultfilters import linebreaksbr
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from handover import formatting, places
from handover.models import State

register = template.Library()
register.filter("day", formatting.day)
register.filter("moment", formatting.moment)


@register.filter
def state_label(value: str) -> str:
    """The translated name of a case state stored as its code."""
    try:
        return str(State(value).label)
    except ValueError:
        return value


PROGRESS_SVG = (
    '<svg class="progress" viewBox="0 0 100 6" preserveAspectRatio="none" role="img" aria-label="{label}">'
    '<rect class="track" width="100" height="6"/><rect class="accepted" width="{a}" height="6"/>'
    '<rect class="waiting" x="{a}" width="{h}" height="6"/></svg>'
)


@register.simple_tag
def progress(accepted: int, handed: int) -> str:
    """A two-segment bar: accepted (solid) and handed over but waiting, in percent."""
    return _progress(int(accepted), int(handed), get_language())


@lru_cache(maxsize=4096)
def _progress(accepted: int, handed: int, language: str | None) -> str:
    """Lists draw a bar per case, from a few thousand pairs of percentages: each is drawn once per
    language (``language`` is the active one, part of the key only)."""
    label = _("%(a)s%% accepted, %(h)s%% handed over and waiting") % {"a": accepted, "h": handed}
    return mark_safe(PROGRESS_SVG.format(label=conditional_escape(label), a=accepted, h=handed))  # noqa: S308


# The rows of the longest lists (fifty cases a page, a busy manager's hundred cases) are written
# here rather than by template nodes, as Django's admin writes its change list: a fifth of the time.
# On a phone the rows stack, their header hidden: the date and the count say what they are.
CASE_ROW = (
    '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td><span class="badge state-{}">{}</span></td>'
    '<td data-label="{}">{}{}</td><td data-label="{}">{}/{}</td></tr>'
)
WORK_ROW = (
    '<tr><td><a href="{}">{} · {}</a></td><td><span class="badge state-{}">{}</span></td>'
    '<td data-label="{}">{}</td><td data-label="{}">{}/{} {}</td></tr>'
)


def html_rows(template: str, rows: Iterable[tuple], separator: str = "\n") -> SafeString:
    """Django's ``format_html_join``, four times faster: each value escaped as Django escapes it
    (``html.escape``, quotes too), without its lazy-string wrappers; safe strings and numbers as they
    are."""
    return mark_safe(  # noqa: S308 (every value is escaped here)
        separator.join(template.format(*[_escaped(value) for value in row]) for row in rows)
    )


def _escaped(value: Any) -> Any:
    if isinstance(value, str) and not isinstance(value, SafeData):
        return html.escape(value)
    return value if isinstance(value, int) else conditional_escape(value)


@register.simple_tag
def case_rows(rows) -> str:
    """The case list's rows (``selectors.CaseListRow``)."""
    short = format_html(' <span class="badge risk">{}</span>', _("short notice"))
    last_day, accepted = _("Last working day"), _("Items accepted")
    return html_rows(
        CASE_ROW,
        (
            (
                row.url,
                row.number,
                row.employee_name,
                row.department_name or "—",
                row.state,
                row.state_label,
                last_day,
                row.last_day,
                short if row.short_notice else "",
                accepted,
                row.item_accepted,
                row.item_total,
            )
            for row in rows
        ),
    )


@register.simple_tag
def work_rows(cards) -> str:
    """My work's cases with nothing to do now (``selectors.WorkCard``)."""
    language = get_language()
    last_day, accepted = _("Last working day"), _("Items accepted")
    return html_rows(
        WORK_ROW,
        (
            (
                card.url,
                card.facts.number,
                card.facts.employee_name,
                card.facts.state,
                card.facts.state_label,
                last_day,
                card.last_day,
                accepted,
                card.accepted,
                card.total,
                _progress(card.accepted_percent, card.handed_over_percent, language),
            )
            for card in cards
        ),
    )


@register.simple_tag
def todo_items(todos) -> str:
    """A list's items, each a to-do linking to where it is done (``reminders.Todo``)."""
    return html_rows('<li><a href="{}">{}</a></li>', ((todo.url, todo.text) for todo in todos), "")


@register.simple_tag
def event_sentence(event, with_reasons: bool = False) -> str:
    """One timeline entry as a translated sentence, the actor in bold, everything else escaped."""
    from handover.models import SignerRole
    from handover.models.events import (
        DATA_SUBJECT_KINDS,
        EVENT_SENTENCES,
        TRANSITION_WITH_REASON,
        EventKind,
        data_summary,
        import_summary,
    )

    subject = event.subject
    if event.kind == EventKind.SIGNED and subject in SignerRole.values:
        subject = SignerRole(subject).label
    elif event.kind == EventKind.INVENTORY_IMPORTED:
        subject = import_summary(subject)
    elif event.kind in DATA_SUBJECT_KINDS:
        subject = data_summary(subject)
    values = {
        "actor": format_html("<strong>{}</strong>", event.actor_name),
        "subject": conditional_escape(subject),
        "from": conditional_escape(state_label(event.from_state)),
        "to": conditional_escape(state_label(event.to_state)),
    }
    sentence = EVENT_SENTENCES[event.kind]
    # A move's reason (why a case was withdrawn) is for those who may read the reason for leaving.
    if event.kind == EventKind.TRANSITION and subject and with_reasons:
        sentence = TRANSITION_WITH_REASON
    return mark_safe(str(sentence) % values)  # noqa: S308 (every value is escaped above)


# A checklist item's row, written here rather than by a template: a module's page and the modules
# section draw dozens, each with its acts (a third of those pages' time as a template).
ACT_FORM = '<form method="post" action="{}" hx-post="{}" hx-target="#item-{}" hx-swap="outerHTML">{}{}</form>'
TEXT_FIELD = (
    '<label for="{name}-{pk}">{label}</label>'
    '<textarea id="{name}-{pk}" name="{name}" rows="2" required></textarea>'
)


@register.simple_tag(takes_context=True)
def item_row(context, item, actions, lessons=(), demonstrations=(), error="") -> SafeString:
    """One item of a module (``selectors.ItemRow``'s item and acts, with its lessons learned and
    demonstrations where the page shows them, and the refusal of an act just tried)."""
    departure_id = context["departure"].pk
    csrf = CsrfTokenNode().render(context)  # {% csrf_token %}, once for the row's forms
    parts: list[str] = [
        format_html('<li id="item-{}" class="item state-{}">\n  <div class="item-head">', item.pk, item.state)
    ]
    picked = "hand_over" if "hand_over" in actions else "accept" if "accept" in actions else ""
    if picked:
        parts.append(
            format_html(
                '<input type="checkbox" class="pick" name="item" value="{}" form="bulk-{}-{}"'
                ' aria-label="{}">',
                item.pk,
                item.module_id,
                picked,
                _("Choose “%(title)s”") % {"title": item.title},
            )
        )
    parts.append(
        format_html(
            '<span class="badge item-{}">{}</span> <strong class="item-title">{}</strong>',
            item.state,
            item.get_state_display(),
            item.title,
        )
    )
    if item.due_date:
        due = _("due %(day)s") % {"day": formatting.day(item.due_date)}
        parts.append(format_html(' <span class="muted">{}</span>', due))
    if item.accepted_by_name:
        accepted = _("accepted by %(name)s") % {"name": item.accepted_by_name}
        parts.append(format_html(' <span class="muted">{}</span>', accepted))
    parts.append("</div>")
    details = [
        format_html("<dt>{}</dt><dd>{}</dd>", label, linebreaksbr(text))
        for label, text in (
            (_("Steps"), item.steps),
            (_("Key moments"), item.key_moments),
            (_("Cautions"), item.cautions),
        )
        if text
    ]
    if item.evidence_url:
        details.append(
            format_html(
                '<dt>{}</dt><dd><a href="{}" rel="noopener noreferrer">{}</a></dd>',
                _("Evidence"),
                item.evidence_url,
                item.evidence_url,
            )
        )
    if details:
        parts.append(
            format_html(
                '<details><summary>{}</summary><dl class="item-details">{}</dl></details>',
                _("Details"),
                mark_safe("".join(details)),  # noqa: S308 (each part escaped above)
            )
        )
    meeting = places.section_url(departure_id, "meeting")
    for demo in demonstrations:
        when = (
            _("Demonstrated on %(day)s") % {"day": formatting.day(demo.held_at)}
            if demo.held_at
            else _("Demonstration on %(when)s") % {"when": formatting.moment(demo.scheduled_at)}
        )
        parts.append(
            format_html(
                '<p class="lesson-link">{}: <a href="{}#demonstration-{}">{}</a></p>',
                when,
                meeting,
                demo.pk,
                demo.title,
            )
        )
    for entry in lessons:
        parts.append(
            format_html(
                '<p class="lesson-link"><a href="#lesson-{}">{}: {}</a></p>',
                entry.lesson.pk,
                _("Lesson learned"),
                Truncator(entry.lesson.went_wrong).chars(100),
            )
        )
    if item.question:
        parts.append(format_html('<p class="qa"><strong>{}:</strong> {}</p>', _("Question"), item.question))
        if item.answer:
            parts.append(format_html('<p class="qa"><strong>{}:</strong> {}</p>', _("Answer"), item.answer))
    if error:
        parts.append(format_html('<p class="error" role="alert">{}</p>', error))
    parts.append('<div class="item-actions">')
    parts.extend(_item_acts(departure_id, item, actions, csrf))
    parts.append("</div>\n</li>")
    return mark_safe("".join(parts))  # noqa: S308 (each part escaped above)


def _item_acts(departure_id: int, item, actions, csrf: str) -> list[SafeString]:
    def act(name: str, label: str, field: SafeString | str = "") -> SafeString:
        url = places.address(f"handover:item_{name}", departure_id, item.pk)
        content = format_html('{}<button type="submit">{}</button>', field, label)
        return format_html(ACT_FORM, url, url, item.pk, csrf, content)

    acts: list[SafeString] = []
    if "hand_over" in actions:
        acts.append(act("hand_over", _("Mark handed over")))
    for name, label in (("edit", _("Edit")), ("remove", _("Remove"))):
        if name in actions:
            page = "handover:item_edit" if name == "edit" else "handover:item_delete"
            url = places.address(page, departure_id, item.pk)
            acts.append(
                format_html(
                    '<a class="button secondary" href="{}">{}<span class="visually-hidden"> {}</span></a>',
                    url,
                    label,
                    item.title,
                )
            )
    if "accept" in actions:
        acts.append(act("accept", _("Accept")))
    if "return" in actions:
        field = format_html(TEXT_FIELD, name="question", pk=item.pk, label=_("Your question"))
        acts.append(
            format_html(
                '<details class="inline-form"><summary>{}</summary>{}</details>',
                _("Return with a question"),
                act("return", _("Send back"), field),
            )
        )
    if "answer" in actions:
        field = format_html(TEXT_FIELD, name="answer", pk=item.pk, label=_("Your answer"))
        acts.append(act("answer", _("Answer and hand over again"), field))
    return acts
