from django.conf import settings
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
    # The calendar invitation's version: each move of the meeting sends an update with the next one.
    sequence = models.PositiveIntegerField(_("invitation version"), default=0)

    class Meta:
        verbose_name = _("handover meeting")
        verbose_name_plural = _("handover meetings")

    def __str__(self) -> str:
        return f"{self.departure_id} @ {self.scheduled_at:%Y-%m-%d %H:%M}"

    @property
    def held(self) -> bool:
        return self.held_at is not None


class MeetingParticipant(models.Model):
    """Someone invited to the handover meeting (the leaver, the successors, the manager, the heads of
    the departments concerned), and whether they attended."""

    meeting = models.ForeignKey(
        HandoverMeeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("participant"), on_delete=models.PROTECT
    )
    name = models.CharField(_("name"), max_length=150)
    attended = models.BooleanField(_("attended"), default=False)

    class Meta:
        ordering = ["meeting", "name", "id"]
        verbose_name = _("meeting participant")
        verbose_name_plural = _("meeting participants")
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="invited_to_a_meeting_once")]

    def __str__(self) -> str:
        return self.name


class Demonstration(models.Model):
    """A live demonstration of key operations (现场演示: order handling, listing products, setting
    promotions, analysing data) by the departing employee, covering checklist items."""

    departure = models.ForeignKey(
        "handover.Departure", verbose_name=_("case"), on_delete=models.CASCADE, related_name="demonstrations"
    )
    title = models.CharField(_("what is shown"), max_length=200)
    scheduled_at = models.DateTimeField(_("scheduled for"))
    location = models.CharField(_("place or link"), max_length=300)
    items = models.ManyToManyField(
        "handover.ChecklistItem", verbose_name=_("items covered"), related_name="demonstrations", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("scheduled by"), on_delete=models.PROTECT, related_name="+"
    )
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["departure", "scheduled_at", "id"]
        verbose_name = _("demonstration")
        verbose_name_plural = _("demonstrations")

    def __str__(self) -> str:
        return self.title


class DemonstrationAttendee(models.Model):
    """Someone invited to a demonstration; a successor confirms they saw it."""

    demonstration = models.ForeignKey(
        Demonstration, verbose_name=_("demonstration"), on_delete=models.CASCADE, related_name="attendees"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("attendee"), on_delete=models.PROTECT)
    name = models.CharField(_("name"), max_length=150)
    confirmed_at = models.DateTimeField(_("confirmed seeing it at"), null=True, blank=True)

    class Meta:
        ordering = ["demonstration", "name", "id"]
        verbose_name = _("demonstration attendee")
        verbose_name_plural = _("demonstration attendees")
        constraints = [
            models.UniqueConstraint(fields=["demonstration", "user"], name="attend_a_demonstration_once")
        ]

    def __str__(self) -> str:
        return self.name
