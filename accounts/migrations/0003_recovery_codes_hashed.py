from django.db import migrations

# Recovery codes as django-otp made them: eight letters and digits. Stored ones are 16 hex digits.
PLAIN_LENGTH = 8


def hash_recovery_codes(apps, schema_editor):
    """Codes kept in plain text before are kept as their keyed hash from now on."""
    from accounts.two_factor import stored_code

    StaticToken = apps.get_model("otp_static", "StaticToken")
    for token in StaticToken.objects.all().iterator():
        if len(token.token) == PLAIN_LENGTH:
            StaticToken.objects.filter(pk=token.pk).update(token=stored_code(token.token))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_quiet_hours"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(hash_recovery_codes, migrations.RunPython.noop)]
