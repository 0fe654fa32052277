from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from handover.validators import reminder_offsets

from .checkins import Confidence


class ModuleKind(models.TextChoices):
    PRODUCT = "product", _("Product management")
    ORDERS = "orders", _("Order processing")
    CUSTOMER_SERVICE = "customer_service", _("Customer service")
    LOGISTICS = "logistics", _("Warehousing and logistics")
    DATA = "data", _("Data analysis")
    FINANCE = "finance", _("Finance settlement")
    TEAM = "team", _("Team collaboration")


MODULE_ORDER = {kind: index for index, kind in enumerate(ModuleKind.values)}


class HandoverModule(models.Model):
    departure = models.ForeignKey(
        "handover.Departure", verbose_name=_("case"), on_delete=models.CASCADE, related_name="modules"
    )
    kind = models.CharField(_("module"), max_length=20, choices=ModuleKind.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    successor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("successor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="received_modules",
    )
    successor_name = models.CharField(_("successor name"), max_length=150, blank=True)
    # The manager's word, during the trial run, that the successor does this work alone.
    independent_at = models.DateTimeField(_("independence confirmed at"), null=True, blank=True)
    independent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("independence confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    independent_by_name = models.CharField(_("independence confirmed by (name)"), max_length=150, blank=True)
    independence_note = models.TextField(_("what the successor did alone"), blank=True)
    # The confidence of the manager's latest check-in (blank before any).
    confidence = models.CharField(_("confidence"), max_length=10, blank=True, choices=Confidence.choices)

    class Meta:
        ordering = ["departure", "position"]
        verbose_name = _("handover module")
        verbose_name_plural = _("handover modules")
        constraints = [models.UniqueConstraint(fields=["departure", "kind"], name="module_once_per_case")]

    def __str__(self) -> str:
        return str(self.get_kind_display())


class ItemState(models.TextChoices):
    PENDING = "pending", _("To hand over")
    HANDED_OVER = "handed_over", _("Handed over")
    RETURNED = "returned", _("Returned with a question")
    ACCEPTED = "accepted", _("Accepted")


class ChecklistItem(FSMModelMixin, models.Model):
    module = models.ForeignKey(
        HandoverModule, verbose_name=_("module"), on_delete=models.CASCADE, related_name="items"
    )
    title = models.CharField(_("title"), max_length=200)
    steps = models.TextField(_("steps"), blank=True)
    key_moments = models.TextField(_("key moments"), blank=True)
    cautions = models.TextField(_("cautions"), blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    evidence_url = models.URLField(_("evidence link"), blank=True, max_length=500)
    position = models.PositiveIntegerField(_("position"), default=0)
    # Copied from the checklist template (not added on the case): never proposed back to it.
    from_template = models.BooleanField(_("from the checklist template"), default=False)
    state = FSMField(_("state"), default=ItemState.PENDING, choices=ItemState.choices, protected=True)
    question = models.TextField(_("successor's question"), blank=True)
    answer = models.TextField(_("answer"), blank=True)
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    accepted_by_name = models.CharField(_("accepted by (name)"), max_length=150, blank=True)

    class Meta:
        ordering = ["module", "position", "id"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        indexes = [models.Index(fields=["module", "state"])]

    def __str__(self) -> str:
        return self.title

    @transition(field=state, source=[ItemState.PENDING, ItemState.RETURNED], target=ItemState.HANDED_OVER)
    def hand_over(self) -> None:
        """The leaver says this item is handed over."""

    @transition(field=state, source=ItemState.HANDED_OVER, target=ItemState.ACCEPTED)
    def accept(self) -> None:
        """The successor confirms they received it."""

    @transition(field=state, source=ItemState.HANDED_OVER, target=ItemState.RETURNED)
    def return_with_question(self) -> None:
        """The successor sends it back with a question."""


class ChecklistTemplate(models.Model):
    name = models.CharField(_("name"), max_length=120)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    is_default = models.BooleanField(
        _("default for its language"),
        default=False,
        help_text=_("New cases in this language start from this template."),
    )
    # When its cases remind people (see handover.reminders): days before an item's due date and
    # before the last working day, hours before the meeting and each demonstration; and after how
    # many days of waiting the manager is told (the HR owner after twice as many). Defaults in the
    # database too: the data migration that creates the default templates knows nothing of these.
    reminder_due_days = models.CharField(
        _("reminders before an item's due date (days)"),
        max_length=40,
        default="1, 0",
        db_default="1, 0",
        validators=[reminder_offsets],
    )
    reminder_last_day_days = models.CharField(
        _("reminders before the last working day (days)"),
        max_length=40,
        default="7, 3, 1",
        db_default="7, 3, 1",
        validators=[reminder_offsets],
    )
    reminder_meeting_hours = models.CharField(
        _("reminders before the meeting and demonstrations (hours)"),
        max_length=40,
        default="24, 1",
        db_default="24, 1",
        validators=[reminder_offsets],
    )
    escalate_after_days = models.PositiveSmallIntegerField(
        _("days of waiting before the manager is told"),
        default=2,
        db_default=2,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("The HR owner is told after twice as many."),
    )
    # Each change to its items makes a new version (``TemplateVersion`` says who and what); a case
    # records the version its checklist started from, so quality can be compared across versions.
    version = models.PositiveIntegerField(_("version"), default=1, db_default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["language", "name"]
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")
        constraints = [
            models.UniqueConstraint(
                fields=["language"],
                condition=models.Q(is_default=True),
                name="one_default_template_per_language",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_language_display()})"


class TemplateItem(models.Model):
    template = models.ForeignKey(
        ChecklistTemplate, verbose_name=_("template"), on_delete=models.CASCADE, related_name="items"
    )
    module = models.CharField(_("module"), max_length=20, choices=ModuleKind.choices)
    title = models.CharField(_("title"), max_length=200)
    steps = models.TextField(_("steps"), blank=True)
    key_moments = models.TextField(_("key moments"), blank=True)
    cautions = models.TextField(_("cautions"), blank=True)
    due_days_before_last_day = models.PositiveSmallIntegerField(
        _("due days before the last working day"), default=5
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["template", "position", "id"]
        verbose_name = _("template item")
        verbose_name_plural = _("template items")

    def __str__(self) -> str:
        return self.title


class VersionChange(models.TextChoices):
    ADDED = "added", _("Added “%(subject)s”")
    CHANGED = "changed", _("Changed “%(subject)s”")
    REMOVED = "removed", _("Removed “%(subject)s”")
    ACCEPTED = "accepted", _("Took in proposed changes: %(subject)s")


class TemplateVersion(models.Model):
    """A version of a template after the first: who made it, when, and what changed."""

    template = models.ForeignKey(
        ChecklistTemplate, verbose_name=_("template"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    change = models.CharField(_("change"), max_length=10, choices=VersionChange.choices)
    # The item's title, or the titles of the proposals taken in.
    subject = models.CharField(_("about"), max_length=300)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    author_name = models.CharField(_("changed by (name)"), max_length=150)
    created_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        ordering = ["template", "-number"]
        verbose_name = _("template version")
        verbose_name_plural = _("template versions")
        constraints = [models.UniqueConstraint(fields=["template", "number"], name="template_version_once")]

    def __str__(self) -> str:
        return f"{self.template} v{self.number}"

    @property
    def sentence(self) -> str:
        return str(VersionChange(self.change).label) % {"subject": self.subject}


class ProposalSource(models.TextChoices):
    ITEM = "item", _("Item added on the case")
    LESSON = "lesson", _("Lesson learned")
    QUESTION = "question", _("Question asked in aftercare")


class ProposalState(models.TextChoices):
    OPEN = "open", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class TemplateProposal(models.Model):
    """A change to a template that a closed case suggests: a new item (one the leaver added that the
    template lacks), or text added to the key moments or cautions of an item it has (from a lesson or
    an aftercare question about that item)."""

    template = models.ForeignKey(
        ChecklistTemplate, verbose_name=_("template"), on_delete=models.CASCADE, related_name="proposals"
    )
    departure = models.ForeignKey(
        "handover.Departure", verbose_name=_("case"), on_delete=models.CASCADE, related_name="+"
    )
    source = models.CharField(_("from"), max_length=10, choices=ProposalSource.choices)
    module = models.CharField(_("module"), max_length=20, choices=ModuleKind.choices)
    # The item to add to; none: a new item with the title and texts below.
    target = models.ForeignKey(
        TemplateItem,
        verbose_name=_("added to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=200)
    steps = models.TextField(_("steps"), blank=True)
    key_moments = models.TextField(_("key moments"), blank=True)
    cautions = models.TextField(_("cautions"), blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=ProposalState.choices, default=ProposalState.OPEN
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by_name = models.CharField(_("decided by"), max_length=150, blank=True)
    # The version of the template that took it in.
    version = models.PositiveIntegerField(_("in version"), null=True, blank=True)
    created_at = models.DateTimeField(_("proposed at"), auto_now_add=True)

    class Meta:
        ordering = ["template", "module", "created_at", "id"]
        verbose_name = _("proposed template change")
        verbose_name_plural = _("proposed template changes")
        indexes = [models.Index(fields=["template", "state"], name="template_proposals")]

    def __str__(self) -> str:
        return self.title
