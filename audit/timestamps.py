"""RFC 3161 time-stamp tokens over checkpoint statements: their check. No Django here (used by
audit.offline too). Needs `asn1crypto` (a dependency of pyHanko) besides `cryptography`.

A token is a CMS SignedData whose content is a TSTInfo; it proves that the authority saw the
SHA-256 imprint of the statement at `genTime`. It is checked the way RFC 3161 § 2.4.2 and RFC
5652 § 5.4 say: the imprint is the statement's, the signed attributes carry the digest of the
TSTInfo and are signed by the certificate they name, that certificate is for time-stamping and
chains to one of the trust roots (through the certificates the token embeds), and was valid at
genTime.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID

_DIGESTS = {"sha256": hashlib.sha256, "sha384": hashlib.sha384, "sha512": hashlib.sha512}
_HASHES: dict[str, Callable[[], hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


@dataclass(frozen=True)
class TokenCheck:
    problem: str | None
    gen_time: dt.datetime | None = None
    authority: str = ""

    @property
    def ok(self) -> bool:
        return self.problem is None


def available() -> bool:
    try:
        import asn1crypto  # noqa: F401
    except ImportError:
        return False
    return True


def check_token(token: bytes, statement: bytes, roots: list[x509.Certificate]) -> TokenCheck:
    """Whether `token` time-stamps `statement`, by an authority chaining to `roots`."""
    from asn1crypto import cms, tsp

    try:
        info = cms.ContentInfo.load(token)
        if info["content_type"].native != "signed_data":
            return TokenCheck("the time-stamp token is not a CMS SignedData")
        signed = info["content"]
        encap = signed["encap_content_info"]
        if encap["content_type"].native != "tst_info":
            return TokenCheck("the time-stamp token holds no TSTInfo")
        tst_bytes = encap["content"].contents
        tst = tsp.TSTInfo.load(tst_bytes)
        imprint = tst["message_imprint"]
        algorithm = imprint["hash_algorithm"]["algorithm"].native
        if algorithm not in _DIGESTS:
            return TokenCheck(f"unsupported imprint algorithm {algorithm}")
        if imprint["hashed_message"].native != _DIGESTS[algorithm](statement).digest():
            return TokenCheck("the time-stamp token is for other bytes than the statement")
        gen_time = tst["gen_time"].native
        signer_info = signed["signer_infos"][0]
        certificates = [
            x509.load_der_x509_certificate(choice.chosen.dump())
            for choice in signed["certificates"] or []
            if choice.name == "certificate"
        ]
        tsa = _signer_certificate(signer_info, certificates)
        if tsa is None:
            return TokenCheck("the time-stamp token does not embed its signer's certificate")
        problem = _check_signed_attributes(signer_info, tst_bytes, tsa)
        if problem is None:
            problem = _check_certificate(tsa, certificates, roots, gen_time)
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        return TokenCheck(f"unreadable time-stamp token ({exc.__class__.__name__})")
    return TokenCheck(problem, gen_time, tsa.subject.rfc4514_string())


def _signer_certificate(
    signer_info: Any, certificates: list[x509.Certificate]
) -> x509.Certificate | None:
    sid = signer_info["sid"]
    for certificate in certificates:
        if sid.name == "issuer_and_serial_number":
            wanted = sid.chosen
            if (
                certificate.serial_number == wanted["serial_number"].native
                and certificate.issuer.public_bytes() == wanted["issuer"].dump()
            ):
                return certificate
        else:
            try:
                ski = certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
            except x509.ExtensionNotFound:
                continue
            if ski.value.digest == sid.chosen.native:
                return certificate
    return None


def _check_signed_attributes(signer_info, tst_bytes: bytes, tsa: x509.Certificate) -> str | None:  # type: ignore[no-untyped-def]
    algorithm = signer_info["digest_algorithm"]["algorithm"].native
    if algorithm not in _DIGESTS:
        return f"unsupported digest algorithm {algorithm}"
    attributes = signer_info["signed_attrs"]
    if not attributes:
        return "the time-stamp token has no signed attributes"
    values = {attr["type"].native: attr["values"][0].native for attr in attributes}
    if values.get("content_type") != "tst_info":
        return "the time-stamp token's signed content type is not TSTInfo"
    if values.get("message_digest") != _DIGESTS[algorithm](tst_bytes).digest():
        return "the time-stamp token's TSTInfo does not match its signed digest"
    signed_bytes = bytearray(attributes.dump())
    signed_bytes[0] = 0x31  # signed over as a SET OF, not with the [0] tag (RFC 5652 § 5.4)
    signature = signer_info["signature"].native
    key = tsa.public_key()
    try:
        if isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, bytes(signed_bytes), ec.ECDSA(_HASHES[algorithm]()))
        elif isinstance(key, rsa.RSAPublicKey):
            scheme = signer_info["signature_algorithm"]["algorithm"].native
            pad = (
                padding.PSS(mgf=padding.MGF1(_HASHES[algorithm]()), salt_length=padding.PSS.AUTO)
                if scheme == "rsassa_pss"
                else padding.PKCS1v15()
            )
            key.verify(signature, bytes(signed_bytes), pad, _HASHES[algorithm]())
        else:
            return "unsupported key type in the time-stamp authority's certificate"
    except InvalidSignature:
        return "bad time-stamp token signature"
    return None


def _check_certificate(
    tsa: x509.Certificate,
    embedded: list[x509.Certificate],
    roots: list[x509.Certificate],
    at: dt.datetime,
) -> str | None:
    try:
        usages = list(tsa.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)
    except x509.ExtensionNotFound:
        usages = []
    if ExtendedKeyUsageOID.TIME_STAMPING not in usages:
        return "the time-stamp token's certificate is not for time-stamping"
    if not tsa.not_valid_before_utc <= at <= tsa.not_valid_after_utc:
        return "the time-stamp authority's certificate was not valid at the token's time"
    if not roots:
        return "no trust root to check the time-stamp authority against"
    current, seen = tsa, 0
    while seen < 6:
        for root in roots:
            if current == root or _issued_by(current, root):
                return None
        issuer = next((c for c in embedded if c != current and _issued_by(current, c)), None)
        if issuer is None:
            break
        current, seen = issuer, seen + 1
    return "the time-stamp authority does not chain to a trusted root"


def _issued_by(certificate: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        certificate.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True
