"""The platform's PKI: a CA (ECDSA P-256), a seal key, a timestamp authority, signer certificates.

Certificates are stored in `Certificate`; their private keys live where documents.keys says:
encrypted in the database under the key-encryption key, or inside a PKCS#11 token
(documents.hsm) when one is configured: the platform's keys (CA, seal, TSA) always go to the
token then, signers' keys when `ARML_PKCS11_SIGNER_KEYS` is on.

Certificates are issued on first need, in the capacity the caller gives (`Capacity`: role,
label, organisation; documents/ knows nothing of mandates). A revoked or expired certificate
is not silently replaced: signing fails with `CertificateRevoked` / `CertificateExpired` until an
administrator issues a new one (`manage.py pki issue <username>`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from documents import keys
from documents.capacity import PLATFORM_ORGANISATION, Capacity
from documents.exceptions import CertificateExpired, CertificateRevoked
from documents.keys import KeyHandle, SoftwareKey
from documents.models import Certificate, CertificateKind

__all__ = ["PLATFORM_ORGANISATION", "Capacity", "Credential"]

CA_YEARS, PLATFORM_YEARS, SIGNER_YEARS = 20, 10, 3
_lock = threading.Lock()


@dataclass(frozen=True)
class Credential:
    """A usable certificate and a handle on its private key."""

    record: Certificate
    certificate: x509.Certificate
    key: KeyHandle

    @property
    def fingerprint(self) -> str:
        return self.record.fingerprint


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
    key: KeyHandle,
    issuer: Credential | None,
    kind: str,
    years: int,
    not_before: dt.datetime | None = None,
) -> x509.Certificate:
    start = (not_before or timezone.now()).replace(microsecond=0) - dt.timedelta(minutes=5)
    public = key.public_key()
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
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.certificate.public_key()),  # type: ignore[arg-type]
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
    return _sign_certificate(builder, issuer.key if issuer else key)


@lru_cache(maxsize=1)
def _draft_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _sign_certificate(builder: x509.CertificateBuilder, key: KeyHandle) -> x509.Certificate:
    """Sign with the issuer's key wherever it is: cryptography signs only with keys it holds,
    so a token key signs the to-be-signed part of a draft made with the same algorithm."""
    if isinstance(key, SoftwareKey):
        return builder.sign(key.private_key, hashes.SHA256())
    tbs = builder.sign(_draft_key(), hashes.SHA256()).tbs_certificate_bytes
    certificate = asn1_x509.Certificate(
        {
            "tbs_certificate": asn1_x509.TbsCertificate.load(tbs),
            "signature_algorithm": {"algorithm": "sha256_ecdsa"},
            "signature_value": key.sign(tbs),
        }
    )
    return x509.load_der_x509_certificate(certificate.dump())


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
    *, kind: str, certificate: x509.Certificate, key: keys.NewKey, **fields: object
) -> Certificate:
    fingerprint = fingerprint_of(certificate)
    record = Certificate.objects.create(
        kind=kind,
        subject=certificate.subject.rfc4514_string(),
        serial_number=format(certificate.serial_number, "x"),
        fingerprint=fingerprint,
        certificate_pem=certificate.public_bytes(serialization.Encoding.PEM).decode(),
        encrypted_key=key.encrypted_for(fingerprint),
        key_store=key.store,
        key_reference=key.reference,
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        **fields,
    )
    keys.remember(fingerprint, key.handle)
    return record


def _credential(record: Certificate) -> Credential:
    return Credential(record, _load_pem(record.certificate_pem), keys.load(record))


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
    from documents import hsm

    in_token = hsm.configured()
    live = {
        c.kind: c
        for c in Certificate.objects.filter(revoked_at__isnull=True).exclude(
            kind=CertificateKind.SIGNER
        )
    }
    if CertificateKind.CA not in live:
        key = keys.generate(in_token=in_token, label="arml-ca")
        cert = _build(
            subject=_name(f"{PLATFORM_ORGANISATION} CA", PLATFORM_ORGANISATION),
            key=key.handle,
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
            key = keys.generate(in_token=in_token, label=f"arml-{kind}")
            cert = _build(
                subject=_name(common_name, PLATFORM_ORGANISATION),
                key=key.handle,
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
    return seal().key.sign(data)


def platform_verify(data: bytes, signature: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature

    try:
        key = seal().certificate.public_key()
        assert isinstance(key, ec.EllipticCurvePublicKey)  # the seal is an EC P-256 key
        key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
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


def issue_signer_certificate(
    person: Any,
    *,
    capacity: Capacity,
    years: int = SIGNER_YEARS,
    not_before: dt.datetime | None = None,
) -> Certificate:
    """Issue a new certificate for this person in this capacity (does not revoke older ones).

    Its subject: CN the person's name, O the capacity's organisation, title the capacity's
    label, UID the username."""
    from documents import hsm

    username = getattr(person, "username", "")
    key = keys.generate(in_token=hsm.holds_signer_keys(), label=f"arml-signer-{username}")
    cert = _build(
        subject=_name(str(person), capacity.organisation, capacity.label, username),
        key=key.handle,
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
        role=capacity.role,
        organisation=capacity.organisation,
    )


def signer_credential(person: Any, *, capacity: Capacity) -> Credential:
    """The person's certificate for this role: issued on first need (in `capacity`), refused
    if revoked or expired."""
    record = (
        Certificate.objects.filter(kind=CertificateKind.SIGNER, person=person, role=capacity.role)
        .order_by("-not_before", "-pk")
        .first()
    )
    if record is None:
        record = issue_signer_certificate(person, capacity=capacity)
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


def capacity_of(record: Certificate) -> Capacity:
    """The capacity a certificate was issued in (to renew it alike)."""
    subject = _load_pem(record.certificate_pem).subject
    titles = subject.get_attributes_for_oid(NameOID.TITLE)
    return Capacity(record.role, str(titles[0].value) if titles else "", record.organisation)


def revoke(person: Any, *, reason: str = "") -> int:
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
