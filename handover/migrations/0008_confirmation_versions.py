import secrets

import django.db.models.deletion
from django.db import migrations, models

import handover.models.signoff


def give_codes(apps, schema_editor):
    ConfirmationDocument = apps.get_model("handover", "ConfirmationDocument")
    for document in ConfirmationDocument.objects.filter(code__isnull=True):
        document.code = secrets.token_hex(10)
        document.save(update_fields=["code"])


class Migration(migrations.Migration):
    dependencies = [("handover", "0007_import_preview")]

    operations = [
        migrations.AlterField(
            model_name="confirmationdocument",
            name="departure",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="confirmations",
                to="handover.departure",
                verbose_name="case",
            ),
        ),
        migrations.AddField(
            model_name="confirmationdocument",
            name="version",
            field=models.PositiveSmallIntegerField(default=1, verbose_name="version"),
        ),
        migrations.AddField(
            model_name="confirmationdocument",
            name="code",
            field=models.CharField(max_length=32, null=True, verbose_name="verification code"),
        ),
        migrations.RunPython(give_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="confirmationdocument",
            name="code",
            field=models.CharField(
                default=handover.models.signoff.document_code,
                max_length=32,
                unique=True,
                verbose_name="verification code",
            ),
        ),
        migrations.AddField(
            model_name="confirmationdocument",
            name="content_sha256",
            field=models.CharField(blank=True, max_length=64, verbose_name="SHA-256 of the content"),
        ),
        migrations.AddField(
            model_name="confirmationdocument",
            name="issued_by_name",
            field=models.CharField(blank=True, max_length=150, verbose_name="issued by"),
        ),
        migrations.AddField(
            model_name="confirmationdocument",
            name="reissue_reason",
            field=models.TextField(blank=True, verbose_name="reason for the new version"),
        ),
        migrations.AddField(
            model_name="confirmationdocument",
            name="superseded_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="superseded at"),
        ),
        migrations.AddField(
            model_name="confirmationdocument",
            name="request_key",
            field=models.CharField(default="signoff", max_length=40, verbose_name="requested by"),
        ),
        migrations.AlterModelOptions(
            name="confirmationdocument",
            options={
                "ordering": ["departure", "-version"],
                "verbose_name": "confirmation document",
                "verbose_name_plural": "confirmation documents",
            },
        ),
        migrations.AddConstraint(
            model_name="confirmationdocument",
            constraint=models.UniqueConstraint(fields=("departure", "version"), name="one_document_per_version"),
        ),
        migrations.AddConstraint(
            model_name="confirmationdocument",
            constraint=models.UniqueConstraint(
                fields=("departure", "request_key"), name="one_document_per_request"
            ),
        ),
    ]
