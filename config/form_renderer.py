"""Django's form renderer, writing its plainest widgets (text boxes of every kind, text areas and
selects) with string formatting rather than a template per widget and per option: the same HTML,
several times faster (a module's page draws a dozen fields and a select of every item). Any other
widget (checkboxes in a list, radio buttons, a file input) is drawn by Django's own templates."""

import html
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils import timezone
from django.utils.formats import localize
from django.utils.safestring import SafeData

WIDGETS = "django/forms/widgets/"
INPUTS = ("text", "date", "datetime", "email", "number", "password", "url", "hidden", "search", "tel", "time")


def _text(value: Any) -> str:
    """``{{ value|stringformat:'s' }}`` in an autoescaped template."""
    return str(value) if isinstance(value, SafeData) else html.escape(str(value))


def _shown(value: Any) -> str:
    """``{{ value }}`` in an autoescaped template: a number or a date as the reader's language
    writes it."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return _text(value if isinstance(value, str) else localize(value))


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html: ``True`` writes the name alone, ``False`` nothing."""
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_text(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict[str, Any]) -> str:
    value = "" if widget["value"] is None else f' value="{_text(widget["value"])}"'
    kind, name = _text(widget["type"]), _text(widget["name"])
    return f'<input type="{kind}" name="{name}"{value}{_attrs(widget["attrs"])}>'


def _textarea(widget: dict[str, Any]) -> str:
    value = _text(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


def _option(option: dict[str, Any]) -> str:
    value, label = _text(option["value"]), _shown(option["label"])
    return f'<option value="{value}"{_attrs(option["attrs"])}>{label}</option>'


def _select(widget: dict[str, Any]) -> str | None:
    parts = []
    for group_name, group_choices, _index in widget["optgroups"]:
        if any(option["template_name"] != f"{WIDGETS}select_option.html" for option in group_choices):
            return None
        if group_name:
            parts.append(f'\n  <optgroup label="{_shown(group_name)}">')
        # Each option's template ends with a new line, which Django keeps inside the select.
        parts.extend(f"\n  {_option(option)}\n" for option in group_choices)
        if group_name:
            parts.append("\n  </optgroup>")
    return f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>{"".join(parts)}\n</select>'


WRITERS: dict[str, Callable[[dict[str, Any]], str | None]] = {
    **{f"{WIDGETS}{kind}.html": _input for kind in INPUTS},
    f"{WIDGETS}input.html": _input,
    f"{WIDGETS}textarea.html": _textarea,
    f"{WIDGETS}select.html": _select,
}


class FormRenderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        write = WRITERS.get(template_name)
        written = write(context["widget"]) if write is not None and "widget" in context else None
        if written is None:
            return super().render(template_name, context, request)
        return written
