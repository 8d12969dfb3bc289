"""Issue 13.3: checkpoints every N events or T minutes, time-stamped, witnessed outside the
database; verify compares with the witness and names the first event that differs."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from audit import signing, timestamps, witness
from audit.canonical import event_hash
from audit.checkpoints import checkpoint_create, checkpoint_due, checkpoint_if_due
from audit.crypto import checkpoint_statement, load_pem_certificates
from audit.models import AuditEvent, Checkpoint
from audit.services import LedgerError, append
from audit.verification import ledger_rows, verify_ledger
from tests.audit.conftest import triggers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_automatic_checkpoints(settings):
    settings.ARML_CHECKPOINT_EVERY = 0
    settings.ARML_CHECKPOINT_MINUTES = 0


@pytest.fixture
def witness_dir(settings, tmp_path):
    path = tmp_path / "witness"
    settings.ARML_LEDGER_WITNESS_DIR = str(path)
    return path


@pytest.fixture
def make_checkpoint(django_capture_on_commit_callbacks):
    """checkpoint_create(), its after-commit witness write run (tests run in a transaction)."""

    def make(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return checkpoint_create(**kwargs)

    return make


def events(arml, n, start=0):
    return [
        append(action="action_plan.approved", arml=arml, comment=f"décision {start + i}")
        for i in range(1, n + 1)
    ]


def run(*args):
    """call_command; returns (exit code, stdout)."""
    from io import StringIO

    out = StringIO()
    try:
        call_command("audit", *args, stdout=out)
    except SystemExit as exc:
        return exc.code, out.getvalue()
    return 0, out.getvalue()


# Making checkpoints ----------------------------------------------------------------------------


def test_a_checkpoint_is_time_stamped_and_records_the_hashes_it_covers(arml):
    first = events(arml, 5)
    one = checkpoint_create()
    more = events(arml, 3, start=5)
    two = checkpoint_create()
    assert (one.first_seq, one.leaf_hashes()) == (1, [bytes.fromhex(e.hash) for e in first])
    assert (two.first_seq, two.leaf_hashes()) == (6, [bytes.fromhex(e.hash) for e in more])
    roots = load_pem_certificates(signing.tsa_trust_roots_pem())
    check = timestamps.check_token(bytes(two.timestamp_token), two.statement(), roots)
    assert check.ok, check.problem
    assert abs(check.gen_time - two.time) < dt.timedelta(minutes=1)
    assert not timestamps.check_token(bytes(two.timestamp_token), one.statement(), roots).ok
    assert verify_ledger(documents=False).ok


def test_no_token_no_checkpoint(arml, monkeypatch):
    events(arml, 2)

    def unreachable(data):
        raise signing.TimestampError("ConnectError: TSA down")

    monkeypatch.setattr(signing, "timestamp", unreachable)
    with pytest.raises(LedgerError, match="timestamp authority"):
        checkpoint_create()
    assert not Checkpoint.objects.exists()
    with pytest.raises(CommandError, match="TSA down"):
        call_command("audit", "checkpoint")


def test_if_due_every_n_events(arml, settings):
    settings.ARML_CHECKPOINT_EVERY = 5
    events(arml, 4)
    assert run("checkpoint", "--if-due") == (0, "No checkpoint due.\n")
    events(arml, 1, start=4)
    code, out = run("checkpoint", "--if-due")
    assert code == 0 and "Checkpoint at 5 events" in out
    assert run("checkpoint", "--if-due") == (0, "No checkpoint due.\n")
    assert list(Checkpoint.objects.values_list("tree_size", flat=True)) == [5]


def test_if_due_after_t_minutes(arml, settings):
    settings.ARML_CHECKPOINT_EVERY = 1000
    settings.ARML_CHECKPOINT_MINUTES = 10
    (event,) = events(arml, 1)
    assert not checkpoint_due(now=event.time + dt.timedelta(minutes=9))
    assert checkpoint_if_due(now=event.time + dt.timedelta(minutes=9)) is None
    made = checkpoint_if_due(now=event.time + dt.timedelta(minutes=10))
    assert made is not None and made.tree_size == 1
    assert not checkpoint_due(now=event.time + dt.timedelta(hours=5))  # nothing uncovered


def test_the_task_checkpoints_when_due_and_reschedules_only_where_it_can(arml, settings):
    from audit import tasks

    settings.ARML_CHECKPOINT_EVERY = 2
    events(arml, 2)
    assert tasks.checkpoint_tick.call(reschedule=False) == 2
    assert tasks.checkpoint_tick.call(reschedule=False) is None
    assert tasks.schedule() is False  # the immediate backend would loop for ever
    with pytest.raises(CommandError, match="cannot defer"):
        call_command("audit", "checkpoint", "--schedule")


def test_the_task_is_enqueued_with_a_delay_on_a_deferring_backend(settings):
    from django.tasks import task_backends

    from audit import tasks

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    settings.ARML_CHECKPOINT_MINUTES = 15
    before = timezone.now()
    assert tasks.schedule() is True
    (result,) = task_backends["default"].results
    assert result.task.func is tasks.checkpoint_tick.func
    assert result.task.run_after - before >= dt.timedelta(minutes=15)


# The witness ----------------------------------------------------------------------------------


def test_each_checkpoint_is_written_once_to_the_witness_directory(
    arml, witness_dir, make_checkpoint
):
    events(arml, 3)
    checkpoint = make_checkpoint()
    name = witness_dir / "checkpoint-000000000003.json"
    assert sorted(p.name for p in witness_dir.iterdir()) == [name.name]  # no temporary left
    record = json.loads(name.read_bytes())
    assert record["statement"].encode() == checkpoint.statement()
    assert record["root_hash"] == checkpoint.root_hash and record["first_seq"] == 1
    assert (
        record["timestamp_token"]
        and record["signature"]
        and "BEGIN CERTIFICATE" in record["certificate"]
    )
    assert record["hashes"] == list(AuditEvent.objects.values_list("hash", flat=True))
    original = name.read_bytes()
    directory = witness.DirectoryWitness(witness_dir)
    assert directory.write(name.name, original) is False  # the same again: nothing to do
    with pytest.raises(witness.WitnessError, match="not overwritten"):
        directory.write(name.name, original.replace(b'"first_seq": 1', b'"first_seq": 2'))
    assert name.read_bytes() == original


def test_verify_with_the_witness_passes_on_an_intact_ledger(arml, witness_dir, make_checkpoint):
    events(arml, 3)
    make_checkpoint()
    events(arml, 2, start=3)
    make_checkpoint()
    code, out = run("verify", "--no-documents", "--witness")
    assert code == 0, out
    assert "OK: 5 events, 2 checkpoints, 2 witness records" in out


def test_a_failed_witness_write_is_caught_up_by_the_timer(
    arml, witness_dir, settings, make_checkpoint
):
    events(arml, 3)
    make_checkpoint()
    (witness_dir / "checkpoint-000000000003.json").unlink()
    code, out = run("verify", "--no-documents", "--witness")
    assert code == 1 and "checkpoint at tree size 3 is missing from the witness" in out
    assert run("checkpoint", "--if-due") == (0, "No checkpoint due.\n")
    assert run("verify", "--no-documents", "--witness")[0] == 0


def test_verify_names_a_witness_file_the_database_lacks(arml, witness_dir, make_checkpoint):
    events(arml, 3)
    make_checkpoint()
    triggers.drop(connection)
    Checkpoint.objects.all()._raw_delete(connection.alias)
    code, out = run("verify", "--no-documents", "--witness")
    assert code == 1
    assert (
        "witness checkpoint-000000000003.json holds a checkpoint at tree size 3 that the "
        "database lacks"
    ) in out


def test_verify_names_a_witness_file_that_differs(arml, witness_dir, make_checkpoint):
    events(arml, 3)
    make_checkpoint()
    path = witness_dir / "checkpoint-000000000003.json"
    record = json.loads(path.read_bytes())
    record["time"] = "2020-01-01T00:00:00.000000+00:00"
    path.write_text(json.dumps(record))
    code, out = run("verify", "--no-documents", "--witness", str(witness_dir))
    assert code == 1
    assert (
        "checkpoint at tree size 3 differs from the witness's checkpoint-000000000003.json" in out
    )
    assert "witness checkpoint at tree size 3: signature: bad signature" in out


def test_verify_names_an_unreadable_witness_file(arml, witness_dir, make_checkpoint):
    events(arml, 1)
    make_checkpoint()
    (witness_dir / "checkpoint-000000000001.json").write_text("{not json")
    code, out = run("verify", "--no-documents", "--witness")
    assert code == 1 and "checkpoint-000000000001.json: unreadable witness record" in out


def test_verify_witness_needs_a_witness(arml, tmp_path):
    with pytest.raises(CommandError, match="No witness configured"):
        call_command("audit", "verify", "--witness")
    with pytest.raises(CommandError, match="No witness directory"):
        call_command("audit", "verify", "--witness", str(tmp_path / "nowhere"))


def test_the_witness_may_be_a_storage_alias(arml, settings, tmp_path, make_checkpoint):
    settings.STORAGES = {
        **settings.STORAGES,
        "ledger_witness": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "bucket")},
        },
    }
    settings.ARML_LEDGER_WITNESS_STORAGE = "ledger_witness"
    events(arml, 2)
    make_checkpoint()
    assert (tmp_path / "bucket" / "checkpoint-000000000002.json").exists()
    code, out = run("verify", "--no-documents", "--witness")
    assert code == 0 and "1 witness records" in out


def test_a_bad_witness_setting_is_named(settings):
    from django.core.exceptions import ImproperlyConfigured

    from audit import conf

    settings.ARML_LEDGER_WITNESS_STORAGE = "nope"
    with pytest.raises(ImproperlyConfigured, match="ARML_LEDGER_WITNESS_STORAGE"):
        conf.witness_storage()
    settings.ARML_CHECKPOINT_MINUTES = "ten"
    with pytest.raises(ImproperlyConfigured, match="ARML_CHECKPOINT_MINUTES"):
        conf.checkpoint_minutes()


# Rewrites -------------------------------------------------------------------------------------


def rewrite_from(seq, comment="forged"):
    """What a database superuser can do: change event `seq` and re-hash every later one, so
    that the chain holds together again (the append-only triggers already lifted)."""
    rows = [list(row) for row in ledger_rows()]
    prev = rows[seq - 2][21] if seq > 1 else "0" * 64
    with connection.cursor() as cursor:
        for row in rows[seq - 1 :]:
            row[12] = prev
            if row[18] == seq:
                row[5] = comment
            digest = event_hash(row)
            cursor.execute(
                "UPDATE audit_auditevent SET comment = %s, prev_hash = %s, hash = %s WHERE seq = %s",
                [row[5], prev, digest, row[18]],
            )
            prev = digest
        cursor.execute("UPDATE audit_chainhead SET hash = %s WHERE id = 1", [prev])


def resign(*sizes):
    """Delete the checkpoints of these sizes and sign new ones over the rewritten events with
    the platform seal (its key is decryptable by whoever runs the platform)."""
    with connection.cursor() as cursor:
        for size in sizes:
            cursor.execute("DELETE FROM audit_checkpoint WHERE tree_size = %s", [size])
    for size in sizes:
        checkpoint_create(tree_size=size, witness=False)


def test_a_rewrite_under_a_kept_checkpoint_is_located(arml):
    events(arml, 12)
    checkpoint_create()
    triggers.drop(connection)
    rewrite_from(7)
    code, out = run("verify", "--no-documents")
    assert code == 1
    assert "MISMATCH seq 7: event n°7 differs from checkpoint at tree size 12" in out


def test_a_rewrite_with_re_signed_checkpoints_is_caught_by_the_witness(
    arml, witness_dir, make_checkpoint
):
    events(arml, 10)
    make_checkpoint()
    events(arml, 10, start=10)
    make_checkpoint()
    events(arml, 5, start=20)  # not yet covered
    triggers.drop(connection)
    rewrite_from(14)
    resign(20)
    assert run("verify", "--no-documents")[0] == 0  # the database alone agrees with itself
    code, out = run("verify", "--no-documents", "--witness")
    assert code == 1
    assert (
        "checkpoint at tree size 20 differs from the witness's checkpoint-000000000020.json" in out
    )
    assert "witness checkpoint at tree size 20: root does not match the events" in out
    assert "MISMATCH seq 14: event n°14 differs from witness checkpoint at tree size 20" in out


def test_a_backdated_re_signed_checkpoint_is_caught_by_its_time_stamp(arml, settings):
    from audit.canonical import format_time

    settings.ARML_TSA_MAX_DELAY_SECONDS = 60
    events(arml, 4)
    genuine = checkpoint_create()
    triggers.drop(connection)
    rewrite_from(2)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_checkpoint")
    forged = checkpoint_create(witness=False)
    # Dated as the genuine one was, minutes ago: signed and time-stamped now.
    when = genuine.time - dt.timedelta(minutes=3)
    statement = checkpoint_statement(
        tree_size=4, root_hash=forged.root_hash, head_hash=forged.head_hash, time=format_time(when)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_checkpoint SET time = %s, signature = %s, timestamp_token = %s "
            "WHERE tree_size = 4",
            [
                connection.ops.adapt_datetimefield_value(when),
                signing.sign(statement),
                signing.timestamp(statement),
            ],
        )
    code, out = run("verify", "--no-documents")
    assert code == 1
    assert f"checkpoint at tree size 4 states {format_time(when)} but was time-stamped" in out
    assert "signed later than it says" in out


def test_re_signing_an_old_checkpoint_breaks_the_order_of_dates(arml):
    events(arml, 3)
    checkpoint_create()
    events(arml, 3, start=3)
    checkpoint_create()
    triggers.drop(connection)
    rewrite_from(2)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_checkpoint WHERE tree_size = 3")
    checkpoint_create(tree_size=3, witness=False)  # now: after the genuine one at 6
    code, out = run("verify", "--no-documents")
    assert code == 1
    assert "checkpoint at tree size 3 is dated after the checkpoint at tree size 6" in out


def test_the_system_checks_name_a_missing_witness_and_bad_values(settings):
    from audit.checks import ledger_settings

    settings.DEBUG = False
    settings.ARML_LEDGER_WITNESS_DIR = ""
    assert [m.id for m in ledger_settings()] == ["audit.W001"]
    settings.ARML_LEDGER_WITNESS_DIR = "/srv/witness"
    assert ledger_settings() == []
    settings.ARML_CHECKPOINT_EVERY = -1
    assert [m.id for m in ledger_settings()] == ["audit.E001"]


def test_appends_check_the_age_rule_at_most_once_a_minute(
    arml, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from audit import services

    settings.ARML_CHECKPOINT_MINUTES = 10
    clock = [1000.0]
    monkeypatch.setattr(services.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(services, "_last_age_check", [-1e9])
    (old,) = events(arml, 1)
    later = old.time + dt.timedelta(minutes=11)
    monkeypatch.setattr(services.timezone, "now", lambda: later)  # the first event is now old
    services._last_age_check[0] = -1e9  # its append made the process's first check
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        events(arml, 2, start=1)  # the first append checks (a checkpoint is due), not the second
    assert len(callbacks) == 1
    assert list(Checkpoint.objects.values_list("tree_size", flat=True)) == [3]
    clock[0] += 61
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        events(arml, 1, start=3)
    assert len(callbacks) == 1  # checked again: not due (the oldest uncovered is fresh)
    assert Checkpoint.objects.count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"time": "yesterday"},
        {"signature": "***"},
        {"hashes": ["xyz"]},
        {"tree_size": 4},
        {"format": "other"},
    ],
)
def test_a_malformed_witness_record_is_named_not_a_traceback(
    arml, witness_dir, make_checkpoint, change
):
    events(arml, 3)
    make_checkpoint()
    path = witness_dir / "checkpoint-000000000003.json"
    path.write_text(json.dumps({**json.loads(path.read_bytes()), **change}))
    code, out = run("verify", "--no-documents", "--witness")
    assert code == 1
    assert "witness: checkpoint-000000000003.json" in out
    assert "checkpoint at tree size 3 is missing from the witness" in out


def test_hashes_recorded_with_a_checkpoint_are_checked_against_its_signed_root(
    arml, witness_dir, make_checkpoint
):
    """A witness file whose recorded hashes were edited to agree with a rewrite no longer
    rebuilds its signed root: verify says so instead of trusting them."""
    events(arml, 6)
    make_checkpoint()
    triggers.drop(connection)
    rewrite_from(4)
    path = witness_dir / "checkpoint-000000000006.json"
    record = json.loads(path.read_bytes())
    record["hashes"][1] = "ab" * 32  # event 2: edited in the witness, not in the database
    path.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
    code, out = run("verify", "--no-documents", "--witness")
    assert code == 1
    assert (
        "witness checkpoint at tree size 6: the hashes recorded with it do not rebuild its root"
    ) in out
    assert "MISMATCH seq 4: event n°4 differs from checkpoint at tree size 6" in out
    assert "event n°2" not in out
