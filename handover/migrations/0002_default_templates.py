from django.db import migrations


def load_default_templates(apps, schema_editor):
    from handover.default_template import ITEMS, TEMPLATE_NAMES

    ChecklistTemplate = apps.get_model("handover", "ChecklistTemplate")
    TemplateItem = apps.get_model("handover", "TemplateItem")
    for language, name in TEMPLATE_NAMES.items():
        if ChecklistTemplate.objects.filter(language=language, is_default=True).exists():
            continue
        template = ChecklistTemplate.objects.create(name=name, language=language, is_default=True)
        TemplateItem.objects.bulk_create(
            TemplateItem(
                template=template,
                module=item["module"],
                position=position,
                due_days_before_last_day=item["due_days_before_last_day"],
                **item[language],
            )
            for position, item in enumerate(ITEMS)
        )


def remove_default_templates(apps, schema_editor):
    apps.get_model("handover", "ChecklistTemplate").objects.filter(is_default=True).delete()


class Migration(migrations.Migration):
    dependencies = [("handover", "0001_initial")]

    operations = [migrations.RunPython(load_default_templates, remove_default_templates)]
