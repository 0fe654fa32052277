from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from handover import policy
from handover.errors import HandoverError
from handover.models import ChecklistItem, Departure, EventKind, HandoverModule, Lesson

from ._base import access_for, lock_case, locked_row, record_change

LESSON_TEXT_MAX_LENGTH = 4000


def _summary(lesson: Lesson) -> str:
    return lesson.went_wrong.splitlines()[0][:120]


def lesson_add(
    *,
    actor: User,
    departure: Departure,
    module_id: int,
    went_wrong: str,
    solved: str,
    watch: str = "",
    item_id: int | None = None,
) -> Lesson:
    """Note a lesson learned against a module or one of its items. Noted before the sign-off, it is
    part of what the signers affirm and of the sealed confirmation; in aftercare, it is kept for
    the successor and the know-how only."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        access = access_for(actor, departure)
        module = locked_row(HandoverModule.objects.all(), pk=module_id, departure=departure)
        item = (
            locked_row(ChecklistItem.objects.all(), pk=item_id, module=module)
            if item_id is not None
            else None
        )
        policy.lesson_decision(departure.state, access, module).enforce()
        went_wrong, solved, watch = went_wrong.strip(), solved.strip(), watch.strip()
        if not went_wrong or not solved:
            raise HandoverError(_("Say what went wrong and how it was solved."))
        if max(len(went_wrong), len(solved), len(watch)) > LESSON_TEXT_MAX_LENGTH:
            raise HandoverError(
                _("Keep each part under %(n)s characters.") % {"n": f"{LESSON_TEXT_MAX_LENGTH:,}"}
            )
        lesson = Lesson.objects.create(
            departure=departure,
            module=module,
            item=item,
            went_wrong=went_wrong,
            solved=solved,
            watch=watch,
            author=actor,
            author_name=actor.name,
            in_confirmation=departure.state not in policy.FROZEN_STATES,
        )
        record_change(departure, actor, EventKind.LESSON_ADDED, subject=_summary(lesson))
    return lesson


def lesson_remove(*, actor: User, departure: Departure, lesson_id: int) -> None:
    """Whoever noted a lesson takes it back, until the sign-off."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        access = access_for(actor, departure)
        lesson = locked_row(Lesson.objects.select_related("module"), pk=lesson_id, departure=departure)
        policy.lesson_decision(departure.state, access, lesson.module, "remove", lesson).enforce()
        summary = _summary(lesson)
        lesson.delete()
        record_change(departure, actor, EventKind.LESSON_REMOVED, subject=summary)
