import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from audit.checkpoints import checkpoint_create
from audit.services import append
from tests.audit.conftest import triggers
from tests.conftest import on_postgres

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(arml):
    for i in range(10):
        append(action="action_plan.approved", arml=arml, comment=f"décision {i}")
    checkpoint_create()


def raw(sql, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET comment = 'forged' WHERE seq = 3",
        "DELETE FROM audit_auditevent WHERE seq = 10",
        "DELETE FROM audit_auditevent",
        "UPDATE audit_checkpoint SET root_hash = 'x'",
        "DELETE FROM audit_checkpoint",
    ],
)
def test_the_database_refuses_changes(ledger, sql):
    with pytest.raises(DatabaseError, match="append-only"):
        raw(sql)


@pytest.mark.skipif(not on_postgres(), reason="TRUNCATE exists on PostgreSQL only")
@pytest.mark.parametrize("table", ["audit_auditevent", "audit_checkpoint"])
def test_postgres_refuses_truncate(ledger, table):
    raw("SET CONSTRAINTS ALL IMMEDIATE")  # fire the pending FK checks of this test's inserts
    with pytest.raises(DatabaseError, match="append-only"):
        raw(f"TRUNCATE {table} CASCADE")


def test_the_chain_head_stays_updatable(ledger):
    raw("UPDATE audit_chainhead SET seq = seq WHERE id = 1")


def run_verify(capsys):
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit", "verify", "--no-documents")
    return exit_info.value.code, capsys.readouterr().out


def test_verify_passes_on_an_intact_ledger(ledger, capsys):
    call_command("audit", "verify", "--no-documents")
    assert "OK: 10 events, 1 checkpoints" in capsys.readouterr().out


def test_verify_finds_a_forged_row(ledger, capsys):
    triggers.drop(connection)
    raw("UPDATE audit_auditevent SET comment = 'forged' WHERE seq = 4")
    code, out = run_verify(capsys)
    assert code == 1
    assert "seq 4: stored hash does not match" in out


def test_verify_finds_a_deleted_row(ledger, capsys):
    triggers.drop(connection)
    raw("DELETE FROM audit_auditevent WHERE seq = 6")
    code, out = run_verify(capsys)
    assert code == 1
    assert "seq 7: sequence gap: expected 6" in out


def test_verify_finds_a_rehashed_chain_by_its_signed_checkpoint(ledger, capsys):
    """A forger who recomputes every hash after the change still breaks the signed root."""
    from audit.canonical import event_hash
    from audit.verification import ledger_rows

    triggers.drop(connection)
    rows = list(ledger_rows())
    prev = rows[1][21]
    for row in rows[2:]:
        row = list(row)
        row[12] = prev
        if row[18] == 3:
            row[5] = "forged"
        digest = event_hash(row)
        raw(
            "UPDATE audit_auditevent SET comment = %s, prev_hash = %s, hash = %s WHERE seq = %s",
            [row[5], prev, digest, row[18]],
        )
        prev = digest
    raw("UPDATE audit_chainhead SET hash = %s", [prev])
    code, out = run_verify(capsys)
    assert code == 1
    assert "seq 10: checkpoint at tree size 10: root does not match the events" in out
    assert "event n°3 differs from checkpoint at tree size 10" in out


def test_verify_finds_a_bad_checkpoint_signature(ledger, capsys):
    triggers.drop(connection)
    raw("UPDATE audit_checkpoint SET root_hash = %s", ["0" * 64])
    code, out = run_verify(capsys)
    assert code == 1
    assert "checkpoint at tree size 10: root does not match" in out
    assert "checkpoint at tree size 10: signature: bad signature" in out
    assert "checkpoint at tree size 10: time-stamp: the time-stamp token is for other bytes" in out
