"""Re-hashing the chain: the core shared by `manage.py audit verify` and the benchmark.

No Django here. Rows are tuples in canonical.FIELDS order followed by the stored hash; `time` may
be a datetime (from the database) or its canonical string.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from audit.canonical import GENESIS_HASH, event_bytes
from audit.merkle import Frontier

SEQ, PREV, HASH = 18, 12, 21


@dataclass(frozen=True)
class Failure:
    seq: int | None
    message: str

    def __str__(self) -> str:
        return f"seq {self.seq}: {self.message}" if self.seq is not None else self.message


@dataclass
class ChainState:
    """Where the walk stands: the next seq expected, the last hash, the tree head so far."""

    next_seq: int = 1
    prev_hash: str = GENESIS_HASH
    frontier: Frontier = field(default_factory=Frontier)
    heads: dict[int, tuple[bytes, str]] = field(default_factory=dict)  # size -> (root, hash)
    # size -> the frontier's subtree roots there (at most 64 hashes): lets verify rebuild a
    # signed root from the events up to that size plus hashes recorded by a checkpoint
    frontiers: dict[int, list[bytes]] = field(default_factory=dict)


def walk(
    rows: Iterable[tuple[Any, ...]],
    state: ChainState,
    *,
    roots_at: frozenset[int] | set[int] = frozenset(),
    progress: Callable[[int], None] | None = None,
    progress_every: int = 10_000,
) -> Failure | None:
    """Check seq continuity, links and hashes of `rows`; stop at the first failure.

    Keeps the Merkle frontier up to date and records the tree head (root, last hash) at every
    size in `roots_at`.
    """
    sha256, encode, append = hashlib.sha256, event_bytes, state.frontier.append
    expected, prev = state.next_seq, state.prev_hash
    try:
        for row in rows:
            seq = row[SEQ]
            if seq != expected:
                return Failure(seq, f"sequence gap: expected {expected}")
            if row[PREV] != prev:
                return Failure(seq, "prev_hash does not match the previous event's hash")
            digest = sha256(encode(row)).digest()
            prev = digest.hex()
            if prev != row[HASH]:
                return Failure(seq, "stored hash does not match the event's content")
            append(digest)
            if seq in roots_at:
                state.heads[seq] = (state.frontier.root(), prev)
                state.frontiers[seq] = list(state.frontier.hashes)
            if progress is not None and seq % progress_every == 0:
                progress(seq)
            expected += 1
    except (TypeError, ValueError, AttributeError) as exc:
        return Failure(expected, f"malformed event: {exc}")
    finally:
        state.next_seq, state.prev_hash = expected, prev
    return None
