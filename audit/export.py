"""`manage.py audit export`: one ARML's ledger as a bundle that audit.offline verifies.

The layout and the reasons for it are in audit/offline.py's docstring.
"""

from __future__ import annotations

import base64
import json
import zipfile
from pathlib import Path
from typing import Any

from django.apps import apps
from django.utils import timezone

from audit import conf, merkle, offline, signing, witness
from audit.canonical import FIELDS, canonical_json, format_time
from audit.checkpoints import checkpoint_create
from audit.models import Checkpoint
from audit.verification import ledger_rows

README_TEXT = """Audit ledger export — ARML Governance
=====================================

ARML: {arml}
Events: 1 to {tree_size} (signed checkpoint of {time})

Contents
- manifest.json            what this bundle covers
- events.jsonl             every event of the ledger up to the checkpoint, one JSON object a
                           line; events of other ARMLs are redacted to their seq and hash
- checkpoints.jsonl        signed Merkle tree heads (RFC 9162), signature in base64 (ECDSA
                           P-256 / SHA-256 over the canonical JSON statement), with certificate
                           and RFC 3161 time-stamp token (base64) over the same statement
- witness/                 each checkpoint as the witness outside the database holds it:
                           compare them with your copy of the witness
- proofs/inclusion.jsonl   inclusion proof of each event of this ARML in the last checkpoint
- proofs/consistency.jsonl consistency proofs between successive checkpoints
- documents.json, documents/  the document versions these events refer to
- attachments.json, attachments/  the files attached as evidence that these events record
                           (each event's data.attachment names the file and its SHA-256)
- trust/platform-ca.pem    the platform's root certificate; trust/platform-seal.pem its seal;
                           trust/tsa-roots.pem the time-stamp authorities' roots

How to verify
    python -m audit.offline {name}            (Python 3.12+ and the `cryptography` package)
    python -m audit.offline {name} --ca my-copy-of-the-platform-ca.pem

An event's hash is the SHA-256 of the canonical JSON of all its other fields (sorted keys, no
whitespace, non-ASCII as \\uXXXX escapes); see audit/canonical.py. The verifier re-hashes every
full event, checks the links and the sequence, rebuilds each checkpoint's Merkle root from all
the hashes, checks the signatures, the time-stamps, the proofs and the documents' SHA-256.
"""


def export_bundle(*, arml: Any, out: str | Path) -> dict[str, Any]:
    """Write the bundle for `arml` to `out`; returns the manifest."""
    head = checkpoint_create()
    size = head.tree_size
    checkpoints = list(
        Checkpoint.objects.filter(tree_size__lte=size).order_by("tree_size").defer(None)
    )
    leaves: list[bytes] = []
    visible: list[dict[str, Any]] = []
    out = Path(out)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        with bundle.open(offline.EVENTS, "w") as events:
            for row in ledger_rows():
                seq, digest = row[18], row[21]
                if seq > size:
                    break
                leaves.append(merkle.leaf_hash(bytes.fromhex(digest)))
                if row[4] == arml.pk:
                    record = dict(zip(FIELDS, row, strict=False))
                    record["data"] = json.loads(record["data"])
                    record["documents"] = json.loads(record["documents"])
                    line = {**record, "hash": digest}
                    visible.append(line)
                else:
                    line = {"seq": seq, "hash": digest, "redacted": True}
                events.write(canonical_json(line) + b"\n")
        tree = merkle.MemoryTree(leaves)
        _write_lines(bundle, offline.CHECKPOINTS, [_checkpoint_line(c) for c in checkpoints])
        _write_lines(
            bundle,
            offline.CONSISTENCY,
            [
                {
                    "old_size": old.tree_size,
                    "new_size": new.tree_size,
                    "path": merkle.hexes(
                        merkle.consistency_proof(old.tree_size, new.tree_size, tree.mth)
                    ),
                }
                for old, new in zip(checkpoints, checkpoints[1:], strict=False)
            ],
        )
        _write_lines(
            bundle,
            offline.INCLUSION,
            [
                {
                    "seq": record["seq"],
                    "tree_size": size,
                    "event_hash": record["hash"],
                    "path": merkle.hexes(merkle.inclusion_proof(record["seq"] - 1, size, tree.mth)),
                }
                for record in visible
            ],
        )
        documents = _write_documents(bundle, visible)
        attachments = _write_attachments(bundle, visible)
        bundle.writestr(offline.TRUST_CA, signing.trust_roots_pem())
        bundle.writestr(offline.TRUST_SEAL, signing.certificate_pem())
        bundle.writestr(offline.TRUST_TSA, signing.tsa_trust_roots_pem())
        for checkpoint in checkpoints:  # as the witness holds them
            bundle.writestr(
                f"{offline.WITNESS}{witness.file_name(checkpoint.tree_size)}",
                witness.encode(witness.record_of(checkpoint)),
            )
        manifest = {
            "format": offline.FORMAT,
            "arml": {"id": arml.pk, "short_name": arml.short_name, "name": arml.name},
            "tree_size": size,
            "root_hash": head.root_hash,
            "created": format_time(timezone.now()),
            "events_in_full": len(visible),
            "tsa_max_delay_seconds": conf.tsa_max_delay_seconds(),
            "documents": documents,
            "attachments": attachments,
        }
        bundle.writestr(offline.MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False))
        bundle.writestr(
            offline.README,
            README_TEXT.format(
                arml=arml.name, tree_size=size, time=format_time(head.time), name=out.name
            ),
        )
    return manifest


def _checkpoint_line(checkpoint: Checkpoint) -> dict[str, Any]:
    return {
        "tree_size": checkpoint.tree_size,
        "root_hash": checkpoint.root_hash,
        "head_hash": checkpoint.head_hash,
        "time": format_time(checkpoint.time),
        "signature": base64.b64encode(bytes(checkpoint.signature)).decode("ascii"),
        "certificate": checkpoint.certificate,
        "timestamp_token": base64.b64encode(bytes(checkpoint.timestamp_token or b"")).decode(
            "ascii"
        ),
    }


def _write_lines(bundle: zipfile.ZipFile, name: str, lines: list[dict[str, Any]]) -> None:
    bundle.writestr(name, b"".join(canonical_json(line) + b"\n" for line in lines))


def _write_documents(bundle: zipfile.ZipFile, visible: list[dict[str, Any]]) -> int:
    wanted = {int(ref["version_id"]) for record in visible for ref in record["documents"]}
    listed = []
    if wanted and apps.is_installed("documents"):
        from documents import storage
        from documents.models import DocumentVersion

        for version in DocumentVersion.objects.filter(pk__in=wanted).order_by("pk"):
            path = f"documents/{version.pk}-{version.filename or 'document.pdf'}"
            bundle.writestr(path, storage.read(version.storage_key))
            listed.append(
                {
                    "version_id": version.pk,
                    "sha256": version.sha256,
                    "size": version.size,
                    "filename": version.filename,
                    "path": path,
                }
            )
    bundle.writestr(offline.DOCUMENTS, json.dumps(listed, indent=2, ensure_ascii=False))
    return len(listed)


def _write_attachments(bundle: zipfile.ZipFile, visible: list[dict[str, Any]]) -> int:
    """The attached files the visible events record (`data.attachment`), with their SHA-256."""
    wanted = {
        int(record["data"]["attachment"]["id"])
        for record in visible
        if isinstance(record.get("data"), dict)
        and isinstance(record["data"].get("attachment"), dict)
    }
    listed = []
    if wanted and apps.is_installed("documents"):
        from documents import storage
        from documents.models import Attachment

        for attachment in Attachment.objects.filter(pk__in=wanted).order_by("pk"):
            path = f"{offline.ATTACHMENTS_DIR}{attachment.pk}-{attachment.filename}"
            bundle.writestr(path, storage.read(attachment.storage_key))
            listed.append(
                {
                    "id": attachment.pk,
                    "sha256": attachment.sha256,
                    "size": attachment.size,
                    "filename": attachment.filename,
                    "path": path,
                }
            )
    bundle.writestr(offline.ATTACHMENTS, json.dumps(listed, indent=2, ensure_ascii=False))
    return len(listed)
