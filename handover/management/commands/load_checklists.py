"""Create the shipped default checklist of each language that has none.

    manage.py load_checklists [--language zh-hant ...]

Safe to run any time: a language that has a default template (or a template with the shipped
name) is left as it is, so running it twice changes nothing. A fresh database gets the
checklists from ``migrate`` already; this restores one HR deleted, or adds a new language's.
"""

from django.core.management.base import BaseCommand

from handover.checklists import checklist_languages, load_default_checklists


class Command(BaseCommand):
    help = "Create the default checklist template of each language that has none (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--language",
            action="append",
            choices=checklist_languages(),
            help="only this language (repeatable); default: every language with a checklist file",
        )

    def handle(self, *args, language: list[str] | None = None, **options):
        created = load_default_checklists(languages=language)
        for code, count in created.items():
            self.stdout.write(f"Created the default checklist for {code} ({count} items).")
        if not created:
            self.stdout.write("Every language has its default checklist already; nothing changed.")
