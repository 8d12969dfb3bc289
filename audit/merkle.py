"""Merkle tree hashing, proofs and their verification, as in RFC 9162 § 2.1. No Django here.

Leaves are the events' hashes (32 raw bytes each): leaf hash = SHA-256(0x00 || event hash),
node hash = SHA-256(0x01 || left || right), and the tree over n leaves splits at k, the
largest power of two smaller than n. Proof generation takes a `mth(start, end)` function that
returns the hash of the subtree over leaves [start, end), so that callers can serve subtree
roots from a cache (see audit.services) or from memory (`MemoryTree`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

_sha256 = hashlib.sha256
EMPTY_ROOT = _sha256(b"").digest()
SubtreeHash = Callable[[int, int], bytes]


def leaf_hash(event_hash: bytes) -> bytes:
    return _sha256(b"\x00" + event_hash).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return _sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def root_of(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH over already leaf-hashed entries, level by level (an odd last node moves up as is)."""
    if not leaf_hashes:
        return EMPTY_ROOT
    level = list(leaf_hashes)
    while len(level) > 1:
        nxt = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


class Frontier:
    """Streaming tree head: the roots of the perfect subtrees covering the leaves so far.

    The sizes of those subtrees are the binary digits of the leaf count, so only their hashes
    are kept. `append` costs one leaf hash plus, on average, one node hash; `root()` folds at
    most log2(n) hashes. `on_perfect(start, size, root)` is called for every completed perfect
    aligned subtree of at least `watch` leaves (to check the cached subtree roots in verify).
    """

    __slots__ = ("hashes", "size", "watch", "on_perfect")

    def __init__(
        self, *, watch: int = 0, on_perfect: Callable[[int, int, bytes], None] | None = None
    ) -> None:
        if watch & (watch - 1):
            raise ValueError("watch must be a power of two")
        self.hashes: list[bytes] = []
        self.size = 0
        self.watch = watch
        self.on_perfect = on_perfect

    def append(self, event_hash: bytes) -> None:
        hashes = self.hashes
        hashes.append(_sha256(b"\x00" + event_hash).digest())
        self.size = count = self.size + 1
        merged = 1
        while not count & 1:
            right = hashes.pop()
            hashes[-1] = _sha256(b"\x01" + hashes[-1] + right).digest()
            count >>= 1
            merged <<= 1
            if merged >= self.watch and self.on_perfect is not None:
                self.on_perfect(self.size - merged, merged, hashes[-1])

    @classmethod
    def resume(cls, hashes: Sequence[bytes], size: int) -> Frontier:
        """The frontier of a tree of `size` leaves whose subtree roots are `hashes`."""
        frontier = cls()
        frontier.hashes, frontier.size = list(hashes), size
        return frontier

    def root(self) -> bytes:
        if not self.hashes:
            return EMPTY_ROOT
        result = self.hashes[-1]
        for left in reversed(self.hashes[:-1]):
            result = node_hash(left, result)
        return result


def inclusion_proof(index: int, size: int, mth: SubtreeHash) -> list[bytes]:
    """PATH(index, D[0:size]) of RFC 9162 § 2.1.3.1."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of size {size}")
    path: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        k = split_point(end - start)
        if index - start < k:
            path.append(mth(start + k, end))
            end = start + k
        else:
            path.append(mth(start, start + k))
            start += k
    path.reverse()
    return path


def consistency_proof(old_size: int, new_size: int, mth: SubtreeHash) -> list[bytes]:
    """PROOF(old_size, D[0:new_size]) of RFC 9162 § 2.1.4.1."""
    if not 0 < old_size <= new_size:
        raise ValueError(f"no consistency proof from size {old_size} to {new_size}")
    proof: list[bytes] = []
    m, start, end, complete = old_size, 0, new_size, True
    while True:
        n = end - start
        if m == n:
            if not complete:
                proof.append(mth(start, end))
            break
        k = split_point(n)
        if m <= k:
            proof.append(mth(start + k, end))
            end = start + k
        else:
            proof.append(mth(start, start + k))
            m -= k
            start += k
            complete = False
    proof.reverse()
    return proof


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """The root that `proof` leads to from `leaf` (RFC 9162 § 2.1.3.2), or ValueError."""
    if not 0 <= index < size:
        raise ValueError("leaf index outside the tree")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ValueError("inclusion proof too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ValueError("inclusion proof too short")
    return r


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> bool:
    try:
        return root_from_inclusion(index, size, leaf, proof) == root
    except ValueError:
        return False


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 § 2.1.4.2."""
    if not 0 < old_size <= new_size:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is the first node
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while fn & 1 == 0 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root


class MemoryTree:
    """Subtree hashes over an in-memory list of leaf hashes, memoising perfect aligned subtrees
    of at least `chunk` leaves (they are all a proof ever needs from the left of the tree)."""

    def __init__(self, leaves: Sequence[bytes], *, chunk: int = 1024) -> None:
        self.leaves = leaves
        self.chunk = chunk
        self.memo: dict[tuple[int, int], bytes] = {}

    def mth(self, start: int, end: int) -> bytes:
        size = end - start
        if size <= self.chunk:
            return root_of(self.leaves[start:end])
        perfect = size & (size - 1) == 0 and start % size == 0
        if perfect and (start, end) in self.memo:
            return self.memo[(start, end)]
        k = split_point(size)
        result = node_hash(self.mth(start, start + k), self.mth(start + k, end))
        if perfect:
            self.memo[(start, end)] = result
        return result


def hexes(hashes: Iterable[bytes]) -> list[str]:
    return [h.hex() for h in hashes]
