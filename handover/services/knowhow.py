"""Know-how: a module's operation manual, written and enriched in versions."""

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from handover import manuals, policy
from handover.errors import HandoverError, NotFound
from handover.models import (
    MANUAL_MAX_LENGTH,
    AftercareQuestion,
    ChecklistItem,
    Departure,
    EventKind,
    HandoverModule,
    Lesson,
    Manual,
    ManualAddition,
    ManualRevision,
)
from handover.models.events import data_subject
from handover.validators import has_control_characters

from ._base import access_for, lock_case, locked_row, record

NOTE_MAX_LENGTH = 200


def manual_start(module: HandoverModule, language: str) -> str:
    """The text a manual starts from: a section per item of the module, its headings in the case's
    language (the manual is the case's, whoever clicks)."""
    items = ChecklistItem.objects.filter(module=module).order_by("position", "pk")
    with translation.override(language):
        return manuals.draft(str(module.get_kind_display()), items)


def _check_text(body: str, note: str) -> tuple[str, str]:
    body, note = body.strip(), note.strip()
    if not body:
        raise HandoverError(_("Write the manual before saving it."))
    if len(body) > MANUAL_MAX_LENGTH:
        raise HandoverError(_("Keep the manual under %(n)s characters.") % {"n": f"{MANUAL_MAX_LENGTH:,}"})
    if len(note) > NOTE_MAX_LENGTH:
        raise HandoverError(_("Say what changed in under %(n)s characters.") % {"n": NOTE_MAX_LENGTH})
    if has_control_characters(body) or has_control_characters(note):
        raise HandoverError(
            _("This text contains invisible control characters; remove them (tabs and line breaks are fine).")
        )
    return body, note


def _locked(
    actor: User, departure: Departure, module_id: int
) -> tuple[Departure, HandoverModule, Manual | None]:
    departure = lock_case(departure.pk)
    access = access_for(actor, departure)
    module = locked_row(HandoverModule.objects.all(), pk=module_id, departure=departure)
    policy.manual_decision(departure.state, access, module).enforce()
    manual = Manual.objects.select_for_update().filter(module=module).first()
    return departure, module, manual


def _write(
    *,
    actor: User,
    departure: Departure,
    module: HandoverModule,
    manual: Manual | None,
    body: str,
    note: str,
    added: str = "",
    lesson: Lesson | None = None,
    question: AftercareQuestion | None = None,
) -> Manual:
    now = timezone.now()
    if manual is None:
        manual = Manual(departure=departure, module=module, version=0)
    if manual.pk is not None and manual.body == body:
        raise HandoverError(_("Nothing changed: the manual already says exactly this."))
    manual.body, manual.version = body, manual.version + 1
    manual.updated_at, manual.updated_by_name = now, actor.name
    manual.save()
    ManualRevision.objects.create(
        manual=manual,
        number=manual.version,
        body=body,
        note=note,
        added=added,
        author=actor,
        author_name=actor.name,
        lesson=lesson,
        question=question,
    )
    record(departure, actor, EventKind.MANUAL_CHANGED, subject=data_subject(module=module.kind))
    return manual


def manual_save(
    *, actor: User, departure: Departure, module_id: int, body: str, base_version: int, note: str = ""
) -> Manual:
    """Save a new version of a module's manual. ``base_version`` is the version the writer started
    from (0 for a new manual): if someone saved another since, nothing is overwritten and the writer
    is told, keeping their text."""
    body, note = _check_text(body, note)
    with transaction.atomic():
        departure, module, manual = _locked(actor, departure, module_id)
        current = manual.version if manual is not None else 0
        if current != base_version:
            raise HandoverError(
                _(
                    "%(name)s saved version %(version)s of this manual after you opened it. Your text is "
                    "kept below: compare it with the manual now and save again."
                )
                % {"name": manual.updated_by_name if manual else "", "version": current}
            )
        return _write(actor=actor, departure=departure, module=module, manual=manual, body=body, note=note)


def _enrich(actor: User, departure: Departure, module_id: int, source: str, row_id: int) -> Manual:
    lesson: Lesson | None = None
    question: AftercareQuestion | None = None
    with transaction.atomic():
        departure, module, manual = _locked(actor, departure, module_id)
        taken = ManualRevision.objects.filter(manual__module=module)
        with translation.override(departure.language):
            if source == ManualAddition.LESSON:
                lesson = Lesson.objects.select_related("item").filter(pk=row_id, module=module).first()
                if lesson is None:
                    raise NotFound
                policy.manual_enrich_decision(
                    answered=True, taken=taken.filter(lesson=lesson).exists()
                ).enforce()
                section, summary = manuals.lesson_section(lesson), lesson.went_wrong
            else:
                question = (
                    AftercareQuestion.objects.select_related("item").filter(pk=row_id, module=module).first()
                )
                if question is None:
                    raise NotFound
                policy.manual_enrich_decision(
                    answered=question.answered_at is not None, taken=taken.filter(question=question).exists()
                ).enforce()
                section, summary = manuals.answer_section(question), question.question
        base = manual.body if manual is not None else manual_start(module, departure.language)
        body, _unused = _check_text(manuals.appended(base, section), "")
        return _write(
            actor=actor,
            departure=departure,
            module=module,
            manual=manual,
            body=body,
            note=summary.splitlines()[0][:NOTE_MAX_LENGTH],
            added=source,
            lesson=lesson,
            question=question,
        )


def manual_add_lesson(*, actor: User, departure: Departure, module_id: int, lesson_id: int) -> Manual:
    """Take a lesson learned of the module into its manual, as a new section, with one click."""
    return _enrich(actor, departure, module_id, ManualAddition.LESSON, lesson_id)


def manual_add_answer(*, actor: User, departure: Departure, module_id: int, question_id: int) -> Manual:
    """Take an answered aftercare question of the module into its manual, with one click."""
    return _enrich(actor, departure, module_id, ManualAddition.ANSWER, question_id)
