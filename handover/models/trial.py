from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition


class TrialState(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    DONE = "done", _("Done, awaiting verification")
    REWORK = "rework", _("Sent back for rework")
    VERIFIED = "verified", _("Verified")


class TrialTask(FSMModelMixin, models.Model):
    """A real task the successor performs while the leaver watches (试运行任务)."""

    departure = models.ForeignKey(
        "handover.Departure", verbose_name=_("case"), on_delete=models.CASCADE, related_name="trial_tasks"
    )
    module = models.ForeignKey(
        "handover.HandoverModule",
        verbose_name=_("module"),
        on_delete=models.CASCADE,
        related_name="trial_tasks",
    )
    title = models.CharField(_("task"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    state = FSMField(_("state"), default=TrialState.ASSIGNED, choices=TrialState.choices, protected=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    done_note = models.TextField(_("successor's note"), blank=True)
    feedback = models.TextField(_("feedback"), blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    sent_back_at = models.DateTimeField(_("sent back at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["departure", "created_at", "id"]
        verbose_name = _("trial task")
        verbose_name_plural = _("trial tasks")

    def __str__(self) -> str:
        return self.title

    @transition(field=state, source=[TrialState.ASSIGNED, TrialState.REWORK], target=TrialState.DONE)
    def complete(self) -> None:
        """The successor did the task."""

    @transition(field=state, source=TrialState.DONE, target=TrialState.VERIFIED)
    def verify(self) -> None:
        """The leaver checked the result."""

    @transition(field=state, source=TrialState.DONE, target=TrialState.REWORK)
    def send_back(self) -> None:
        """The leaver asks for the task to be done again."""


class FollowUp(models.Model):
    """Upkeep left to the successor after the sign-off (后续维护): a task with a due date the
    successor ticks off, on My work until done."""

    departure = models.ForeignKey(
        "handover.Departure", verbose_name=_("case"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    module = models.ForeignKey(
        "handover.HandoverModule",
        verbose_name=_("module"),
        on_delete=models.CASCADE,
        related_name="follow_ups",
    )
    title = models.CharField(_("task"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    due_date = models.DateField(_("due date"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("left by"), on_delete=models.PROTECT, related_name="+"
    )
    created_by_name = models.CharField(_("left by (name)"), max_length=150)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_note = models.TextField(_("what was done"), blank=True)

    class Meta:
        ordering = ["departure", "due_date", "id"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self) -> str:
        return self.title
