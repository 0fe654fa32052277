"""The default checklists the app ships, one data file per language, and their idempotent loader.

The texts live in ``handover/data/checklists/<language>.json``::

    {"name": "E-commerce operations",
     "items": [{"module": "product", "due_days_before_last_day": 7,
                "title": "...", "steps": "...", "key_moments": "...", "cautions": "..."}, ...]}

Every language file lists the same items (module, due days) in the same order; only the texts
differ. ``load_default_checklists`` creates the default template of each language that has
none, and never touches a template that exists, so HR's edits survive and running it again
changes nothing. ``manage.py load_checklists`` runs it; migration 0002 reads the same files
for a fresh database.
"""

import json
from pathlib import Path
from typing import Any

from django.apps import apps as django_apps
from django.conf import settings
from django.db import transaction
from django.db.models import Q

DATA_DIR = Path(__file__).resolve().parent / "data" / "checklists"
ITEM_FIELDS = ("module", "due_days_before_last_day", "title", "steps", "key_moments", "cautions")


def data_path(language: str) -> Path:
    return DATA_DIR / f"{language}.json"


def checklist_languages() -> list[str]:
    """The site's languages (settings.LANGUAGES order) that ship a default checklist."""
    return [code for code, _name in settings.LANGUAGES if data_path(code).is_file()]


def read_checklist(language: str) -> dict[str, Any]:
    """The default checklist of ``language``: ``{"name": str, "items": [dict, ...]}``, each item
    with exactly ``ITEM_FIELDS``."""
    with data_path(language).open(encoding="utf-8") as file:
        data = json.load(file)
    return {
        "name": data["name"],
        "items": [{field: item[field] for field in ITEM_FIELDS} for item in data["items"]],
    }


def load_default_checklists(apps=None, *, languages: list[str] | None = None) -> dict[str, int]:
    """Create the default checklist template of each language that lacks one.

    A language is left alone if it has a default template (shipped or HR's own) or a template
    with the shipped name (HR may have unset its default flag on purpose), so nothing is ever
    duplicated or overwritten. ``apps`` is a migration's app registry, or None for the live
    models. Returns ``{language: number of items created}`` for the templates it created.
    """
    registry = apps or django_apps
    ChecklistTemplate = registry.get_model("handover", "ChecklistTemplate")
    TemplateItem = registry.get_model("handover", "TemplateItem")
    created: dict[str, int] = {}
    with transaction.atomic():
        for language in checklist_languages() if languages is None else languages:
            data = read_checklist(language)
            if ChecklistTemplate.objects.filter(
                Q(is_default=True) | Q(name=data["name"]), language=language
            ).exists():
                continue
            template = ChecklistTemplate.objects.create(name=data["name"], language=language, is_default=True)
            TemplateItem.objects.bulk_create(
                TemplateItem(template=template, position=position, **item)
                for position, item in enumerate(data["items"])
            )
            created[language] = len(data["items"])
    return created
