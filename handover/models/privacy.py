"""Privacy: how long HR keeps what, and the record of what was anonymised, erased and exported.

Closed cases are anonymised once their retention has run out (``handover.privacy`` says what
that does to each table); their sealed confirmations stay, under legal hold, until their own
retention ends. The record names cases by number and people by account number only: an entry
must not undo the erasure it records."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

CASE_MONTHS_DEFAULT = 24
CONFIRMATION_YEARS_DEFAULT = 10


class Retention(models.Model):
    """One row (pk 1): the periods HR set. Until HR sets them, the defaults above apply."""

    case_months = models.PositiveSmallIntegerField(
        _("closed cases are kept for (months)"),
        default=CASE_MONTHS_DEFAULT,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
    )
    confirmation_years = models.PositiveSmallIntegerField(
        _("sealed confirmations are kept for (years)"),
        default=CONFIRMATION_YEARS_DEFAULT,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)
    updated_by_name = models.CharField(_("changed by"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("retention")
        verbose_name_plural = _("retention")

    def __str__(self) -> str:
        return f"{self.case_months} / {self.confirmation_years}"

    @classmethod
    def current(cls) -> "Retention":
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class PrivacyAct(models.TextChoices):
    RETENTION_SET = "retention_set", _("changed how long data is kept")
    CASE_ANONYMISED = "case_anonymised", _("anonymised a case")
    CONFIRMATION_DELETED = "confirmation_deleted", _("deleted a sealed confirmation after its retention")
    PERSON_ERASED = "person_erased", _("erased a person")
    DATA_EXPORTED = "data_exported", _("downloaded the data held about a person")


class PrivacyRecord(models.Model):
    act = models.CharField(_("what"), max_length=30, choices=PrivacyAct.choices)
    # None: the scheduled task.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(_("by (name)"), max_length=150, blank=True)
    # A case number, "#<account number>" for a person, or the periods set.
    subject = models.CharField(_("about"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("privacy record")
        verbose_name_plural = _("privacy records")

    def __str__(self) -> str:
        return f"{self.get_act_display()} {self.subject}"
