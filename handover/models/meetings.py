from django.db import models
from django.utils.translation import gettext_lazy as _


class HandoverMeeting(models.Model):
    """The walk-through with the leaver, the successors and the department heads."""

    departure = models.OneToOneField(
        "handover.Departure", verbose_name=_("case"), on_delete=models.CASCADE, related_name="meeting"
    )
    scheduled_at = models.DateTimeField(_("scheduled for"))
    location = models.CharField(_("place or link"), max_length=300)
    agenda = models.TextField(_("agenda"), blank=True)
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)

    class Meta:
        verbose_name = _("handover meeting")
        verbose_name_plural = _("handover meetings")

    def __str__(self) -> str:
        return f"{self.departure_id} @ {self.scheduled_at:%Y-%m-%d %H:%M}"

    @property
    def held(self) -> bool:
        return self.held_at is not None
