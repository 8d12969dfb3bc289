"""Where a certificate's private key lives (database or PKCS#11 token); the delegation a
signature was made under.

SQLite adds a column by rebuilding the table, which drops its triggers: the append-only
trigger of documents_signature (0002) is created again afterwards.
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
        ('documents', '0002_append_only_triggers'),
    ]

    operations = [
        migrations.AddField(
            model_name='certificate',
            name='key_reference',
            field=models.CharField(blank=True, max_length=64, verbose_name='key reference in the token'),
        ),
        migrations.AddField(
            model_name='certificate',
            name='key_store',
            field=models.CharField(choices=[('database', 'database (encrypted)'), ('pkcs11', 'PKCS#11 token')], default='database', max_length=10, verbose_name='key store'),
        ),
        migrations.AddField(
            model_name='signature',
            name='delegation',
            field=models.JSONField(blank=True, default=dict, help_text="The delegation signed under (principal, reference, dates), as the engine passed it; empty for a signature in one's own name.", verbose_name='delegation'),
        ),
        migrations.AlterField(
            model_name='certificate',
            name='encrypted_key',
            field=models.BinaryField(blank=True, default=b''),
        ),
        migrations.RunPython(restore_sqlite_trigger, migrations.RunPython.noop),
    ]
