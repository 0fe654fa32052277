"""Privacy: how long HR keeps what, and the record of what was anonymised, erased and exported.

Closed cases are anonymised once their retention has run out (``handover.privacy`` says what
that does to each table); their sealed confirmations stay, under legal hold, until their own
retention ends. The record names cases by number and people by account number only: an entry
must not undo the erasure it records."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

CASE_MONTHS_DEFAULT = 24
CONFIRMATION_YEARS_DEFAULT = 10
# The lowest and highest period HR may set, per field.
RETENTION_BOUNDS = {"case_months": (1, 240), "confirmation_years": (1, 50)}


class Retention(models.Model):
    """One row (pk 1): the periods HR set. Until HR sets them, the defaults above apply."""

    case_months = models.PositiveSmallIntegerField(
        _("closed cases are kept for (months)"),
        default=CASE_MONTHS_DEFAULT,
        validators=[
            MinValueValidator(RETENTION_BOUNDS["case_months"][0]),
            MaxValueValidator(RETENTION_BOUNDS["case_months"][1]),
        ],
    )
    confirmation_years = models.PositiveSmallIntegerField(
        _("sealed confirmations are kept for (years)"),
        default=CONFIRMATION_YEARS_DEFAULT,
        validators=[
            MinValueValidator(RETENTION_BOUNDS["confirmation_years"][0]),
            MaxValueValidator(RETENTION_BOUNDS["confirmation_years"][1]),
        ],
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

    @property
    def subject_text(self) -> str:
        """The subject in the reader's language: a retention entry keeps the periods it set as
        "months/years"."""
        months, _slash, years = self.subject.partition("/")
        if self.act == PrivacyAct.RETENTION_SET and months.isdigit() and years.isdigit():
            return periods_text(int(months), int(years))
        return self.subject


def periods_text(months: int, years: int) -> str:
    # Translators: the two retention periods, e.g. "cases 24 months, confirmations 10 years".
    confirmations = ngettext("confirmations %(n)s year", "confirmations %(n)s years", years)
    return gettext("%(cases)s, %(confirmations)s") % {
        "cases": ngettext("cases %(n)s month", "cases %(n)s months", months) % {"n": months},
        "confirmations": confirmations % {"n": years},
    }


class StoredFile(models.TextChoices):
    UPLOADS = "uploads", _("uploaded files")
    DOCUMENTS = "documents", _("confirmations")


class PendingFileDeletion(models.Model):
    """A stored file that must go: written in the transaction that lets it go (an anonymised case,
    a confirmation past its legal hold), deleted from the storage once that transaction committed,
    and kept until the storage confirms, so the nightly run tries again after a failure."""

    storage = models.CharField(_("storage"), max_length=10, choices=StoredFile.choices)
    name = models.CharField(_("file"), max_length=500)
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("file to delete")
        verbose_name_plural = _("files to delete")

    def __str__(self) -> str:
        return f"{self.storage}: {self.name}"
