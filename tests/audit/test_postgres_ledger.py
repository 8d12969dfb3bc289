"""PostgreSQL: the roles README § Rôles PostgreSQL documents, and the rewrite of issue 13.3
played as the database superuser."""

import os
import re
from pathlib import Path

import pytest
from django.db import connection

from tests.audit.test_checkpoints import events, resign, rewrite_from, run
from tests.conftest import on_postgres

postgres_only = pytest.mark.skipif(not on_postgres(), reason="PostgreSQL roles and replica mode")
ROOT = Path(__file__).resolve().parents[2]
ROLES_SQL = ROOT / "deploy" / "postgres-roles.sql"
GRANTS_SQL = ROOT / "deploy" / "postgres-grants.sql"


def psql_variables(sql, **values):
    """What `psql -v name=value` does to :"name" (identifier) and :'name' (literal)."""
    import psycopg.sql

    def identifier(match):
        return psycopg.sql.Identifier(values[match.group(1)]).as_string(None)

    def literal(match):
        return psycopg.sql.Literal(values[match.group(1)]).as_string(None)

    sql = re.sub(r':"(\w+)"', identifier, sql)
    return re.sub(r":'(\w+)'", literal, sql)


def superuser_connection(dbname):
    import psycopg

    params = {**connection.get_connection_params(), "dbname": dbname, "autocommit": True}
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    return psycopg.connect(**params)


@pytest.fixture
def app_role():
    """The owner and application roles made by the documented SQL, on this test database."""
    dbname = connection.settings_dict["NAME"]
    suffix = f"{os.getpid()}"
    names = {
        "db": dbname,
        "owner": f"arml_ledger_owner_{suffix}",
        "app": f"arml_ledger_app_{suffix}",
        "owner_password": "owner-secret",
        "app_password": "app-secret",
    }
    admin = superuser_connection(dbname)
    try:
        admin.execute(psql_variables(ROLES_SQL.read_text(), **names))
        admin.execute(psql_variables(GRANTS_SQL.read_text(), **names))
        yield names
    finally:
        for role in (names["app"], names["owner"]):
            exists = admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone()
            if exists:
                admin.execute(f'REASSIGN OWNED BY "{role}" TO CURRENT_USER')
                admin.execute(f'DROP OWNED BY "{role}"')
                admin.execute(f'DROP ROLE "{role}"')
        admin.execute(f'GRANT CONNECT, TEMPORARY ON DATABASE "{dbname}" TO PUBLIC')  # defaults
        admin.execute("GRANT USAGE ON SCHEMA public TO PUBLIC")
        admin.close()


REFUSED = {
    "set replica mode": "SET session_replication_role = replica",
    "disable the triggers": "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
    "disable one trigger": "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only",
    "drop a trigger": "DROP TRIGGER audit_checkpoint_append_only ON audit_checkpoint",
    "replace the trigger function": (
        "CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ BEGIN RETURN NEW; END; $$"
    ),
    "truncate the events": "TRUNCATE audit_auditevent",
    "truncate the checkpoints": "TRUNCATE audit_checkpoint",
    "update an event": "UPDATE audit_auditevent SET comment = 'forged'",
    "delete an event": "DELETE FROM audit_auditevent",
    "update a checkpoint": "UPDATE audit_checkpoint SET root_hash = 'x'",
    "delete a checkpoint": "DELETE FROM audit_checkpoint",
    "delete a subtree root": "DELETE FROM audit_merklechunk",
    "become the owner": None,  # filled in below: SET ROLE owner
}


@pytest.mark.django_db
@postgres_only
def test_the_application_role_cannot_rewrite_the_ledger(app_role):
    import psycopg

    refused = dict(REFUSED, **{"become the owner": f'SET ROLE "{app_role["owner"]}"'})
    params = {
        **connection.get_connection_params(),
        "dbname": app_role["db"],
        "user": app_role["app"],
        "password": app_role["app_password"],
    }
    for key in ("cursor_factory", "context", "prepare_threshold"):
        params.pop(key, None)
    with psycopg.connect(**params) as app:
        assert app.execute("SELECT current_user").fetchone()[0] == app_role["app"]
        outcomes = {}
        for what, sql in refused.items():
            try:
                app.execute(sql)
            except psycopg.errors.InsufficientPrivilege as exc:
                outcomes[what] = "refused"
                assert exc.sqlstate == "42501"
            except psycopg.Error as exc:
                outcomes[what] = f"failed otherwise: {exc.sqlstate} {exc}"
            else:
                outcomes[what] = "ALLOWED"
            app.rollback()
        assert outcomes == dict.fromkeys(refused, "refused")
        # What the application needs still works: read the ledger, append, move the head.
        app.execute("SELECT count(*) FROM audit_auditevent, audit_checkpoint")
        app.execute("UPDATE audit_chainhead SET seq = seq WHERE id = 1")
        app.execute("INSERT INTO audit_merklechunk (index, root_hash) VALUES (999999, 'x')")
        app.rollback()


def test_the_readme_shows_the_tested_sql():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Rôles PostgreSQL", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sql\n(.*?)```", section, flags=re.S)
    assert blocks == [ROLES_SQL.read_text(), GRANTS_SQL.read_text()]


@pytest.mark.django_db
@postgres_only
def test_a_superuser_rewrite_in_replica_mode_is_named_by_verify(
    arml, settings, tmp_path, django_capture_on_commit_callbacks
):
    """Issue 13.3 as found: as the database superuser, replica mode (no trigger fires), one
    event altered and every later one re-hashed, the checkpoint over it deleted and signed again
    with the seal. The database agrees with itself; the witness and the time-stamps do not."""
    from audit.checkpoints import checkpoint_create

    settings.ARML_CHECKPOINT_EVERY = 0
    settings.ARML_CHECKPOINT_MINUTES = 0
    settings.ARML_LEDGER_WITNESS_DIR = str(tmp_path / "witness")
    for n in (10, 20):
        events(arml, 10, start=n - 10)
        with django_capture_on_commit_callbacks(execute=True):
            checkpoint_create()
    events(arml, 5, start=20)
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SELECT current_setting('is_superuser')")
        assert cursor.fetchone()[0] == "on"
    try:
        rewrite_from(14)
        resign(20)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
    code, out = run("verify", "--no-documents")
    assert code == 0, out  # what was found: the database alone cannot tell
    code, out = run("verify", "--no-documents", "--witness")
    assert code == 1
    assert "MISMATCH seq 14: event n°14 differs from witness checkpoint at tree size 20" in out
    assert (
        "checkpoint at tree size 20 differs from the witness's checkpoint-000000000020.json" in out
    )
