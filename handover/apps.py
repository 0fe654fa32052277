from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class HandoverConfig(AppConfig):
    name = "handover"
    verbose_name = _("Handover")

    def ready(self) -> None:
        from handover import changes, checks  # noqa: F401 (checks registers the system checks)
        from handover.permissions import ensure_roles

        post_migrate.connect(ensure_roles, sender=self)
        changes.connect()
