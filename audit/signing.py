"""The one seam between the ledger and the platform PKI (documents.pki): checkpoints are signed
with the platform seal key. Tests and other deployments may replace these three functions."""

from __future__ import annotations


def sign(data: bytes) -> bytes:
    """ECDSA P-256 / SHA-256 (DER) signature of `data` with the platform seal key."""
    from documents import pki

    return pki.platform_sign(data)


def certificate_pem() -> bytes:
    """The certificate whose key `sign` uses."""
    from documents import pki

    return pki.platform_certificate_pem()


def trust_roots_pem() -> bytes:
    """The roots that certificate chains to (the platform CA)."""
    from documents import pki

    return pki.trust_roots_pem()
