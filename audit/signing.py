"""The one seam between the ledger and the platform PKI (documents.pki, documents.signing):
checkpoints are signed with the platform seal key and time-stamped by the timestamp authority.
Tests and other deployments may replace these functions."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Coroutine
from typing import Any


class TimestampError(Exception):
    """The timestamp authority could not be reached or refused the request."""


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


def timestamp(data: bytes) -> bytes:
    """An RFC 3161 time-stamp token (DER) over SHA-256(`data`), from the authority that
    documents.signing selects: ARML_TSA_URL, or the platform's local one."""
    from documents.signing import get_timestamper

    digest = hashlib.sha256(data).digest()
    try:
        token = _run(get_timestamper().async_timestamp(digest, "sha256"))
    except Exception as exc:  # network, HTTP, malformed response: all mean "no token now"
        raise TimestampError(f"{exc.__class__.__name__}: {exc}") from exc
    return token.dump()


def tsa_trust_roots_pem() -> bytes:
    """The roots a time-stamp authority's certificate may chain to: the platform CA (the local
    authority) and, for an external one, the PEM file named by ARML_TSA_TRUST_ROOTS."""
    from django.conf import settings

    pem = trust_roots_pem()
    extra = getattr(settings, "ARML_TSA_TRUST_ROOTS", "") or ""
    if extra:
        with open(extra, "rb") as handle:
            pem += b"\n" + handle.read()
    return pem


def _run[T](coroutine: Coroutine[Any, Any, T]) -> T:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    # Called from inside an event loop (an async view): run it in a thread of its own.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
