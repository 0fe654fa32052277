"""The default checklists are data (STYLE.md 16): one JSON file per language, an idempotent
loader, a management command, and a migration that reads the files without importing live code."""

import ast
import importlib
import inspect
import json
from io import StringIO

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from handover.checklists import (
    DATA_DIR,
    ITEM_FIELDS,
    checklist_languages,
    load_default_checklists,
    read_checklist,
)
from handover.models import ChecklistTemplate, ModuleKind, TemplateItem

LANGUAGES = [code for code, _name in settings.LANGUAGES]
TEXT_FIELDS = ("title", "steps", "key_moments", "cautions")
MIGRATION = "handover.migrations.0002_default_templates"


def raw(language: str) -> dict:
    return json.loads((DATA_DIR / f"{language}.json").read_text(encoding="utf-8"))


def counts() -> tuple[int, int]:
    return ChecklistTemplate.objects.count(), TemplateItem.objects.count()


def shipped_rows(language: str) -> list[tuple]:
    template = ChecklistTemplate.objects.get(language=language, is_default=True)
    return [
        (item.module, item.due_days_before_last_day, item.title, item.steps, item.key_moments, item.cautions)
        for item in template.items.order_by("position")
    ]


def expected_rows(language: str) -> list[tuple]:
    return [tuple(item[field] for field in ITEM_FIELDS) for item in read_checklist(language)["items"]]


# ---------------------------------------------------------------------------- the data files


def test_every_site_language_has_one_checklist_file_and_no_other_file_exists():
    assert sorted(path.stem for path in DATA_DIR.glob("*.json")) == sorted(LANGUAGES)
    assert checklist_languages() == LANGUAGES


def test_every_language_lists_the_same_items_in_the_same_order():
    shape = {
        language: [(item["module"], item["due_days_before_last_day"]) for item in raw(language)["items"]]
        for language in LANGUAGES
    }
    english = shape["en"]
    assert len(english) > 0
    for language, items in shape.items():
        assert items == english, f"{language} differs from en in modules, due days, count or order"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_item_is_complete_and_fits_the_model(language):
    data = raw(language)
    assert set(data) == {"name", "items"}
    assert data["name"].strip()
    assert len(data["name"]) <= ChecklistTemplate._meta.get_field("name").max_length
    title_length = TemplateItem._meta.get_field("title").max_length
    for position, item in enumerate(data["items"]):
        assert set(item) == set(ITEM_FIELDS), f"{language} item {position} has other keys"
        assert item["module"] in ModuleKind.values
        assert isinstance(item["due_days_before_last_day"], int)
        assert 0 <= item["due_days_before_last_day"] <= 365
        for field in TEXT_FIELDS:
            assert isinstance(item[field], str)
            assert item[field].strip(), f"{language} item {position} has an empty {field}"
        assert len(item["title"]) <= title_length


def test_every_module_has_items_and_the_names_differ_per_language():
    modules = {item["module"] for item in raw("en")["items"]}
    assert modules == set(ModuleKind.values)
    assert len({raw(language)["name"] for language in LANGUAGES}) == len(LANGUAGES)


# ---------------------------------------------------------------------------- the database


@pytest.mark.django_db
def test_the_default_templates_exist_after_migrate():
    """The test database is built by ``migrate``; migration 0002 put the files' texts in it."""
    defaults = ChecklistTemplate.objects.filter(is_default=True)
    assert sorted(defaults.values_list("language", flat=True)) == sorted(LANGUAGES)
    for language in LANGUAGES:
        assert defaults.get(language=language).name == read_checklist(language)["name"]
        assert shipped_rows(language) == expected_rows(language)


@pytest.mark.django_db
def test_loading_again_after_migrate_changes_nothing():
    before = counts()
    assert load_default_checklists() == {}
    assert load_default_checklists() == {}
    assert counts() == before


@pytest.mark.django_db
def test_the_loader_fills_an_empty_database_once():
    ChecklistTemplate.objects.all().delete()
    created = load_default_checklists()
    assert created == {language: len(read_checklist(language)["items"]) for language in LANGUAGES}
    after_first = counts()
    assert after_first == (3, sum(created.values()))
    assert load_default_checklists() == {}
    assert counts() == after_first
    for language in LANGUAGES:
        assert shipped_rows(language) == expected_rows(language)


@pytest.mark.django_db
def test_a_missing_language_gets_its_template_and_the_others_are_left_alone():
    kept = dict(ChecklistTemplate.objects.exclude(language="zh-hant").values_list("language", "pk"))
    ChecklistTemplate.objects.filter(language="zh-hant").delete()
    assert load_default_checklists() == {"zh-hant": len(read_checklist("zh-hant")["items"])}
    assert dict(ChecklistTemplate.objects.exclude(language="zh-hant").values_list("language", "pk")) == kept
    assert ChecklistTemplate.objects.get(language="zh-hant", is_default=True).name == "電商營運"
    assert shipped_rows("zh-hant") == expected_rows("zh-hant")


@pytest.mark.django_db
def test_the_loader_keeps_hr_edits_and_choices():
    # HR edited an item of the shipped English template.
    item = ChecklistTemplate.objects.get(language="en", is_default=True).items.order_by("position").first()
    item.title = "Our own wording"
    item.save()
    # HR made its own template the default in Simplified Chinese.
    ChecklistTemplate.objects.filter(language="zh-hans").update(is_default=False)
    ChecklistTemplate.objects.create(name="我们的清单", language="zh-hans", is_default=True)
    # HR wants no default in Traditional Chinese, but kept the shipped template.
    ChecklistTemplate.objects.filter(language="zh-hant").update(is_default=False)
    before = counts()

    assert load_default_checklists() == {}
    assert counts() == before
    item.refresh_from_db()
    assert item.title == "Our own wording"
    assert ChecklistTemplate.objects.get(language="zh-hans", is_default=True).name == "我们的清单"
    assert not ChecklistTemplate.objects.filter(language="zh-hant", is_default=True).exists()


@pytest.mark.django_db
def test_the_loader_can_be_limited_to_some_languages():
    ChecklistTemplate.objects.all().delete()
    assert list(load_default_checklists(languages=["zh-hans"])) == ["zh-hans"]
    assert list(ChecklistTemplate.objects.values_list("language", flat=True)) == ["zh-hans"]


@pytest.mark.django_db
def test_the_management_command_loads_what_is_missing_and_then_nothing():
    ChecklistTemplate.objects.filter(language="en").delete()
    out = StringIO()
    call_command("load_checklists", stdout=out)
    items = len(read_checklist("en")["items"])
    assert out.getvalue() == f"Created the default checklist for en ({items} items).\n"
    before = counts()
    out = StringIO()
    call_command("load_checklists", stdout=out)
    assert "nothing changed" in out.getvalue()
    assert counts() == before


# ---------------------------------------------------------------------------- the migration


def test_the_migration_imports_no_live_code():
    source = inspect.getsource(importlib.import_module(MIGRATION))
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module)
    assert imported <= {"json", "pathlib", "django.db", "django.db.models"}, imported


@pytest.mark.django_db
def test_the_migration_with_its_historical_models_creates_what_the_loader_creates():
    historical = MigrationLoader(connection).project_state(("handover", "0002_default_templates")).apps
    migration = importlib.import_module(MIGRATION)
    ChecklistTemplate.objects.all().delete()
    migration.load_default_templates(historical, None)
    by_migration = {language: shipped_rows(language) for language in LANGUAGES}
    before = counts()
    migration.load_default_templates(historical, None)
    assert counts() == before, "the migration's loader is idempotent too"

    ChecklistTemplate.objects.all().delete()
    load_default_checklists()
    assert {language: shipped_rows(language) for language in LANGUAGES} == by_migration

    # tests/conftest.py's default_templates fixture calls it with the live registry.
    ChecklistTemplate.objects.all().delete()
    migration.load_default_templates(django_apps, None)
    assert {language: shipped_rows(language) for language in LANGUAGES} == by_migration
