from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Confidence(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    BLOCKED = "blocked", _("Blocked")


class CheckIn(models.Model):
    """The manager's check-in on a module while it is handed over and tried (阶段性检查): how it
    goes after talking with the successor, and any change of plan made then."""

    departure = models.ForeignKey(
        "handover.Departure", verbose_name=_("case"), on_delete=models.CASCADE, related_name="check_ins"
    )
    module = models.ForeignKey(
        "handover.HandoverModule",
        verbose_name=_("module"),
        on_delete=models.CASCADE,
        related_name="check_ins",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("checked in by"), on_delete=models.PROTECT, related_name="+"
    )
    author_name = models.CharField(_("checked in by (name)"), max_length=150)
    confidence = models.CharField(_("confidence"), max_length=10, choices=Confidence.choices)
    note = models.TextField(_("note"))
    # The plan change made with it: a new due date for the module's items not yet handed over, and
    # an extra trial task.
    new_due_date = models.DateField(_("new due date"), null=True, blank=True)
    items_moved = models.PositiveIntegerField(_("items moved"), default=0)
    trial_task = models.ForeignKey(
        "handover.TrialTask",
        verbose_name=_("extra trial task"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("checked in at"), auto_now_add=True)

    class Meta:
        ordering = ["departure", "-created_at", "-id"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")

    def __str__(self) -> str:
        return f"{self.module} · {self.get_confidence_display()}"
