"""SQLite: every inserted event moves the chain head (audit.services' one-statement append).

PostgreSQL moves the head in the append's own statement (a data-modifying CTE); SQLite has no
such CTE, so an AFTER INSERT trigger does it, inside the same statement.
"""

from django.db import migrations

SQLITE_INSTALL = """
CREATE TRIGGER audit_auditevent_moves_head AFTER INSERT ON audit_auditevent
BEGIN UPDATE audit_chainhead SET seq = NEW.seq, hash = NEW.hash WHERE id = 1; END;
"""


def install(connection):
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS audit_auditevent_moves_head;")
            cursor.execute(SQLITE_INSTALL)


def drop(connection):
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS audit_auditevent_moves_head;")


def forward(apps, schema_editor):
    install(schema_editor.connection)


def backward(apps, schema_editor):
    drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_ledger_triggers")]

    operations = [migrations.RunPython(forward, backward)]
