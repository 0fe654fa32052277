"""Named, side-effect-free conditions on a case's transitions.

Each guard reads the case and answers yes or no; when it says no, its message
is what the user sees as the reason the next step is blocked.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Guard:
    name: str
    message: Promise
    check: Callable[[object], bool]

    @property
    def __name__(self) -> str:  # django-fsm names conditions in its errors
        return self.name

    def __call__(self, departure) -> bool:
        return self.check(departure)


def _items(departure):
    from handover.models import ChecklistItem

    return ChecklistItem.objects.filter(module__departure=departure)


def _has_modules(departure) -> bool:
    return departure.modules.exists()


def _modules_have_successors(departure) -> bool:
    return not departure.modules.filter(successor__isnull=True).exists()


def _modules_have_items(departure) -> bool:
    return not departure.modules.filter(items__isnull=True).exists()


def _meeting_held(departure) -> bool:
    from handover.models import HandoverMeeting

    return HandoverMeeting.objects.filter(departure=departure, held_at__isnull=False).exists()


def _items_handed_over(departure) -> bool:
    from handover.models import ItemState

    return not _items(departure).filter(state__in=[ItemState.PENDING, ItemState.RETURNED]).exists()


def _items_accepted(departure) -> bool:
    from handover.models import ItemState

    return not _items(departure).exclude(state=ItemState.ACCEPTED).exists()


def _trial_tasks_exist(departure) -> bool:
    return departure.trial_tasks.exists()


def _trial_tasks_verified(departure) -> bool:
    from handover.models import TrialState

    return not departure.trial_tasks.exclude(state=TrialState.VERIFIED).exists()


def _leaver_and_successors_signed(departure) -> bool:
    from handover.models import SignerRole

    needed = {departure.employee_id} | set(
        departure.modules.exclude(successor__isnull=True).values_list("successor_id", flat=True)
    )
    signed = set(
        departure.signatures.filter(
            role__in=[SignerRole.LEAVER, SignerRole.SUCCESSOR], voided_at__isnull=True
        ).values_list("signer_id", flat=True)
    )
    return needed <= signed


def _accesses_transferred(departure) -> bool:
    from handover.models import AccessState

    return not departure.accesses.filter(state=AccessState.LISTED).exists()


def _important_materials_found(departure) -> bool:
    from handover.models import Importance

    return not departure.materials.filter(importance=Importance.HIGH, found_at__isnull=True).exists()


def _accesses_revoked(departure) -> bool:
    from handover.models.inventory import OPEN_ACCESS_STATES

    return not departure.accesses.filter(state__in=OPEN_ACCESS_STATES).exists()


def _support_period_over(departure) -> bool:
    return timezone.localdate() > departure.support_until


HAS_MODULES = Guard("has_modules", _("At least one work module must be handed over."), _has_modules)
MODULES_HAVE_SUCCESSORS = Guard(
    "modules_have_successors", _("Every module needs a successor."), _modules_have_successors
)
MODULES_HAVE_ITEMS = Guard(
    "modules_have_items", _("Every module needs at least one checklist item."), _modules_have_items
)
MEETING_HELD = Guard("meeting_held", _("The handover meeting has not taken place yet."), _meeting_held)
ITEMS_HANDED_OVER = Guard(
    "items_handed_over", _("Some checklist items are not handed over yet."), _items_handed_over
)
ITEMS_ACCEPTED = Guard(
    "items_accepted", _("Some checklist items are not accepted by their successor yet."), _items_accepted
)
TRIAL_TASKS_EXIST = Guard(
    "trial_tasks_exist", _("The trial run needs at least one trial task."), _trial_tasks_exist
)
TRIAL_TASKS_VERIFIED = Guard(
    "trial_tasks_verified", _("Some trial tasks are not verified yet."), _trial_tasks_verified
)
LEAVER_AND_SUCCESSORS_SIGNED = Guard(
    "leaver_and_successors_signed",
    _("The departing employee and every successor must sign before the manager."),
    _leaver_and_successors_signed,
)
ACCESSES_TRANSFERRED = Guard(
    "accesses_transferred",
    _(
        "Some accounts are not transferred yet: their successor must confirm working access, "
        "or HR or the manager mark them not applicable."
    ),
    _accesses_transferred,
)
IMPORTANT_MATERIALS_FOUND = Guard(
    "important_materials_found",
    _("Some high-importance materials are not confirmed as found by their successor yet."),
    _important_materials_found,
)
ACCESSES_REVOKED = Guard(
    "accesses_revoked",
    _("Some of the departing employee's accesses are not confirmed as revoked yet."),
    _accesses_revoked,
)
SUPPORT_PERIOD_OVER = Guard(
    "support_period_over", _("The aftercare period has not ended yet."), _support_period_over
)

TRANSITION_GUARDS: dict[str, list[Guard]] = {
    "start_executing": [HAS_MODULES, MODULES_HAVE_SUCCESSORS, MODULES_HAVE_ITEMS, MEETING_HELD],
    "start_trial_run": [MODULES_HAVE_ITEMS, ITEMS_HANDED_OVER],
    "sign_off": [
        MODULES_HAVE_ITEMS,
        ITEMS_ACCEPTED,
        TRIAL_TASKS_EXIST,
        TRIAL_TASKS_VERIFIED,
        ACCESSES_TRANSFERRED,
        IMPORTANT_MATERIALS_FOUND,
        LEAVER_AND_SUCCESSORS_SIGNED,
    ],
    "close": [SUPPORT_PERIOD_OVER, ACCESSES_REVOKED],
}


def blocking(departure, transition_name: str) -> list[Promise]:
    """The messages of every guard that stops this transition now."""
    return [guard.message for guard in TRANSITION_GUARDS.get(transition_name, []) if not guard(departure)]
