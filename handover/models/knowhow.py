"""Know-how: per module, an operation manual the leaver writes (Markdown), kept in versions so that
anyone reading it sees who changed what, and readable after the case by whoever later holds the
module in the department."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

MANUAL_MAX_LENGTH = 100_000


class ManualAddition(models.TextChoices):
    """What a version took in with one click; its note then holds the first line of it."""

    LESSON = "lesson", _("Added the lesson “%(text)s”")
    ANSWER = "answer", _("Added the answer to “%(text)s”")


class Manual(models.Model):
    """The current text of a module's manual; each save adds a ``ManualRevision``."""

    departure = models.ForeignKey(
        "handover.Departure", verbose_name=_("case"), on_delete=models.CASCADE, related_name="manuals"
    )
    module = models.OneToOneField(
        "handover.HandoverModule", verbose_name=_("module"), on_delete=models.CASCADE, related_name="manual"
    )
    body = models.TextField(_("text"))
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("changed at"))
    updated_by_name = models.CharField(_("changed by"), max_length=150)

    class Meta:
        ordering = ["departure", "module__position"]
        # The library lists the latest changed first.
        indexes = [models.Index(fields=["-updated_at", "-id"], name="manual_latest")]
        verbose_name = _("operation manual")
        verbose_name_plural = _("operation manuals")

    def __str__(self) -> str:
        return str(self.module)


class ManualRevision(models.Model):
    """One version of a manual, as saved: who, when, what they say they changed, and the lesson or
    aftercare answer it took in, if it was added with one click."""

    manual = models.ForeignKey(
        Manual, verbose_name=_("operation manual"), on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField(_("version"))
    body = models.TextField(_("text"))
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    added = models.CharField(_("taken in"), max_length=10, blank=True, choices=ManualAddition.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    author_name = models.CharField(_("changed by (name)"), max_length=150)
    created_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    lesson = models.ForeignKey(
        "handover.Lesson",
        verbose_name=_("lesson taken in"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    question = models.ForeignKey(
        "handover.AftercareQuestion",
        verbose_name=_("answer taken in"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["manual", "-number"]
        verbose_name = _("manual version")
        verbose_name_plural = _("manual versions")
        constraints = [models.UniqueConstraint(fields=["manual", "number"], name="manual_version_once")]

    def __str__(self) -> str:
        return f"{self.manual} v{self.number}"

    @property
    def description(self) -> str:
        """What changed, in the reader's language for what was taken in with one click."""
        return str(ManualAddition(self.added).label) % {"text": self.note} if self.added else self.note
