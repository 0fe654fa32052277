from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Global roles, stored as auth groups of the same name."""

    HR = "HR", _("HR")
    MANAGER = "Manager", _("Manager")
    STAFF = "Staff", _("Staff")
    IT = "IT", _("IT")


class Department(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("department head"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_departments",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True, default=""
    )

    # Where this person is: messages wait out their quiet hours in their own time zone ("" is the
    # company's).
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    quiet_from = models.TimeField(_("quiet from"), null=True, blank=True)
    quiet_until = models.TimeField(_("quiet until"), null=True, blank=True)

    class Meta:
        ordering = ["display_name", "username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def role_names(self) -> frozenset[str]:
        from accounts.grants import grants_of

        return grants_of(self).roles

    @property
    def is_hr(self) -> bool:
        return Role.HR in self.role_names

    @property
    def is_manager(self) -> bool:
        return Role.MANAGER in self.role_names

    @property
    def is_it(self) -> bool:
        """IT revokes a former employee's accesses on any case, without seeing the cases."""
        return Role.IT in self.role_names
