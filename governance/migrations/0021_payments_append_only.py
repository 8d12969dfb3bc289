"""The database refuses to rewrite the money received: the payments of a CPOM's subsidies and
the register of the dues paid are written once (a mistake is corrected by a correcting entry,
0020), never updated nor deleted.

- PostgreSQL: a row-level BEFORE UPDATE OR DELETE trigger and a statement-level BEFORE TRUNCATE
  trigger (truncating an already empty table is let through: test databases are emptied with
  TRUNCATE), as audit/migrations/0002 does for the ledger.
- SQLite: BEFORE UPDATE and BEFORE DELETE triggers (no TRUNCATE there).

On SQLite a later migration that rebuilds one of these tables (most ALTERs do) drops its
triggers: such a migration must call `install()` again. Tests that flush the database empty
these tables through `purge()` (tests/conftest.py).
"""

from django.db import migrations

TABLES = ("governance_payment", "governance_duespayment")

PG_FUNCTIONS = """
CREATE OR REPLACE FUNCTION governance_money_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'payments are recorded once: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE OR REPLACE FUNCTION governance_money_refuse_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    nonempty boolean;
BEGIN
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.%I)', TG_TABLE_SCHEMA, TG_TABLE_NAME)
        INTO nonempty;
    IF nonempty THEN
        RAISE EXCEPTION 'payments are recorded once: TRUNCATE on % refused', TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END;
$$;
"""


def _pg_statements(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION governance_money_refuse_change();",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION governance_money_refuse_truncate();",
    ]


def _sqlite_statements(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} BEGIN "
        f"SELECT RAISE(ABORT, 'payments are recorded once: {op} on {table} refused'); END;"
        for op in ("UPDATE", "DELETE")
    ]


def install(connection):
    """Create the triggers (also used by the tests to put them back)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(PG_FUNCTIONS)
            for table in TABLES:
                for statement in _pg_statements(table):
                    cursor.execute(statement)
        elif connection.vendor == "sqlite":
            for table in TABLES:
                for statement in _sqlite_statements(table):
                    cursor.execute(statement)


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
            cursor.execute("DROP FUNCTION IF EXISTS governance_money_refuse_change();")
            cursor.execute("DROP FUNCTION IF EXISTS governance_money_refuse_truncate();")


def purge(connection):
    """For tests that flush the database: empty the guarded tables (corrections first: they
    point at their originals) with the triggers lifted for the moment."""
    drop(connection)
    try:
        with connection.cursor() as cursor:
            for table in TABLES:
                cursor.execute(f"DELETE FROM {table} WHERE reverses_id IS NOT NULL")
                cursor.execute(f"DELETE FROM {table}")
    finally:
        install(connection)


def forward(apps, schema_editor):
    install(schema_editor.connection)


def backward(apps, schema_editor):
    drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("governance", "0020_payment_corrections")]

    operations = [migrations.RunPython(forward, backward)]
