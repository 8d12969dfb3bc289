"""Stand-alone verifier of an audit export bundle: `python -m audit.offline bundle.zip`.

Needs only the standard library, `cryptography` and `asn1crypto` (for the time-stamp tokens;
without it they are reported unchecked): no Django, no database. Exit status 0 when
everything checks, 1 on the first failure (named with its seq when it concerns an event).

Why the bundle holds every event, some redacted
-----------------------------------------------
An export is for one ARML, but the hash chain and the Merkle tree run over the events of all
ARMLs. The bundle therefore lists every event up to a signed checkpoint: the ARML's events in
full, the others reduced to their seq and hash ("redacted": their content stays private). So:

- the hashes of all events rebuild the checkpoint's Merkle root, whose signature by the
  platform key authenticates every hash, redacted or not, and proves no event is missing;
- each full event is re-hashed from its content (audit.canonical), so its content is proven;
- each full event's prev_hash must equal the previous event's hash, so links are checked
  wherever one side is visible, and seq numbers must run 1..tree_size without a gap;
- inclusion proofs for the ARML's events and consistency proofs between the checkpoints are
  included too, and checked, for auditors who keep only some events or only the tree heads.

Proofs alone (without the redacted hashes) would prove inclusion but not that no event of the
ARML was left out of the bundle; with the full list of hashes, the bundle is complete.

The trust roots are inside the bundle: compare the CA fingerprint printed with the one the
platform publishes, or pass `--ca file.pem` to use your own copy.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import json
import re
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from audit import merkle, timestamps
from audit.canonical import FIELDS, GENESIS_HASH, record_hash
from audit.crypto import checkpoint_statement, load_pem_certificates, signature_problem

FORMAT = "arml-governance/audit-bundle/v1"
MANIFEST = "manifest.json"
EVENTS = "events.jsonl"
CHECKPOINTS = "checkpoints.jsonl"
INCLUSION = "proofs/inclusion.jsonl"
CONSISTENCY = "proofs/consistency.jsonl"
DOCUMENTS = "documents.json"
ATTACHMENTS = "attachments.json"
ATTACHMENTS_DIR = "attachments/"
TRUST_CA = "trust/platform-ca.pem"
TRUST_SEAL = "trust/platform-seal.pem"
TRUST_TSA = "trust/tsa-roots.pem"
WITNESS = "witness/"
README = "README.txt"
HEX64 = re.compile(r"^[0-9a-f]{64}$")


class BundleError(Exception):
    def __init__(self, message: str, seq: int | None = None) -> None:
        super().__init__(message)
        self.seq = seq

    def __str__(self) -> str:
        text = super().__str__()
        return f"seq {self.seq}: {text}" if self.seq is not None else text


@dataclass
class Result:
    events: int = 0
    visible: int = 0
    checkpoints: int = 0
    proofs: int = 0
    documents: int = 0
    attachments: int = 0
    timestamps: int = 0
    ca_fingerprint: str = ""
    notes: list[str] = field(default_factory=list)


def _lines(bundle: zipfile.ZipFile, name: str) -> Iterator[dict[str, Any]]:
    if name not in bundle.namelist():
        return
    with bundle.open(name) as handle:
        for number, raw in enumerate(handle, 1):
            if raw.strip():
                try:
                    yield json.loads(raw)
                except json.JSONDecodeError:
                    raise BundleError(f"{name} line {number} is not JSON") from None


def _hex(value: Any, what: str, seq: int | None = None) -> bytes:
    if not isinstance(value, str) or not HEX64.match(value):
        raise BundleError(f"{what} is not a SHA-256 hex digest", seq)
    return bytes.fromhex(value)


def verify_bundle(path: str, *, ca_pem: bytes | None = None) -> Result:
    result = Result()
    try:
        bundle = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise BundleError(f"cannot open the bundle: {exc}") from None
    with bundle:
        manifest = json.loads(bundle.read(MANIFEST))
        if manifest.get("format") != FORMAT:
            raise BundleError(f"unknown bundle format {manifest.get('format')!r}")
        arml_id = manifest["arml"]["id"]
        roots = load_pem_certificates(ca_pem if ca_pem is not None else bundle.read(TRUST_CA))
        if not roots:
            raise BundleError("no trust root")
        result.ca_fingerprint = roots[0].fingerprint(hashes.SHA256()).hex(":")
        checkpoints = list(_lines(bundle, CHECKPOINTS))
        if not checkpoints:
            raise BundleError("the bundle has no checkpoint")
        heads = {int(c["tree_size"]): c for c in checkpoints}
        tree_size = max(heads)
        if tree_size != manifest["tree_size"]:
            raise BundleError("the manifest's tree size is not its last checkpoint's")

        visible, seen = _check_events(bundle, heads, arml_id, result)
        if result.events != tree_size:
            raise BundleError(
                f"the bundle has {result.events} events, its checkpoint {tree_size}",
                result.events + 1,
            )
        tsa_roots = roots + [
            c for c in load_pem_certificates(_read(bundle, TRUST_TSA)) if c not in roots
        ]
        max_delay = dt.timedelta(seconds=int(manifest.get("tsa_max_delay_seconds", 600)))
        for size, checkpoint in sorted(heads.items()):
            _check_checkpoint(size, checkpoint, seen[size], roots)
            result.timestamps += _check_timestamp(size, checkpoint, tsa_roots, max_delay, result)
            result.checkpoints += 1
        _check_witness_copies(bundle, heads)
        _check_proofs(bundle, heads, visible, result)
        _check_documents(bundle, visible, result)
        _check_attachments(bundle, visible, result)
    return result


def _check_events(
    bundle: zipfile.ZipFile, heads: dict[int, Any], arml_id: int, result: Result
) -> tuple[dict[int, dict[str, Any]], dict[int, tuple[bytes, str]]]:
    frontier = merkle.Frontier()
    seen: dict[int, tuple[bytes, str]] = {}
    visible: dict[int, dict[str, Any]] = {}
    prev = GENESIS_HASH
    expected = 1
    for line in _lines(bundle, EVENTS):
        seq = line.get("seq")
        if seq != expected:
            raise BundleError(f"expected event {expected}: an event is missing or moved", seq)
        digest = _hex(line.get("hash"), "hash", seq)
        if not line.get("redacted"):
            record = {name: line.get(name) for name in FIELDS}
            if set(FIELDS) - set(line):
                raise BundleError("event record is incomplete", seq)
            if record["prev_hash"] != prev:
                raise BundleError("prev_hash does not match the previous event's hash", seq)
            try:
                recomputed = record_hash(record)
            except (TypeError, ValueError) as exc:
                raise BundleError(f"event cannot be hashed: {exc}", seq) from None
            if recomputed != line["hash"]:
                raise BundleError("event content does not match its hash", seq)
            if record["arml_id"] != arml_id:
                raise BundleError("event of another ARML shown in full", seq)
            visible[seq] = record
            result.visible += 1
        prev = line["hash"]
        frontier.append(digest)
        if seq in heads:
            seen[seq] = (frontier.root(), prev)
        expected += 1
    result.events = expected - 1
    return visible, seen


def _check_checkpoint(
    size: int, checkpoint: dict[str, Any], seen: tuple[bytes, str], roots: list[x509.Certificate]
) -> None:
    root, last_hash = seen
    if root.hex() != checkpoint["root_hash"]:
        raise BundleError(f"checkpoint {size}: Merkle root does not match the events", size)
    if last_hash != checkpoint["head_hash"]:
        raise BundleError(f"checkpoint {size}: head hash does not match the events", size)
    problem = signature_problem(
        _statement(size, checkpoint),
        base64.b64decode(checkpoint["signature"]),
        checkpoint["certificate"],
        roots,
        at=dt.datetime.fromisoformat(checkpoint["time"]),
    )
    if problem:
        raise BundleError(f"checkpoint {size}: {problem}", size)


def _read(bundle: zipfile.ZipFile, name: str) -> bytes:
    return bundle.read(name) if name in bundle.namelist() else b""


def _statement(size: int, checkpoint: dict[str, Any]) -> bytes:
    return checkpoint_statement(
        tree_size=size,
        root_hash=checkpoint["root_hash"],
        head_hash=checkpoint["head_hash"],
        time=checkpoint["time"],
    )


def _check_timestamp(
    size: int,
    checkpoint: dict[str, Any],
    roots: list[x509.Certificate],
    max_delay: dt.timedelta,
    result: Result,
) -> int:
    token = base64.b64decode(checkpoint.get("timestamp_token") or "")
    if not token:
        raise BundleError(f"checkpoint {size}: not time-stamped", size)
    if not timestamps.available():
        note = "time-stamps not checked: install asn1crypto"
        if note not in result.notes:
            result.notes.append(note)
        return 0
    check = timestamps.check_token(token, _statement(size, checkpoint), roots)
    if not check.ok:
        raise BundleError(f"checkpoint {size}: time-stamp: {check.problem}", size)
    assert check.gen_time is not None
    late = check.gen_time - dt.datetime.fromisoformat(checkpoint["time"])
    if late > max_delay or late < -dt.timedelta(minutes=5):
        raise BundleError(
            f"checkpoint {size}: time-stamped at {check.gen_time.isoformat()}, not when it "
            "says it was signed",
            size,
        )
    return 1


def _check_witness_copies(bundle: zipfile.ZipFile, heads: dict[int, Any]) -> None:
    for name in bundle.namelist():
        if not name.startswith(WITNESS) or name == WITNESS:
            continue
        record = json.loads(bundle.read(name))
        size = int(record["tree_size"])
        line = heads.get(size)
        keys = ("root_hash", "head_hash", "time", "signature", "certificate", "timestamp_token")
        if line is None or any(record.get(k) != line.get(k) for k in keys):
            raise BundleError(f"{name} does not match the bundle's checkpoint {size}", size)


def _check_proofs(
    bundle: zipfile.ZipFile,
    heads: dict[int, Any],
    visible: dict[int, dict[str, Any]],
    result: Result,
) -> None:
    for proof in _lines(bundle, CONSISTENCY):
        old, new = int(proof["old_size"]), int(proof["new_size"])
        if old not in heads or new not in heads:
            raise BundleError(f"consistency proof {old}→{new} names an unknown checkpoint")
        path = [_hex(p, "proof node") for p in proof["path"]]
        if not merkle.verify_consistency(
            old,
            new,
            _hex(heads[old]["root_hash"], "root"),
            _hex(heads[new]["root_hash"], "root"),
            path,
        ):
            raise BundleError(f"consistency proof {old}→{new} does not verify")
        result.proofs += 1
    proven = set()
    for proof in _lines(bundle, INCLUSION):
        seq, size = int(proof["seq"]), int(proof["tree_size"])
        if seq not in visible or size not in heads:
            raise BundleError("inclusion proof for an event or tree not in the bundle", seq)
        event = _hex(proof["event_hash"], "event hash", seq)
        path = [_hex(p, "proof node", seq) for p in proof["path"]]
        if not merkle.verify_inclusion(
            seq - 1, size, merkle.leaf_hash(event), path, _hex(heads[size]["root_hash"], "root")
        ):
            raise BundleError("inclusion proof does not verify", seq)
        proven.add(seq)
        result.proofs += 1
    missing = sorted(set(visible) - proven)
    if missing:
        raise BundleError("no inclusion proof for this event", missing[0])


def _check_documents(
    bundle: zipfile.ZipFile, visible: dict[int, dict[str, Any]], result: Result
) -> None:
    listed = {}
    if DOCUMENTS in bundle.namelist():
        for item in json.loads(bundle.read(DOCUMENTS)):
            content = bundle.read(item["path"]) if item["path"] in bundle.namelist() else None
            if content is None:
                raise BundleError(f"document version {item['version_id']}: file missing")
            if hashlib.sha256(content).hexdigest() != item["sha256"]:
                raise BundleError(
                    f"document version {item['version_id']}: file does not match its SHA-256"
                )
            listed[int(item["version_id"])] = item["sha256"]
            result.documents += 1
    for seq, record in sorted(visible.items()):
        for ref in record["documents"]:
            if listed.get(int(ref["version_id"])) != ref["sha256"]:
                raise BundleError(f"document version {ref['version_id']} missing or different", seq)


def _check_attachments(
    bundle: zipfile.ZipFile, visible: dict[int, dict[str, Any]], result: Result
) -> None:
    """Each attached file has the SHA-256 listed, and every event recording an attachment
    (data.attachment) names a file of the bundle with that same SHA-256."""
    listed = {}
    if ATTACHMENTS in bundle.namelist():
        for item in json.loads(bundle.read(ATTACHMENTS)):
            content = bundle.read(item["path"]) if item["path"] in bundle.namelist() else None
            if content is None:
                raise BundleError(f"attachment {item['id']}: file missing")
            if hashlib.sha256(content).hexdigest() != item["sha256"]:
                raise BundleError(f"attachment {item['id']}: file does not match its SHA-256")
            listed[int(item["id"])] = item["sha256"]
            result.attachments += 1
    for seq, record in sorted(visible.items()):
        data = record.get("data")
        attached = data.get("attachment") if isinstance(data, dict) else None
        if isinstance(attached, dict) and listed.get(int(attached["id"])) != attached["sha256"]:
            raise BundleError(f"attachment {attached['id']} missing or different", seq)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m audit.offline", description="Verify an audit ledger export bundle."
    )
    parser.add_argument("bundle")
    parser.add_argument("--ca", help="PEM file of the trust root to use instead of the bundle's")
    args = parser.parse_args(argv)
    ca_pem = None
    if args.ca:
        with open(args.ca, "rb") as handle:
            ca_pem = handle.read()
    try:
        result = verify_bundle(args.bundle, ca_pem=ca_pem)
    except (BundleError, KeyError, ValueError, TypeError) as exc:
        if isinstance(exc, KeyError):
            exc = BundleError(f"missing item {exc}")
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    print(f"Trust root SHA-256 fingerprint: {result.ca_fingerprint}")
    print(
        f"OK: {result.events} events ({result.visible} in full), {result.checkpoints} "
        f"checkpoints, {result.timestamps} time-stamps, {result.proofs} proofs, "
        f"{result.documents} documents, {result.attachments} attachments verified"
    )
    for note in result.notes:
        print(f"Note: {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
