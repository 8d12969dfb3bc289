"""Domain errors of the documents app. Messages are user-facing, hence translated."""

from __future__ import annotations


class DocumentError(Exception):
    """Base class: a document operation was refused."""


class CertificateError(DocumentError):
    """A certificate cannot be used to sign."""


class CertificateRevoked(CertificateError):
    pass


class CertificateExpired(CertificateError):
    pass


class SigningFailed(DocumentError):
    """The signature could not be produced (key, timestamp authority, PDF)."""


class CountersignRefused(DocumentError):
    """A countersignature does not fit the document (field, role, version, bytes)."""


class StorageMismatch(DocumentError):
    """The stored bytes do not match what the database recorded."""


class AppendOnlyError(DocumentError):
    """Issued documents, versions and signatures are never edited or deleted."""


class KeyUnavailable(SigningFailed):
    """A private key cannot be used: wrong key-encryption key, token unreachable or locked.

    A configuration fault, not a refusal: nothing is signed until an administrator fixes it.
    """


class RenderTimeout(DocumentError):
    """A render passed its time budget (`ARML_RENDER_TIMEOUT`) and was stopped: the input is
    refused, not a fault of the platform."""
