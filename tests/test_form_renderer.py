"""The project's form renderer writes the plain widgets itself: exactly the HTML Django's own
templates write, on widgets alone and on whole pages."""

import re
from datetime import UTC, date, datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from config.form_renderer import INPUTS, WIDGETS, FormRenderer
from handover.forms import DateInput, DateTimeInput, PersonInput
from handover.models import State

TRICKY = 'O\'Neil & <b>"Co"</b>'
CHOICES = [("", gettext_lazy("Any state")), ("a", TRICKY), (1, 2), ("b", mark_safe("<i>kept</i>"))]

WRITTEN = [
    (
        forms.TextInput(attrs={"placeholder": gettext_lazy("Search"), "autofocus": True, "disabled": False}),
        TRICKY,
    ),
    (forms.TextInput(), None),
    (forms.TextInput(), ""),
    (forms.NumberInput(attrs={"min": 0}), 42),
    (forms.EmailInput(), "a@example.com"),
    (forms.URLInput(), "https://example.com/?a=1&b=2"),
    (forms.PasswordInput(render_value=True), "<secret>"),
    (forms.PasswordInput(), "not shown"),
    (forms.HiddenInput(), mark_safe("<safe>")),
    (forms.SearchInput(), "张伟"),
    (DateInput(), date(2026, 12, 2)),
    (DateTimeInput(), datetime(2026, 12, 2, 9, 30)),
    (forms.Textarea(attrs={"rows": 2}), TRICKY + "\nsecond line"),
    (forms.Textarea(), ""),
    (forms.Textarea(), None),
    (forms.Select(choices=CHOICES), "a"),
    (forms.Select(choices=CHOICES), 1),
    (forms.Select(choices=[("Group <1>", [("x", "X"), ("y", "Y")]), ("z", "Z")]), "y"),
    (forms.SelectMultiple(choices=CHOICES), ["a", "b"]),
    (forms.NullBooleanSelect(), True),
    # Labels that are not text: written as the reader's language writes them.
    (forms.Select(choices=[("d", date(2026, 1, 2)), (1.5, 1.5), ("n", 1234567)]), "d"),
    (forms.Select(choices=[(2026, [(1, date(2026, 12, 2))])]), 1),
    (forms.Select(choices=[("t", datetime(2026, 12, 2, 1, 30, tzinfo=UTC))]), "t"),
    (PersonInput(group="HR"), "ming"),
    # Drawn by Django's templates (not written here): the same by definition, and still right.
    (forms.CheckboxInput(), True),
    (forms.RadioSelect(choices=CHOICES), "a"),
    (forms.CheckboxSelectMultiple(choices=CHOICES), ["a"]),
    (forms.ClearableFileInput(), None),
]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize(
    ("widget", "value"), WRITTEN, ids=[f"{type(w).__name__}-{i}" for i, (w, _v) in enumerate(WRITTEN)]
)
def test_a_widget_is_written_as_djangos_templates_write_it(widget, value, language):
    attrs = {"id": "id_f", "required": True, "aria-describedby": "id_f_helptext", "aria-invalid": False}
    with override(language):
        ours = widget.render("f", value, dict(attrs), renderer=FormRenderer())
        theirs = widget.render("f", value, dict(attrs), renderer=DjangoTemplates())
    assert ours == theirs
    assert "<b>" not in ours


@pytest.mark.parametrize("kind", INPUTS)
def test_each_input_written_here_is_djangos_plain_input(kind):
    source = DjangoTemplates().get_template(f"{WIDGETS}{kind}.html").template.source
    assert source.strip() == '{% include "django/forms/widgets/input.html" %}'


def normalised(page: bytes) -> str:
    """A page without what changes on every request (the CSRF token's mask, the CSP nonce)."""
    text = page.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "csrf", text)
    text = re.sub(r'"X-CSRFToken": "[^"]+"', "csrf", text)
    return re.sub(r'nonce="[^"]+"', "nonce", text)


@pytest.mark.django_db
def test_pages_are_the_same_with_djangos_templates(client, people, make_case, settings):
    departure = make_case(State.EXECUTING)
    module = departure.modules.get(kind="product")
    pages = [
        (people.hr, reverse("handover:case_open")),
        (people.leaver, reverse("handover:case_module", args=[departure.pk, module.pk])),
        (people.manager, reverse("handover:case_module", args=[departure.pk, module.pk])),
        (people.leaver, reverse("handover:demonstration_schedule", args=[departure.pk])),
    ]
    written = ""
    for user, url in pages:
        client.force_login(user)
        ours = normalised(client.get(url).content)
        settings.FORM_RENDERER = "django.forms.renderers.DjangoTemplates"
        theirs = normalised(client.get(url).content)
        settings.FORM_RENDERER = "config.form_renderer.FormRenderer"
        assert ours == theirs, url
        written += ours
    for widget in ('<textarea name="', '<select name="', '<input type="date"', '<input type="text"', "list="):
        assert widget in written
