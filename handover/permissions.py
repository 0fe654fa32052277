"""Who may do what on a case.

Visibility and roles are object permissions (django-guardian, direct-FK
tables), granted by the services that assign people to a case and taken back
when those people are replaced. Views ask ``case_access`` once per request.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import Group, Permission
from django.db.models import QuerySet

from accounts.models import Role

VIEW = "view_departure"
MANAGE = "manage_departure"
SUPERVISE = "supervise_departure"
HAND_OVER = "hand_over_departure"
RECEIVE = "receive_departure"

# Model-wide permissions each global role holds.
ROLE_PERMISSIONS = {
    Role.HR: [
        "view_departure",
        "add_departure",
        "view_checklisttemplate",
        "add_checklisttemplate",
        "change_checklisttemplate",
        "delete_checklisttemplate",
        "view_templateitem",
        "add_templateitem",
        "change_templateitem",
        "delete_templateitem",
    ],
    Role.MANAGER: [],
    Role.STAFF: [],
    Role.IT: [],
}


@dataclass(frozen=True)
class CaseAccess:
    """What one user may do on one case."""

    user_id: int | None
    perms: frozenset[str] = field(default_factory=frozenset)
    is_hr: bool = False

    @property
    def can_view(self) -> bool:
        return VIEW in self.perms or self.is_hr

    @property
    def is_owner(self) -> bool:
        return MANAGE in self.perms

    @property
    def is_manager(self) -> bool:
        return SUPERVISE in self.perms

    @property
    def is_leaver(self) -> bool:
        return HAND_OVER in self.perms

    @property
    def is_successor(self) -> bool:
        return RECEIVE in self.perms

    @property
    def can_see_reason(self) -> bool:
        """The reason for leaving is for HR, the manager and the leaver only."""
        return self.is_hr or self.is_manager or self.is_leaver

    @property
    def can_supervise(self) -> bool:
        """HR owner and manager run the meeting and move the case forward."""
        return self.is_owner or self.is_manager

    @property
    def can_download_confirmation(self) -> bool:
        """The signed confirmation is for HR and the people on the case, not for onlookers."""
        return self.is_hr or self.is_manager or self.is_leaver or self.is_successor or self.is_owner

    @property
    def can_see_inventory(self) -> bool:
        """Accounts and materials are for HR and the people on the case; a department head only
        follows progress."""
        return self.can_download_confirmation

    def receives(self, module) -> bool:
        return self.is_successor and module.successor_id == self.user_id


NO_ACCESS = CaseAccess(user_id=None)


def case_access(user, departure) -> CaseAccess:
    """Roles come only from the grants given to the people on the case, so a superuser (who
    guardian would otherwise grant everything) is not silently the manager or the leaver."""
    from handover.models import DepartureUserObjectPermission

    if not user.is_authenticated or not user.is_active:
        return NO_ACCESS
    perms = frozenset(
        DepartureUserObjectPermission.objects.filter(user=user, content_object=departure).values_list(
            "permission__codename", flat=True
        )
    )
    return CaseAccess(user_id=user.pk, perms=perms, is_hr=user.is_hr)


def visible_cases(user, queryset: QuerySet) -> QuerySet:
    """Cases this user may see: every case for HR, their own cases for anyone else."""
    if not user.is_authenticated:
        return queryset.none()
    if user.is_hr:
        return queryset
    # The direct-FK grant table, read as one plain subquery (guardian's get_objects_for_user adds
    # group-permission branches this project never grants, which cost a third of the list's time).
    from handover.models import DepartureUserObjectPermission

    granted = DepartureUserObjectPermission.objects.filter(
        user=user, permission__codename=VIEW, permission__content_type__app_label="handover"
    ).values("content_object_id")
    return queryset.filter(pk__in=granted)


def case_grants(
    *,
    hr_owner_id: int | None,
    manager_id: int | None,
    employee_id: int | None,
    successor_ids: Iterable[int | None],
    head_id: int | None,
    anonymised: bool = False,
) -> dict[int, set[str]]:
    """Every person's object permissions on a case, from who holds which role: view for everyone on
    it plus their role's own permission, and view alone for the department head. A pure function of
    the ids, so bulk loaders grant exactly what the services grant. An anonymised case is history:
    whoever was on it still reads it, nobody acts on it (nothing personal is written to it again)."""
    grants: dict[int, set[str]] = {}

    def grant(user_id: int | None, *codenames: str) -> None:
        if user_id is not None:
            grants.setdefault(user_id, {VIEW}).update(codenames)

    grant(hr_owner_id, MANAGE)
    grant(manager_id, SUPERVISE)
    grant(employee_id, HAND_OVER)
    for successor_id in successor_ids:
        grant(successor_id, RECEIVE)
    grant(head_id)
    if anonymised:
        return {user_id: {VIEW} for user_id in grants}
    return grants


def grants_for(departure) -> dict[int, set[str]]:
    """Every person's object permissions on this case, derived from who holds which role."""
    return case_grants(
        hr_owner_id=departure.hr_owner_id,
        manager_id=departure.manager_id,
        employee_id=departure.employee_id,
        successor_ids=departure.modules.exclude(successor=None).values_list("successor_id", flat=True),
        head_id=departure.department.head_id if departure.department_id is not None else None,
        anonymised=departure.anonymised_at is not None,
    )


def sync_case_permissions(departure) -> None:
    """Make the stored object permissions match the people now on the case."""
    from handover.models import DepartureUserObjectPermission

    wanted = {(user_id, code) for user_id, codes in grants_for(departure).items() for code in codes}
    existing = {
        (row.user_id, row.permission.codename): row.pk
        for row in DepartureUserObjectPermission.objects.filter(content_object=departure).select_related(
            "permission"
        )
    }
    stale = [pk for key, pk in existing.items() if key not in wanted]
    DepartureUserObjectPermission.objects.filter(pk__in=stale).delete()
    missing = wanted - existing.keys()
    if missing:
        permissions = {
            p.codename: p
            for p in Permission.objects.filter(
                content_type__app_label="handover", codename__in={code for _, code in missing}
            )
        }
        DepartureUserObjectPermission.objects.bulk_create(
            DepartureUserObjectPermission(
                user_id=user_id, permission=permissions[code], content_object=departure
            )
            for user_id, code in missing
        )


def ensure_roles(**kwargs) -> None:
    """Create the global role groups with their model-wide permissions (after every migrate)."""
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        if codenames:
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label="handover", codename__in=codenames)
            )
