from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


class State(models.TextChoices):
    INTENT_CONFIRMED = "intent_confirmed", _("Intent confirmed")
    PREPARING = "preparing", _("Preparing")
    EXECUTING = "executing", _("Executing")
    TRIAL_RUN = "trial_run", _("Trial run")
    SIGNED_OFF = "signed_off", _("Signed off")
    AFTERCARE = "aftercare", _("Aftercare")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STATES = [State.INTENT_CONFIRMED, State.PREPARING, State.EXECUTING, State.TRIAL_RUN]
ACTIVE_STATES = [*OPEN_STATES, State.SIGNED_OFF, State.AFTERCARE]
STATE_ORDER = [
    State.INTENT_CONFIRMED,
    State.PREPARING,
    State.EXECUTING,
    State.TRIAL_RUN,
    State.SIGNED_OFF,
    State.AFTERCARE,
    State.CLOSED,
]


class ReasonCategory(models.TextChoices):
    CAREER = "career", _("Career development")
    WORKLOAD = "workload", _("Workload or pressure")
    PERSONAL = "personal", _("Family or personal")
    COMPENSATION = "compensation", _("Compensation")
    RELOCATION = "relocation", _("Relocation")
    OTHER = "other", _("Other")


# Each transition only moves the state; who may take it and what must be true first is the
# policy's to say (handover/policy.py), which also reads its source states from here.
def is_short_notice(notice_date: date, last_working_day: date) -> bool:
    """Less than the time a handover needs between the notice and the last working day."""
    return (last_working_day - notice_date).days < settings.HANDOVER_SHORT_NOTICE_DAYS


class Departure(ConcurrentTransitionMixin, FSMModelMixin, models.Model):
    """One employee's whole offboarding, from intent to close (离职交接单)."""

    number = models.CharField(_("case number"), max_length=20, unique=True, editable=False)
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("departing employee"),
        on_delete=models.PROTECT,
        related_name="departures",
    )
    hr_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("HR owner"),
        on_delete=models.PROTECT,
        related_name="owned_departures",
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("manager"),
        on_delete=models.PROTECT,
        related_name="supervised_departures",
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="departures",
    )
    # Copies as of opening: people change names and jobs, the record must not.
    employee_name = models.CharField(_("employee name"), max_length=150)
    employee_title = models.CharField(_("employee job title"), max_length=150, blank=True)
    manager_name = models.CharField(_("manager name"), max_length=150)
    hr_owner_name = models.CharField(_("HR owner name"), max_length=150)
    department_name = models.CharField(_("department name"), max_length=120, blank=True)

    reason_category = models.CharField(_("reason"), max_length=20, choices=ReasonCategory.choices)
    reason_text = models.TextField(_("in the employee's words"), blank=True)
    notice_date = models.DateField(_("notice date"))
    last_working_day = models.DateField(_("last working day"), db_index=True)
    support_until = models.DateField(_("aftercare until"))
    language = models.CharField(_("case language"), max_length=10, choices=settings.LANGUAGES)
    state = FSMField(
        _("state"), default=State.INTENT_CONFIRMED, choices=State.choices, protected=True, db_index=True
    )
    # The template its checklist started from (its reminders follow that template's plan).
    template = models.ForeignKey(
        "handover.ChecklistTemplate",
        verbose_name=_("checklist template"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    template_version = models.PositiveIntegerField(_("template version"), null=True, blank=True)
    # Where the former employee reads mail once they have left (their company mailbox may close),
    # given by them from the sign-off; aftercare mail goes there. Erased when the case closes.
    aftercare_email = models.EmailField(_("address for mail after leaving"), blank=True)
    # The handover quality score (handover.quality), stored when the case closes: nothing it looks
    # at changes after that, and HR's figures average it over thousands of closed cases.
    quality_score = models.PositiveSmallIntegerField(_("quality score"), null=True, blank=True)
    # Personal links made before this no longer open anything (HR ended them: a mail gone astray).
    links_ended_at = models.DateTimeField(_("personal links ended at"), null=True, blank=True)
    # When it closed or was withdrawn: its retention counts from then (handover.privacy).
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    # Names replaced, personal texts erased, files deleted: nothing here identifies the people.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("departure case")
        verbose_name_plural = _("departure cases")
        permissions = [
            ("manage_departure", _("Can manage the case as its HR owner")),
            ("supervise_departure", _("Can supervise and sign off the case as manager")),
            ("hand_over_departure", _("Can hand work over as the departing employee")),
            ("receive_departure", _("Can receive work as a successor")),
        ]
        indexes = [
            models.Index(fields=["state", "last_working_day"]),
            # Each person's cases under way (My work), found from the indexes alone.
            models.Index(fields=["employee", "state"], name="departure_employee_state"),
            models.Index(fields=["manager", "state"], name="departure_manager_state"),
            models.Index(fields=["hr_owner", "state"], name="departure_hr_owner_state"),
            # The cases the nightly retention run may still have to anonymise, oldest first.
            models.Index(
                fields=["ended_at"], condition=models.Q(anonymised_at=None), name="departure_not_anonymised"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_working_day__gte=models.F("notice_date")),
                name="departure_last_day_after_notice",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.employee_name}"

    @property
    def notice_days(self) -> int:
        return (self.last_working_day - self.notice_date).days

    @property
    def short_notice(self) -> bool:
        return is_short_notice(self.notice_date, self.last_working_day)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @staticmethod
    def default_support_until(last_working_day):
        return last_working_day + timedelta(days=30)

    @transition(field=state, source=State.INTENT_CONFIRMED, target=State.PREPARING)
    def start_preparing(self) -> None:
        """HR has announced the departure; the leaver builds the inventory."""

    @transition(field=state, source=State.PREPARING, target=State.EXECUTING)
    def start_executing(self) -> None:
        """The meeting took place; items are now handed over one by one."""

    @transition(field=state, source=State.EXECUTING, target=State.TRIAL_RUN)
    def start_trial_run(self) -> None:
        """Everything is handed over; the successor now does the work under supervision."""

    @transition(field=state, source=State.TRIAL_RUN, target=State.SIGNED_OFF)
    def sign_off(self) -> None:
        """The manager's signature: the handover is confirmed."""

    @transition(field=state, source=State.SIGNED_OFF, target=State.AFTERCARE)
    def begin_aftercare(self) -> None:
        """The employee has left and stays reachable for the support period."""

    @transition(field=state, source=State.AFTERCARE, target=State.CLOSED)
    def close(self) -> None:
        """Aftercare is over."""
        self.ended_at = timezone.now()

    @transition(field=state, source=OPEN_STATES, target=State.WITHDRAWN)
    def withdraw(self) -> None:
        """The employee stays."""
        self.ended_at = timezone.now()


class DepartureUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Departure, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("case permission of a user")


class DepartureGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Departure, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("case permission of a group")
