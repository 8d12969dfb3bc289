"""The database refuses to rewrite what a meeting established (issue 13.6).

- Deliberations: DELETE and TRUNCATE refused; UPDATE refused except the one the countersigned
  minutes make (final_at from empty to a date, every other column unchanged).
- Votes: INSERT, UPDATE and DELETE refused unless the meeting is in session (a voice may be
  corrected during the session, never after).
- Attendance and proxies: INSERT, UPDATE and DELETE refused once the session started or lapsed
  (allowed while the meeting is planned, convened or opened).
- TRUNCATE of a non-empty table of these four is refused on PostgreSQL (an empty one is let
  through: test databases are emptied with TRUNCATE).

Written as audit/migrations/0002 writes the ledger's (PostgreSQL functions and triggers; SQLite
BEFORE triggers with WHEN clauses). On SQLite a later migration that rebuilds one of these
tables (most ALTERs do) drops its triggers: such a migration must call `install()` again. Tests
that flush the database empty these tables through `purge()` (tests/conftest.py).
"""

from django.db import migrations

DELIBERATION = "governance_deliberation"
#: table → (how the row reaches its meeting, the meeting states in which it may change)
RECORDS = {
    "governance_vote": ("item", ("in_session",)),
    "governance_attendance": ("meeting", ("planned", "convened", "opened")),
    "governance_proxy": ("meeting", ("planned", "convened", "opened")),
}
TABLES = (DELIBERATION, *RECORDS)

PG_FUNCTIONS = """
CREATE OR REPLACE FUNCTION governance_deliberation_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.final_at IS NULL AND NEW.final_at IS NOT NULL
       AND (to_jsonb(NEW) - 'final_at') = (to_jsonb(OLD) - 'final_at') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'deliberations are recorded once: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE OR REPLACE FUNCTION governance_meeting_record_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r jsonb;
    meeting_state text;
BEGIN
    IF TG_OP = 'DELETE' THEN r := to_jsonb(OLD); ELSE r := to_jsonb(NEW); END IF;
    IF TG_ARGV[0] = 'item' THEN
        SELECT m.state INTO meeting_state FROM governance_meeting m
            JOIN governance_agendaitem i ON i.meeting_id = m.id
            WHERE i.id = (r->>'item_id')::bigint;
    ELSE
        SELECT m.state INTO meeting_state FROM governance_meeting m
            WHERE m.id = (r->>'meeting_id')::bigint;
    END IF;
    IF meeting_state = ANY (string_to_array(TG_ARGV[1], ',')) THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% on % refused: the meeting is %', TG_OP, TG_TABLE_NAME,
        coalesce(meeting_state, 'gone') USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE OR REPLACE FUNCTION governance_meeting_refuse_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    nonempty boolean;
BEGIN
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.%I)', TG_TABLE_SCHEMA, TG_TABLE_NAME)
        INTO nonempty;
    IF nonempty THEN
        RAISE EXCEPTION 'TRUNCATE on % refused', TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END;
$$;
"""


def _pg_statements() -> list[str]:
    statements = [
        f"CREATE TRIGGER {DELIBERATION}_guard BEFORE UPDATE OR DELETE ON {DELIBERATION} "
        "FOR EACH ROW EXECUTE FUNCTION governance_deliberation_guard();"
    ]
    for table, (via, states) in RECORDS.items():
        statements.append(
            f"CREATE TRIGGER {table}_guard BEFORE INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION governance_meeting_record_guard('{via}', "
            f"'{','.join(states)}');"
        )
    for table in TABLES:
        statements.append(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION governance_meeting_refuse_truncate();"
        )
    return statements


def _sqlite_state(via: str, row: str) -> str:
    if via == "item":
        return (
            "(SELECT m.state FROM governance_meeting m JOIN governance_agendaitem i "
            f"ON i.meeting_id = m.id WHERE i.id = {row}.item_id)"
        )
    return f"(SELECT m.state FROM governance_meeting m WHERE m.id = {row}.meeting_id)"


def _sqlite_statements(columns: list[str]) -> list[str]:
    same = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in columns if c != "final_at")
    t = DELIBERATION
    statements = [
        f"CREATE TRIGGER {t}_no_delete BEFORE DELETE ON {t} BEGIN "
        f"SELECT RAISE(ABORT, 'deliberations are recorded once: DELETE on {t} refused'); END;",
        f"CREATE TRIGGER {t}_no_update BEFORE UPDATE ON {t} "
        f"WHEN NOT (OLD.final_at IS NULL AND NEW.final_at IS NOT NULL AND {same}) BEGIN "
        f"SELECT RAISE(ABORT, 'deliberations are recorded once: UPDATE on {t} refused'); END;",
    ]
    for table, (via, states) in RECORDS.items():
        allowed = ", ".join(f"'{s}'" for s in states)
        for op, row in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD")):
            statements.append(
                f"CREATE TRIGGER {table}_guard_{op.lower()} BEFORE {op} ON {table} "
                f"WHEN coalesce({_sqlite_state(via, row)}, '') NOT IN ({allowed}) BEGIN "
                f"SELECT RAISE(ABORT, '{op} on {table} refused: the meeting is past it'); END;"
            )
    return statements


def install(connection):
    """Create the triggers (also used by the tests to put them back)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(PG_FUNCTIONS)
            for statement in _pg_statements():
                cursor.execute(statement)
        elif connection.vendor == "sqlite":
            description = connection.introspection.get_table_description(cursor, DELIBERATION)
            for statement in _sqlite_statements([c.name for c in description]):
                cursor.execute(statement)


def drop(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in TABLES:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_guard ON {table};")
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};")
            for function in (
                "governance_deliberation_guard",
                "governance_meeting_record_guard",
                "governance_meeting_refuse_truncate",
            ):
                cursor.execute(f"DROP FUNCTION IF EXISTS {function}();")
        elif connection.vendor == "sqlite":
            cursor.execute(f"DROP TRIGGER IF EXISTS {DELIBERATION}_no_delete;")
            cursor.execute(f"DROP TRIGGER IF EXISTS {DELIBERATION}_no_update;")
            for table in RECORDS:
                for op in ("insert", "update", "delete"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_guard_{op};")


def purge(connection):
    """For tests that flush the database: empty the guarded tables (and the extract requests
    that point at deliberations) with the triggers lifted for the moment."""
    drop(connection)
    try:
        with connection.cursor() as cursor:
            for table in ("governance_extractrequest", *TABLES):
                cursor.execute(f"DELETE FROM {table}")
    finally:
        install(connection)


def forward(apps, schema_editor):
    install(schema_editor.connection)


def backward(apps, schema_editor):
    drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("governance", "0008_meetings_mends")]

    operations = [migrations.RunPython(forward, backward)]
