"""Trigram indexes for the case-list search on PostgreSQL.

The search is a case-insensitive substring match (``icontains``), which Django
writes as ``UPPER(col::text) LIKE UPPER(%s)``; a GIN trigram index on exactly
that expression lets PostgreSQL answer it without reading every case. SQLite
has no such index type and scans, which is fast enough at its sizes.
"""

from django.db import migrations

COLUMNS = ["number", "employee_name", "manager_name", "department_name"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS handover_departure_{column}_trgm "
            f'ON handover_departure USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS handover_departure_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("handover", "0003_event_announced")]

    operations = [migrations.RunPython(create, drop)]
