"""The rule book's answers for templates: a page draws its links and buttons from the same policy
functions its view and service enforce, never from a rule of its own."""

from collections.abc import Callable
from typing import Any

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from handover import places, policy
from handover.notifications import outbox
from handover.templatetags.handover_tags import html_rows

register = template.Library()

# The main menu: each page's address, its name, who sees it (everyone signed in when None) and the
# pages it is the current entry on, besides those under its address (a case's pages are under the
# case list's).
MENU: list[tuple[str, Any, Callable[[Any], bool] | None, frozenset[str]]] = [
    ("handover:my_work", _("My work"), None, frozenset({"my_work"})),
    ("handover:case_list", _("Cases"), None, frozenset({"case_list"})),
    ("handover:manual_library", _("Know-how"), None, frozenset({"manual_library"})),
    ("handover:stuck", _("What is stuck"), policy.may_see_stuck, frozenset({"stuck"})),
    ("handover:open_accesses", _("Open access"), policy.may_see_open_accesses, frozenset({"open_accesses"})),
    ("handover:case_open", _("Open a case"), policy.may_open_case, frozenset()),
    ("handover:template_list", _("Templates"), policy.may_use_hr_pages, frozenset()),
    ("handover:system_list", _("Systems"), policy.may_use_hr_pages, frozenset()),
    ("handover:chat_channels", _("Chat groups"), policy.may_use_hr_pages, frozenset({"chat_channels"})),
    ("handover:alumni_list", _("Alumni"), policy.may_see_alumni, frozenset({"alumni_list"})),
    (
        "handover:feedback_figures",
        _("Feedback"),
        policy.may_see_feedback_figures,
        frozenset({"feedback_figures"}),
    ),
    (
        "handover:privacy_settings",
        _("Privacy"),
        policy.may_manage_privacy,
        frozenset({"privacy_settings", "privacy_people", "privacy_person"}),
    ),
]


@register.simple_tag(takes_context=True)
def main_menu(context) -> str:
    """The main menu's entries this person may open, the current page's marked: the entry of
    this very page, else the one whose address holds it (written here rather than by template
    nodes: every page draws it)."""
    user = context["user"]
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    current = match.url_name if match is not None else ""
    path = getattr(request, "path", "")
    answers: dict[Callable[[Any], bool], bool] = {}
    shown = []
    for name, label, may, pages in MENU:
        if may is not None:
            if may not in answers:
                answers[may] = may(user)
            if not answers[may]:
                continue
        shown.append((places.address(name), label, current in pages))
    marked = next((address for address, _label, here in shown if here or address == path), None)
    if marked is None:
        holding = [address for address, _label, _here in shown if path.startswith(address)]
        marked = max(holding, key=len, default=None)
    here = mark_safe(' aria-current="page"')
    entries = ((address, here if address == marked else "", label) for address, label, _current in shown)
    return html_rows('<li><a href="{}"{}>{}</a></li>', entries)


register.filter("may_use_hr_pages", policy.may_use_hr_pages)
register.filter("may_see_open_accesses", policy.may_see_open_accesses)
register.filter("may_send_again", outbox.may_send_again)
register.filter("has_aftercare_page", policy.has_aftercare_page)
register.filter("reaches_former_employees", policy.reaches_former_employees)
