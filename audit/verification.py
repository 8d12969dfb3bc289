"""`manage.py audit verify`: the whole ledger re-checked from the database."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps

from audit import signing
from audit.chain import ChainState, Failure, walk
from audit.crypto import load_pem_certificates, signature_problem
from audit.merkle import Frontier
from audit.models import ROW_COLUMNS, AuditEvent, CanonicalTime, ChainHead, Checkpoint, MerkleChunk


@dataclass
class VerifyReport:
    events: int = 0
    checkpoints: int = 0
    documents: int = 0
    failures: list[Failure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary(self) -> str:
        status = "OK" if self.ok else f"FAILED ({len(self.failures)} problem(s))"
        return (
            f"{status}: {self.events} events, {self.checkpoints} checkpoints, "
            f"{self.documents} document versions checked"
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
    *, progress: Callable[[int], None] | None = None, documents: bool = True
) -> VerifyReport:
    report = VerifyReport()
    checkpoints = list(Checkpoint.objects.order_by("tree_size"))
    chunks = dict(MerkleChunk.objects.values_list("index", "root_hash"))

    def check_chunk(start: int, root: bytes) -> None:
        index = start // MerkleChunk.CHUNK
        if index in chunks and chunks.pop(index) != root.hex():
            report.failures.append(Failure(None, f"cached Merkle subtree {index} is wrong"))

    state = ChainState(frontier=Frontier(watch=MerkleChunk.CHUNK, on_perfect=check_chunk))
    failure = walk(
        ledger_rows(), state, roots_at={c.tree_size for c in checkpoints}, progress=progress
    )
    report.events = state.next_seq - 1
    if failure is not None:
        report.failures.append(failure)
    else:
        head = ChainHead.objects.filter(pk=1).values_list("seq", "hash").first()
        if head is not None and head != (report.events, state.prev_hash):
            report.failures.append(Failure(head[0], "the chain head does not match the last event"))
    _check_checkpoints(checkpoints, state, report, complete=failure is None)
    if documents:
        _check_documents(report)
    return report


def _check_checkpoints(
    checkpoints: list[Checkpoint], state: ChainState, report: VerifyReport, *, complete: bool
) -> None:
    roots = load_pem_certificates(signing.trust_roots_pem()) if checkpoints else []
    for checkpoint in checkpoints:
        report.checkpoints += 1
        size = checkpoint.tree_size
        if size not in state.heads:
            if complete:
                report.failures.append(Failure(size, "checkpoint beyond the end of the chain"))
            continue
        root, last_hash = state.heads[size]
        if root.hex() != checkpoint.root_hash:
            report.failures.append(Failure(size, "checkpoint root does not match the events"))
        if last_hash != checkpoint.head_hash:
            report.failures.append(Failure(size, "checkpoint head hash does not match the events"))
        problem = signature_problem(
            checkpoint.statement(),
            bytes(checkpoint.signature),
            checkpoint.certificate,
            roots,
            at=checkpoint.time,
        )
        if problem:
            report.failures.append(Failure(size, f"checkpoint signature: {problem}"))


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


@dataclass
class EventCheck:
    """One event verified on its own: content vs hash, inclusion in the signed tree head."""

    content_ok: bool
    proof: object | None = None  # audit.services.InclusionProof
    proof_ok: bool = False
    signature_problem: str | None = None
    not_covered: bool = False

    @property
    def ok(self) -> bool:
        return self.content_ok and self.proof_ok and self.signature_problem is None


def check_event(event: AuditEvent) -> EventCheck:
    from audit.canonical import record_hash
    from audit.services import LedgerError, inclusion_proof, latest_checkpoint

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
