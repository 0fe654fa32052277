"""Exit feedback on the handover itself: at the sign-off the leaver, each successor and the manager
are asked a short survey. The leaver may answer anonymously towards the manager: such an answer is
never shown with a name, only counted in HR's figures."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Rating(models.IntegerChoices):
    NOT_AT_ALL = 1, _("Not at all")
    HARDLY = 2, _("Hardly")
    PARTLY = 3, _("Partly")
    MOSTLY = 4, _("Mostly")
    FULLY = 5, _("Fully")


class RespondentRole(models.TextChoices):
    LEAVER = "leaver", _("Departing employee")
    SUCCESSOR = "successor", _("Successor")
    MANAGER = "manager", _("Manager")


# The survey's questions, in the order asked; each is answered with a Rating.
FEEDBACK_QUESTIONS = {
    "time_enough": _("Was there enough time for the handover?"),
    "materials_complete": _("Were the materials complete?"),
    "demonstrations_useful": _("How useful were the demonstrations?"),
    "trial_useful": _("How useful was the trial run?"),
}


class ExitFeedback(models.Model):
    departure = models.ForeignKey(
        "handover.Departure", verbose_name=_("case"), on_delete=models.CASCADE, related_name="feedback"
    )
    # Who answered, so that each person answers once; never shown for an anonymous answer.
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("respondent"), on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(_("as"), max_length=20, choices=RespondentRole.choices)
    time_enough = models.PositiveSmallIntegerField(FEEDBACK_QUESTIONS["time_enough"], choices=Rating.choices)
    materials_complete = models.PositiveSmallIntegerField(
        FEEDBACK_QUESTIONS["materials_complete"], choices=Rating.choices
    )
    demonstrations_useful = models.PositiveSmallIntegerField(
        FEEDBACK_QUESTIONS["demonstrations_useful"], choices=Rating.choices
    )
    trial_useful = models.PositiveSmallIntegerField(
        FEEDBACK_QUESTIONS["trial_useful"], choices=Rating.choices
    )
    comment = models.TextField(_("anything else"), blank=True)
    anonymous = models.BooleanField(_("anonymous towards the manager"), default=False)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        ordering = ["submitted_at", "id"]
        verbose_name = _("exit feedback")
        verbose_name_plural = _("exit feedback")
        constraints = [
            models.UniqueConstraint(fields=["departure", "respondent"], name="one_feedback_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.departure_id}: {self.role}"
