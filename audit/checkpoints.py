"""Checkpoints: the signed, time-stamped tree head every N events or T minutes, and its copy in
the witness outside the database (audit.witness)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from audit import conf, signing
from audit.canonical import format_time
from audit.crypto import checkpoint_statement
from audit.models import AuditEvent, ChainHead, Checkpoint
from audit.services import LedgerError
from audit.tree import LedgerTree, chunks_fill

log = logging.getLogger(__name__)


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
