import base64
import re
from typing import Any, cast
from urllib.parse import urlencode
from zoneinfo import available_timezones

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import Q, QuerySet
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Department, Role
from handover import policy
from handover.errors import HandoverError
from handover.models import (
    FEEDBACK_QUESTIONS,
    MANUAL_MAX_LENGTH,
    AccessKind,
    AccessSystem,
    Audience,
    ChatChannel,
    ChecklistItem,
    ChecklistTemplate,
    Confidence,
    HandoverModule,
    Importance,
    MaterialCategory,
    MaterialMedium,
    ModuleKind,
    NoticeKind,
    Rating,
    ReasonCategory,
    Rehire,
    Retention,
    SignatureMark,
    State,
    TemplateItem,
    Timing,
    TransferMethod,
)
from handover.models.privacy import RETENTION_BOUNDS
from handover.notifications.chat import Platform
from handover.notifications.notices import DEFAULT, Choice
from handover.services import ActionItem
from handover.validators import (
    CONTROL_CHARACTERS_MESSAGE,
    has_control_characters,
    printable_text,
    reminder_offsets,
)

User = get_user_model()


def within_years(value) -> None:
    """Dates outside the policy's range are typing mistakes, and some would overflow date arithmetic."""
    if not policy.date_in_range(value):
        raise forms.ValidationError(policy.date_range_message())


def printable(field: forms.CharField) -> forms.CharField:
    """The field refuses control characters, NUL among them, with one message (Django's own check
    for NUL would add a second one)."""
    kept = [v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)]
    field.validators = [*kept, printable_text] if printable_text not in kept else kept
    return field


def posted_text(data, name: str) -> str:
    """A text sent with an action button (a question, an answer, a note, feedback), as typed; the
    service says whether it may be empty."""
    value = data.get(name, "")
    if has_control_characters(value):
        raise HandoverError(CONTROL_CHARACTERS_MESSAGE)
    return value


class PrintableText(forms.BaseForm):
    """A form whose every text field refuses control characters (see handover.validators)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                printable(field)


def _choices_from(field: forms.Field, queryset: QuerySet[Any]) -> None:
    """Offer only these rows in a model choice field."""
    cast(forms.ModelChoiceField, field).queryset = queryset


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def person_label(person) -> str:
    """How a person is shown in a picker and typed back: "Ming Li (ming) · Store manager"."""
    return f"{person.name} ({person.username})" + (f" · {person.job_title}" if person.job_title else "")


# The username in a picked label: the last "(…)" before an optional " · job title".
_PICKED = re.compile(r"\((?P<username>[^()]+)\)(?:\s*·.*)?$")


class PersonInput(forms.TextInput):
    """A text box that suggests people as one types (htmx asks /people/ for a <datalist>): a native
    combobox for screen readers and keyboards; without JavaScript, a name, username or e-mail typed
    in full works too."""

    def __init__(self, group: str = "", attrs=None):
        super().__init__(attrs={"autocomplete": "off", "spellcheck": "false", **(attrs or {})})
        self.group = group

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        if "id" in widget_attrs:
            query = urlencode({"field": name, **({"group": self.group} if self.group else {})})
            options = f"{widget_attrs['id']}-people"
            widget_attrs.update(
                {
                    "list": options,
                    "hx-get": f"{reverse('handover:people_search')}?{query}",
                    "hx-trigger": "input changed delay:250ms",
                    "hx-target": f"#{options}",
                    "hx-swap": "innerHTML",
                    "hx-sync": "this:replace",
                }
            )
        return context

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        if attrs and "id" in attrs:
            html += format_html('<datalist id="{}-people"></datalist>', attrs["id"])
        return mark_safe(html)  # noqa: S308 (the widget's own HTML and an escaped datalist)


class PersonField(forms.Field):
    """An active person, picked from the suggestions or typed: a label as suggested, a username,
    an e-mail address or a full name that only one active person has."""

    default_error_messages = {
        "unknown": _("Nobody active matches “%(value)s”. Type part of a name and pick from the list."),
        "several": _("Several people match “%(value)s”; pick one from the list."),
    }

    def __init__(self, *, group: str = "", **kwargs):
        self.group = group
        kwargs.setdefault(
            "help_text", _("Type part of a name, a username or an e-mail address, then pick the person.")
        )
        super().__init__(widget=PersonInput(group), **kwargs)

    def people(self) -> QuerySet[Any]:
        return people(self.group)

    def prepare_value(self, value):
        # An initial value is a person or their id; what was typed comes back as typed.
        if isinstance(value, int):
            value = User.objects.filter(pk=value).first() or ""
        return person_label(value) if isinstance(value, User) else value

    def to_python(self, value):
        value = (value or "").strip()
        if value in self.empty_values:
            return None
        printable_text(value)
        if len(value) > 300:
            raise forms.ValidationError(self.error_messages["unknown"], params={"value": value[:40] + "…"})
        picked = _PICKED.search(value)
        found = list(self.people().filter(username=picked["username"])) if picked else []
        if not found:
            same = Q(username__iexact=value) | Q(email__iexact=value) | Q(display_name__iexact=value)
            found = list(self.people().filter(same)[:2])
        if not found:
            raise forms.ValidationError(self.error_messages["unknown"], params={"value": value})
        if len(found) > 1:
            raise forms.ValidationError(self.error_messages["several"], params={"value": value})
        return found[0]


def people(group: str = ""):
    """Everyone who can be picked: active people (of the group, when given), by name."""
    rows = User.objects.filter(is_active=True).order_by("display_name", "username")
    return rows.filter(groups__name=group) if group else rows


def people_matching(text: str, group: str = "", limit: int = 15):
    """The people a picker suggests for what was typed so far: name, username, e-mail or job title."""
    text = text.strip()[:100]
    if not text or has_control_characters(text):
        return []
    match = Q()
    for word in text.split():
        match &= (
            Q(display_name__icontains=word)
            | Q(username__icontains=word)
            | Q(email__icontains=word)
            | Q(job_title__icontains=word)
        )
    return list(people(group).filter(match)[:limit])


class DepartureOpenForm(PrintableText, forms.Form):
    employee = PersonField(label=_("Departing employee"))
    manager = PersonField(label=_("Manager (signs off)"))
    reason_category = forms.ChoiceField(label=_("Reason"), choices=ReasonCategory.choices)
    reason_text = forms.CharField(
        label=_("In the employee's words"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Visible only to HR, the manager and the employee."),
    )
    notice_date = forms.DateField(label=_("Notice date"), widget=DateInput(), validators=[within_years])
    last_working_day = forms.DateField(
        label=_("Last working day"), widget=DateInput(), validators=[within_years]
    )
    language = forms.ChoiceField(
        label=_("Case language"),
        choices=settings.LANGUAGES,
        help_text=_("The checklist and the confirmation are written in this language."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.module_fields = []
        for kind, label in ModuleKind.choices:
            include = f"include_{kind}"
            successor = f"successor_{kind}"
            self.fields[include] = forms.BooleanField(label=label, required=False, initial=True)
            self.fields[successor] = PersonField(
                label=_("Successor for %(module)s") % {"module": label}, required=False
            )
            self.module_fields.append((self[include], self[successor]))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        notice, last_day = data.get("notice_date"), data.get("last_working_day")
        if notice and last_day and last_day < notice:
            self.add_error("last_working_day", _("The last working day cannot be before the notice date."))
        successors = {
            kind: data.get(f"successor_{kind}") for kind in ModuleKind.values if data.get(f"include_{kind}")
        }
        if not successors:
            raise forms.ValidationError(_("Choose at least one work module to hand over."))
        for kind, successor in successors.items():
            if successor is None:
                self.add_error(f"successor_{kind}", _("Choose who takes this module over, or leave it out."))
        data["successors"] = successors
        return data


class ItemForm(PrintableText, forms.ModelForm):
    evidence_url = forms.URLField(
        label=_("Evidence link"), required=False, max_length=500, assume_scheme="https"
    )

    class Meta:
        model = ChecklistItem
        fields = ["title", "steps", "key_moments", "cautions", "due_date", "evidence_url"]
        widgets = {
            "steps": forms.Textarea(attrs={"rows": 3}),
            "key_moments": forms.Textarea(attrs={"rows": 2}),
            "cautions": forms.Textarea(attrs={"rows": 2}),
            "due_date": DateInput(),
        }

    def clean_due_date(self):
        due = self.cleaned_data.get("due_date")
        within_years(due)
        return due


class SuccessorForm(forms.Form):
    successor = PersonField(label=_("Successor"))


class _PersonChoices(forms.ModelMultipleChoiceField):
    """People chosen by their names."""

    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class MeetingScheduleForm(PrintableText, forms.Form):
    scheduled_at = forms.DateTimeField(
        label=_("Date and time"), widget=DateTimeInput(), validators=[within_years]
    )
    location = forms.CharField(label=_("Place or link"), max_length=300)
    agenda = forms.CharField(label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    participants = _PersonChoices(
        label=_("Invite"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Everyone the handover concerns is invited unless you untick them; the departing employee always."
        ),
    )

    def __init__(self, *args, invitees: list, **kwargs):
        super().__init__(*args, **kwargs)
        _choices_from(self.fields["participants"], User.objects.filter(pk__in=[p.pk for p in invitees]))
        self.fields["participants"].initial = [p.pk for p in invitees]


ACTION_KINDS = [("item", _("a checklist item")), ("trial", _("a trial task"))]


class MeetingRecordForm(PrintableText, forms.Form):
    held_at = forms.DateTimeField(label=_("Held at"), widget=DateTimeInput(), validators=[within_years])
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 4}))
    attended = _PersonChoices(
        label=_("Who attended"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    earlier_confirmed = forms.BooleanField(
        label=_("It took place earlier than its scheduled time"),
        required=False,
        help_text=_("Only needed when the time above is before the scheduled one."),
    )

    # Action items agreed in the meeting, each turned into a checklist item or a trial task when the
    # meeting is recorded (more can be added later from the module pages).
    ACTION_ROWS = 3

    def __init__(self, *args, invited: list, departure, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        _choices_from(self.fields["attended"], User.objects.filter(pk__in=invited))
        self.fields["attended"].initial = invited
        modules = departure.modules.all()
        for row in range(1, self.ACTION_ROWS + 1):
            self.fields[f"action_{row}"] = printable(
                forms.CharField(
                    label=_("Action item %(number)s") % {"number": row},
                    max_length=200,
                    required=False,
                    help_text=_("Something agreed in the meeting; leave empty if there is none.")
                    if row == 1
                    else "",
                )
            )
            self.fields[f"action_{row}_module"] = forms.ModelChoiceField(
                label=_("Its module"), queryset=modules, required=False
            )
            self.fields[f"action_{row}_as"] = forms.ChoiceField(
                label=_("Becomes"),
                choices=ACTION_KINDS,
                initial="item",
                widget=forms.RadioSelect,
                required=False,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        actions = []
        for row in range(1, self.ACTION_ROWS + 1):
            title = data.pop(f"action_{row}", "")
            module = data.pop(f"action_{row}_module", None)
            kind = data.pop(f"action_{row}_as", "") or "item"
            if title and module is None:
                self.add_error(f"action_{row}_module", _("Choose the module this action item belongs to."))
            elif title:
                actions.append(ActionItem(title=title, module_id=module.pk, kind=kind))
        data["action_items"] = actions
        return data


class _ItemChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.module.get_kind_display()} · {obj.title}"


class DemonstrationForm(PrintableText, forms.Form):
    """A live demonstration: what is shown, when and where, the items it covers, who attends."""

    title = forms.CharField(label=_("What is shown"), max_length=200)
    scheduled_at = forms.DateTimeField(label=_("When"), widget=DateTimeInput(), validators=[within_years])
    location = forms.CharField(label=_("Place or meeting link"), max_length=300)
    items = _ItemChoices(
        label=_("Items it covers"),
        queryset=ChecklistItem.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    attendees = _PersonChoices(
        label=_("Attendees"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, departure, invitees: QuerySet[Any], **kwargs):
        super().__init__(*args, **kwargs)
        items = ChecklistItem.objects.filter(module__departure=departure).select_related("module")
        _choices_from(self.fields["items"], items.order_by("module__position", "position", "pk"))
        _choices_from(self.fields["attendees"], invitees)


class DemonstrationRecordForm(PrintableText, forms.Form):
    held_at = forms.DateTimeField(label=_("Held at"), widget=DateTimeInput(), validators=[within_years])
    notes = forms.CharField(
        label=_("What was shown"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, demonstration_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.auto_id = f"demonstration-{demonstration_id}-%s"
        self.fields["held_at"].initial = timezone.localtime().replace(second=0, microsecond=0)


class TrialTaskForm(PrintableText, forms.Form):
    module = forms.ModelChoiceField(label=_("Module"), queryset=HandoverModule.objects.none())
    title = forms.CharField(label=_("Task"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, departure, **kwargs):
        super().__init__(*args, **kwargs)
        _choices_from(self.fields["module"], departure.modules.all())


class LessonForm(PrintableText, forms.Form):
    """A lesson learned, against the module or one of its items."""

    item = forms.ModelChoiceField(
        label=_("About"),
        queryset=ChecklistItem.objects.none(),
        required=False,
        empty_label=_("The whole module"),
    )
    went_wrong = forms.CharField(
        label=_("What went wrong"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    solved = forms.CharField(
        label=_("How it was solved"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    watch = forms.CharField(
        label=_("What to watch"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, module, **kwargs):
        super().__init__(*args, **kwargs)
        self.auto_id = f"lesson-{module.pk}-%s"
        # Offered as (id, title) pairs rather than items: a module has hundreds, and this form is
        # on each of its pages. What is posted is still checked against the module's items.
        items = module.items.order_by("position", "pk")
        field = cast(forms.ModelChoiceField, self.fields["item"])
        field.queryset = items
        field.choices = [("", field.empty_label), *items.values_list("pk", "title")]


class ManualForm(PrintableText, forms.Form):
    """A new version of a module's operation manual, and the version it was written from."""

    body = forms.CharField(
        label=_("The manual"),
        max_length=MANUAL_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 24, "class": "manual-text", "spellcheck": "true"}),
        help_text=_(
            "Markdown: a line starting with # is a heading, with - a list item; **bold**; "
            "[a link](https://example.com). HTML is shown as typed, never run."
        ),
    )
    note = forms.CharField(label=_("What you changed (optional)"), max_length=200, required=False)
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class ProposalDecisionForm(forms.Form):
    """HR's decision on each proposed change shown: take it in, decline it, or decide later."""

    CHOICES = (("", _("Decide later")), ("accept", _("Take it in")), ("decline", _("Decline")))

    def __init__(self, *args, proposals, **kwargs):
        super().__init__(*args, **kwargs)
        for proposal in proposals:
            self.fields[f"proposal-{proposal.pk}"] = forms.ChoiceField(
                label=proposal.title, choices=self.CHOICES, required=False, widget=forms.RadioSelect
            )

    def chosen(self, decision: str) -> list[int]:
        return [int(name.split("-")[1]) for name, value in self.cleaned_data.items() if value == decision]


class CheckInForm(PrintableText, forms.Form):
    """The manager's check-in on a module, with the plan change made then."""

    confidence = forms.ChoiceField(
        label=_("How it goes"), choices=Confidence.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("What you heard from the successor"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    new_due_date = forms.DateField(
        label=_("New due date for the items not yet handed over"),
        required=False,
        widget=DateInput(),
    )
    trial_task_title = forms.CharField(label=_("An extra trial task"), max_length=200, required=False)

    def __init__(self, *args, module, items_open: bool = True, may_add_trial_task: bool = True, **kwargs):
        """``items_open``: whether the module has items left whose due date can move;
        ``may_add_trial_task``: whether a trial task can be set now (the trial run)."""
        super().__init__(*args, **kwargs)
        self.auto_id = f"check-in-{module.pk}-%s"
        if not items_open:
            del self.fields["new_due_date"]
        if not may_add_trial_task:
            del self.fields["trial_task_title"]


class FollowUpForm(PrintableText, forms.Form):
    """Upkeep left to the successor after the sign-off."""

    title = forms.CharField(label=_("What the successor should do"), max_length=200)
    due_date = forms.DateField(label=_("Due date"), widget=DateInput(), validators=[within_years])
    description = forms.CharField(
        label=_("Details"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, module, **kwargs):
        super().__init__(*args, **kwargs)
        self.auto_id = f"follow-up-{module.pk}-%s"


class TrialDoneForm(PrintableText, forms.Form):
    note = forms.CharField(label=_("What you did"), widget=forms.Textarea(attrs={"rows": 2}))


class FeedbackForm(PrintableText, forms.Form):
    feedback = forms.CharField(label=_("Feedback"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class SignForm(forms.Form):
    mark = forms.ChoiceField(
        label=_("Sign with"),
        choices=SignatureMark.choices,
        initial=SignatureMark.TYPED,
        widget=forms.RadioSelect,
    )
    typed_name = printable(forms.CharField(label=_("Your name as signature"), max_length=150, required=False))
    drawing = forms.CharField(required=False, widget=forms.HiddenInput)
    content_sha256 = forms.CharField(widget=forms.HiddenInput)
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Re-enter your password to sign."),
    )

    def clean_drawing(self) -> bytes | None:
        """The drawn signature arrives as a PNG data URL from the signature pad."""
        value = self.cleaned_data.get("drawing", "")
        prefix = "data:image/png;base64,"
        if not value:
            return None
        if not value.startswith(prefix) or len(value) > 300_000:
            raise forms.ValidationError(_("The drawn signature could not be read; draw it again."))
        try:
            return base64.b64decode(value[len(prefix) :], validate=True)
        except ValueError as error:
            raise forms.ValidationError(_("The drawn signature could not be read; draw it again.")) from error


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    state = forms.ChoiceField(
        label=_("State"), choices=[("", _("Any state")), *State.choices], required=False
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.all(),
        required=False,
        empty_label=_("Any department"),
    )
    last_day_from = forms.DateField(label=_("Last day from"), required=False, widget=DateInput())
    last_day_to = forms.DateField(label=_("Last day to"), required=False, widget=DateInput())

    def given(self) -> dict[str, Any]:
        """The filters given right; any other is left out of the list and shown beside its field
        with why (a state or a department that does not exist, a date that is not one)."""
        if not self.is_bound:
            return {}
        self.full_clean()
        return self.cleaned_data

    @staticmethod
    def department_options() -> list[tuple[str, str]]:
        """(id, name) of every department, for the filters the case list writes out."""
        return [(str(pk), name) for pk, name in Department.objects.values_list("pk", "name")]


class TemplateForm(PrintableText, forms.Form):
    """A plain form: one default per language is kept by ``template_save``, which moves the flag
    from the previous default, so the database constraint must not refuse the form first."""

    name = forms.CharField(label=_("Name"), max_length=120)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    is_default = forms.BooleanField(
        label=_("Default for its language"),
        required=False,
        help_text=_("New cases in this language start from this template."),
    )
    reminder_due_days = forms.CharField(
        label=_("Remind before an item's due date (days)"),
        initial="1, 0",
        validators=[reminder_offsets],
        help_text=_("0 is the day itself."),
    )
    reminder_last_day_days = forms.CharField(
        label=_("Remind before the last working day (days)"), initial="7, 3, 1", validators=[reminder_offsets]
    )
    reminder_meeting_hours = forms.CharField(
        label=_("Remind before the meeting and demonstrations (hours)"),
        initial="24, 1",
        validators=[reminder_offsets],
    )
    escalate_after_days = forms.IntegerField(
        label=_("Tell the manager after this many days of waiting"),
        initial=2,
        min_value=1,
        max_value=30,
        help_text=_("The HR owner is told after twice as many."),
    )

    def apply_to(self, template: ChecklistTemplate) -> ChecklistTemplate:
        for name, value in self.cleaned_data.items():
            setattr(template, name, value)
        return template


class TemplateItemForm(PrintableText, forms.ModelForm):
    class Meta:
        model = TemplateItem
        fields = ["module", "title", "steps", "key_moments", "cautions", "due_days_before_last_day"]
        widgets = {
            "steps": forms.Textarea(attrs={"rows": 3}),
            "key_moments": forms.Textarea(attrs={"rows": 2}),
            "cautions": forms.Textarea(attrs={"rows": 2}),
        }


class ModuleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return str(obj.get_kind_display())


class AccessForm(PrintableText, forms.Form):
    module = ModuleChoiceField(label=_("Module"), queryset=HandoverModule.objects.none())
    system = forms.ModelChoiceField(
        label=_("System"),
        queryset=AccessSystem.objects.none(),
        help_text=_("Missing from the list? HR can add it to the system catalogue."),
    )
    account = forms.CharField(
        label=_("Account"), max_length=200, help_text=_("The login name, shop name or account number.")
    )
    access_level = forms.CharField(
        label=_("Access level"),
        max_length=120,
        required=False,
        help_text=_("For example: administrator, finance role, read-only."),
    )
    kind = forms.ChoiceField(label=_("Type"), choices=AccessKind.choices, initial=AccessKind.PERSONAL)
    credential_location = forms.CharField(
        label=_("Where the credential is kept"),
        max_length=300,
        required=False,
        help_text=_("For example the company vault entry. Never the password itself."),
    )

    def __init__(self, *args, departure, with_secret: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        _choices_from(self.fields["module"], departure.modules.all())
        _choices_from(self.fields["system"], AccessSystem.objects.filter(is_active=True))
        if with_secret:
            self.fields["secret"] = SecretField(required=False)


class SecretField(forms.CharField):
    """A secret typed once: never echoed back into the page, not remembered by the browser."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Password or recovery code (optional)"))
        kwargs.setdefault(
            "help_text",
            _(
                "Only for a shared account or sub-account. Stored encrypted; only the successor of "
                "the module can reveal it, and it is deleted once they change the password."
            ),
        )
        super().__init__(
            max_length=2000,
            strip=False,
            widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
            **kwargs,
        )
        printable(self)


class SecretForm(PrintableText, forms.Form):
    secret = SecretField(required=True, label=_("Password or recovery code"))


class RevealForm(forms.Form):
    password = forms.CharField(
        label=_("Your own password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Re-enter your password to reveal the secret. Every reveal is recorded."),
    )


class TransferForm(forms.Form):
    method = forms.ChoiceField(
        label=_("How you now get in"), choices=TransferMethod.choices, widget=forms.RadioSelect
    )


class RevokeForm(PrintableText, forms.Form):
    note = forms.CharField(
        label=_("How it was revoked"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: sub-account deleted by IT, ticket 4711."),
    )
    evidence = forms.URLField(label=_("Evidence link"), required=False, max_length=500, assume_scheme="https")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not (data.get("note", "").strip() or data.get("evidence")) and not self.errors:
            raise forms.ValidationError(
                _("Say how the access was revoked: a note or a link to the evidence.")
            )
        return data


class NotApplicableForm(PrintableText, forms.Form):
    reason = forms.CharField(
        label=_("Why it needs neither transfer nor revocation"), widget=forms.Textarea(attrs={"rows": 2})
    )


class MaterialForm(PrintableText, forms.Form):
    module = ModuleChoiceField(label=_("Module"), queryset=HandoverModule.objects.none())
    title = forms.CharField(label=pgettext_lazy("material", "Name"), max_length=200)
    medium = forms.ChoiceField(
        label=_("Form"), choices=MaterialMedium.choices, initial=MaterialMedium.ELECTRONIC
    )
    category = forms.ChoiceField(label=_("Category"), choices=MaterialCategory.choices)
    location = forms.CharField(
        label=_("Location"), max_length=500, help_text=_("A link, a folder path or a physical place.")
    )
    created_on = forms.DateField(
        label=_("Created on"), required=False, widget=DateInput(), validators=[within_years]
    )
    purpose = forms.CharField(label=_("Purpose"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    importance = forms.ChoiceField(
        label=_("Importance"), choices=Importance.choices, initial=Importance.MEDIUM
    )
    upload = forms.FileField(label=_("File (optional)"), required=False)

    def __init__(self, *args, departure, has_file: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["upload"].help_text = _("PDF, Office, image, CSV, text or ZIP, up to %(size)s.") % {
            "size": filesizeformat(settings.HANDOVER_UPLOAD_MAX_BYTES)
        }
        _choices_from(self.fields["module"], departure.modules.all())
        if has_file:
            self.fields["remove_file"] = forms.BooleanField(
                label=_("Remove the attached file"), required=False
            )

    def clean_upload(self):
        from handover.services.materials import check_upload

        upload = self.cleaned_data.get("upload")
        if upload:
            try:
                check_upload(upload)
            except HandoverError as error:
                raise forms.ValidationError(str(error.message)) from error
        return upload


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file lists"),
        choices=[("accounts", _("Accounts and access")), ("materials", _("Materials"))],
        widget=forms.RadioSelect,
        initial="accounts",
    )
    upload = forms.FileField(
        label=_("Spreadsheet"), help_text=_("A .csv or .xlsx file whose first row names the columns.")
    )


class SystemForm(PrintableText, forms.ModelForm):
    class Meta:
        model = AccessSystem
        fields = ["name", "category", "is_active"]


class OpenAccessSortForm(forms.Form):
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("-overdue", _("Most days overdue first")),
            ("overdue", _("Fewest days overdue first")),
            ("case", _("Case number")),
            ("system", _("System")),
        ],
    )


class VerifyForm(forms.Form):
    NOT_A_PDF = _("This is not a PDF this page can read.")
    NO_KEY = _("This installation has no organisation key yet, so it cannot check seals.")

    upload = forms.FileField(
        label=_("Confirmation PDF"), help_text=_("The file stays on this server only while it is checked.")
    )

    @staticmethod
    def too_large() -> str:
        return _("The file is larger than a confirmation can be (at most %(size)s).") % {
            "size": filesizeformat(settings.HANDOVER_VERIFY_MAX_BYTES)
        }

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        if upload.size > settings.HANDOVER_VERIFY_MAX_BYTES:
            raise forms.ValidationError(self.too_large())
        head = upload.read(5)
        upload.seek(0)
        if head != b"%PDF-":
            raise forms.ValidationError(self.NOT_A_PDF)
        return upload


class CaseEditForm(forms.Form):
    manager = PersonField(label=_("Manager (signs off)"))
    hr_owner = PersonField(label=_("HR owner"), group=Role.HR)
    last_working_day = forms.DateField(
        label=_("Last working day"), widget=DateInput(), validators=[within_years]
    )
    support_until = forms.DateField(label=_("Aftercare until"), widget=DateInput(), validators=[within_years])


class ModuleAddForm(forms.Form):
    kind = forms.ChoiceField(label=_("Work module"))
    successor = PersonField(label=_("Successor"))

    def __init__(self, *args, missing: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = missing


class WithdrawForm(PrintableText, forms.Form):
    reason = forms.CharField(
        label=_("Why the case is withdrawn"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept on the timeline. Stored secrets are deleted; nothing else can change afterwards."),
    )


class ReissueForm(PrintableText, forms.Form):
    reason = forms.CharField(
        label=_("Why a new version"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Printed on the new version; the current one is kept and marked superseded."),
    )


def _zones() -> list[tuple[str, Any]]:
    return [("", _("The company's time zone")), *((zone, zone) for zone in sorted(available_timezones()))]


def choosable_kinds() -> list[tuple[str, Any]]:
    """The kinds a person chooses about: not those that reach them after they left (always mailed)."""
    return [(kind, label) for kind, label in NoticeKind.choices if not policy.reaches_former_employees(kind)]


class NotificationSettingsForm(PrintableText, forms.Form):
    """Per kind of message, mail at once, in the daily digest or not at all, and whether the
    person's own chat hears it; quiet hours in their own time zone. Notices always reach the
    notification centre."""

    time_zone = forms.ChoiceField(label=_("Your time zone"), required=False)
    quiet_from = forms.TimeField(
        label=_("Quiet from"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    quiet_until = forms.TimeField(
        label=_("Quiet until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Mail that would reach you in these hours waits until they end."),
    )

    def __init__(self, *args, user, chosen: dict[str, Choice], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["time_zone"]).choices = _zones()
        self.fields["time_zone"].initial = user.time_zone
        self.fields["quiet_from"].initial = user.quiet_from
        self.fields["quiet_until"].initial = user.quiet_until
        for kind, label in choosable_kinds():
            self.fields[f"kind_{kind}"] = forms.ChoiceField(
                label=label, choices=Timing.choices, initial=chosen.get(kind, DEFAULT).timing
            )
        for kind, label in choosable_kinds():
            self.fields[f"chat_{kind}"] = forms.BooleanField(
                label=label, required=False, initial=chosen.get(kind, DEFAULT).chat is not None
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("quiet_from") is None) != (data.get("quiet_until") is None):
            raise forms.ValidationError(_("Give both ends of your quiet hours, or neither."))
        kinds = [kind for kind, _label in choosable_kinds()]
        data["timings"] = {kind: data.pop(f"kind_{kind}", Timing.NOW) for kind in kinds}
        data["chats"] = {kind: bool(data.pop(f"chat_{kind}", False)) for kind in kinds}
        return data


class OwnChatForm(PrintableText, forms.Form):
    """A chat bot's webhook, as its platform gives it: the address and, for DingTalk and
    Feishu/Lark bots with signing on, the secret."""

    platform = forms.ChoiceField(label=_("Platform"), choices=Platform.choices)
    url = forms.CharField(
        label=_("Webhook address"),
        max_length=1000,
        widget=forms.TextInput(attrs={"inputmode": "url", "spellcheck": "false"}),
        help_text=_("Copied from the bot's settings; kept encrypted and never shown again."),
    )
    secret = forms.CharField(
        label=_("Signing secret (DingTalk, Feishu/Lark)"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False),
    )


class ChatChannelForm(OwnChatForm):
    """A group chat HR connects for a department or for the whole organisation."""

    field_order = ["name", "department", "platform", "url", "secret", "announcements", "escalations"]
    name = forms.CharField(label=_("Name"), max_length=120, help_text=_("How HR recognises the group."))
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.order_by("name"),
        required=False,
        empty_label=_("The whole organisation (announcements)"),
    )
    announcements = forms.BooleanField(label=_("Departure announcements"), required=False, initial=True)
    escalations = forms.BooleanField(
        label=_("Late work and escalations of the department's cases"), required=False, initial=True
    )


class AnnouncementForm(PrintableText, forms.Form):
    """HR's review of the announcement before it goes: the text, whom to contact, who reads it and
    which chat groups hear it."""

    text = forms.CharField(
        label=_("Announcement"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("What happens, when, who takes over what. Each reader gets it as written here."),
    )
    contact = forms.CharField(label=_("Whom to contact with questions"), max_length=300, required=False)
    audience = forms.ChoiceField(
        label=_("Who reads it"),
        choices=Audience.choices,
        widget=forms.RadioSelect,
        help_text=_("The manager, the HR owner, the successors and the department head always read it."),
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments"),
        queryset=Department.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For “Chosen departments”."),
    )
    chat_channels = forms.ModelMultipleChoiceField(
        label=_("Chat groups"),
        queryset=ChatChannel.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, departure, **kwargs):
        super().__init__(*args, **kwargs)
        groups = ChatChannel.objects.filter(announcements=True, owner__isnull=True).select_related(
            "department"
        )
        _choices_from(self.fields["chat_channels"], groups.order_by("department__name", "name"))
        audience = cast(forms.ChoiceField, self.fields["audience"])
        if departure.department_id is None:
            audience.choices = [c for c in Audience.choices if c[0] != Audience.DEPARTMENT]
        self.fields["audience"].initial = Audience.DEPARTMENT if departure.department_id else Audience.CASE
        # The groups of the employee's department and the organisation's are ticked to begin with.
        self.fields["chat_channels"].initial = [
            g.pk for g in groups if g.department_id in (None, departure.department_id)
        ]
        self.fields["departments"].initial = [departure.department_id] if departure.department_id else []

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("audience") == Audience.DEPARTMENTS and not data.get("departments"):
            self.add_error("departments", _("Choose at least one department."))
        return data


class _ItemChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.module.get_kind_display()} · {obj.title}"


class _ModuleChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_kind_display())


class AftercareQuestionForm(PrintableText, forms.Form):
    """A question to the former employee, about a module and, if chosen, one of its items."""

    module = _ModuleChoice(label=_("Module"), queryset=HandoverModule.objects.none())
    item = _ItemChoice(label=_("Item (optional)"), queryset=ChecklistItem.objects.none(), required=False)
    question = forms.CharField(
        label=_("Your question"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, departure, **kwargs):
        super().__init__(*args, **kwargs)
        _choices_from(self.fields["module"], departure.modules.order_by("position"))
        items = ChecklistItem.objects.filter(module__departure=departure).select_related("module")
        _choices_from(self.fields["item"], items.order_by("module__position", "position", "pk"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        item, module = data.get("item"), data.get("module")
        if item is not None and module is not None and item.module_id != module.pk:
            self.add_error("item", _("Choose an item of the chosen module, or none."))
        return data


class AftercareAnswerForm(PrintableText, forms.Form):
    answer = forms.CharField(
        label=_("Your answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, question_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.auto_id = f"question-{question_id}-%s"


class AftercareContactForm(PrintableText, forms.Form):
    email = forms.EmailField(
        label=_("Your private email address"),
        required=False,
        help_text=_(
            "Questions from your former colleagues reach you there once you have left. Leave it empty "
            "to use your company address. It is erased when the case closes."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"


class SupportExtendForm(PrintableText, forms.Form):
    until = forms.DateField(label=_("Support until"), widget=DateInput(), validators=[within_years])
    reason = forms.CharField(label=_("Why"), max_length=250, widget=forms.Textarea(attrs={"rows": 2}))


class SurveyForm(PrintableText, forms.Form):
    """The survey on the handover: four ratings and a comment; the leaver may answer anonymously."""

    comment = forms.CharField(
        label=_("Anything else: what helped, what was missing"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    anonymous = forms.BooleanField(
        label=_("Answer anonymously towards the manager"),
        required=False,
        help_text=_("Your answer then counts only in HR's figures, never with your name."),
    )
    field_order = [*FEEDBACK_QUESTIONS, "comment", "anonymous"]

    def __init__(self, *args, anonymous_allowed: bool, **kwargs):
        super().__init__(*args, **kwargs)
        for name, question in FEEDBACK_QUESTIONS.items():
            self.fields[name] = forms.TypedChoiceField(
                label=question, choices=Rating.choices, coerce=int, widget=forms.RadioSelect
            )
        self.order_fields(self.field_order)
        if not anonymous_allowed:
            del self.fields["anonymous"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["ratings"] = {name: data.pop(name) for name in FEEDBACK_QUESTIONS if name in data}
        return data


class AlumniForm(PrintableText, forms.Form):
    contact = forms.CharField(
        label=_("A contact of your choice"),
        max_length=254,
        help_text=_("A private mail address or phone number; deleted when you withdraw."),
    )
    news = forms.BooleanField(label=_("Company news"), required=False)
    openings = forms.BooleanField(label=_("Job openings"), required=False)
    events = forms.BooleanField(label=_("Alumni events"), required=False)


class RehireNoteForm(PrintableText, forms.Form):
    rehire = forms.ChoiceField(label=_("Rehire"), choices=Rehire.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note (only HR reads it)"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RetentionForm(forms.ModelForm):
    """The bounds are the model's (RETENTION_BOUNDS), in the browser (min and max on the inputs)
    and on the server, with one clear message per field."""

    case_months = Retention._meta.get_field("case_months").formfield(
        min_value=RETENTION_BOUNDS["case_months"][0],
        max_value=RETENTION_BOUNDS["case_months"][1],
        help_text=_(
            "Counted from the day a case closed or was withdrawn; then its names are replaced, its "
            "personal texts and files deleted."
        ),
    )
    confirmation_years = Retention._meta.get_field("confirmation_years").formfield(
        min_value=RETENTION_BOUNDS["confirmation_years"][0],
        max_value=RETENTION_BOUNDS["confirmation_years"][1],
        help_text=_(
            "Counted from the same day; the sealed confirmation is kept unchanged (legal hold) until "
            "then, and deleted after."
        ),
    )

    class Meta:
        model = Retention
        fields = ["case_months", "confirmation_years"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Made here, in the language of the request: the message names both bounds.
        messages = {
            "case_months": _("Enter a whole number of months from %(low)s to %(high)s."),
            "confirmation_years": _("Enter a whole number of years from %(low)s to %(high)s."),
        }
        for name, message in messages.items():
            low, high = RETENTION_BOUNDS[name]
            text = str(message) % {"low": low, "high": high}
            field = self.fields[name]
            field.error_messages = {
                **field.error_messages,
                **dict.fromkeys(("required", "invalid", "min_value", "max_value"), text),
            }


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that the erasure cannot be undone."),
        error_messages={"required": _("Tick the box to confirm the erasure.")},
    )


class PersonSearchForm(PrintableText, forms.Form):
    q = forms.CharField(label=_("Name, username or e-mail"), max_length=100, required=False)
