"""The witness: every checkpoint also written outside the database.

One file per checkpoint, `checkpoint-<tree size, 12 digits>.json`, never overwritten: in an
append-only directory (ARML_LEDGER_WITNESS_DIR; written to a temporary file, synced, then
hard-linked to its name, which fails if the name exists) or in object storage through a Django
storage alias (ARML_LEDGER_WITNESS_STORAGE; use a bucket with object lock or versioning). A file
holds what makes the checkpoint checkable on its own: the statement, the seal's signature and
certificate, the time-stamp token, and the hashes of the events it covers since the previous
checkpoint (authenticated by the signed root).

Someone who can rewrite the database (a superuser, the seal key decryptable) can rewrite the
events, delete a checkpoint and sign a new one; they cannot change what the witness already
holds. `manage.py audit verify --witness` compares the two.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from audit.canonical import format_time

FORMAT = "arml-governance/audit-witness/v1"
NAME_RE = re.compile(r"^checkpoint-(\d{12})\.json$")
HEX64 = re.compile(r"^[0-9a-f]{64}$")


class WitnessError(Exception):
    """The witness cannot be written or read, or already holds a different record."""


def file_name(tree_size: int) -> str:
    return f"checkpoint-{tree_size:012d}.json"


def record_of(checkpoint: Any) -> dict[str, Any]:
    """The witness record of a Checkpoint row (also a line of the export bundle)."""
    leaves = bytes(checkpoint.leaves or b"")
    return {
        "format": FORMAT,
        "tree_size": checkpoint.tree_size,
        "root_hash": checkpoint.root_hash,
        "head_hash": checkpoint.head_hash,
        "time": format_time(checkpoint.time),
        "statement": checkpoint.statement().decode("ascii"),
        "signature": base64.b64encode(bytes(checkpoint.signature)).decode("ascii"),
        "certificate": checkpoint.certificate,
        "timestamp_token": base64.b64encode(bytes(checkpoint.timestamp_token or b"")).decode(
            "ascii"
        ),
        "first_seq": checkpoint.first_seq,
        "hashes": [leaves[i : i + 32].hex() for i in range(0, len(leaves), 32)],
    }


def encode(record: dict[str, Any]) -> bytes:
    return (json.dumps(record, indent=1, sort_keys=True) + "\n").encode("ascii")


@dataclass(frozen=True)
class WitnessRecord:
    name: str
    tree_size: int
    record: dict[str, Any]
    raw: bytes

    @property
    def signature(self) -> bytes:
        return base64.b64decode(self.record["signature"])

    @property
    def timestamp_token(self) -> bytes:
        return base64.b64decode(self.record.get("timestamp_token") or "")

    @property
    def statement(self) -> bytes:
        return str(self.record["statement"]).encode("ascii")

    def leaf_hashes(self) -> list[bytes]:
        return [bytes.fromhex(h) for h in self.record.get("hashes") or []]


def parse(name: str, raw: bytes) -> WitnessRecord:
    match = NAME_RE.match(name)
    if match is None:
        raise WitnessError(f"{name}: not a witness file name")
    try:
        record = json.loads(raw)
        size = int(record["tree_size"])
        if record.get("format") != FORMAT:
            raise ValueError(f"unknown format {record.get('format')!r}")
        for key in ("root_hash", "head_hash", "time", "statement", "signature", "certificate"):
            if not isinstance(record.get(key), str):
                raise ValueError(f"no {key}")
        dt.datetime.fromisoformat(record["time"])
        base64.b64decode(record["signature"], validate=True)
        base64.b64decode(record.get("timestamp_token") or "", validate=True)
        hashes = record.get("hashes") or []
        if not all(isinstance(h, str) and HEX64.match(h) for h in hashes):
            raise ValueError("a recorded hash is not a SHA-256 hex digest")
        if record.get("first_seq") is not None and int(record["first_seq"]) < 1:
            raise ValueError("first_seq below 1")
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise WitnessError(f"{name}: unreadable witness record ({exc})") from None
    if size != int(match.group(1)):
        raise WitnessError(f"{name}: holds the checkpoint at tree size {size}")
    return WitnessRecord(name=name, tree_size=size, record=record, raw=raw)


class Witness(Protocol):
    label: str

    def write(self, name: str, data: bytes) -> bool:
        """Write once; True if written, False if an identical file was there; WitnessError
        if a different one is."""
        ...

    def names(self) -> list[str]: ...

    def read(self, name: str) -> bytes: ...


class DirectoryWitness:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.label = str(self.path)

    def write(self, name: str, data: bytes) -> bool:
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            final = self.path / name
            if final.exists():
                return _same(name, final.read_bytes(), data)
            temporary = self.path / f".{name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
            with open(temporary, "xb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            try:
                os.link(temporary, final)  # atomic, and refuses to replace an existing name
            except FileExistsError:
                return _same(name, final.read_bytes(), data)
            finally:
                temporary.unlink(missing_ok=True)
            _fsync_dir(self.path)
        except OSError as exc:
            raise WitnessError(f"cannot write {name} to {self.path}: {exc}") from exc
        return True

    def names(self) -> list[str]:
        if not self.path.exists():  # nothing written yet: every checkpoint is then missing
            return []
        if not self.path.is_dir():
            raise WitnessError(f"{self.path} is not a directory")
        return sorted(p.name for p in self.path.iterdir() if NAME_RE.match(p.name))

    def read(self, name: str) -> bytes:
        return (self.path / name).read_bytes()


class StorageWitness:
    def __init__(self, alias: str) -> None:
        from django.core.files.storage import storages

        self.storage = storages[alias]
        self.label = f"storage {alias!r}"

    def write(self, name: str, data: bytes) -> bool:
        from django.core.files.base import ContentFile

        try:
            if self.storage.exists(name):
                return _same(name, self.read(name), data)
            saved = self.storage.save(name, ContentFile(data))
        except OSError as exc:
            raise WitnessError(f"cannot write {name} to {self.label}: {exc}") from exc
        if saved != name:  # written meanwhile by another process, kept under another name
            self.storage.delete(saved)
            return _same(name, self.read(name), data)
        return True

    def names(self) -> list[str]:
        try:
            _, files = self.storage.listdir("")
        except (OSError, NotImplementedError) as exc:
            raise WitnessError(f"cannot list {self.label}: {exc}") from exc
        return sorted(name for name in files if NAME_RE.match(name))

    def read(self, name: str) -> bytes:
        with self.storage.open(name, "rb") as handle:
            return handle.read()


def _same(name: str, existing: bytes, data: bytes) -> bool:
    if existing != data:
        raise WitnessError(f"{name} already holds a different checkpoint: not overwritten")
    return False


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def configured() -> Witness | None:
    """The witness the settings name, or None when there is none."""
    from audit import conf

    alias = conf.witness_storage()
    if alias:
        return StorageWitness(alias)
    path = conf.witness_dir()
    return DirectoryWitness(path) if path is not None else None


def write_checkpoint(checkpoint: Any, witness: Witness | None = None) -> bool:
    witness = witness or configured()
    if witness is None:
        return False
    return witness.write(file_name(checkpoint.tree_size), encode(record_of(checkpoint)))


def records(witness: Witness) -> Iterator[WitnessRecord | WitnessError]:
    """Every record of the witness, in tree-size order; an unreadable one as its error."""
    for name in witness.names():
        try:
            yield parse(name, witness.read(name))
        except WitnessError as exc:
            yield exc
        except OSError as exc:
            yield WitnessError(f"{name}: cannot read it ({exc})")
