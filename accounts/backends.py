from typing import Any

from django.contrib.auth.backends import ModelBackend

from accounts.grants import grants_of


class GrantsBackend(ModelBackend):
    """Django's model backend, with a person's permissions taken from their grants (read with their
    roles, and kept until anyone's grants change) instead of two queries on every request that asks.
    A superuser's, an inactive person's and per-object permissions are Django's own answer."""

    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not self._kept(user_obj, obj):
            return super().get_user_permissions(user_obj, obj)
        return set(grants_of(user_obj).user_permissions)

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not self._kept(user_obj, obj):
            return super().get_group_permissions(user_obj, obj)
        return set(grants_of(user_obj).group_permissions)

    @staticmethod
    def _kept(user_obj: Any, obj: Any) -> bool:
        return obj is None and user_obj.is_active and not user_obj.is_anonymous and not user_obj.is_superuser
