"""The platform's PKI: a CA (ECDSA P-256), a seal key, a timestamp authority, signer certificates.

Private keys are stored in `Certificate.encrypted_key`, encrypted with AES-256-GCM under a key
derived (HKDF-SHA256) from `settings.ARML_KEY_ENCRYPTION_KEY`, or from `SECRET_KEY` when that is
empty (development only: rotating SECRET_KEY would then lock every key). Keys are never logged,
never served, and decrypted keys are only cached in process memory.

Certificates are issued on first need. A revoked or expired certificate is not silently
replaced: signing fails with `CertificateRevoked` / `CertificateExpired` until an administrator
issues a new one (`manage.py pki issue <username>`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import threading
from dataclasses import dataclass
from functools import lru_cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from documents.exceptions import CertificateExpired, CertificateRevoked
from documents.models import Certificate, CertificateKind

PLATFORM_ORGANISATION = "ARML Governance"
CA_YEARS, PLATFORM_YEARS, SIGNER_YEARS = 20, 10, 3
_KEY_FORMAT_V1 = b"v1"
_lock = threading.Lock()
_keys: dict[str, ec.EllipticCurvePrivateKey] = {}


@dataclass(frozen=True)
class Credential:
    """A usable certificate and its (cached, decrypted) private key."""

    record: Certificate
    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey

    @property
    def fingerprint(self) -> str:
        return self.record.fingerprint


# Key encryption at rest ---------------------------------------------------------------------


@lru_cache(maxsize=4)
def _kek(secret: str) -> AESGCM:
    derived = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"arml-governance documents.pki",
        info=b"private-key-encryption-v1",
    ).derive(secret.encode())
    return AESGCM(derived)


def _key_encryption() -> AESGCM:
    return _kek(settings.ARML_KEY_ENCRYPTION_KEY or settings.SECRET_KEY)


def _encrypt_key(key: ec.EllipticCurvePrivateKey, fingerprint: str) -> bytes:
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    nonce = os.urandom(12)
    return _KEY_FORMAT_V1 + nonce + _key_encryption().encrypt(nonce, der, fingerprint.encode())


def _decrypt_key(record: Certificate) -> ec.EllipticCurvePrivateKey:
    cached = _keys.get(record.fingerprint)
    if cached is not None:
        return cached
    blob = bytes(record.encrypted_key)
    if not blob.startswith(_KEY_FORMAT_V1):
        raise ValueError("Unknown private key format.")
    nonce, sealed = blob[2:14], blob[14:]
    der = _key_encryption().decrypt(nonce, sealed, record.fingerprint.encode())
    key = serialization.load_der_private_key(der, password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    _keys[record.fingerprint] = key
    return key


# Certificates -------------------------------------------------------------------------------


@lru_cache(maxsize=512)
def _load_pem(pem: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem.encode())


def fingerprint_of(certificate: x509.Certificate) -> str:
    return hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest()


def _name(common_name: str, organisation: str, title: str = "", uid: str = "") -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64] or "?")]
    if organisation:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]))
    if title:
        attrs.append(x509.NameAttribute(NameOID.TITLE, title[:64]))
    if uid:
        attrs.append(x509.NameAttribute(NameOID.USER_ID, uid[:64]))
    attrs.append(x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"))
    return x509.Name(attrs)


def _build(
    *,
    subject: x509.Name,
    key: ec.EllipticCurvePrivateKey,
    issuer: Credential | None,
    kind: str,
    years: int,
    not_before: dt.datetime | None = None,
) -> x509.Certificate:
    start = (not_before or timezone.now()).replace(microsecond=0) - dt.timedelta(minutes=5)
    public = key.public_key()
    signing_key = issuer.key if issuer else key
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.certificate.subject if issuer else subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=365 * years))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
    )
    if issuer:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
    if kind == CertificateKind.CA:
        builder = builder.add_extension(
            x509.BasicConstraints(ca=True, path_length=0), critical=True
        ).add_extension(_key_usage(cert_sign=True), critical=True)
    else:
        builder = builder.add_extension(
            x509.BasicConstraints(ca=False, path_length=None), critical=True
        ).add_extension(_key_usage(non_repudiation=kind != CertificateKind.TSA), critical=True)
    if kind == CertificateKind.TSA:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    return builder.sign(signing_key, hashes.SHA256())


def _key_usage(*, cert_sign: bool = False, non_repudiation: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=non_repudiation,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _store(
    *, kind: str, certificate: x509.Certificate, key: ec.EllipticCurvePrivateKey, **fields: object
) -> Certificate:
    fingerprint = fingerprint_of(certificate)
    record = Certificate.objects.create(
        kind=kind,
        subject=certificate.subject.rfc4514_string(),
        serial_number=format(certificate.serial_number, "x"),
        fingerprint=fingerprint,
        certificate_pem=certificate.public_bytes(serialization.Encoding.PEM).decode(),
        encrypted_key=_encrypt_key(key, fingerprint),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        **fields,
    )
    _keys[fingerprint] = key
    return record


def _credential(record: Certificate) -> Credential:
    return Credential(record, _load_pem(record.certificate_pem), _decrypt_key(record))


# Platform: CA, seal, timestamp authority ----------------------------------------------------


def _platform(kind: str) -> Credential:
    """The live platform certificate of this kind, created (with the CA) on first need."""
    record = Certificate.objects.filter(kind=kind, revoked_at__isnull=True).first()
    if record is None:
        init()
        record = Certificate.objects.get(kind=kind, revoked_at__isnull=True)
    return _credential(record)


def init() -> list[Certificate]:
    """Create whatever is missing of the CA, the seal and the TSA certificates. Idempotent."""
    with _lock:
        try:
            with transaction.atomic():
                return _init()
        except IntegrityError:  # another process created them meanwhile
            return list(
                Certificate.objects.filter(
                    kind__in=[CertificateKind.CA, CertificateKind.SEAL, CertificateKind.TSA],
                    revoked_at__isnull=True,
                )
            )


def _init() -> list[Certificate]:
    live = {
        c.kind: c
        for c in Certificate.objects.filter(revoked_at__isnull=True).exclude(
            kind=CertificateKind.SIGNER
        )
    }
    if CertificateKind.CA not in live:
        key = ec.generate_private_key(ec.SECP256R1())
        cert = _build(
            subject=_name(f"{PLATFORM_ORGANISATION} CA", PLATFORM_ORGANISATION),
            key=key,
            issuer=None,
            kind=CertificateKind.CA,
            years=CA_YEARS,
        )
        live[CertificateKind.CA] = _store(
            kind=CertificateKind.CA, certificate=cert, key=key, organisation=PLATFORM_ORGANISATION
        )
    ca = _credential(live[CertificateKind.CA])
    names = {
        CertificateKind.SEAL: f"{PLATFORM_ORGANISATION} seal",
        CertificateKind.TSA: f"{PLATFORM_ORGANISATION} timestamp authority",
    }
    for kind, common_name in names.items():
        if kind not in live:
            key = ec.generate_private_key(ec.SECP256R1())
            cert = _build(
                subject=_name(common_name, PLATFORM_ORGANISATION),
                key=key,
                issuer=ca,
                kind=kind,
                years=PLATFORM_YEARS,
            )
            live[kind] = _store(
                kind=kind, certificate=cert, key=key, organisation=PLATFORM_ORGANISATION
            )
    return [live[k] for k in (CertificateKind.CA, CertificateKind.SEAL, CertificateKind.TSA)]


def ca() -> Credential:
    return _platform(CertificateKind.CA)


def seal() -> Credential:
    return _platform(CertificateKind.SEAL)


def tsa() -> Credential:
    return _platform(CertificateKind.TSA)


def platform_sign(data: bytes) -> bytes:
    """ECDSA P-256 / SHA-256 signature (DER) of `data` with the platform seal key."""
    return seal().key.sign(data, ec.ECDSA(hashes.SHA256()))


def platform_verify(data: bytes, signature: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature

    try:
        seal().certificate.public_key().verify(signature, data, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


def platform_certificate_pem() -> bytes:
    """The seal certificate (PEM), to check `platform_sign` signatures."""
    return seal().record.certificate_pem.encode()


def trust_roots_pem() -> bytes:
    """The platform CA certificate (PEM): the root every platform signature chains to."""
    return ca().record.certificate_pem.encode()


def trust_roots() -> list[x509.Certificate]:
    return [ca().certificate]


# Signers ------------------------------------------------------------------------------------


def organisation_for(person: object, role: str) -> str:
    """The organisation a person signs for in this role, from their active mandate."""
    from governance.models import Mandate

    mandate = (
        Mandate.objects.active()
        .filter(person=person, role=role)
        .select_related("funder", "mission_locale", "arml")
        .order_by("pk")
        .first()
    )
    if mandate is None:
        return PLATFORM_ORGANISATION
    organisation = mandate.funder or mandate.mission_locale or mandate.arml
    return organisation.name


def role_label(role: str) -> str:
    from governance.models import Role

    with translation.override(settings.LANGUAGE_CODE):
        try:
            return str(Role(role).label)
        except ValueError:
            return role


def issue_signer_certificate(
    person: object,
    *,
    role: str,
    organisation: str | None = None,
    years: int = SIGNER_YEARS,
    not_before: dt.datetime | None = None,
) -> Certificate:
    """Issue a new certificate for this person and role (does not revoke older ones)."""
    organisation = organisation or organisation_for(person, role)
    key = ec.generate_private_key(ec.SECP256R1())
    name = str(person)
    cert = _build(
        subject=_name(name, organisation, role_label(role), person.username),  # type: ignore[attr-defined]
        key=key,
        issuer=ca(),
        kind=CertificateKind.SIGNER,
        years=years,
        not_before=not_before,
    )
    return _store(
        kind=CertificateKind.SIGNER,
        certificate=cert,
        key=key,
        person=person,
        role=role,
        organisation=organisation,
    )


def signer_credential(person: object, *, role: str) -> Credential:
    """The person's certificate for this role: issued on first need, refused if revoked/expired."""
    record = (
        Certificate.objects.filter(kind=CertificateKind.SIGNER, person=person, role=role)
        .order_by("-not_before", "-pk")
        .first()
    )
    if record is None:
        record = issue_signer_certificate(person, role=role)
    if record.is_revoked:
        raise CertificateRevoked(
            _("The certificate of %(name)s was revoked on %(date)s; it cannot sign.")
            % {"name": person, "date": timezone.localtime(record.revoked_at).strftime("%d/%m/%Y")}
        )
    if record.is_expired:
        raise CertificateExpired(
            _("The certificate of %(name)s expired on %(date)s; it cannot sign.")
            % {"name": person, "date": timezone.localtime(record.not_after).strftime("%d/%m/%Y")}
        )
    return _credential(record)


def revoke(person: object, *, reason: str = "") -> int:
    """Revoke every live certificate of this person. Returns how many were revoked."""
    count = 0
    for record in Certificate.objects.filter(
        kind=CertificateKind.SIGNER, person=person, revoked_at__isnull=True
    ):
        record.revoked_at = timezone.now()
        record.revocation_reason = reason[:200]
        record.save(update_fields=["revoked_at", "revocation_reason"])
        count += 1
    return count


def is_revoked(fingerprint: str) -> bool:
    return Certificate.objects.filter(fingerprint=fingerprint, revoked_at__isnull=False).exists()
