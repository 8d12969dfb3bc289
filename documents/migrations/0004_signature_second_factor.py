"""The kind of second factor that confirmed a signature (workflows/second_factor.py).

SQLite adds a column by rebuilding the table, which drops its triggers: the append-only
trigger of documents_signature (0002) is created again afterwards, as 0003 does.
"""

from django.db import migrations, models

SIGNATURE_TRIGGER = (
    "CREATE TRIGGER IF NOT EXISTS documents_signature_append_only BEFORE UPDATE ON "
    "documents_signature BEGIN SELECT RAISE(ABORT, 'documents_signature is append-only'); END;"
)


def restore_sqlite_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SIGNATURE_TRIGGER)


class Migration(migrations.Migration):

    dependencies = [
        ('documents', '0003_key_store_and_delegation'),
    ]

    operations = [
        migrations.AddField(
            model_name='signature',
            name='second_factor',
            field=models.CharField(blank=True, default='', help_text='The kind of second factor that confirmed the act of signing (totp, webauthn, recovery); empty when none was asked.', max_length=16, verbose_name='second factor'),
        ),
        migrations.RunPython(restore_sqlite_trigger, migrations.RunPython.noop),
    ]
