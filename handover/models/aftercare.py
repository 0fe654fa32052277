"""Aftercare: after the last working day the former employee stays reachable for the support
period; the successors and the manager ask, the former employee answers, the asker marks it solved."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class QuestionState(models.TextChoices):
    OPEN = "open", _("Waiting for an answer")
    ANSWERED = "answered", _("Answered")
    SOLVED = "solved", _("Solved")


class AftercareQuestion(models.Model):
    """A question to the former employee about a module (and one of its items, if chosen)."""

    departure = models.ForeignKey(
        "handover.Departure", verbose_name=_("case"), on_delete=models.CASCADE, related_name="questions"
    )
    module = models.ForeignKey(
        "handover.HandoverModule", verbose_name=_("module"), on_delete=models.CASCADE, related_name="+"
    )
    item = models.ForeignKey(
        "handover.ChecklistItem",
        verbose_name=_("item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    asker_name = models.CharField(_("asked by"), max_length=150)
    question = models.TextField(_("question"))
    asked_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    solved_at = models.DateTimeField(_("solved at"), null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "id"]
        verbose_name = _("aftercare question")
        verbose_name_plural = _("aftercare questions")
        indexes = [models.Index(fields=["departure", "answered_at"], name="aftercare_waiting")]

    def __str__(self) -> str:
        return self.question[:80]

    @property
    def state(self) -> str:
        if self.solved_at is not None:
            return QuestionState.SOLVED
        return QuestionState.ANSWERED if self.answered_at is not None else QuestionState.OPEN

    def get_state_display(self) -> str:
        return str(QuestionState(self.state).label)
