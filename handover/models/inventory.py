"""What the leaver could open (accounts and access) and what they kept (materials)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, FSMModelMixin, transition

from handover.documents.storage import upload_storage


class SystemCategory(models.TextChoices):
    MARKETPLACE = "marketplace", _("Shop back-end or marketplace")
    ADVERTISING = "advertising", _("Advertising platform")
    PAYMENT = "payment", _("Payment")
    ERP = "erp", _("ERP")
    WMS = "wms", _("Warehouse (WMS)")
    LOGISTICS = "logistics", _("Logistics portal")
    FINANCE = "finance", _("Finance software")
    MAIL = "mail", _("Mail")
    CHAT = "chat", _("Chat and collaboration")
    DATA = "data", _("Data and dashboards")
    OTHER = "other", _("Other")


class AccessSystem(models.Model):
    """A system people hold accounts in; HR extends the catalogue."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    category = models.CharField(_("category"), max_length=20, choices=SystemCategory.choices)
    is_active = models.BooleanField(
        _("offered for new accounts"), default=True, help_text=_("Untick to retire a system.")
    )

    class Meta:
        ordering = ["category", "name"]
        verbose_name = _("system")
        verbose_name_plural = _("systems")

    def __str__(self) -> str:
        return self.name


class AccessKind(models.TextChoices):
    PERSONAL = "personal", _("Personal account")
    SHARED = "shared", _("Shared account")
    SUB_ACCOUNT = "sub_account", _("Sub-account")


# Only an account others will keep using may carry a stored secret.
SECRET_KINDS = (AccessKind.SHARED, AccessKind.SUB_ACCOUNT)


class AccessState(models.TextChoices):
    LISTED = "listed", _("Listed")
    TRANSFERRED = "transferred", _("Transferred")
    REVOKED = "revoked", _("Revoked")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


# An access the leaver may still be able to use.
OPEN_ACCESS_STATES = (AccessState.LISTED, AccessState.TRANSFERRED)


class TransferMethod(models.TextChoices):
    OWN_IDENTITY = "own_identity", _("Under my own account")
    ROTATED = "rotated", _("With a changed password or key")


class Access(FSMModelMixin, models.Model):
    """One account or permission the leaver holds, from inventory to revocation."""

    departure = models.ForeignKey(
        "handover.Departure", verbose_name=_("case"), on_delete=models.CASCADE, related_name="accesses"
    )
    module = models.ForeignKey(
        "handover.HandoverModule", verbose_name=_("module"), on_delete=models.CASCADE, related_name="accesses"
    )
    system = models.ForeignKey(
        AccessSystem, verbose_name=_("system"), on_delete=models.PROTECT, related_name="accesses"
    )
    account = models.CharField(_("account"), max_length=200)
    access_level = models.CharField(_("access level"), max_length=120, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=AccessKind.choices, default=AccessKind.PERSONAL)
    credential_location = models.CharField(
        _("where the credential is kept"),
        max_length=300,
        blank=True,
        help_text=_("For example the company vault entry. Never the password itself."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    state = FSMField(_("state"), default=AccessState.LISTED, choices=AccessState.choices, protected=True)
    transferred_at = models.DateTimeField(_("transferred at"), null=True, blank=True)
    transfer_method = models.CharField(
        _("transferred how"), max_length=20, choices=TransferMethod.choices, blank=True
    )
    transferred_by_name = models.CharField(_("transferred to"), max_length=150, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by_name = models.CharField(_("revoked by"), max_length=150, blank=True)
    revocation_note = models.TextField(_("revocation note"), blank=True)
    revocation_evidence = models.URLField(_("evidence link"), max_length=500, blank=True)
    not_applicable_reason = models.TextField(_("why not applicable"), blank=True)
    # The stored secret, encrypted with the vault key (never SECRET_KEY); empty once purged.
    secret_token = models.BinaryField(_("encrypted secret"), null=True, blank=True, editable=False)
    secret_key_id = models.CharField(_("vault key"), max_length=16, blank=True, editable=False)
    secret_stored_at = models.DateTimeField(_("secret stored at"), null=True, blank=True)
    secret_purged_at = models.DateTimeField(_("secret purged at"), null=True, blank=True)
    rotated_at = models.DateTimeField(_("credential changed at"), null=True, blank=True)

    class Meta:
        ordering = ["departure", "position", "id"]
        verbose_name = _("access")
        verbose_name_plural = _("accesses")
        indexes = [models.Index(fields=["state", "departure"])]

    def __str__(self) -> str:
        return f"{self.system} · {self.account}"

    @property
    def has_secret(self) -> bool:
        return self.secret_token is not None

    @property
    def may_hold_secret(self) -> bool:
        return self.kind in SECRET_KINDS

    @transition(field=state, source=AccessState.LISTED, target=AccessState.TRANSFERRED)
    def transfer(self) -> None:
        """The successor works in the system under their own identity or a changed credential."""

    @transition(field=state, source=[AccessState.LISTED, AccessState.TRANSFERRED], target=AccessState.REVOKED)
    def revoke(self) -> None:
        """HR, IT or the manager confirms the leaver can no longer get in (before a transfer only
        once the last working day is over: then closing the door comes first)."""

    @transition(field=state, source=AccessState.LISTED, target=AccessState.NOT_APPLICABLE)
    def set_not_applicable(self) -> None:
        """Nothing to transfer or revoke, for a stated reason."""


class MaterialMedium(models.TextChoices):
    ELECTRONIC = "electronic", _("Electronic")
    PAPER = "paper", _("Paper")


class MaterialCategory(models.TextChoices):
    CONTRACT = "contract", _("Contract")
    INVOICE = "invoice", _("Invoice")
    MANUAL = "manual", _("Manual")
    REPORT = "report", _("Report")
    DATA_EXPORT = "data_export", _("Data export")
    MAIL_FOLDER = "mail_folder", _("Mail folder")
    OTHER = "other", _("Other")


class Importance(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class Material(models.Model):
    """A file, folder, data set or paper original the successor must be able to find."""

    departure = models.ForeignKey(
        "handover.Departure", verbose_name=_("case"), on_delete=models.CASCADE, related_name="materials"
    )
    module = models.ForeignKey(
        "handover.HandoverModule",
        verbose_name=_("module"),
        on_delete=models.CASCADE,
        related_name="materials",
    )
    title = models.CharField(pgettext_lazy("material", "name"), max_length=200)
    medium = models.CharField(
        _("form"), max_length=20, choices=MaterialMedium.choices, default=MaterialMedium.ELECTRONIC
    )
    category = models.CharField(_("category"), max_length=20, choices=MaterialCategory.choices)
    location = models.CharField(
        _("location"), max_length=500, help_text=_("A link, a folder path or a physical place.")
    )
    created_on = models.DateField(_("created on"), null=True, blank=True)
    purpose = models.TextField(_("purpose"), blank=True)
    importance = models.CharField(
        _("importance"), max_length=10, choices=Importance.choices, default=Importance.MEDIUM
    )
    file = models.FileField(_("file"), max_length=300, blank=True, storage=upload_storage)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size"), null=True, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    found_at = models.DateTimeField(_("found at"), null=True, blank=True)
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("found by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    found_by_name = models.CharField(_("found by (name)"), max_length=150, blank=True)

    class Meta:
        ordering = ["departure", "position", "id"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self) -> str:
        return self.title


class ImportPreview(models.Model):
    """Checked spreadsheet rows waiting for the leaver's confirmation, sealed with the vault key
    (a secret column stays encrypted); used once, then deleted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    departure = models.ForeignKey(
        "handover.Departure", on_delete=models.CASCADE, related_name="+", verbose_name=_("case")
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)
    sealed_rows = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("import preview")
        verbose_name_plural = _("import previews")

    def __str__(self) -> str:
        return str(self.pk)
