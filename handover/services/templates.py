from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from handover import policy
from handover.models import ChecklistTemplate, TemplateItem

from ._base import next_position


def _require_template_editor(actor: User) -> None:
    if not policy.may_edit_templates(actor):
        raise PermissionDenied(_("Only HR can edit checklist templates."))


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
    _require_template_editor(actor)
    if item.pk is None:
        item.position = next_position(item.template.items)
    item.save()
    return item


def template_item_delete(*, actor: User, item: TemplateItem) -> None:
    _require_template_editor(actor)
    item.delete()
