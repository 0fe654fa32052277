from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from handover.models import (
    ChecklistItem,
    ChecklistTemplate,
    HandoverModule,
    ModuleKind,
    ReasonCategory,
    State,
    TemplateItem,
)

User = get_user_model()


EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


def within_years(value) -> None:
    """Dates outside these years are typing mistakes, and some would overflow date arithmetic."""
    if value is not None and not (EARLIEST_YEAR <= value.year <= LATEST_YEAR):
        raise forms.ValidationError(
            _("Enter a date between the years %(first)s and %(last)s.")
            % {"first": EARLIEST_YEAR, "last": LATEST_YEAR}
        )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.username})" + (f" · {obj.job_title}" if obj.job_title else "")


def _people():
    return User.objects.filter(is_active=True).order_by("display_name", "username")


class DepartureOpenForm(forms.Form):
    employee = PersonChoiceField(label=_("Departing employee"), queryset=_people())
    manager = PersonChoiceField(label=_("Manager (signs off)"), queryset=_people())
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
            self.fields[successor] = PersonChoiceField(
                label=_("Successor for %(module)s") % {"module": label}, queryset=_people(), required=False
            )
            self.module_fields.append((self[include], self[successor]))

    def clean(self):
        data = super().clean()
        notice, last_day = data.get("notice_date"), data.get("last_working_day")
        if notice and last_day and last_day < notice:
            self.add_error("last_working_day", _("The last working day cannot be before the notice date."))
        successors = {
            kind: data.get(f"successor_{kind}") for kind in ModuleKind.values if data.get(f"include_{kind}")
        }
        if not successors:
            raise forms.ValidationError(_("Choose at least one work module to hand over."))
        data["successors"] = successors
        return data


class ItemForm(forms.ModelForm):
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
    successor = PersonChoiceField(label=_("Successor"), queryset=_people())


class MeetingScheduleForm(forms.Form):
    scheduled_at = forms.DateTimeField(
        label=_("Date and time"), widget=DateTimeInput(), validators=[within_years]
    )
    location = forms.CharField(label=_("Place or link"), max_length=300)
    agenda = forms.CharField(label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class MeetingRecordForm(forms.Form):
    held_at = forms.DateTimeField(label=_("Held at"), widget=DateTimeInput(), validators=[within_years])
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_at"].initial = timezone.localtime().replace(second=0, microsecond=0)


class QuestionForm(forms.Form):
    question = forms.CharField(label=_("Your question"), widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 2}))


class TrialTaskForm(forms.Form):
    module = forms.ModelChoiceField(label=_("Module"), queryset=HandoverModule.objects.none())
    title = forms.CharField(label=_("Task"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, departure, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = departure.modules.all()


class TrialDoneForm(forms.Form):
    note = forms.CharField(label=_("What you did"), widget=forms.Textarea(attrs={"rows": 2}))


class FeedbackForm(forms.Form):
    feedback = forms.CharField(label=_("Feedback"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class SignForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Re-enter your password to sign."),
    )


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


class TemplateForm(forms.Form):
    """A plain form: one default per language is kept by ``template_save``, which moves the flag
    from the previous default, so the database constraint must not refuse the form first."""

    name = forms.CharField(label=_("Name"), max_length=120)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    is_default = forms.BooleanField(
        label=_("Default for its language"),
        required=False,
        help_text=_("New cases in this language start from this template."),
    )

    def apply_to(self, template: ChecklistTemplate) -> ChecklistTemplate:
        for name, value in self.cleaned_data.items():
            setattr(template, name, value)
        return template


class TemplateItemForm(forms.ModelForm):
    class Meta:
        model = TemplateItem
        fields = ["module", "title", "steps", "key_moments", "cautions", "due_days_before_last_day"]
        widgets = {
            "steps": forms.Textarea(attrs={"rows": 3}),
            "key_moments": forms.Textarea(attrs={"rows": 2}),
            "cautions": forms.Textarea(attrs={"rows": 2}),
        }
