"""The ledger's Merkle tree (RFC 9162) over the event hashes, with its cache of complete
subtree roots (MerkleChunk) so that a proof at a million events reads a few rows."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from audit import merkle
from audit.models import AuditEvent, MerkleChunk
from audit.services import LedgerError


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
