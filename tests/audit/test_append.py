import pytest
from django.core.management import call_command
from django.db import DatabaseError, transaction

from audit.canonical import GENESIS_HASH, record_hash
from audit.models import AuditEvent, ChainHead, Checkpoint, LedgerImmutableError
from audit.services import append, append_refusal
from audit.verification import verify_ledger
from tests.factories import person_with_role

pytestmark = pytest.mark.django_db


def test_it_chains_many_appends(arml):
    actor = person_with_role("president", arml)
    for i in range(120):
        append(
            action="action_plan.approved",
            actor=actor,
            obj=arml,
            comment=f"n°{i} — été",
            data={"amount": "12000.50", "i": i},
            from_state="a",
            to_state="b",
        )
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == list(range(1, 121))
    assert events[0].prev_hash == GENESIS_HASH
    assert all(e.prev_hash == p.hash for p, e in zip(events, events[1:], strict=False))
    assert all(record_hash(e.record()) == e.hash for e in events)
    assert ChainHead.objects.get().seq == 120
    report = verify_ledger()
    assert report.ok, report.failures
    assert report.events == 120


def test_it_freezes_names_roles_and_request(arml, rf):
    actor = person_with_role("president", arml)
    request = rf.get("/", HTTP_USER_AGENT="Firefox", REMOTE_ADDR="10.0.0.1")
    event = append(
        action="arml.viewed",
        actor=actor,
        obj=arml,
        request_info=request,
        documents=[{"version_id": 3, "sha256": "a" * 64}],
    )
    assert event.arml_id == arml.pk
    assert event.actor_name == actor.get_full_name()
    assert event.actor_roles == "president"
    assert event.principal_id == actor.pk and event.principal_roles == "president"
    assert event.object_type == "governance.arml" and event.object_id == str(arml.pk)
    assert (event.request_ip, event.request_user_agent) == ("10.0.0.1", "Firefox")
    assert event.documents == [{"sha256": "a" * 64, "version_id": 3}]


@pytest.mark.parametrize("action", ["Approved", "approved", "a..b", "a.b c"])
def test_it_refuses_malformed_action_codes(action):
    with pytest.raises(ValueError):
        append(action=action)


def test_it_refuses_inexact_floats():
    with pytest.raises(ValueError):
        append(action="x.y", data={"f": 1e300})


def test_model_refuses_update_and_delete(arml):
    event = append(action="x.created", arml=arml)
    event.comment = "changed"
    with pytest.raises(LedgerImmutableError):
        event.save()
    with pytest.raises(LedgerImmutableError):
        event.delete()
    with pytest.raises(LedgerImmutableError):
        AuditEvent.objects.filter(pk=event.pk).update(comment="x")
    with pytest.raises(LedgerImmutableError):
        AuditEvent.objects.all().delete()


def test_refusal_persists_when_the_attempt_rolls_back(arml):
    actor = person_with_role("arml_staff", arml)
    try:
        with transaction.atomic():
            append(action="action_plan.approved", actor=actor, obj=arml)
            raise PermissionError("no")
    except PermissionError as exc:
        append_refusal(
            action="action_plan.refused_attempt",
            actor=actor,
            obj=arml,
            reason=str(exc),
            code="permission_denied",
            transition="approve",
        )
    events = list(AuditEvent.objects.all())
    assert [e.action for e in events] == ["action_plan.refused_attempt"]
    assert events[0].seq == 1
    assert events[0].data["refusal"] == {
        "reason": "no",
        "code": "permission_denied",
        "transition": "approve",
    }
    assert verify_ledger().ok


def test_refusal_refuses_a_broken_transaction(arml):
    with transaction.atomic():
        with pytest.raises(DatabaseError), transaction.atomic(savepoint=False):
            with connection_cursor() as cursor:
                cursor.execute("SELECT * FROM no_such_table")
        with pytest.raises(transaction.TransactionManagementError):
            append_refusal(action="x.refused_attempt", reason="r", arml=arml)
        transaction.set_rollback(True)


def test_refusal_needs_the_refusal_suffix():
    with pytest.raises(ValueError):
        append_refusal(action="x.approved", reason="r")


def test_it_checkpoints_automatically_after_commit(
    settings, arml, django_capture_on_commit_callbacks
):
    settings.ARML_CHECKPOINT_EVERY = 5
    settings.ARML_CHECKPOINT_MINUTES = 0
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for _ in range(11):
            append(action="x.done", arml=arml)
    assert len(callbacks) == 2
    # Run after the commit, each covers every event committed by then.
    assert list(Checkpoint.objects.values_list("tree_size", flat=True)) == [11]
    assert verify_ledger().ok


def test_checkpoint_command_signs_the_head(arml, capsys):
    for _ in range(3):
        append(action="x.done", arml=arml)
    call_command("audit", "checkpoint")
    checkpoint = Checkpoint.objects.get()
    assert checkpoint.tree_size == 3
    assert verify_ledger().ok


def connection_cursor():
    from django.db import connection

    return connection.cursor()


def test_a_stale_head_hint_falls_back_to_the_locked_head(arml):
    """Another process may have appended since this connection last did: the one-statement
    insert then inserts nothing and the locked slow path chains after the real head."""
    from django.db import connection

    first = append(action="x.done", arml=arml)
    connection._audit_head = (0, GENESIS_HASH)  # as if another writer had moved the head
    second = append(action="x.done", arml=arml)
    connection._audit_head = (7, "f" * 64)
    third = append(action="x.done", arml=arml)
    assert (second.seq, second.prev_hash) == (2, first.hash)
    assert (third.seq, third.prev_hash) == (3, second.hash)
    assert ChainHead.objects.values_list("seq", "hash").get() == (3, third.hash)
    assert AuditEvent.objects.get(seq=3).hash == third.hash
    assert verify_ledger().ok


def test_the_returned_event_is_the_stored_row(arml):
    actor = person_with_role("president", arml)
    event = append(
        action="x.done",
        actor=actor,
        obj=arml,
        data={"k": [1, "é"]},
        request_info={"ip": "::ffff:10.0.0.1", "user_agent": "UA"},
    )
    stored = AuditEvent.objects.get(seq=event.seq)
    fields = [f.attname for f in AuditEvent._meta.concrete_fields]
    assert [getattr(event, f) for f in fields] == [getattr(stored, f) for f in fields]
    assert record_hash(stored.record()) == stored.hash


def test_proofs_from_the_subtree_cache_match_the_tree(
    arml, settings, django_assert_max_num_queries
):
    from audit import merkle
    from audit.checkpoints import checkpoint_create
    from audit.models import MerkleChunk
    from audit.proofs import consistency_proof, inclusion_proof
    from audit.tree import chunks_fill

    settings.ARML_CHECKPOINT_EVERY = 0
    hashes = [bytes.fromhex(append(action="x.done", arml=arml).hash) for _ in range(300)]
    checkpoint_create(tree_size=200)
    assert MerkleChunk.objects.count() == 6 + 3 + 1  # 32-, 64- and 128-leaf subtrees in 200
    assert chunks_fill(300) == 3 + 1 + 1 + 1  # now 9 blocks of 32, 4 of 64, 2 of 128, 1 of 256
    leaves = [merkle.leaf_hash(h) for h in hashes]
    for size in (1, 33, 200, 257, 300):
        root = merkle.root_of(leaves[:size])
        for seq in {s for s in (1, 2, 32, 33, 64, 129, size // 2 + 1, size) if s <= size}:
            proof = inclusion_proof(seq, size)
            assert proof.root_hash == root.hex() or size != 200
            assert merkle.verify_inclusion(
                seq - 1, size, leaves[seq - 1], [bytes.fromhex(p) for p in proof.path], root
            )
    with django_assert_max_num_queries(4):
        assert inclusion_proof(77).verify()
    old, new = merkle.root_of(leaves[:70]), merkle.root_of(leaves)
    assert merkle.verify_consistency(
        70, 300, old, new, [bytes.fromhex(p) for p in consistency_proof(70, 300)]
    )


def test_verify_finds_a_wrong_cached_subtree(arml, settings):
    from audit.models import MerkleChunk
    from audit.tree import chunks_fill

    settings.ARML_CHECKPOINT_EVERY = 0
    for _ in range(70):
        append(action="x.done", arml=arml)
    chunks_fill(70)
    key = MerkleChunk.key(5, 1)
    with connection_cursor() as cursor:
        cursor.execute(
            'UPDATE audit_merklechunk SET root_hash = %s WHERE "index" = %s', ["0" * 64, key]
        )
    failures = [str(f) for f in verify_ledger(documents=False).failures]
    assert failures == ["cached Merkle subtree of events 33–64 is wrong"]


def test_an_event_on_a_whole_second_verifies(arml, monkeypatch):
    import datetime as dt

    from audit import services

    whole = dt.datetime(2026, 3, 1, 9, 30, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(services.timezone, "now", lambda: whole)
    event = append(action="x.done", arml=arml)
    assert AuditEvent.objects.get(seq=event.seq).time == whole
    assert verify_ledger(documents=False).ok
