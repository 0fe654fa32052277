from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Lesson(models.Model):
    """What went wrong before, how it was solved and what to watch (经验教训), noted against a module
    or one of its items by the leaver, the manager or the module's successor."""

    departure = models.ForeignKey(
        "handover.Departure", verbose_name=_("case"), on_delete=models.CASCADE, related_name="lessons"
    )
    module = models.ForeignKey(
        "handover.HandoverModule", verbose_name=_("module"), on_delete=models.CASCADE, related_name="lessons"
    )
    item = models.ForeignKey(
        "handover.ChecklistItem",
        verbose_name=_("item"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="lessons",
    )
    went_wrong = models.TextField(_("what went wrong"))
    solved = models.TextField(_("how it was solved"))
    watch = models.TextField(_("what to watch"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("noted by"), on_delete=models.PROTECT, related_name="+"
    )
    author_name = models.CharField(_("noted by (name)"), max_length=150)
    # Noted before the sign-off: part of what the signers affirm and of the sealed confirmation.
    # Those noted later (in aftercare) are kept for the successor and the know-how, not sealed.
    in_confirmation = models.BooleanField(_("in the confirmation"), default=True)
    created_at = models.DateTimeField(_("noted at"), auto_now_add=True)

    class Meta:
        ordering = ["departure", "created_at", "id"]
        verbose_name = _("lesson learned")
        verbose_name_plural = _("lessons learned")

    def __str__(self) -> str:
        return self.went_wrong[:80]
