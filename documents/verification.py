"""Verify a document version: every PAdES signature, the whole-file hash, the version chain.

Never raises on bad input: a file that cannot be read or parsed is a failed verification
with a reason. Messages are user-facing, hence translated.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import threading
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko_certvalidator import ValidationContext

from documents import pki, storage
from documents.models import DocumentVersion, Signature
from documents.signing import to_asn1

_lock = threading.Lock()
_trust_roots: dict[str, list[Any]] = {}


PADES_SUBFILTER = "/ETSI.CAdES.detached"


@dataclass
class SignatureReport:
    field: str
    signer: str = ""
    capacity: str = ""  # the certificate's title
    organisation: str = ""  # the certificate's O=
    level: str = ""  # PAdES-B-B, PAdES-B-T (timestamped), or "" when not PAdES
    on_behalf_of: str = ""  # the principal, when signed by delegation (recorded at signing)
    delegation: dict[str, Any] = dataclasses.field(default_factory=dict)
    #: The kind of second factor that confirmed the act of signing (recorded at signing):
    #: "totp", "webauthn", "recovery", or "" when none was asked.
    second_factor: str = ""
    signed_at: dt.datetime | None = None
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    coverage: str = ""
    modification_level: str = ""
    timestamp_at: dt.datetime | None = None
    timestamp_trusted: bool = False
    certificate_fingerprint: str = ""
    problems: list[str] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def second_factor_label(self) -> str:
        """What confirmed the act of signing, in words (« second facteur : code TOTP »)."""
        from config.labels import second_factor_label

        return second_factor_label(self.second_factor)

    @property
    def delegation_text(self) -> str:
        """« Pour Hélène Lefèvre et par délégation (délégation n° 12, à compter du …) »."""
        if not self.on_behalf_of:
            return ""
        from documents.appearance import delegation_line
        from documents.capacity import DelegationEvidence

        evidence = DelegationEvidence.from_dict({"principal": self.on_behalf_of, **self.delegation})
        return delegation_line(evidence)


@dataclass
class VerificationReport:
    version_id: int
    sha256_expected: str
    sha256_actual: str = ""
    hash_matches: bool = False
    extends_parent: bool | None = None  # None for version 1
    signatures: list[SignatureReport] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and all(s.ok for s in self.signatures)

    @property
    def reasons(self) -> list[str]:
        return self.problems + [f"{s.field}: {p}" for s in self.signatures for p in s.problems]

    def as_dict(self) -> dict[str, Any]:
        return {
            "version": self.version_id,
            "ok": self.ok,
            "sha256_expected": self.sha256_expected,
            "sha256_actual": self.sha256_actual,
            "hash_matches": self.hash_matches,
            "extends_parent": self.extends_parent,
            "problems": self.problems,
            "signatures": [
                {
                    "field": s.field,
                    "signer": s.signer,
                    "capacity": s.capacity,
                    "organisation": s.organisation,
                    "level": s.level,
                    "on_behalf_of": s.on_behalf_of or None,
                    "delegation": s.delegation or None,
                    "delegation_text": s.delegation_text or None,
                    "second_factor": s.second_factor or None,
                    "ok": s.ok,
                    "signed_at": s.signed_at.isoformat() if s.signed_at else None,
                    "intact": s.intact,
                    "valid": s.valid,
                    "trusted": s.trusted,
                    "coverage": s.coverage,
                    "modification_level": s.modification_level,
                    "timestamp_at": s.timestamp_at.isoformat() if s.timestamp_at else None,
                    "timestamp_trusted": s.timestamp_trusted,
                    "certificate_fingerprint": s.certificate_fingerprint,
                    "problems": s.problems,
                }
                for s in self.signatures
            ],
        }


def validation_context() -> ValidationContext:
    """Trust our CA (and an external TSA's roots when configured); no network fetching.

    A fresh context per verification: pyHanko contexts accumulate state; the parsed roots
    are what is worth caching.
    """
    return ValidationContext(
        trust_roots=_roots(), allow_fetching=False, revocation_mode="soft-fail"
    )


def _roots() -> list[Any]:
    ca_pem = pki.trust_roots_pem().decode()
    extra = getattr(settings, "ARML_TSA_TRUST_ROOTS", "") or ""
    key = f"{ca_pem}|{extra}"
    roots = _trust_roots.get(key)
    if roots is None:
        from cryptography import x509

        roots = [to_asn1(pki.ca().certificate)]
        if extra:
            with open(extra, "rb") as handle:
                roots += [to_asn1(c) for c in x509.load_pem_x509_certificates(handle.read())]
        with _lock:
            _trust_roots[key] = roots
    return roots


def verify(version: DocumentVersion) -> VerificationReport:
    report = VerificationReport(version_id=version.pk, sha256_expected=version.sha256)
    try:
        content = storage.read(version.storage_key)
    except Exception:  # noqa: BLE001 - any storage failure is a failed verification
        report.problems.append(_("The file of this version cannot be read from storage."))
        return report
    report.sha256_actual = hashlib.sha256(content).hexdigest()
    report.hash_matches = report.sha256_actual == version.sha256 and len(content) == version.size
    if not report.hash_matches:
        report.problems.append(
            _(
                "The file does not match its recorded SHA-256: it was "
                "modified or extended after it was stored."
            )
        )
    _check_parent(version, content, report)
    try:
        _check_signatures(version, content, report)
    except Exception as exc:  # noqa: BLE001 - garbage in, failed verification out
        report.problems.append(_("The PDF cannot be analysed: %(error)s") % {"error": exc})
    return report


def verify_recent(version: DocumentVersion, *, max_age: int = 600) -> VerificationReport:
    """verify(), reusing a report made in the last `max_age` seconds for these exact bytes.

    For the panels of the object pages (a full check costs ~90 ms per page); the verification
    page, `audit verify` and the API always check afresh."""
    from django.core.cache import cache

    key = f"documents:verify:{version.pk}:{version.sha256}"
    report = cache.get(key)
    if report is None:
        report = verify(version)
        cache.set(key, report, max_age)
    return report


def verify_bytes(
    content: bytes, *, expected_fields: dict[str, Signature] | None = None
) -> list[SignatureReport]:
    """Validate the signatures in raw PDF bytes (used by the benchmarks and verify())."""
    reader = PdfFileReader(io.BytesIO(content), strict=False)
    results = []
    context = validation_context()
    for embedded in reader.embedded_regular_signatures:
        item = SignatureReport(field=embedded.field_name)
        try:
            status = validate_pdf_signature(embedded, context)
        except Exception as exc:  # noqa: BLE001
            item.problems.append(_("The signature cannot be validated: %(error)s") % {"error": exc})
        else:
            _fill(item, status)
            item.level = _level(embedded, status)
        results.append(item)
    return results


def _level(embedded: Any, status: PdfSignatureStatus) -> str:
    """The PAdES baseline level the signature reaches: B-T with a signature timestamp."""
    subfilter = embedded.sig_object.get("/SubFilter")
    if str(subfilter) != PADES_SUBFILTER:
        return ""
    return "PAdES-B-T" if status.timestamp_validity is not None else "PAdES-B-B"


def _fill(item: SignatureReport, status: PdfSignatureStatus) -> None:
    cert = status.signing_cert
    subject = cert.subject.native
    item.signer = subject.get("common_name", "")
    item.capacity = subject.get("title", "")
    item.organisation = subject.get("organization_name", "")
    item.certificate_fingerprint = hashlib.sha256(cert.dump()).hexdigest()
    item.signed_at = status.signer_reported_dt
    item.intact, item.valid, item.trusted = status.intact, status.valid, status.trusted
    item.coverage = status.coverage.name if status.coverage else ""
    level = status.modification_level
    item.modification_level = level.name if level else ""
    if status.timestamp_validity is not None:
        item.timestamp_at = status.timestamp_validity.timestamp
        item.timestamp_trusted = status.timestamp_validity.trusted
    if not status.intact:
        item.problems.append(_("The signed content was modified (digest mismatch)."))
    if not status.valid:
        item.problems.append(_("The signature value is invalid."))
    if status.intact and status.valid and not status.trusted:
        item.problems.append(_("The signer's certificate does not chain to a trusted authority."))
    if status.timestamp_validity is None:
        item.problems.append(_("The signature has no timestamp."))
    elif not status.timestamp_validity.trusted:
        item.problems.append(_("The signature timestamp is not valid or not trusted."))
    if status.coverage is None or status.coverage.name not in ("ENTIRE_FILE", "ENTIRE_REVISION"):
        item.problems.append(_("The signature does not cover its whole revision."))
    if (
        status.coverage
        and status.coverage.name == "ENTIRE_REVISION"
        and not (
            level and level.name in ("NONE", "LTA_UPDATES", "FORM_FILLING") and status.docmdp_ok
        )
    ):
        item.problems.append(
            _("The document was modified after this signature beyond filling signature fields.")
        )


def _check_parent(version: DocumentVersion, content: bytes, report: VerificationReport) -> None:
    if version.parent_id is None:
        return
    parent = version.parent
    assert parent is not None  # parent_id is set
    try:
        previous = storage.read(parent.storage_key)
    except Exception:  # noqa: BLE001
        report.extends_parent = False
        report.problems.append(_("The file of the previous version cannot be read."))
        return
    report.extends_parent = content.startswith(previous) and len(content) > len(previous)
    if not report.extends_parent:
        report.problems.append(
            _("The bytes of this version do not extend those of version %(n)s.") % {"n": parent.n}
        )


def _check_signatures(version: DocumentVersion, content: bytes, report: VerificationReport) -> None:
    report.signatures = verify_bytes(content)
    recorded = {
        s.field: s
        for s in Signature.objects.filter(
            version__document_id=version.document_id,
            version__n__lte=version.n,
        ).select_related("on_behalf_of")
    }
    found = {s.field: s for s in report.signatures}
    for name, row in recorded.items():
        item = found.get(name)
        if item is None:
            report.problems.append(
                _("The signature of %(field)s recorded in the database is missing from the file.")
                % {"field": name}
            )
        else:
            if (
                item.certificate_fingerprint
                and item.certificate_fingerprint != row.certificate_fingerprint
            ):
                item.problems.append(_("The certificate differs from the one recorded."))
            item.on_behalf_of = str(row.on_behalf_of) if row.on_behalf_of_id else ""
            item.delegation = dict(row.delegation or {})
            item.second_factor = row.second_factor
    for name in found.keys() - recorded.keys():
        found[name].problems.append(_("This signature is not recorded in the database."))
    if report.signatures:
        last = report.signatures[-1]
        if last.coverage and last.coverage != "ENTIRE_FILE":
            last.problems.append(_("Data was added to the file after the last signature."))
