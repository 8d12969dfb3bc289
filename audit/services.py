"""Writes to the ledger, checkpoints and proofs.

Contract of the two append functions (the transition engine relies on it):

- `append(...)` joins the caller's transaction: call it inside the engine's `atomic()` block,
  after the state change and the document, so that the event commits or rolls back with them.
  Outside a transaction its single statement commits on its own. It opens no savepoint: a
  database error in it aborts the caller's transaction (let it propagate). It locks the chain
  head row until the outer transaction ends: keep what follows it short.
- `append_refusal(...)` records a refused attempt so that it survives the rollback of the
  attempt. Call it AFTER the attempt's atomic block has exited, e.g. from the `except` clause
  around `with transaction.atomic(): ...`: it then runs in autocommit and commits on return.
  It refuses to run inside an atomic block already marked for rollback (it would be lost).
  If the caller wraps everything in an outer transaction (ATOMIC_REQUESTS, a test), the refusal
  shares that outer transaction's fate, by design: there is only one database connection.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.db.models import Field, Model
from django.db.models.base import ModelState
from django.http import HttpRequest
from django.utils import timezone

from audit import access, conf, merkle, signing
from audit.canonical import (
    FIELDS,
    GENESIS_HASH,
    canonical_data_text,
    event_hash,
    format_time,
)
from audit.crypto import checkpoint_statement
from audit.models import AuditEvent, ChainHead, Checkpoint, MerkleChunk

log = logging.getLogger(__name__)

ACTION_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
REFUSAL_SUFFIX = ".refused_attempt"


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
    roles = _roles(actor, arml_id) if actor_roles is None else _joined(actor_roles)
    if principal_roles is not None:
        principal_roles_text = _joined(principal_roles)
    else:
        principal_roles_text = roles if principal is actor else _roles(principal, arml_id)
    ip, agent = _request_pair(request_info)
    # FIELDS order, with None where the chain fills in prev_hash (12), seq (18) and time (19).
    row = [
        action,
        _pk(actor),
        _name(actor),
        roles,
        arml_id,
        str(comment),
        data_text(data),
        documents_text(documents),
        str(from_state)[:64],
        "" if obj is None else str(obj.pk)[:64],
        "" if obj is None else str(obj)[:255],
        "" if obj is None else obj._meta.label_lower,
        None,
        _pk(principal),
        _name(principal),
        principal_roles_text,
        ip,
        agent,
        None,
        None,
        str(to_state)[:64],
    ]
    conn = transaction.get_connection()
    event = _chain_insert(conn, row)
    every = conf.checkpoint_every()
    if every and event.seq % every == 0:
        transaction.on_commit(_checkpoint_after_commit, robust=True)
    elif _age_check_due():
        transaction.on_commit(_checkpoint_if_due_after_commit, robust=True)
    return event


_last_age_check = [-1e9]  # time.monotonic() of this process's last check


def _age_check_due() -> bool:
    """At most once a minute per process, and only with ARML_CHECKPOINT_MINUTES set: whether
    to check after commit if the oldest uncovered event is old enough for a checkpoint. The
    timer does it in production; this keeps a development server or the demo covered too."""
    now = time.monotonic()
    if now - _last_age_check[0] < 60 or not conf.checkpoint_minutes():
        return False
    _last_age_check[0] = now
    return True


def _checkpoint_if_due_after_commit() -> None:
    from audit.tasks import checkpoint_tick

    try:
        checkpoint_tick.enqueue(reschedule=False)  # the worker's, or at once (immediate)
    except Exception:
        log.exception("ledger checkpoint check not enqueued")


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


# The write path -------------------------------------------------------------------------------
#
# One statement per event: insert the event only if the chain head is still the one its
# prev_hash names, and move the head in the same statement (a data-modifying CTE on PostgreSQL,
# an AFTER INSERT trigger on SQLite, migration 0003). The head last written by this connection
# is kept as a hint: when another process appended meanwhile the statement inserts nothing, and
# the slow path locks the head, reads it and inserts. The head row's lock is held until the
# caller's transaction ends, as before, so appends stay serialised and gapless.
# Profile (2,000 appends, SQLite, before): of 300 µs an event, the head SELECT, the separate
# head UPDATE and BEGIN IMMEDIATE/COMMIT around a savepoint took about half; building the model
# instance with keywords 12 %; json.dumps + loads + dumps of `data` 5 %.

_SEQ, _PREV, _TIME = 18, 12, 19
_EVENT_COLUMNS: tuple[Field[Any, Any], ...] = tuple(
    cast(
        "Field[Any, Any]",
        AuditEvent._meta.get_field({"data": "data_json", "documents": "documents_json"}.get(n, n)),
    )
    for n in (*FIELDS, "hash")
)
_ATTNAMES = tuple(f.attname for f in _EVENT_COLUMNS)
_HEAD_TABLE = ChainHead._meta.db_table
_statements: dict[str, str] = {}


def _insert_sql(conn: Any) -> str:
    sql = _statements.get(conn.vendor)
    if sql is None:
        table = conn.ops.quote_name(AuditEvent._meta.db_table)
        columns = ", ".join(conn.ops.quote_name(f.column) for f in _EVENT_COLUMNS)
        if conn.vendor == "postgresql":
            # Explicit casts: the values are a SELECT list, whose parameters have no column type.
            values = ", ".join(f"%s::{f.db_type(conn)}" for f in _EVENT_COLUMNS)
            sql = (
                f"WITH head AS (UPDATE {_HEAD_TABLE} SET seq = %s, hash = %s "
                f"WHERE id = 1 AND seq = %s AND hash = %s RETURNING 1) "
                f"INSERT INTO {table} ({columns}) SELECT {values} FROM head"
            )
        else:
            values = ", ".join(["%s"] * len(_EVENT_COLUMNS))
            sql = (
                f"INSERT INTO {table} ({columns}) SELECT {values} WHERE EXISTS "
                f"(SELECT 1 FROM {_HEAD_TABLE} WHERE id = 1 AND seq = %s AND hash = %s)"
            )
        _statements[conn.vendor] = sql
    return sql


def _chain_insert(conn: Any, row: list[Any]) -> AuditEvent:
    head = getattr(conn, "_audit_head", None)
    if head is not None:
        event = _try_insert(conn, row, head)
        if event is not None:
            return event
    with transaction.atomic(using=conn.alias, savepoint=False):
        event = _try_insert(conn, row, _locked_head(conn))
    if event is None:  # cannot happen with the head locked
        raise LedgerError("the chain head moved while locked")
    return event


def _try_insert(conn: Any, row: list[Any], head: tuple[int, str]) -> AuditEvent | None:
    seq, prev = head[0] + 1, head[1]
    now = timezone.now()
    text = format_time(now)
    row[_PREV], row[_SEQ], row[_TIME] = prev, seq, text
    digest = event_hash(row)
    params = row + [digest]
    if conn.vendor == "postgresql":
        params[_TIME] = now
        params = [seq, digest, head[0], prev, *params]
    else:
        # Django's SQLite format, UTC "YYYY-MM-DD HH:MM:SS.ffffff" (what
        # adapt_datetimefield_value returns, but always with the fraction: CanonicalTime
        # reads both), cut from the canonical text rather than formatted again.
        params[_TIME] = f"{text[:10]} {text[11:26]}"
        params += [head[0], prev]
    inserted = _execute(conn, params)
    if inserted != 1:
        conn._audit_head = None
        return None
    conn._audit_head = (seq, digest)
    values = row + [digest]
    values[_TIME] = now
    # What Model.from_db() builds, without __init__'s per-field descriptor calls (15 µs).
    event = AuditEvent.__new__(AuditEvent)
    event.__dict__.update(zip(_ATTNAMES, values, strict=True))
    event._state = ModelState()
    event._state.adding, event._state.db = False, conn.alias
    return event


def _execute(conn: Any, params: list[Any]) -> int:
    if conn.vendor == "sqlite":
        # The DB-API cursor with "?" placeholders: Django's wrapper rewrites "%s" with a
        # regular expression on every call (15 µs, a fifth of an append on SQLite).
        conn.ensure_connection()
        conn.validate_no_broken_transaction()
        sql = _statements.get("sqlite?") or _statements.setdefault(
            "sqlite?", _insert_sql(conn).replace("%s", "?")
        )
        with conn.wrap_database_errors:
            cursor = conn.connection.cursor()
            try:
                cursor.execute(sql, params)
                return cursor.rowcount
            finally:
                cursor.close()
    with conn.cursor() as cursor:
        cursor.execute(_insert_sql(conn), params)
        return cursor.rowcount


def _locked_head(conn: Any) -> tuple[int, str]:
    """(seq, hash) of the chain head, its row locked until the transaction ends (PostgreSQL;
    on SQLite the write transaction, begun IMMEDIATE, already excludes other writers)."""
    lock = " FOR UPDATE" if conn.features.has_select_for_update else ""
    sql = f"SELECT seq, hash FROM {_HEAD_TABLE} WHERE id = 1{lock}"
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
    return _joined(access.roles_of(person, arml_id))


def _arml_id(arml: Any, obj: Model | None) -> int | None:
    if arml is not None:
        return int(arml.pk) if isinstance(arml, Model) else int(arml)
    if obj is None:
        return None
    if isinstance(obj, access.arml_model()):
        return int(obj.pk)
    value = getattr(obj, "arml_id", None)
    return None if value is None else int(value)


def data_text(data: Mapping[str, Any] | None) -> str:
    """The canonical JSON text of an event's `data` (audit.canonical)."""
    if not data:
        return "{}"
    if not isinstance(data, Mapping):
        raise ValueError("data must be a mapping")
    return canonical_data_text(data)


_HEX64 = re.compile(r"[0-9a-f]{64}")


def documents_text(documents: Iterable[Any]) -> str:
    """The canonical JSON text of the documents list: [{"sha256", "version_id"}, ...]."""
    items = []
    for item in documents:
        if isinstance(item, Mapping):
            version_id, sha256 = item["version_id"], item["sha256"]
        else:
            version_id, sha256 = item.pk, item.sha256
        if not _HEX64.fullmatch(str(sha256)):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        items.append(f'{{"sha256":"{sha256}","version_id":{int(version_id)}}}')
    return f"[{','.join(items)}]"


def _request(info: Mapping[str, str] | HttpRequest | None) -> dict[str, str]:
    ip, agent = _request_pair(info)
    return {"request_ip": ip, "request_user_agent": agent}


def _request_pair(info: Mapping[str, str] | HttpRequest | None) -> tuple[str, str]:
    if info is None:
        return "", ""
    if isinstance(info, HttpRequest):
        from config.client import client_ip  # believes X-Forwarded-For as configured

        ip, agent = client_ip(info), info.META.get("HTTP_USER_AGENT", "")
    else:
        ip, agent = info.get("ip", "") or "", info.get("user_agent", "") or ""
    return _ip(str(ip)) if ip else "", str(agent)[:500]


@lru_cache(maxsize=1024)
def _ip(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return ""


# Checkpoints --------------------------------------------------------------------------------


def checkpoint_create(*, tree_size: int | None = None, witness: bool = True) -> Checkpoint:
    """Sign and time-stamp the tree head over events 1..tree_size (default: all committed
    events), keep it with the hashes it covers since the previous checkpoint, and write it to
    the witness once committed (audit.witness).

    Idempotent: an existing checkpoint of that size is returned as is. Without a time-stamp
    token (the authority unreachable) no checkpoint is made: LedgerError, and the next run of
    `audit checkpoint --if-due` tries again.
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
    root = LedgerTree(size).mth(0, size).hex()
    previous = (
        Checkpoint.objects.filter(tree_size__lt=size)
        .order_by("-tree_size")
        .values_list("tree_size", flat=True)
        .first()
    )
    first_seq = (previous or 0) + 1
    hashes = list(
        AuditEvent.objects.filter(seq__gte=first_seq, seq__lte=size)
        .order_by("seq")
        .values_list("hash", flat=True)
    )
    if len(hashes) != size - first_seq + 1:
        raise LedgerError("the ledger has a gap in its sequence numbers")
    now = timezone.now()
    statement = checkpoint_statement(
        tree_size=size, root_hash=root, head_hash=hashes[-1], time=format_time(now)
    )
    try:
        token = signing.timestamp(statement)
    except signing.TimestampError as exc:
        raise LedgerError(f"the timestamp authority gave no token: {exc}") from exc
    checkpoint = Checkpoint(
        tree_size=size,
        root_hash=root,
        head_hash=hashes[-1],
        time=now,
        signature=signing.sign(statement),
        certificate=signing.certificate_pem().decode("ascii"),
        timestamp_token=token,
        first_seq=first_seq,
        leaves=b"".join(bytes.fromhex(h) for h in hashes),
    )
    try:
        with transaction.atomic():
            checkpoint.save()
    except IntegrityError:  # made meanwhile by another process
        return Checkpoint.objects.get(tree_size=size)
    if witness and (conf.witness_storage() or conf.witness_dir() is not None):
        transaction.on_commit(lambda: _witness_after_commit(checkpoint), robust=True)
    return checkpoint


def _witness_after_commit(checkpoint: Checkpoint) -> None:
    from audit.witness import WitnessError, write_checkpoint

    try:
        write_checkpoint(checkpoint)
    except WitnessError:
        # verify --witness reports it missing; `audit checkpoint --if-due` writes it again.
        log.exception("ledger checkpoint %s not written to the witness", checkpoint.tree_size)


def checkpoint_due(*, now: Any = None) -> bool:
    """Whether events wait for a checkpoint: ARML_CHECKPOINT_EVERY of them, or the oldest one
    ARML_CHECKPOINT_MINUTES old, whichever comes first (audit.conf)."""
    from audit import conf

    head = ChainHead.objects.values_list("seq", flat=True).first() or 0
    covered = Checkpoint.objects.order_by("-tree_size").values_list("tree_size", flat=True).first()
    covered = covered or 0
    if head <= covered:
        return False
    every, minutes = conf.checkpoint_every(), conf.checkpoint_minutes()
    if every and head - covered >= every:
        return True
    if minutes:
        oldest = AuditEvent.objects.filter(seq=covered + 1).values_list("time", flat=True).first()
        now = now or timezone.now()
        return oldest is not None and now - oldest >= dt.timedelta(minutes=minutes)
    return False


def checkpoint_if_due(*, now: Any = None) -> Checkpoint | None:
    """Write to the witness the checkpoints it lacks, then make a checkpoint if one is due
    (`manage.py audit checkpoint --if-due`, the timer, audit.tasks). Idempotent."""
    witness_sync()
    if not checkpoint_due(now=now):
        return None
    return checkpoint_create()


def witness_sync() -> list[int]:
    """Write the checkpoints the witness lacks (one whose write failed); the sizes written."""
    from audit.witness import configured, file_name, write_checkpoint

    witness = configured()
    if witness is None:
        return []
    present = set(witness.names())
    written = []
    for checkpoint in Checkpoint.objects.order_by("tree_size"):
        if file_name(checkpoint.tree_size) not in present and checkpoint.timestamp_token:
            if write_checkpoint(checkpoint, witness):
                written.append(checkpoint.tree_size)
    return written


def _checkpoint_after_commit() -> None:
    try:
        checkpoint_create()
    except Exception:
        # The chain is intact without it; the next multiple or `audit checkpoint` makes one.
        log.exception("automatic ledger checkpoint failed")


def chunks_fill(size: int) -> int:
    """Store the subtree roots (MerkleChunk, every level from BLOCK leaves up) that are complete
    within the first `size` leaves and not cached yet, reading each new leaf once. Returns how
    many were added."""
    low = MerkleChunk.MIN_LEVEL
    level_rows = _stored_counts(size)
    start = level_rows.get(low, 0)
    full = size >> low
    new: dict[int, bytes] = {}
    if start < full:
        hashes = (
            AuditEvent.objects.filter(seq__gt=start * BLOCK, seq__lte=full * BLOCK)
            .order_by("seq")
            .values_list("hash", flat=True)
            .iterator(chunk_size=BLOCK * 512)
        )
        block, position = [], start
        for value in hashes:
            block.append(merkle.leaf_hash(bytes.fromhex(value)))
            if len(block) == BLOCK:
                new[MerkleChunk.key(low, position)] = merkle.root_of(block)
                block, position = [], position + 1
        if position != full:
            raise LedgerError("the ledger has a gap in its sequence numbers")
    level = low + 1
    while size >> level:
        have, full = level_rows.get(level, 0), size >> level
        if have < full:
            children = _nodes(level - 1, 2 * have, 2 * full, new)
            for position in range(have, full):
                left = children[MerkleChunk.key(level - 1, 2 * position)]
                right = children[MerkleChunk.key(level - 1, 2 * position + 1)]
                new[MerkleChunk.key(level, position)] = merkle.node_hash(left, right)
        level += 1
    _insert_nodes(new)
    return len(new)


def _insert_nodes(nodes: dict[int, bytes]) -> None:
    """INSERT … ON CONFLICT DO NOTHING (made meanwhile by another process), in batches, without
    a model instance per row (62,000 rows at a million events)."""
    if not nodes:
        return
    conn = transaction.get_connection()
    ops = conn.ops
    sql = (
        f"INSERT INTO {ops.quote_name(MerkleChunk._meta.db_table)} "
        f"({ops.quote_name('index')}, {ops.quote_name('root_hash')}) VALUES (%s, %s) "
        "ON CONFLICT DO NOTHING"
    )
    rows = [(k, v.hex()) for k, v in nodes.items()]
    with transaction.atomic(), conn.cursor() as cursor:
        for i in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[i : i + 5000])


BLOCK = MerkleChunk.BLOCK


def _stored_counts(size: int) -> dict[int, int]:
    """How many nodes are stored at each level (they are filled left to right)."""
    counts: dict[int, int] = {}
    level = MerkleChunk.MIN_LEVEL
    while size >> level:
        counts[level] = MerkleChunk.objects.filter(
            index__gte=MerkleChunk.key(level, 0), index__lt=MerkleChunk.key(level + 1, 0)
        ).count()
        level += 1
    return counts


def _nodes(level: int, first: int, end: int, new: dict[int, bytes]) -> dict[int, bytes]:
    wanted = [MerkleChunk.key(level, p) for p in range(first, end)]
    found = {k: new[k] for k in wanted if k in new}
    missing = [k for k in wanted if k not in found]
    if missing:
        rows = MerkleChunk.objects.filter(index__gte=missing[0], index__lte=missing[-1])
        found.update((k, bytes.fromhex(v)) for k, v in rows.values_list("index", "root_hash"))
    if len(found) != len(wanted):
        raise LedgerError("the Merkle subtree cache has a gap: run `manage.py audit verify`")
    return found


class LedgerTree:
    """Subtree hashes over the first `size` events, from the cached subtree roots where
    possible. `prefetch(leaf)` reads, in one query each, the nodes and the leaf blocks an
    inclusion proof of `leaf` will ask for; anything not prefetched or not cached is read or
    computed on demand."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.nodes: dict[int, bytes] = {}
        self.blocks: dict[int, list[str]] = {}  # block -> event hashes (hex), truncated at size
        self._absent: set[int] = set()

    def prefetch(self, leaf: int) -> None:
        keys: set[int] = set()
        blocks = {leaf // BLOCK}

        def record(start: int, end: int) -> bytes:
            node = self._node_key(start, end)
            if node is not None:
                keys.add(node)
            else:
                blocks.update(range(start // BLOCK, (end - 1) // BLOCK + 1))
            return b""

        if self.size > 1:
            merkle.inclusion_proof(leaf, self.size, lambda s, e: self._plan(s, e, record))
        wanted = sorted(b for b in blocks if b not in self.blocks)
        conn = transaction.get_connection()
        q = conn.ops.quote_name
        blocks_sql, params = self._blocks_where(wanted)
        sql = f"SELECT 0, seq, hash FROM {q(AuditEvent._meta.db_table)} WHERE {blocks_sql}"
        if keys:
            sql += (
                f" UNION ALL SELECT 1, {q('index')}, root_hash FROM "
                f"{q(MerkleChunk._meta.db_table)} WHERE {q('index')} IN "
                f"({', '.join(['%s'] * len(keys))})"
            )
            params += sorted(keys)
        with conn.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        for block in wanted:
            self.blocks[block] = []
        for is_node, key, value in sorted(rows):
            if is_node:
                self.nodes[key] = bytes.fromhex(value)
            else:
                self.blocks[(key - 1) // BLOCK].append(value)
        self._absent.update(keys - self.nodes.keys())
        self._check_blocks(wanted)

    def _blocks_where(self, blocks: list[int]) -> tuple[str, list[int]]:
        params: list[int] = []
        for block in blocks:
            params += [block * BLOCK, min((block + 1) * BLOCK, self.size)]
        return " OR ".join(["(seq > %s AND seq <= %s)"] * len(blocks)) or "1 = 0", params

    def _check_blocks(self, blocks: list[int]) -> None:
        for block in blocks:
            if len(self.blocks[block]) != min((block + 1) * BLOCK, self.size) - block * BLOCK:
                raise LedgerError("the ledger has a gap in its sequence numbers")

    def _plan(self, start: int, end: int, record: Callable[[int, int], bytes]) -> bytes:
        """Walk mth(start, end) as it will run, recording what it will read."""
        if self._node_key(start, end) is not None or end - start <= BLOCK:
            return record(start, end)
        k = merkle.split_point(end - start)
        self._plan(start, start + k, record)
        self._plan(start + k, end, record)
        return b""

    def _node_key(self, start: int, end: int) -> int | None:
        n = end - start
        if n < BLOCK or n & (n - 1) or start % n:
            return None
        level = n.bit_length() - 1
        return MerkleChunk.key(level, start >> level)

    def _read_blocks(self, blocks: set[int]) -> None:
        wanted = sorted(b for b in blocks if b not in self.blocks)
        if not wanted:
            return
        where, params = self._blocks_where(wanted)
        table = AuditEvent._meta.db_table
        with transaction.get_connection().cursor() as cursor:
            cursor.execute(f"SELECT seq, hash FROM {table} WHERE {where} ORDER BY seq", params)
            rows = cursor.fetchall()
        for block in wanted:
            self.blocks[block] = []
        for seq, digest in rows:
            self.blocks[(seq - 1) // BLOCK].append(digest)
        self._check_blocks(wanted)

    def event_hash(self, seq: int) -> str:
        block = (seq - 1) // BLOCK
        self._read_blocks({block})
        return self.blocks[block][seq - 1 - block * BLOCK]

    def mth(self, start: int, end: int) -> bytes:
        node = self._node_key(start, end)
        if node is not None and end <= self.size:
            if node not in self.nodes and node not in self._absent:
                row = MerkleChunk.objects.filter(index=node).values_list("root_hash", flat=True)
                value = row.first()
                if value is None:
                    self._absent.add(node)
                else:
                    self.nodes[node] = bytes.fromhex(value)
            if node in self.nodes:
                return self.nodes[node]
        if end - start <= BLOCK and start // BLOCK == (end - 1) // BLOCK:
            block = start // BLOCK
            self._read_blocks({block})
            offset = block * BLOCK
            hashes = self.blocks[block][start - offset : end - offset]
            return merkle.root_of([merkle.leaf_hash(bytes.fromhex(h)) for h in hashes])
        k = merkle.split_point(end - start)
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
    signed: bool = False  # the root is a checkpoint's

    @property
    def checkpoint(self) -> Checkpoint | None:
        """The checkpoint whose root this is (read on demand: a proof needs only its root)."""
        if not self.signed:
            return None
        return Checkpoint.objects.filter(tree_size=self.tree_size).first()

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
    # Two statements in all (the signed root, then nodes and leaves together), in plain SQL:
    # at a million events the ORM's query building cost more than the proof.
    signed = _signed_root(tree_size)
    if tree_size is None:
        if signed is None:
            raise LedgerError("no checkpoint yet: run `manage.py audit checkpoint`")
        tree_size = signed[0]
    if not 1 <= seq <= tree_size:
        raise LedgerError(f"event {seq} is not covered by a tree of {tree_size} events")
    tree = LedgerTree(tree_size)
    tree.prefetch(seq - 1)
    event_hash_hex = tree.event_hash(seq)
    path = merkle.inclusion_proof(seq - 1, tree_size, tree.mth)
    root = signed[1] if signed is not None else tree.mth(0, tree_size).hex()
    return InclusionProof(
        seq=seq,
        tree_size=tree_size,
        event_hash=event_hash_hex,
        leaf_hash=merkle.leaf_hash(bytes.fromhex(event_hash_hex)).hex(),
        path=merkle.hexes(path),
        root_hash=root,
        signed=signed is not None,
    )


def _signed_root(tree_size: int | None) -> tuple[int, str] | None:
    """(tree size, root) of the checkpoint of that size, or of the latest one."""
    table = Checkpoint._meta.db_table
    with transaction.get_connection().cursor() as cursor:
        if tree_size is None:
            cursor.execute(
                f"SELECT tree_size, root_hash FROM {table} ORDER BY tree_size DESC LIMIT 1"
            )
        else:
            cursor.execute(
                f"SELECT tree_size, root_hash FROM {table} WHERE tree_size = %s", [tree_size]
            )
        row = cursor.fetchone()
    return None if row is None else (int(row[0]), row[1])


def consistency_proof(old_size: int, new_size: int) -> list[str]:
    """RFC 9162 proof that the tree of `old_size` events is a prefix of the one of `new_size`."""
    head = ChainHead.objects.values_list("seq", flat=True).first() or 0
    if not 0 < old_size <= new_size <= head:
        raise LedgerError(f"no consistency proof from {old_size} to {new_size} ({head} events)")
    return merkle.hexes(merkle.consistency_proof(old_size, new_size, LedgerTree(new_size).mth))
