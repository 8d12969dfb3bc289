"""Checkpoint statements and their signature check. No Django here (used by audit.offline)."""

from __future__ import annotations

import datetime as dt

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from audit.canonical import canonical_json

STATEMENT_TYPE = "arml-governance/audit-checkpoint/v1"


def checkpoint_statement(*, tree_size: int, root_hash: str, head_hash: str, time: str) -> bytes:
    """The bytes the platform key signs for a checkpoint."""
    return canonical_json(
        {
            "type": STATEMENT_TYPE,
            "tree_size": tree_size,
            "root_hash": root_hash,
            "head_hash": head_hash,
            "time": time,
        }
    )


def load_pem_certificates(pem: bytes | str) -> list[x509.Certificate]:
    data = pem.encode("ascii") if isinstance(pem, str) else pem
    return x509.load_pem_x509_certificates(data) if data.strip() else []


def signature_problem(
    statement: bytes,
    signature: bytes,
    certificate_pem: bytes | str,
    trust_roots: list[x509.Certificate],
    *,
    at: dt.datetime | None = None,
) -> str | None:
    """Why the signature is not acceptable, or None when it is valid, by a certificate issued by
    one of `trust_roots` (or being one of them), and valid at time `at`."""
    try:
        certificate = load_pem_certificates(certificate_pem)[0]
    except (ValueError, IndexError):
        return "unreadable signing certificate"
    key = certificate.public_key()
    try:
        if isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, statement, ec.ECDSA(hashes.SHA256()))
        elif isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, statement, padding.PKCS1v15(), hashes.SHA256())
        else:
            return "unsupported key type in the signing certificate"
    except InvalidSignature:
        return "bad signature"
    if at is not None and not (
        certificate.not_valid_before_utc <= at <= certificate.not_valid_after_utc
    ):
        return "signing certificate not valid at the checkpoint's time"
    if not trust_roots:
        return "no trust root to check the signing certificate against"
    for root in trust_roots:
        if certificate == root:
            return None
        try:
            certificate.verify_directly_issued_by(root)
        except (ValueError, TypeError, InvalidSignature):
            continue
        return None
    return "signing certificate not issued by a trusted root"
