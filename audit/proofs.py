"""Proofs over the ledger: that an event is in a checkpoint's tree (inclusion), and that an
older tree is a prefix of a newer one (consistency)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from audit import merkle
from audit.models import ChainHead, Checkpoint
from audit.services import LedgerError
from audit.tree import LedgerTree


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
