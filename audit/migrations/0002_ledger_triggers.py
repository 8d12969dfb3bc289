"""The database refuses UPDATE, DELETE and TRUNCATE on the ledger tables.

PostgreSQL: a row-level BEFORE UPDATE OR DELETE trigger and a statement-level BEFORE TRUNCATE
trigger; truncating an already empty table is let through (nothing is lost, and test databases
are emptied with TRUNCATE). SQLite: BEFORE UPDATE and BEFORE DELETE triggers (SQLite has no
TRUNCATE; a DELETE without WHERE still fires them). The chain head stays updatable: it is
locked and moved by every append, and `audit verify` checks the chain it points at.

On SQLite, a later migration that rebuilds one of these tables (most ALTERs do) drops its
triggers: such a migration must call `install()` again.
"""

from django.db import migrations

TABLES = ("audit_auditevent", "audit_checkpoint")

PG_INSTALL = """
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE OR REPLACE FUNCTION audit_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    nonempty boolean;
BEGIN
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.%I)', TG_TABLE_SCHEMA, TG_TABLE_NAME)
        INTO nonempty;
    IF nonempty THEN
        RAISE EXCEPTION 'the audit ledger is append-only: TRUNCATE on % refused', TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END;
$$;
"""
PG_TABLE = """
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();
"""
SQLITE_TABLE = """
CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
BEGIN SELECT RAISE(ABORT, 'the audit ledger is append-only: UPDATE on {table} refused'); END;
CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
BEGIN SELECT RAISE(ABORT, 'the audit ledger is append-only: DELETE on {table} refused'); END;
"""


def install(connection):
    """Create the triggers (also used by the tests to put them back)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(PG_INSTALL)
            for table in TABLES:
                cursor.execute(PG_TABLE.format(table=table))
        elif connection.vendor == "sqlite":
            for table in TABLES:
                for statement in SQLITE_TABLE.format(table=table).strip().split("END;"):
                    if statement.strip():
                        cursor.execute(statement + "END;")


def drop(connection):
    with connection.cursor() as cursor:
        for table in TABLES:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};")
            elif connection.vendor == "sqlite":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update;")
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete;")
        if connection.vendor == "postgresql":
            cursor.execute("DROP FUNCTION IF EXISTS audit_refuse_change();")
            cursor.execute("DROP FUNCTION IF EXISTS audit_refuse_truncate();")


def forward(apps, schema_editor):
    install(schema_editor.connection)


def backward(apps, schema_editor):
    drop(schema_editor.connection)


def create_chain_head(apps, schema_editor):
    apps.get_model("audit", "ChainHead").objects.using(schema_editor.connection.alias).get_or_create(
        id=1
    )


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.RunPython(create_chain_head, migrations.RunPython.noop),
    ]
