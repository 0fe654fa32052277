"""Checklist templates: HR's edits, each a new version, and the changes closed cases propose."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from handover import policy
from handover.errors import HandoverError
from handover.models import (
    ChecklistItem,
    ChecklistTemplate,
    Departure,
    EventKind,
    Lesson,
    ProposalSource,
    ProposalState,
    TemplateItem,
    TemplateProposal,
    TemplateVersion,
)
from handover.models.aftercare import AftercareQuestion
from handover.models.checklist import VersionChange

from ._base import next_position, record

TITLE_MAX_LENGTH = 200


def _require_template_editor(actor: User) -> None:
    if not policy.may_edit_templates(actor):
        raise PermissionDenied(_("Only HR can edit checklist templates."))


def default_template(language: str) -> ChecklistTemplate | None:
    """The template new cases in this language start from (else the site language's)."""
    templates = {t.language: t for t in ChecklistTemplate.objects.filter(is_default=True)}
    return templates.get(language) or templates.get(settings.LANGUAGE_CODE)


def _new_version(template_id: int, actor: User, change: str, subject: str) -> ChecklistTemplate:
    """The template, locked, one version further on; call inside ``transaction.atomic``."""
    template = ChecklistTemplate.objects.select_for_update().get(pk=template_id)
    template.version += 1
    template.save(update_fields=["version", "updated_at"])
    TemplateVersion.objects.create(
        template=template,
        number=template.version,
        change=change,
        subject=subject[:300],
        author=actor,
        author_name=actor.name,
    )
    return template


def template_save(*, actor: User, template: ChecklistTemplate) -> ChecklistTemplate:
    """Save a template; making it the default takes the flag from the language's previous default."""
    _require_template_editor(actor)
    with transaction.atomic():
        if template.is_default:
            ChecklistTemplate.objects.filter(language=template.language, is_default=True).exclude(
                pk=template.pk
            ).update(is_default=False)
        template.save()
    return template


def template_item_save(*, actor: User, item: TemplateItem) -> TemplateItem:
    """Add or change an item: the template moves to a new version."""
    _require_template_editor(actor)
    with transaction.atomic():
        ChecklistTemplate.objects.select_for_update().filter(pk=item.template_id).first()
        added = item.pk is None
        if added:
            item.position = next_position(item.template.items)
        item.save()
        _new_version(
            item.template_id, actor, VersionChange.ADDED if added else VersionChange.CHANGED, item.title
        )
    return item


def template_item_delete(*, actor: User, item: TemplateItem) -> None:
    _require_template_editor(actor)
    with transaction.atomic():
        template_id, title = item.template_id, item.title
        item.delete()
        _new_version(template_id, actor, VersionChange.REMOVED, title)


def _key(kind: str, title: str) -> tuple[str, str]:
    return kind, " ".join(title.split()).casefold()


def _first_line(text: str) -> str:
    return (text.strip().splitlines() or [""])[0][:TITLE_MAX_LENGTH]


def template_proposals_make(departure: Departure, actor: User | None) -> int:
    """When a case closes, what it suggests for its template, for HR to accept or decline: each item
    the leaver added that the template lacks, each lesson learned, each answered aftercare question
    (added to the cautions or key moments of the template's item it is about, else a new item).
    Nothing already in the template or already proposed is proposed twice. Returns how many."""
    template = departure.template or default_template(departure.language)
    if template is None:
        return 0
    items = {_key(row.module, row.title): row for row in TemplateItem.objects.filter(template=template)}
    proposed = {
        _key(row.module, row.title)
        for row in TemplateProposal.objects.filter(template=template, state=ProposalState.OPEN, target=None)
    }
    proposals: list[TemplateProposal] = []
    # The new items this close proposes: a lesson or answer about one of them joins its proposal.
    fresh: dict[tuple[str, str], TemplateProposal] = {}

    def propose(source: str, kind: str, about: ChecklistItem | None, **texts: str) -> None:
        target = items.get(_key(kind, about.title)) if about is not None else None
        if target is None:
            key = _key(kind, texts["title"])
            if key in fresh:
                joining = fresh[key]
                for name in ("steps", "key_moments", "cautions"):
                    setattr(joining, name, _joined(getattr(joining, name), texts.get(name, "")))
                return
            if key in items or key in proposed or not key[1]:
                return
            proposed.add(key)
        proposal = TemplateProposal(
            template=template, departure=departure, source=source, module=kind, target=target, **texts
        )
        if target is None:
            fresh[_key(kind, texts["title"])] = proposal
        proposals.append(proposal)

    # Items copied from the template are never proposed back to it, even if HR removed them since.
    case_items = ChecklistItem.objects.filter(
        module__departure=departure, from_template=False
    ).select_related("module")
    for item in case_items.order_by("module__position", "position", "pk"):
        propose(
            ProposalSource.ITEM,
            item.module.kind,
            None,
            title=item.title,
            steps=item.steps,
            key_moments=item.key_moments,
            cautions=item.cautions,
        )
    for lesson in Lesson.objects.filter(departure=departure).select_related("module", "item"):
        caution = lesson.watch or lesson.went_wrong
        propose(
            ProposalSource.LESSON,
            lesson.module.kind,
            lesson.item,
            title=lesson.item.title if lesson.item else _first_line(caution),
            steps="" if lesson.item else lesson.solved,
            cautions=caution,
        )
    answered = AftercareQuestion.objects.filter(departure=departure).exclude(answered_at=None)
    for question in answered.select_related("module", "item"):
        moment = f"{question.question.strip()}\n{question.answer.strip()}"
        propose(
            ProposalSource.QUESTION,
            question.module.kind,
            question.item,
            title=question.item.title if question.item else _first_line(question.question),
            steps="" if question.item else question.answer,
            key_moments=moment if question.item else "",
        )
    TemplateProposal.objects.bulk_create(proposals)
    if proposals:
        record(departure, actor, EventKind.TEMPLATE_PROPOSED, subject=str(len(proposals)))
    return len(proposals)


def _joined(before: str, addition: str) -> str:
    return f"{before.rstrip()}\n{addition.strip()}".strip() if addition.strip() else before


def template_proposals_decide(
    *, actor: User, template: ChecklistTemplate, accept: list[int], decline: list[int]
) -> int | None:
    """HR takes the ticked proposals into one new version of the template (new items, or text
    added to the items they are about) and sets others aside. Returns the new version, if any."""
    _require_template_editor(actor)
    if set(accept) & set(decline):
        raise HandoverError(_("A proposed change is either accepted or declined, not both."))
    with transaction.atomic():
        ChecklistTemplate.objects.select_for_update().filter(pk=template.pk).first()
        waiting = TemplateProposal.objects.select_for_update(of=("self",)).filter(
            template=template, state=ProposalState.OPEN
        )
        chosen = list(waiting.filter(pk__in=[*accept, *decline]).select_related("target"))
        if not chosen:
            raise HandoverError(_("Tick at least one proposed change that is still waiting."))
        now, version = timezone.now(), None
        taken = [proposal for proposal in chosen if proposal.pk in accept]
        if taken:
            position = next_position(TemplateItem.objects.filter(template=template))
            # Several proposals may add to the same item: each adds to what the one before left.
            targets: dict[int, TemplateItem] = {}
            for proposal in taken:
                if proposal.target is not None:
                    target = targets.setdefault(proposal.target.pk, proposal.target)
                    target.key_moments = _joined(target.key_moments, proposal.key_moments)
                    target.cautions = _joined(target.cautions, proposal.cautions)
                    target.steps = _joined(target.steps, proposal.steps)
                else:
                    TemplateItem.objects.create(
                        template=template,
                        module=proposal.module,
                        title=proposal.title,
                        steps=proposal.steps,
                        key_moments=proposal.key_moments,
                        cautions=proposal.cautions,
                        position=position,
                    )
                    position += 1
            TemplateItem.objects.bulk_update(targets.values(), ["steps", "key_moments", "cautions"])
            titles = ", ".join(f"“{proposal.title}”" for proposal in taken)
            version = _new_version(template.pk, actor, VersionChange.ACCEPTED, titles).version
        for proposal in chosen:
            proposal.state = ProposalState.ACCEPTED if proposal in taken else ProposalState.DECLINED
            proposal.decided_at, proposal.decided_by_name = now, actor.name
            proposal.version = version if proposal in taken else None
        TemplateProposal.objects.bulk_update(chosen, ["state", "decided_at", "decided_by_name", "version"])
    return version
