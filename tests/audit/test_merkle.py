import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from audit import merkle

# RFC 6962 / certificate-transparency test vectors (leaf inputs and tree heads).
LEAVES = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
INCLUSION_0_OF_8 = [
    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
]
CONSISTENCY = {
    (1, 8): INCLUSION_0_OF_8,
    (6, 8): [
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
    (2, 5): [
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ],
}


def reference_mth(leaves):
    """RFC 9162 § 2.1.1, written as the recursion of the text."""
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return leaves[0]
    k = merkle.split_point(n)
    return merkle.node_hash(reference_mth(leaves[:k]), reference_mth(leaves[k:]))


def tree(n, chunk=4):
    leaves = [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(n)]
    return leaves, merkle.MemoryTree(leaves, chunk=chunk)


def test_it_matches_the_known_tree_heads():
    leaves = [merkle.leaf_hash(d) for d in LEAVES]
    for size, root in enumerate(ROOTS, 1):
        assert merkle.root_of(leaves[:size]).hex() == root
        frontier = merkle.Frontier()
        for data in LEAVES[:size]:
            frontier.append(data)
        assert frontier.root().hex() == root


def test_it_matches_the_known_proofs():
    leaves = [merkle.leaf_hash(d) for d in LEAVES]
    mem = merkle.MemoryTree(leaves, chunk=2)
    assert merkle.hexes(merkle.inclusion_proof(0, 8, mem.mth)) == INCLUSION_0_OF_8
    for (old, new), expected in CONSISTENCY.items():
        proof = merkle.consistency_proof(old, new, mem.mth)
        assert merkle.hexes(proof) == expected
        assert merkle.verify_consistency(
            old, new, bytes.fromhex(ROOTS[old - 1]), bytes.fromhex(ROOTS[new - 1]), proof
        )
    assert merkle.verify_inclusion(
        0, 8, leaves[0], [bytes.fromhex(h) for h in INCLUSION_0_OF_8], bytes.fromhex(ROOTS[7])
    )


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 300), st.data())
def test_inclusion_proofs_verify_and_detect_tampering(n, data):
    leaves, mem = tree(n)
    root = reference_mth(leaves)
    assert mem.mth(0, n) == root
    index = data.draw(st.integers(0, n - 1))
    proof = merkle.inclusion_proof(index, n, mem.mth)
    assert merkle.verify_inclusion(index, n, leaves[index], proof, root)
    assert not merkle.verify_inclusion(index, n, merkle.leaf_hash(b"forged"), proof, root)
    if proof:
        bad = list(proof)
        bad[data.draw(st.integers(0, len(bad) - 1))] = b"\x00" * 32
        assert not merkle.verify_inclusion(index, n, leaves[index], bad, root)
        assert not merkle.verify_inclusion(index, n, leaves[index], proof[:-1], root)
    if n > 1:
        other = (index + 1) % n
        assert not merkle.verify_inclusion(other, n, leaves[other], proof, root)


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 300), st.data())
def test_consistency_proofs_verify_and_detect_tampering(new, data):
    old = data.draw(st.integers(1, new))
    leaves, mem = tree(new)
    old_root, new_root = reference_mth(leaves[:old]), reference_mth(leaves)
    proof = merkle.consistency_proof(old, new, mem.mth)
    assert merkle.verify_consistency(old, new, old_root, new_root, proof)
    assert not merkle.verify_consistency(old, new, merkle.leaf_hash(b"x"), new_root, proof)
    if proof:
        bad = list(proof)
        bad[data.draw(st.integers(0, len(bad) - 1))] = b"\x01" * 32
        assert not merkle.verify_consistency(old, new, old_root, new_root, bad)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 3000))
def test_the_streaming_frontier_agrees_with_the_recursion(n):
    leaves, mem = tree(n, chunk=16)
    seen = {}
    frontier = merkle.Frontier(
        watch=16, on_perfect=lambda start, size, root: seen.update({(start, size): root})
    )
    for i in range(n):
        frontier.append(i.to_bytes(4, "big"))
    assert frontier.root() == reference_mth(leaves)
    expected = {
        (s, size): reference_mth(leaves[s : s + size])
        for size in (16 << k for k in range(12))
        for s in range(0, n - size + 1, size)
    }
    assert seen == expected
