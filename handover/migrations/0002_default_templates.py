import json
from pathlib import Path

from django.db import migrations
from django.db.models import Q

# Self-contained on purpose (STYLE.md 16): the texts are data, read from the files that
# handover/checklists.py loads, and the migration imports no live code. It picks only the
# fields TemplateItem has at this point of the history, so the files may grow later.
DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "checklists"
ITEM_FIELDS = ("module", "due_days_before_last_day", "title", "steps", "key_moments", "cautions")


def load_default_templates(apps, schema_editor):
    """Create the default template of every language with a data file that has none yet."""
    ChecklistTemplate = apps.get_model("handover", "ChecklistTemplate")
    TemplateItem = apps.get_model("handover", "TemplateItem")
    for path in sorted(DATA_DIR.glob("*.json")):
        language = path.stem
        data = json.loads(path.read_text(encoding="utf-8"))
        if ChecklistTemplate.objects.filter(
            Q(is_default=True) | Q(name=data["name"]), language=language
        ).exists():
            continue
        template = ChecklistTemplate.objects.create(name=data["name"], language=language, is_default=True)
        TemplateItem.objects.bulk_create(
            TemplateItem(template=template, position=position, **{f: item[f] for f in ITEM_FIELDS})
            for position, item in enumerate(data["items"])
        )


def remove_default_templates(apps, schema_editor):
    apps.get_model("handover", "ChecklistTemplate").objects.filter(is_default=True).delete()


class Migration(migrations.Migration):
    dependencies = [("handover", "0001_initial")]

    operations = [migrations.RunPython(load_default_templates, remove_default_templates)]
