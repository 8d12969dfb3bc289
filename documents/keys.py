"""Where private keys live, and the only code that touches them.

Two places (`Certificate.key_store`):
- `database`: the PKCS#8 key encrypted with AES-256-GCM under a key derived (HKDF-SHA256) from
  the key-encryption key (KEK) `settings.ARML_KEY_ENCRYPTION_KEY`; the certificate's
  fingerprint is the associated data, so a blob cannot be moved to another row. Without a KEK
  (development only: production refuses to start, see documents/checks.py) SECRET_KEY is used.
  `manage.py pki rekey` re-encrypts every such key under a new KEK.
- `pkcs11`: generated inside a PKCS#11 token, sensitive and not extractable; the database holds
  the certificate and the key's CKA_ID only (documents/hsm.py).

A `KeyHandle` signs (ECDSA P-256, SHA-256, DER) without exposing where the key is. Decrypted
keys are cached in process memory, never logged, never served.
"""

from __future__ import annotations

import abc
import os
import threading
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from documents.exceptions import DocumentError, KeyUnavailable
from documents.models import Certificate, KeyStore

_FORMAT_V1 = b"v1"
MIN_KEK_LENGTH = 32
_cache: dict[str, KeyHandle] = {}
_cache_lock = threading.Lock()


class KeyHandle(abc.ABC):
    """A private key that can sign, wherever it lives."""

    store: str

    @abc.abstractmethod
    def sign(self, data: bytes) -> bytes:
        """ECDSA P-256 signature (DER) of SHA-256(data)."""

    @abc.abstractmethod
    def public_key(self) -> ec.EllipticCurvePublicKey: ...


class SoftwareKey(KeyHandle):
    """A key held in memory (decrypted from the database, or just generated)."""

    store = KeyStore.DATABASE

    def __init__(self, private_key: ec.EllipticCurvePrivateKey) -> None:
        self.private_key = private_key

    def sign(self, data: bytes) -> bytes:
        return self.private_key.sign(data, ec.ECDSA(hashes.SHA256()))

    def public_key(self) -> ec.EllipticCurvePublicKey:
        return self.private_key.public_key()


@dataclass(frozen=True)
class NewKey:
    """A freshly generated key and what its certificate row stores about it."""

    handle: KeyHandle
    store: str
    reference: str  # CKA_ID (hex) for a token key, "" for a database key

    def encrypted_for(self, fingerprint: str) -> bytes:
        if isinstance(self.handle, SoftwareKey):
            return encrypt(self.handle.private_key, fingerprint)
        return b""


def generate(*, in_token: bool, label: str) -> NewKey:
    """A new P-256 key: inside the PKCS#11 token when `in_token`, else in memory."""
    if in_token:
        from documents import hsm

        reference = hsm.token().generate(label=label)
        return NewKey(hsm.TokenKey(reference), KeyStore.PKCS11, reference)
    return NewKey(SoftwareKey(ec.generate_private_key(ec.SECP256R1())), KeyStore.DATABASE, "")


def remember(fingerprint: str, handle: KeyHandle) -> None:
    _cache[fingerprint] = handle


def load(record: Certificate) -> KeyHandle:
    """The key of this certificate, from the cache, the database or the token."""
    handle = _cache.get(record.fingerprint)
    if handle is not None:
        return handle
    if record.key_store == KeyStore.PKCS11:
        from documents import hsm

        handle = hsm.TokenKey(record.key_reference)
    else:
        handle = SoftwareKey(decrypt(bytes(record.encrypted_key), record.fingerprint))
    with _cache_lock:
        _cache[record.fingerprint] = handle
    return handle


def forget() -> None:
    """Drop the decrypted keys held in memory (tests; after a KEK change in-process)."""
    with _cache_lock:
        _cache.clear()


# Encryption at rest -------------------------------------------------------------------------


def current_secret() -> str:
    return settings.ARML_KEY_ENCRYPTION_KEY or settings.SECRET_KEY


@lru_cache(maxsize=4)
def _aead(secret: str) -> AESGCM:
    derived = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"arml-governance documents.pki",
        info=b"private-key-encryption-v1",
    ).derive(secret.encode())
    return AESGCM(derived)


def encrypt(key: ec.EllipticCurvePrivateKey, fingerprint: str, secret: str | None = None) -> bytes:
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    nonce = os.urandom(12)
    sealed = _aead(secret or current_secret()).encrypt(nonce, der, fingerprint.encode())
    return _FORMAT_V1 + nonce + sealed


def decrypt(blob: bytes, fingerprint: str, secret: str | None = None) -> ec.EllipticCurvePrivateKey:
    """The private key; `KeyUnavailable` (with the cause, in French) when the KEK is wrong."""
    if not blob.startswith(_FORMAT_V1) or len(blob) < 2 + 12 + 16:
        raise KeyUnavailable(_("The stored private key is unreadable (unknown format)."))
    nonce, sealed = blob[2:14], blob[14:]
    try:
        der = _aead(secret or current_secret()).decrypt(nonce, sealed, fingerprint.encode())
    except InvalidTag:
        raise KeyUnavailable(
            _(
                "The key-encryption key does not match the one the private keys were encrypted "
                "with (ARML_KEY_ENCRYPTION_KEY): no signature can be made. Restore the key they "
                "were encrypted with, then re-encrypt them if needed with `manage.py pki rekey`."
            )
        ) from None
    key = serialization.load_der_private_key(der, password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):  # pragma: no cover - we only write EC
        raise KeyUnavailable(_("The stored private key is unreadable (unknown format)."))
    return key


def kek_matches(record: Certificate) -> bool:
    """Whether the configured KEK decrypts this certificate's key (database keys only)."""
    try:
        decrypt(bytes(record.encrypted_key), record.fingerprint)
    except KeyUnavailable:
        return False
    return True


@dataclass(frozen=True)
class RekeyResult:
    rekeyed: int
    already: int  # already under the new KEK (a rekey run again)

    @property
    def total(self) -> int:
        return self.rekeyed + self.already


def validate_new_secret(new_secret: str, old_secret: str) -> None:
    if len(new_secret) < MIN_KEK_LENGTH:
        raise DocumentError(
            _("The new key-encryption key must be at least %(n)d characters long.")
            % {"n": MIN_KEK_LENGTH}
        )
    if new_secret == old_secret:
        raise DocumentError(_("The new key-encryption key is the current one."))
    if new_secret == settings.SECRET_KEY:
        raise DocumentError(_("The key-encryption key must differ from SECRET_KEY."))


def rekey(new_secret: str, *, old_secret: str | None = None) -> RekeyResult:
    """Re-encrypt every key stored in the database under `new_secret`: all or nothing.

    Idempotent: a key that already opens with the new KEK is left as it is, so a run
    interrupted before the settings were switched can be run again.
    """
    old = old_secret or current_secret()
    validate_new_secret(new_secret, old)
    rekeyed = already = 0
    with transaction.atomic():
        records = (
            Certificate.objects.select_for_update()
            .filter(key_store=KeyStore.DATABASE)
            .order_by("pk")
        )
        for record in records:
            blob = bytes(record.encrypted_key)
            try:
                key = decrypt(blob, record.fingerprint, old)
            except KeyUnavailable:
                try:
                    decrypt(blob, record.fingerprint, new_secret)
                except KeyUnavailable:
                    raise KeyUnavailable(
                        _(
                            "The key of the certificate %(subject)s opens with neither the "
                            "current nor the new key-encryption key; nothing was changed."
                        )
                        % {"subject": record.subject}
                    ) from None
                already += 1
                continue
            record.encrypted_key = encrypt(key, record.fingerprint, new_secret)
            record.save(update_fields=["encrypted_key"])
            rekeyed += 1
    return RekeyResult(rekeyed, already)
