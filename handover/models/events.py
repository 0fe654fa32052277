from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    OPENED = "opened", _("opened the case")
    ANNOUNCED = "announced", _("announced the departure to")
    TRANSITION = "transition", _("moved the case")
    PEOPLE_CHANGED = "people_changed", _("changed who takes over")
    ITEM_ADDED = "item_added", _("added an item")
    ITEM_EDITED = "item_edited", _("edited an item")
    ITEM_REMOVED = "item_removed", _("removed an item")
    ITEM_HANDED_OVER = "item_handed_over", _("handed over")
    ITEM_ACCEPTED = "item_accepted", _("accepted")
    ITEM_RETURNED = "item_returned", _("returned with a question")
    ITEM_ANSWERED = "item_answered", _("answered the question on")
    MEETING_SCHEDULED = "meeting_scheduled", _("scheduled the handover meeting")
    MEETING_HELD = "meeting_held", _("recorded the handover meeting")
    TRIAL_ADDED = "trial_added", _("added a trial task")
    TRIAL_DONE = "trial_done", _("marked a trial task done")
    TRIAL_VERIFIED = "trial_verified", _("verified a trial task")
    TRIAL_REWORK = "trial_rework", _("sent a trial task back for rework")
    SIGNED = "signed", _("signed the confirmation")
    DOCUMENT_CREATED = "document_created", _("produced the confirmation PDF")
    DOCUMENT_DOWNLOADED = "document_downloaded", _("downloaded the confirmation PDF")


class Event(models.Model):
    """Append-only timeline of what happened to a case: who, what, when."""

    departure = models.ForeignKey(
        "handover.Departure", verbose_name=_("case"), on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(_("actor name"), max_length=150)
    kind = models.CharField(_("what"), max_length=30, choices=EventKind.choices)
    subject = models.CharField(_("about"), max_length=300, blank=True)
    from_state = models.CharField(_("from"), max_length=20, blank=True)
    to_state = models.CharField(_("to"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return f"{self.actor_name} {self.get_kind_display()} {self.subject}".strip()


class DigestLog(models.Model):
    """One row per person per day: the daily digest is sent at most once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("digest sent")
        verbose_name_plural = _("digests sent")
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="one_digest_per_day")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"
