"""`manage.py audit verify`: the whole ledger re-checked from the database."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps

from audit import conf, signing, timestamps
from audit.canonical import event_bytes, format_time
from audit.chain import SEQ, ChainState, Failure, walk
from audit.crypto import checkpoint_statement, load_pem_certificates, signature_problem
from audit.merkle import Frontier
from audit.models import ROW_COLUMNS, AuditEvent, CanonicalTime, ChainHead, Checkpoint, MerkleChunk
from audit.witness import Witness, WitnessError, WitnessRecord, encode, record_of
from audit.witness import records as witness_records

CLOCK_SKEW = dt.timedelta(minutes=5)


@dataclass
class VerifyReport:
    events: int = 0
    checkpoints: int = 0
    documents: int = 0
    attachments: int = 0
    witnessed: int | None = None
    failures: list[Failure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary(self) -> str:
        status = "OK" if self.ok else f"FAILED ({len(self.failures)} problem(s))"
        witnessed = "" if self.witnessed is None else f", {self.witnessed} witness records"
        return (
            f"{status}: {self.events} events, {self.checkpoints} checkpoints{witnessed}, "
            f"{self.documents} document versions, {self.attachments} attachments checked"
        )


def ledger_rows(*, after: int = 0, chunk_size: int = 10_000):  # type: ignore[no-untyped-def]
    """The events as canonical row tuples (audit.chain), in seq order, streamed."""
    return (
        AuditEvent.objects.filter(seq__gt=after)
        .order_by("seq")
        .annotate(canonical_time=CanonicalTime("time"))
        .values_list(*ROW_COLUMNS)
        .iterator(chunk_size=chunk_size)
    )


def verify_ledger(
    *,
    progress: Callable[[int], None] | None = None,
    documents: bool = True,
    witness: Witness | None = None,
) -> VerifyReport:
    """Re-check the chain, the checkpoints (signature, time-stamp, root) and the documents;
    with a witness, compare the database's checkpoints with it and check its records too.

    When a signed root (the database's or the witness's) does not match the events, the first
    event that differs from it is named, from the hashes the checkpoints recorded."""
    report = VerifyReport()
    checkpoints = Checkpoint.objects.order_by("tree_size")
    if witness is not None:  # compared whole with the witness's records
        checkpoints = checkpoints.defer(None)
    checkpoints = list(checkpoints)
    witnessed: list[WitnessRecord] = []
    if witness is not None:
        witnessed = _read_witness(witness, report)
    chunks = dict(MerkleChunk.objects.values_list("index", "root_hash"))

    def check_chunk(start: int, size: int, root: bytes) -> None:
        level = size.bit_length() - 1
        key = MerkleChunk.key(level, start >> level)
        if key in chunks and chunks.pop(key) != root.hex():
            report.failures.append(
                Failure(
                    None, f"cached Merkle subtree of events {start + 1}–{start + size} is wrong"
                )
            )

    state = ChainState(frontier=Frontier(watch=MerkleChunk.BLOCK, on_perfect=check_chunk))
    sizes = {c.tree_size for c in checkpoints} | {w.tree_size for w in witnessed}
    failure = walk(ledger_rows(), state, roots_at=sizes, progress=progress)
    report.events = state.next_seq - 1
    if failure is not None:
        report.failures.append(failure)
    else:
        head = ChainHead.objects.filter(pk=1).values_list("seq", "hash").first()
        if head is not None and head != (report.events, state.prev_hash):
            report.failures.append(Failure(head[0], "the chain head does not match the last event"))
    heads = [_head_of(c) for c in checkpoints]
    heads += [_head_of_witness(w) for w in witnessed]
    _check_heads(heads, state, report, complete=failure is None)
    if witness is not None:
        _compare_with_witness(checkpoints, witnessed, witness, report)
    if documents:
        _check_documents(report)
    return report


@dataclass
class SignedHead:
    """A checkpoint as verify sees it, from the database or from the witness."""

    source: str  # "" for the database, "witness " for the witness
    tree_size: int
    root_hash: str
    head_hash: str
    time: dt.datetime
    statement: bytes
    signature: bytes
    certificate: str
    timestamp_token: bytes
    first_seq: int | None
    leaves: Callable[[], list[bytes]]

    @property
    def label(self) -> str:
        return f"{self.source}checkpoint at tree size {self.tree_size}"


def _head_of(checkpoint: Checkpoint) -> SignedHead:
    return SignedHead(
        source="",
        tree_size=checkpoint.tree_size,
        root_hash=checkpoint.root_hash,
        head_hash=checkpoint.head_hash,
        time=checkpoint.time,
        statement=checkpoint.statement(),
        signature=bytes(checkpoint.signature),
        certificate=checkpoint.certificate,
        timestamp_token=bytes(checkpoint.timestamp_token or b""),
        first_seq=checkpoint.first_seq,
        leaves=checkpoint.leaf_hashes,
    )


def _head_of_witness(record: WitnessRecord) -> SignedHead:
    data = record.record
    return SignedHead(
        source="witness ",
        tree_size=record.tree_size,
        root_hash=data["root_hash"],
        head_hash=data["head_hash"],
        time=dt.datetime.fromisoformat(data["time"]),
        statement=checkpoint_statement(
            tree_size=record.tree_size,
            root_hash=data["root_hash"],
            head_hash=data["head_hash"],
            time=data["time"],
        ),
        signature=record.signature,
        certificate=data["certificate"],
        timestamp_token=record.timestamp_token,
        first_seq=data.get("first_seq"),
        leaves=record.leaf_hashes,
    )


def _check_heads(
    heads: list[SignedHead], state: ChainState, report: VerifyReport, *, complete: bool
) -> None:
    roots = load_pem_certificates(signing.trust_roots_pem()) if heads else []
    tsa_roots = load_pem_certificates(signing.tsa_trust_roots_pem()) if heads else []
    max_delay = dt.timedelta(seconds=conf.tsa_max_delay_seconds())
    mismatched: list[SignedHead] = []
    for head in heads:
        if not head.source:
            report.checkpoints += 1
        size = head.tree_size
        if size not in state.heads:
            if complete:
                report.failures.append(
                    Failure(size, f"{head.label} is beyond the end of the chain")
                )
            continue
        root, last_hash = state.heads[size]
        if root.hex() != head.root_hash:
            report.failures.append(Failure(size, f"{head.label}: root does not match the events"))
            mismatched.append(head)
        elif last_hash != head.head_hash:
            report.failures.append(
                Failure(size, f"{head.label}: head hash does not match the events")
            )
        problem = signature_problem(
            head.statement, head.signature, head.certificate, roots, at=head.time
        )
        if problem:
            report.failures.append(Failure(size, f"{head.label}: signature: {problem}"))
        _check_timestamp(head, tsa_roots, max_delay, report)
    for source in ("", "witness "):
        _check_time_order([h for h in heads if h.source == source], report)
    if mismatched:
        report.failures.extend(_locate(mismatched, heads, state))


def _check_timestamp(
    head: SignedHead, roots: list[Any], max_delay: dt.timedelta, report: VerifyReport
) -> None:
    size = head.tree_size
    if not head.timestamp_token:
        report.failures.append(Failure(size, f"{head.label} is not time-stamped"))
        return
    check = timestamps.check_token(head.timestamp_token, head.statement, roots)
    if not check.ok:
        report.failures.append(Failure(size, f"{head.label}: time-stamp: {check.problem}"))
        return
    assert check.gen_time is not None
    late = check.gen_time - head.time
    if late > max_delay or late < -CLOCK_SKEW:
        report.failures.append(
            Failure(
                size,
                f"{head.label} states {format_time(head.time)} but was time-stamped at "
                f"{format_time(check.gen_time)}: signed later than it says",
            )
        )


def _check_time_order(heads: list[SignedHead], report: VerifyReport) -> None:
    ordered = sorted(heads, key=lambda h: h.tree_size)
    for before, after in zip(ordered, ordered[1:], strict=False):
        if after.time < before.time:
            report.failures.append(
                Failure(
                    after.tree_size,
                    f"{before.label} is dated after the {after.label.removeprefix(after.source)}"
                    f" ({format_time(before.time)} > {format_time(after.time)}): re-signed?",
                )
            )


def _locate(
    mismatched: list[SignedHead], heads: list[SignedHead], state: ChainState
) -> list[Failure]:
    """The first event whose content differs from what the first mismatching root signed.

    Every signed root below it matched, so the events up to the largest such size are as
    signed. Above it, each event's hash is recomputed from its content and compared with the
    hashes a source (the witness, then the database) recorded with its checkpoints, once those
    hashes are shown to rebuild the signed root (so that they are the ones it signed)."""
    size = min(h.tree_size for h in mismatched)
    good = max(
        (
            h.tree_size
            for h in heads
            if h.tree_size < size
            and h.tree_size in state.heads
            and state.heads[h.tree_size][0].hex() == h.root_hash
        ),
        default=0,
    )
    failures: list[Failure] = []
    chosen: tuple[SignedHead, dict[int, bytes], bool] | None = None
    for source in ("witness ", ""):
        bad = next((h for h in mismatched if h.tree_size == size and h.source == source), None)
        if bad is None:
            continue
        reference = _recorded(heads, source, good, size)
        authentic = len(reference) == size - good and _rebuilds_root(bad, good, reference, state)
        if len(reference) == size - good and not authentic:
            failures.append(
                Failure(size, f"{bad.label}: the hashes recorded with it do not rebuild its root")
            )
        if chosen is None or (authentic and not chosen[2]):
            chosen = (bad, reference, authentic)
    assert chosen is not None
    bad, reference, authentic = chosen
    sha256 = hashlib.sha256
    for row in ledger_rows(after=good, chunk_size=2_000):
        seq = row[SEQ]
        if seq > size:
            break
        expected = reference.get(seq)
        if expected is not None and sha256(event_bytes(row)).digest() != expected:
            if authentic:
                return [Failure(seq, f"event n°{seq} differs from {bad.label}"), *failures]
            return [
                Failure(seq, f"event n°{seq} differs from the hashes recorded with {bad.label}"),
                *failures,
            ]
    if authentic:
        failures.append(
            Failure(size, f"{bad.label}: the events are those it recorded, its root is not theirs")
        )
    else:
        failures.append(
            Failure(
                None,
                f"an event among n°{good + 1} to n°{size} differs from {bad.label} "
                "(no recorded hashes to name it)",
            )
        )
    return failures


def _recorded(heads: list[SignedHead], source: str, good: int, size: int) -> dict[int, bytes]:
    """The event hashes one source's checkpoints recorded for events good+1..size."""
    reference: dict[int, bytes] = {}
    for head in sorted(heads, key=lambda h: -h.tree_size):
        if head.source != source or head.first_seq is None or head.tree_size <= good:
            continue
        leaves = head.leaves()
        if not leaves or leaves[-1].hex() != head.head_hash:
            continue  # not the hashes this head signed
        for offset, leaf in enumerate(leaves):
            seq = head.first_seq + offset
            if good < seq <= size:
                reference.setdefault(seq, leaf)
    return reference


def _rebuilds_root(
    bad: SignedHead, good: int, reference: dict[int, bytes], state: ChainState
) -> bool:
    """Whether the events up to `good` (as signed by a matching root) followed by the recorded
    hashes give `bad`'s signed root: then those hashes are the ones it signed."""
    if good and good not in state.frontiers:
        return False
    frontier = Frontier.resume(state.frontiers.get(good, []), good)
    for seq in range(good + 1, bad.tree_size + 1):
        frontier.append(reference[seq])
    return frontier.root().hex() == bad.root_hash


def _read_witness(witness: Witness, report: VerifyReport) -> list[WitnessRecord]:
    try:
        entries = list(witness_records(witness))
    except WitnessError as exc:
        report.failures.append(Failure(None, f"witness: {exc}"))
        return []
    result = []
    for entry in entries:
        if isinstance(entry, WitnessError):
            report.failures.append(Failure(None, f"witness: {entry}"))
        else:
            result.append(entry)
    report.witnessed = len(result)
    return result


def _compare_with_witness(
    checkpoints: list[Checkpoint],
    witnessed: list[WitnessRecord],
    witness: Witness,
    report: VerifyReport,
) -> None:
    by_size = {w.tree_size: w for w in witnessed}
    for checkpoint in checkpoints:
        size = checkpoint.tree_size
        record = by_size.pop(size, None)
        if record is None:
            report.failures.append(
                Failure(
                    size,
                    f"checkpoint at tree size {size} is missing from the witness ({witness.label})",
                )
            )
        elif record.raw != encode(record_of(checkpoint)):
            report.failures.append(
                Failure(
                    size, f"checkpoint at tree size {size} differs from the witness's {record.name}"
                )
            )
    for size, record in sorted(by_size.items()):
        report.failures.append(
            Failure(
                size,
                f"witness {record.name} holds a checkpoint at tree size {size} that "
                "the database lacks",
            )
        )


def _check_documents(report: VerifyReport) -> None:
    if not apps.is_installed("documents"):
        return
    from documents.models import DocumentVersion
    from documents.verification import verify

    stored = dict(DocumentVersion.objects.values_list("pk", "sha256"))
    referencing = AuditEvent.objects.exclude(documents_json="[]").order_by("seq")
    for seq, documents_json in referencing.values_list("seq", "documents_json").iterator():
        for item in json.loads(documents_json):
            if stored.get(item["version_id"]) != item["sha256"]:
                report.failures.append(
                    Failure(seq, f"document version {item['version_id']} does not match its hash")
                )
    for version in DocumentVersion.objects.order_by("pk").iterator():
        report.documents += 1
        result = verify(version)
        if not result.ok:
            reasons = "; ".join(str(r) for r in result.reasons)
            report.failures.append(Failure(None, f"document version {version.pk}: {reasons}"))
    _check_attachments(report)


def _check_attachments(report: VerifyReport) -> None:
    """Each attached file still has its SHA-256, and the ledger records that same hash."""
    from documents.attachments import file_matches
    from documents.models import Attachment

    stored = dict(Attachment.objects.values_list("pk", "sha256"))
    recording = AuditEvent.objects.filter(data_json__contains='"attachment"').order_by("seq")
    for seq, data_json in recording.values_list("seq", "data_json").iterator():
        attached = json.loads(data_json).get("attachment")
        if isinstance(attached, dict) and stored.get(attached.get("id") or 0) != attached.get(
            "sha256"
        ):
            report.failures.append(
                Failure(seq, f"attachment {attached.get('id')} does not match its hash")
            )
    for attachment in Attachment.objects.order_by("pk").iterator():
        report.attachments += 1
        if not file_matches(attachment):
            report.failures.append(
                Failure(
                    None, f"attachment {attachment.pk}: file missing or not matching its SHA-256"
                )
            )


@dataclass
class EventCheck:
    """One event verified on its own: content vs hash, inclusion in the signed tree head."""

    content_ok: bool
    proof: object | None = None  # audit.proofs.InclusionProof
    proof_ok: bool = False
    signature_problem: str | None = None
    not_covered: bool = False

    @property
    def ok(self) -> bool:
        return self.content_ok and self.proof_ok and self.signature_problem is None


def check_event(event: AuditEvent) -> EventCheck:
    from audit.canonical import record_hash
    from audit.proofs import inclusion_proof, latest_checkpoint
    from audit.services import LedgerError

    result = EventCheck(content_ok=record_hash(event.record()) == event.hash)
    checkpoint = latest_checkpoint()
    if checkpoint is None or checkpoint.tree_size < event.seq:
        result.not_covered = True
        return result
    try:
        proof = inclusion_proof(event.seq, checkpoint.tree_size)
    except LedgerError as exc:
        result.signature_problem = str(exc)
        return result
    result.proof = proof
    result.proof_ok = proof.event_hash == event.hash and proof.verify()
    result.signature_problem = signature_problem(
        checkpoint.statement(),
        bytes(checkpoint.signature),
        checkpoint.certificate,
        load_pem_certificates(signing.trust_roots_pem()),
        at=checkpoint.time,
    )
    return result
