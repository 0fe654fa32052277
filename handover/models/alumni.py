"""Alumni: at the end the leaver may consent to stay in touch (a contact of their choice, what they
agree to receive) and withdraw that consent at any time, which deletes it; HR keeps a rehire note,
for HR's eyes only."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# What a former employee may agree to receive.
RECEIVED = {"news": _("company news"), "openings": _("job openings"), "events": _("alumni events")}


class AlumniConsent(models.Model):
    """Exists only while the person consents: withdrawing deletes it."""

    departure = models.OneToOneField(
        "handover.Departure", verbose_name=_("case"), on_delete=models.CASCADE, related_name="alumni"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("former employee"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    contact = models.CharField(_("contact of their choice"), max_length=254)
    news = models.BooleanField(RECEIVED["news"], default=False)
    openings = models.BooleanField(RECEIVED["openings"], default=False)
    events = models.BooleanField(RECEIVED["events"], default=False)
    given_at = models.DateTimeField(_("given at"), auto_now=True)

    class Meta:
        ordering = ["-given_at", "-id"]
        verbose_name = _("alumni consent")
        verbose_name_plural = _("alumni consents")

    def __str__(self) -> str:
        return f"{self.departure_id}: {self.contact}"

    @property
    def receives(self) -> list[str]:
        """What they agreed to receive, in the reader's language."""
        return [str(label) for name, label in RECEIVED.items() if getattr(self, name)]


class Rehire(models.TextChoices):
    YES = "yes", _("Would rehire")
    CONDITIONS = "conditions", _("Would rehire, with conditions")
    NO = "no", _("Would not rehire")


class RehireNote(models.Model):
    """HR's note on rehiring the person of a case: only HR reads it."""

    departure = models.OneToOneField(
        "handover.Departure", verbose_name=_("case"), on_delete=models.CASCADE, related_name="rehire_note"
    )
    rehire = models.CharField(_("rehire"), max_length=20, choices=Rehire.choices)
    note = models.TextField(_("note"), blank=True)
    written_by_name = models.CharField(_("written by"), max_length=150)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("rehire note")
        verbose_name_plural = _("rehire notes")

    def __str__(self) -> str:
        return f"{self.departure_id}: {self.rehire}"
