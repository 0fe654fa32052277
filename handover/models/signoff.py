import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SignerRole(models.TextChoices):
    LEAVER = "leaver", _("Departing employee")
    SUCCESSOR = "successor", _("Successor")
    MANAGER = "manager", _("Manager")


class SignatureMark(models.TextChoices):
    TYPED = "typed", _("Typed name")
    DRAWN = "drawn", _("Drawn signature")


class Signature(models.Model):
    """One person's signature on the handover content, valid until that content changes."""

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
    mark = models.CharField(
        _("signature"), max_length=10, choices=SignatureMark.choices, default=SignatureMark.TYPED
    )
    typed_name = models.CharField(_("typed name"), max_length=150, blank=True)
    image = models.BinaryField(_("drawn signature (PNG)"), null=True, blank=True, editable=False)
    voided_at = models.DateTimeField(_("void since"), null=True, blank=True)

    class Meta:
        ordering = ["departure", "signed_at"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [
            models.UniqueConstraint(
                fields=["departure", "signer", "role"],
                condition=models.Q(voided_at__isnull=True),
                name="one_valid_signature_per_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.signer_name} ({self.get_role_display()})"


def document_code() -> str:
    """The public reference printed (and QR-coded) on a confirmation: unguessable, nothing personal."""
    return secrets.token_hex(10)


class ConfirmationDocument(models.Model):
    """One issued version of the confirmation PDF (交接确认书), sealed and stored once.

    Version 1 is produced at sign-off; HR may issue a corrected version with a reason, which
    supersedes the previous one. Superseded versions are kept and still verify as what they were.
    """

    departure = models.ForeignKey(
        "handover.Departure", verbose_name=_("case"), on_delete=models.CASCADE, related_name="confirmations"
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    code = models.CharField(_("verification code"), max_length=32, unique=True, default=document_code)
    file_name = models.CharField(_("file"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    content_sha256 = models.CharField(_("SHA-256 of the content"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    issued_by_name = models.CharField(_("issued by"), max_length=150, blank=True)
    reissue_reason = models.TextField(_("reason for the new version"), blank=True)
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)
    # What asked for this version ("signoff", or the reissue event): a task run twice finds it.
    request_key = models.CharField(_("requested by"), max_length=40, default="signoff")
    # The file is deleted once its retention (from the case's end) has run out; the record stays,
    # so that a copy shown later still verifies as what it was.
    file_deleted_at = models.DateTimeField(_("file deleted at"), null=True, blank=True)

    class Meta:
        ordering = ["departure", "-version"]
        verbose_name = _("confirmation document")
        verbose_name_plural = _("confirmation documents")
        constraints = [
            models.UniqueConstraint(fields=["departure", "version"], name="one_document_per_version"),
            models.UniqueConstraint(fields=["departure", "request_key"], name="one_document_per_request"),
        ]

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None
