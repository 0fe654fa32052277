"""A person's roles (their groups) and permissions, read once after any change to anyone's grants
rather than on every request: every page asks them (the menu, the policy), three queries each time.

Each person's grants are kept in the ``grants`` cache (Redis under its own prefix in production; in
embedded mode no cache, they are read each time) with the *version* of the grants they were read
under. A change to a membership, a group, a permission, a group's permissions or a content type,
and every ``migrate``, makes the version *pending* at once: until the change's transaction has
committed and given the version a new value, nobody uses or keeps an entry, they read. A pending
version that is never replaced (the transaction rolled back, or an earlier commit hook failed)
lapses after ``PENDING_KEPT`` and a new one is drawn. So an entry read before a change is never
used after it. If the cache cannot be told, the change fails inside its transaction (it is undone);
outside one it is logged, and ``GRANTS_KEPT`` bounds how long an entry can be used.

Django sends no signal for ``QuerySet.update()``, for a membership row written on its own (a
``bulk_create`` of the relation's ``through`` model) or for raw SQL: code that does that calls
``grants_changed()``. Entries are only written outside transactions (a transaction's own changes
might still be rolled back).
"""

import logging
import uuid
import zlib
from dataclasses import dataclass, fields
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

logger = logging.getLogger(__name__)

GRANTS_KEPT = 5 * 60  # seconds
PENDING_KEPT = 60
VERSION = "version"
PENDING = "pending:"


@dataclass(frozen=True)
class Grants:
    version: str
    roles: frozenset[str]
    # "app_label.codename", as Django's permission checks name them.
    user_permissions: frozenset[str]
    group_permissions: frozenset[str]


# In the entries' names: what they hold, so that a release that keeps other fields misses.
GRANTS_CODE = zlib.crc32(repr([f.name for f in fields(Grants)]).encode())


def grants_of(user: Any) -> Grants:
    """This person's roles and permissions: kept from an earlier request unless anyone's grants
    changed since, otherwise read (one query). Asked once per instance (a request's user)."""
    asked: Grants | None = getattr(user, "_grants", None)
    if asked is None:
        asked = user._grants = _grants_of(user)
    return asked


def _grants_of(user: Any) -> Grants:
    cache = caches["grants"]
    name = f"user:{GRANTS_CODE:x}.{user.pk}"
    try:
        known = cache.get_many([VERSION, name])
        version = known.get(VERSION) or _new_version(cache, keep_current=True)
    except Exception as error:  # the cache is an aid: without it, the grants are read
        logger.warning("Grants not read from the cache: %s", type(error).__name__)
        return _read(user, "")
    if version.startswith(PENDING):
        return _read(user, "")  # a change is being committed: read, keep nothing
    kept: Grants | None = known.get(name)
    if kept is not None and kept.version == version:
        if settings.HANDOVER_CHECK_CACHES and kept != _read(user, version):
            raise AssertionError(f"the grants of user {user.pk} changed without a new version")
        return kept
    grants = _read(user, version)
    if not transaction.get_connection().in_atomic_block:
        try:
            cache.set(name, grants, GRANTS_KEPT)
        except Exception as error:
            logger.warning("Grants not kept in the cache: %s", type(error).__name__)
    return grants


def _read(user: Any, version: str) -> Grants:
    """One query: each group's name with each of its permissions, then the person's own permissions
    (with no group)."""
    of_groups = ("name", "permissions__content_type__app_label", "permissions__codename")
    in_groups = user.groups.values_list(*of_groups).order_by()
    own = (
        user.user_permissions.annotate(no_group=Value(None, output_field=CharField()))
        .values_list("no_group", "content_type__app_label", "codename")
        .order_by()
    )
    roles: set[str] = set()
    user_permissions: set[str] = set()
    group_permissions: set[str] = set()
    for group, app_label, codename in in_groups.union(own, all=True):
        if group is None:
            user_permissions.add(f"{app_label}.{codename}")
            continue
        roles.add(group)
        if codename is not None:
            group_permissions.add(f"{app_label}.{codename}")
    return Grants(version, frozenset(roles), frozenset(user_permissions), frozenset(group_permissions))


def _new_version(cache: Any, keep_current: bool = False) -> str:
    """A value the version never had (``keep_current``: only if it has none, e.g. after Redis lost
    it, and then the one another process set first)."""
    version = uuid.uuid4().hex
    if keep_current:
        cache.add(VERSION, version, None)
        return cache.get(VERSION) or version
    cache.set(VERSION, version, None)
    return version


def grants_changed(action: str = "post_save", **kwargs: Any) -> None:
    """Someone's grants changed: the version is pending now, and new once the change is committed
    (every entry read before goes unused)."""
    if not action.startswith("post_"):
        return  # m2m_changed: the "pre_" signal of the same change
    cache = caches["grants"]
    try:
        cache.set(VERSION, f"{PENDING}{uuid.uuid4().hex}", PENDING_KEPT)
    except Exception as error:
        if transaction.get_connection().in_atomic_block:
            raise  # the change is undone rather than honoured unseen
        logger.error("The grants' version was not changed in the cache: %s", type(error).__name__)
    transaction.on_commit(_committed, robust=True)


def _committed() -> None:
    _new_version(caches["grants"])


def connect() -> None:
    from accounts.models import User

    # Memberships changed through the relations (add, remove, set, clear, from either side).
    for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(grants_changed, sender=through, dispatch_uid=f"grants-m2m-{through.__name__}")
    # A group renamed or deleted, a permission or its content type changed or gone.
    for model in (Group, Permission, ContentType):
        post_save.connect(grants_changed, sender=model, dispatch_uid=f"grants-save-{model.__name__}")
        post_delete.connect(grants_changed, sender=model, dispatch_uid=f"grants-delete-{model.__name__}")
    # A person gone (their id could come back); any migration (data migrations send no signal).
    post_delete.connect(grants_changed, sender=User, dispatch_uid="grants-delete-User")
    post_migrate.connect(grants_changed, dispatch_uid="grants-migrate")
