"""Writes to the ledger, checkpoints and proofs.

Contract of the two append functions (the transition engine relies on it):

- `append(...)` joins the caller's transaction: call it inside the engine's `atomic()` block,
  after the state change and the document, so that the event commits or rolls back with them.
  It opens its own `atomic()` (a savepoint when nested), so it also works alone. It locks the
  chain head row until the outer transaction ends: keep what follows it short.
- `append_refusal(...)` records a refused attempt so that it survives the rollback of the
  attempt. Call it AFTER the attempt's atomic block has exited, e.g. from the `except` clause
  around `with transaction.atomic(): ...`: it then runs in autocommit and commits on return.
  It refuses to run inside an atomic block already marked for rollback (it would be lost).
  If the caller wraps everything in an outer transaction (ATOMIC_REQUESTS, a test), the refusal
  shares that outer transaction's fate, by design: there is only one database connection.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone

from audit import merkle, signing
from audit.canonical import (
    FIELDS,
    GENESIS_HASH,
    canonical_text,
    event_hash,
    format_time,
    normalize_json,
)
from audit.crypto import checkpoint_statement
from audit.models import AuditEvent, ChainHead, Checkpoint, MerkleChunk

log = logging.getLogger(__name__)

ACTION_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
REFUSAL_SUFFIX = ".refused_attempt"
CHUNK = MerkleChunk.CHUNK


class LedgerError(Exception):
    """A ledger operation that cannot be done (bad input, nothing to prove, broken chain)."""


# Appending ----------------------------------------------------------------------------------


def append(
    *,
    action: str,
    actor: Any = None,
    principal: Any = None,
    obj: Model | None = None,
    arml: Any = None,
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    data: Mapping[str, Any] | None = None,
    documents: Iterable[Any] = (),
    request_info: Mapping[str, str] | HttpRequest | None = None,
    actor_roles: Iterable[str] | None = None,
    principal_roles: Iterable[str] | None = None,
) -> AuditEvent:
    """Append one event to the chain and return it (see the module docstring for the contract).

    `actor_roles` / `principal_roles`: the roles the caller already read (the engine does, to
    authorise); when omitted they are read from the mandates active in the event's ARML.

    `principal` is whom the actor acts for (a delegation); it defaults to the actor. `arml`
    defaults to the object's (`obj.arml`, or obj itself when it is an ARML). `documents` are
    DocumentVersion rows or mappings with `version_id` and `sha256`. `request_info` is the
    HttpRequest or a mapping with `ip` and `user_agent`.
    """
    if not ACTION_RE.match(action) or len(action) > 100:
        raise ValueError(f"action code {action!r} must be dotted lowercase: 'object.verb'")
    principal = actor if principal is None else principal
    arml_id = _arml_id(arml, obj)
    fields = {
        "action": action,
        "actor_id": _pk(actor),
        "actor_name": _name(actor),
        "actor_roles": _roles(actor, arml_id) if actor_roles is None else _joined(actor_roles),
        "arml_id": arml_id,
        "comment": str(comment),
        "data": canonical_text(_data(data)),
        "documents": canonical_text(_documents(documents)),
        "from_state": str(from_state)[:64],
        "object_id": "" if obj is None else str(obj.pk)[:64],
        "object_label": "" if obj is None else str(obj)[:255],
        "object_type": "" if obj is None else obj._meta.label_lower,
        "principal_id": _pk(principal),
        "principal_name": _name(principal),
        "to_state": str(to_state)[:64],
        **_request(request_info),
    }
    if principal_roles is not None:
        fields["principal_roles"] = _joined(principal_roles)
    else:
        fields["principal_roles"] = (
            fields["actor_roles"] if principal is actor else _roles(principal, arml_id)
        )
    with transaction.atomic():
        conn = transaction.get_connection()
        seq, prev = _locked_head(conn)
        seq += 1
        now = timezone.now()
        row = dict(fields, seq=seq, prev_hash=prev, time=format_time(now))
        values = tuple(row[name] for name in FIELDS)
        digest = event_hash(values)
        event = AuditEvent(
            **{_COLUMN.get(name, name): value for name, value in row.items()},
            hash=digest,
        )
        event.time = now
        # Raw statements on the hot path: the ORM's query building costs more than the
        # database's work here (benchmarks/bench_audit.py). The columns are the model's.
        params = [
            conn.ops.adapt_datetimefield_value(now) if name == "time" else value
            for name, value in zip(FIELDS, values, strict=True)
        ] + [digest, seq, digest]
        with conn.cursor() as cursor:
            if conn.vendor == "postgresql":  # one round trip for both writes
                cursor.execute(f"WITH event AS ({_INSERT_SQL}) {_HEAD_UPDATE_SQL}", params)
            else:
                cursor.execute(_INSERT_SQL, params[:-2])
                cursor.execute(_HEAD_UPDATE_SQL, params[-2:])
        event._state.adding = False
        event._state.db = conn.alias
        every = getattr(settings, "ARML_CHECKPOINT_EVERY", 0)
        if every and seq % every == 0:
            transaction.on_commit(_checkpoint_after_commit, robust=True)
    return event


def append_refusal(
    *,
    action: str,
    reason: str,
    actor: Any = None,
    principal: Any = None,
    obj: Model | None = None,
    arml: Any = None,
    from_state: str = "",
    transition: str = "",
    code: str = "",
    comment: str = "",
    data: Mapping[str, Any] | None = None,
    request_info: Mapping[str, str] | HttpRequest | None = None,
) -> AuditEvent:
    """Record a refused attempt (`<object>.refused_attempt`), outside the attempt's transaction.

    `reason` is the message shown to the user, `code` its stable code ("permission_denied",
    "separation_of_duties", "condition", "conflict"…), `transition` the name attempted.
    """
    if not action.endswith(REFUSAL_SUFFIX):
        raise ValueError(f"a refusal's action code ends with {REFUSAL_SUFFIX!r}")
    conn = transaction.get_connection()
    if conn.in_atomic_block and conn.needs_rollback:
        raise transaction.TransactionManagementError(
            "append_refusal() must be called after the failed atomic block has exited"
        )
    refusal = {"reason": str(reason), "code": code, "transition": transition}
    return append(
        action=action,
        actor=actor,
        principal=principal,
        obj=obj,
        arml=arml,
        from_state=from_state,
        to_state="",
        comment=comment,
        data={**(data or {}), "refusal": refusal},
        request_info=request_info,
    )


_COLUMN = {"data": "data_json", "documents": "documents_json"}
_INSERT_SQL = "INSERT INTO {table} ({columns}) VALUES ({values})".format(
    table=AuditEvent._meta.db_table,
    columns=", ".join(
        AuditEvent._meta.get_field(_COLUMN.get(name, name)).column for name in (*FIELDS, "hash")
    ),
    values=", ".join(["%s"] * (len(FIELDS) + 1)),
)
_HEAD_UPDATE_SQL = f"UPDATE {ChainHead._meta.db_table} SET seq = %s, hash = %s WHERE id = 1"


def _locked_head(conn: Any) -> tuple[int, str]:
    """(seq, hash) of the chain head, its row locked until the transaction ends (PostgreSQL;
    on SQLite the write transaction, begun IMMEDIATE, already excludes other writers)."""
    lock = " FOR UPDATE" if conn.features.has_select_for_update else ""
    sql = f"SELECT seq, hash FROM {ChainHead._meta.db_table} WHERE id = 1{lock}"
    with conn.cursor() as cursor:
        cursor.execute(sql)
        head = cursor.fetchone()
        if head is None:  # an emptied database (tests): restart from the last event, if any
            last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
            seq, digest = last or (0, GENESIS_HASH)
            ChainHead.objects.bulk_create(
                [ChainHead(pk=1, seq=seq, hash=digest)], ignore_conflicts=True
            )
            cursor.execute(sql)
            head = cursor.fetchone()
    return int(head[0]), head[1]


def _pk(person: Any) -> int | None:
    return None if person is None else int(person.pk)


def _name(person: Any) -> str:
    if person is None:
        return ""
    full = person.get_full_name() if hasattr(person, "get_full_name") else ""
    return (full or str(person))[:200]


def _joined(roles: Iterable[str]) -> str:
    return ",".join(sorted(set(roles)))[:300]


def _roles(person: Any, arml_id: int | None) -> str:
    if person is None or arml_id is None:
        return ""
    from governance.models import Mandate

    roles = Mandate.objects.active().filter(person=person, arml_id=arml_id)
    return ",".join(sorted(set(roles.values_list("role", flat=True))))[:300]


def _arml_id(arml: Any, obj: Model | None) -> int | None:
    if arml is not None:
        return int(arml.pk) if isinstance(arml, Model) else int(arml)
    if obj is None:
        return None
    if obj._meta.label_lower == "governance.arml":
        return int(obj.pk)
    value = getattr(obj, "arml_id", None)
    return None if value is None else int(value)


def _data(data: Mapping[str, Any] | None) -> dict[str, Any]:
    value = normalize_json(dict(data or {}))
    if not isinstance(value, dict):
        raise ValueError("data must be a mapping")
    return value


def _documents(documents: Iterable[Any]) -> list[dict[str, Any]]:
    result = []
    for item in documents:
        if isinstance(item, Mapping):
            version_id, sha256 = item["version_id"], item["sha256"]
        else:
            version_id, sha256 = item.pk, item.sha256
        if not re.fullmatch(r"[0-9a-f]{64}", str(sha256)):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        result.append({"sha256": str(sha256), "version_id": int(version_id)})
    return result


def _request(info: Mapping[str, str] | HttpRequest | None) -> dict[str, str]:
    if info is None:
        ip, agent = "", ""
    elif isinstance(info, HttpRequest):
        from config.client import client_ip  # believes X-Forwarded-For as configured

        ip, agent = client_ip(info), info.META.get("HTTP_USER_AGENT", "")
    else:
        ip, agent = info.get("ip", "") or "", info.get("user_agent", "") or ""
    try:
        ip = str(ipaddress.ip_address(ip)) if ip else ""
    except ValueError:
        ip = ""
    return {"request_ip": ip, "request_user_agent": str(agent)[:500]}


# Checkpoints --------------------------------------------------------------------------------


def checkpoint_create(*, tree_size: int | None = None) -> Checkpoint:
    """Sign the tree head over events 1..tree_size (default: all committed events).

    Idempotent: an existing checkpoint of that size is returned as is.
    """
    size = ChainHead.objects.values_list("seq", flat=True).first() or 0
    if tree_size is not None:
        if not 0 < tree_size <= size:
            raise LedgerError(f"no tree of size {tree_size}: the ledger has {size} events")
        size = tree_size
    if size == 0:
        raise LedgerError("the ledger is empty: nothing to checkpoint")
    existing = Checkpoint.objects.filter(tree_size=size).first()
    if existing is not None:
        return existing
    chunks_fill(size)
    tree = LedgerTree(size)
    root = tree.mth(0, size).hex()
    head_hash = AuditEvent.objects.values_list("hash", flat=True).get(seq=size)
    now = timezone.now()
    statement = checkpoint_statement(
        tree_size=size, root_hash=root, head_hash=head_hash, time=format_time(now)
    )
    checkpoint = Checkpoint(
        tree_size=size,
        root_hash=root,
        head_hash=head_hash,
        time=now,
        signature=signing.sign(statement),
        certificate=signing.certificate_pem().decode("ascii"),
    )
    try:
        with transaction.atomic():
            checkpoint.save()
    except IntegrityError:  # made meanwhile by another process
        return Checkpoint.objects.get(tree_size=size)
    return checkpoint


def _checkpoint_after_commit() -> None:
    try:
        checkpoint_create()
    except Exception:
        # The chain is intact without it; the next multiple or `audit checkpoint` makes one.
        log.exception("automatic ledger checkpoint failed")


def chunks_fill(size: int) -> int:
    """Store the roots of the complete CHUNK-leaf blocks within the first `size` leaves that are
    not cached yet, in one pass over their hashes. Returns how many were added."""
    full = size // CHUNK
    start = MerkleChunk.objects.filter(index__lt=full).count()
    if start >= full:
        return 0
    hashes = (
        AuditEvent.objects.filter(seq__gt=start * CHUNK, seq__lte=full * CHUNK)
        .order_by("seq")
        .values_list("hash", flat=True)
        .iterator(chunk_size=CHUNK * 4)
    )
    new, block = [], []
    index = start
    for value in hashes:
        block.append(merkle.leaf_hash(bytes.fromhex(value)))
        if len(block) == CHUNK:
            new.append(MerkleChunk(index=index, root_hash=merkle.root_of(block).hex()))
            block, index = [], index + 1
    if index != full:
        raise LedgerError("the ledger has a gap in its sequence numbers")
    MerkleChunk.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)
    return len(new)


class LedgerTree:
    """Subtree hashes over the first `size` events, from cached chunk roots where possible:
    a proof at a million events reads about a thousand chunk rows and one or two blocks of
    leaves instead of a million hashes."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.chunks = {
            index: bytes.fromhex(root)
            for index, root in MerkleChunk.objects.filter(index__lt=size // CHUNK).values_list(
                "index", "root_hash"
            )
        }
        self._leaves: dict[int, list[bytes]] = {}

    def leaves(self, index: int) -> list[bytes]:
        """The leaf hashes of block `index` (truncated at the tree size)."""
        if index not in self._leaves:
            start, end = index * CHUNK, min((index + 1) * CHUNK, self.size)
            values = list(
                AuditEvent.objects.filter(seq__gt=start, seq__lte=end)
                .order_by("seq")
                .values_list("hash", flat=True)
            )
            if len(values) != end - start:
                raise LedgerError("the ledger has a gap in its sequence numbers")
            self._leaves[index] = [merkle.leaf_hash(bytes.fromhex(v)) for v in values]
        return self._leaves[index]

    def mth(self, start: int, end: int) -> bytes:
        size = end - start
        if size == CHUNK and start % CHUNK == 0 and start // CHUNK in self.chunks:
            return self.chunks[start // CHUNK]
        if size <= CHUNK:
            index = start // CHUNK
            offset = index * CHUNK
            return merkle.root_of(self.leaves(index)[start - offset : end - offset])
        k = merkle.split_point(size)
        return merkle.node_hash(self.mth(start, start + k), self.mth(start + k, end))


# Proofs -------------------------------------------------------------------------------------


@dataclass
class InclusionProof:
    seq: int
    tree_size: int
    event_hash: str
    leaf_hash: str
    path: list[str]
    root_hash: str
    checkpoint: Checkpoint | None = field(default=None, repr=False)

    @property
    def leaf_index(self) -> int:
        return self.seq - 1

    def verify(self) -> bool:
        return merkle.verify_inclusion(
            self.leaf_index,
            self.tree_size,
            bytes.fromhex(self.leaf_hash),
            [bytes.fromhex(p) for p in self.path],
            bytes.fromhex(self.root_hash),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "leaf_index": self.leaf_index,
            "tree_size": self.tree_size,
            "event_hash": self.event_hash,
            "leaf_hash": self.leaf_hash,
            "path": self.path,
            "root_hash": self.root_hash,
        }


def latest_checkpoint() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-tree_size").first()


def inclusion_proof(seq: int, tree_size: int | None = None) -> InclusionProof:
    """Proof that event `seq` is in the tree of `tree_size` events (default: the latest
    checkpoint's); the root is the checkpoint's when there is one of that size."""
    checkpoint = (
        latest_checkpoint()
        if tree_size is None
        else Checkpoint.objects.filter(tree_size=tree_size).first()
    )
    if tree_size is None:
        if checkpoint is None:
            raise LedgerError("no checkpoint yet: run `manage.py audit checkpoint`")
        tree_size = checkpoint.tree_size
    if not 1 <= seq <= tree_size:
        raise LedgerError(f"event {seq} is not covered by a tree of {tree_size} events")
    tree = LedgerTree(tree_size)
    event_hash_hex = AuditEvent.objects.values_list("hash", flat=True).get(seq=seq)
    path = merkle.inclusion_proof(seq - 1, tree_size, tree.mth)
    root = checkpoint.root_hash if checkpoint is not None else tree.mth(0, tree_size).hex()
    return InclusionProof(
        seq=seq,
        tree_size=tree_size,
        event_hash=event_hash_hex,
        leaf_hash=merkle.leaf_hash(bytes.fromhex(event_hash_hex)).hex(),
        path=merkle.hexes(path),
        root_hash=root,
        checkpoint=checkpoint,
    )


def consistency_proof(old_size: int, new_size: int) -> list[str]:
    """RFC 9162 proof that the tree of `old_size` events is a prefix of the one of `new_size`."""
    head = ChainHead.objects.values_list("seq", flat=True).first() or 0
    if not 0 < old_size <= new_size <= head:
        raise LedgerError(f"no consistency proof from {old_size} to {new_size} ({head} events)")
    return merkle.hexes(merkle.consistency_proof(old_size, new_size, LedgerTree(new_size).mth))
