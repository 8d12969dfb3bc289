"""MerkleChunk now caches subtree roots at every level from 32 leaves up, keyed by level and
position (audit.models.MerkleChunk.key): the old rows (1,024-leaf roots keyed by position) are
derived data in the old key space, so they are removed; the next checkpoint recomputes them."""

from django.db import migrations


def forward(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_merklechunk")


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_checkpoint_timestamp_leaves")]

    operations = [
        migrations.RunPython(forward, forward),
    ]
