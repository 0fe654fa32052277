from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SignerRole(models.TextChoices):
    LEAVER = "leaver", _("Departing employee")
    SUCCESSOR = "successor", _("Successor")
    MANAGER = "manager", _("Manager")


class Signature(models.Model):
    departure = models.ForeignKey(
        "handover.Departure", verbose_name=_("case"), on_delete=models.CASCADE, related_name="signatures"
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signer"), on_delete=models.PROTECT, related_name="+"
    )
    signer_name = models.CharField(_("signer name"), max_length=150)
    role = models.CharField(_("role"), max_length=20, choices=SignerRole.choices)
    signed_at = models.DateTimeField(_("signed at"), auto_now_add=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    content_sha256 = models.CharField(_("SHA-256 of the content signed"), max_length=64)

    class Meta:
        ordering = ["departure", "signed_at"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [
            models.UniqueConstraint(fields=["departure", "signer", "role"], name="one_signature_per_role"),
        ]

    def __str__(self) -> str:
        return f"{self.signer_name} ({self.get_role_display()})"


class ConfirmationDocument(models.Model):
    """The confirmation PDF as it was produced at sign-off (交接确认书)."""

    departure = models.OneToOneField(
        "handover.Departure", verbose_name=_("case"), on_delete=models.CASCADE, related_name="confirmation"
    )
    file_name = models.CharField(_("file"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    size = models.PositiveIntegerField(_("size in bytes"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("confirmation document")
        verbose_name_plural = _("confirmation documents")

    def __str__(self) -> str:
        return self.file_name
