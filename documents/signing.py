"""PAdES signing (pyHanko): signer backends, the timestamp authority, signature fields.

Who signs, in which capacity and for whom is told by the caller (`Capacity`,
`DelegationEvidence`, documents/capacity.py); each signature gets a visible appearance saying so
(documents/appearance.py).

Plugging other providers (settings, read at first use):
- `ARML_SIGNER_BACKEND`: dotted path to a `Signer` subclass. The default, `PlatformSigner`,
  signs with keys issued by the platform CA, held in the database (encrypted) or in a PKCS#11
  token (documents/hsm.py: then through pyHanko's `PKCS11Signer`); a qualified provider returns
  a pyHanko signer that calls its remote API (e.g. `pyhanko.sign.signers.csc_signer`).
- `ARML_TSA_URL`: an RFC 3161 timestamp authority. Empty: the platform's own local TSA
  (certificate issued by the platform CA). `ARML_TSA_TRUST_ROOTS`: PEM file of the external
  TSA's roots, added to the verification trust roots.
- `ARML_SIGNATURE_BYTES_RESERVED`: room kept for each CMS signature (hex characters).
"""

from __future__ import annotations

import abc
import datetime as dt
import io
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from asn1crypto import algos, cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields as pdf_fields
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner, pdf_cms
from pyhanko.sign.timestamps import DummyTimeStamper, HTTPTimeStamper, TimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from documents import appearance, hsm, pki
from documents.capacity import Capacity, DelegationEvidence
from documents.exceptions import CertificateError, KeyUnavailable, SigningFailed
from documents.keys import KeyHandle
from documents.models import KeyStore

__all__ = ["Capacity", "DelegationEvidence", "FieldPlacement", "SignedPdf", "Signer"]

LOCAL_BYTES_RESERVED = 12_288  # hex chars: our CMS with its timestamp is ~2.6 kB of DER
REMOTE_BYTES_RESERVED = 32_768  # external TSAs embed longer (RSA) chains
_cache_lock = threading.Lock()


def to_asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return _to_asn1(certificate.public_bytes(serialization.Encoding.DER))


@lru_cache(maxsize=512)
def _to_asn1(der: bytes) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(der)


# Signer backends ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SigningIdentity:
    """What a backend hands to pyHanko: a CMS signer and the certificate's SHA-256."""

    cms_signer: pdf_cms.Signer
    fingerprint: str


class Signer(abc.ABC):
    """Where a person's signing key lives. Raise `CertificateError` if they cannot sign."""

    @abc.abstractmethod
    def identity(self, *, person: Any, capacity: Capacity) -> SigningIdentity: ...


class CachedKeySigner(pdf_cms.Signer):
    """pyHanko signer holding an already loaded key (SimpleSigner re-parses it every time)."""

    def __init__(
        self, key: KeyHandle, certificate: x509.Certificate, chain: Iterable[x509.Certificate]
    ) -> None:
        self._key = key
        registry = SimpleCertificateStore.from_certs([to_asn1(c) for c in chain])
        super().__init__(
            signing_cert=to_asn1(certificate),
            cert_registry=registry,
            signature_mechanism=algos.SignedDigestAlgorithm({"algorithm": "sha256_ecdsa"}),
        )

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        return self._key.sign(data)


class PlatformSigner(Signer):
    """Keys issued by the platform CA: decrypted once and kept in memory, or in the token."""

    def __init__(self) -> None:
        self._signers: dict[tuple[str, int], pdf_cms.Signer] = {}

    def identity(self, *, person: Any, capacity: Capacity) -> SigningIdentity:
        credential = pki.signer_credential(person, capacity=capacity)
        # A PKCS11Signer is bound to the process's session on the token (see hsm.token()).
        session = hsm.token() if credential.record.key_store == KeyStore.PKCS11 else None
        key = (credential.fingerprint, id(session))
        cms_signer = self._signers.get(key)
        if cms_signer is None:
            chain = [pki.ca().certificate]
            if session is not None:
                cms_signer = session.pyhanko_signer(
                    credential.record.key_reference,
                    to_asn1(credential.certificate),
                    [to_asn1(c) for c in chain],
                )
            else:
                cms_signer = CachedKeySigner(credential.key, credential.certificate, chain)
            self._signers[key] = cms_signer
        return SigningIdentity(cms_signer, credential.fingerprint)


_backends: dict[str, Signer] = {}


def get_signer() -> Signer:
    path = getattr(settings, "ARML_SIGNER_BACKEND", "") or "documents.signing.PlatformSigner"
    backend = _backends.get(path)
    if backend is None:
        with _cache_lock:
            backend = _backends.setdefault(path, import_string(path)())
    return backend


# Timestamps ---------------------------------------------------------------------------------


class LocalTimeStamper(DummyTimeStamper):
    """The platform's RFC 3161 authority: pyHanko's test TSA, signing with ECDSA P-256."""

    def __init__(self, credential: pki.Credential, chain: Iterable[x509.Certificate]) -> None:
        self._key = credential.key
        super().__init__(
            tsa_cert=to_asn1(credential.certificate),
            tsa_key=None,
            certs_to_embed=SimpleCertificateStore.from_certs([to_asn1(c) for c in chain]),
        )

    def _sign_tst_info(
        self, tst_info_data: bytes, md_algorithm: str, dt: dt.datetime
    ) -> tuple[bytes, cms.CMSAttributes]:
        from pyhanko.sign import general

        digest = hashes.Hash(hashes.SHA256())
        digest.update(tst_info_data)
        signed_attrs = cms.CMSAttributes(
            [
                general.simple_cms_attribute("content_type", "tst_info"),
                general.simple_cms_attribute("signing_time", cms.Time({"utc_time": dt})),
                general.simple_cms_attribute(
                    "signing_certificate", general.as_signing_certificate(self.tsa_cert)
                ),
                general.simple_cms_attribute("message_digest", digest.finalize()),
            ]
        )
        return self._key.sign(signed_attrs.dump()), signed_attrs

    def _build_signed_data(
        self,
        tst_info_data: bytes,
        md_algorithm: str,
        signature: bytes,
        signed_attrs: cms.CMSAttributes,
    ) -> dict[str, Any]:
        signed_data = super()._build_signed_data(tst_info_data, "sha256", signature, signed_attrs)
        signer_info = signed_data["signer_infos"][0]
        signer_info["signature_algorithm"] = algos.SignedDigestAlgorithm(
            {"algorithm": "sha256_ecdsa"}
        )
        return signed_data

    def request_tsa_response(self, req: Any) -> Any:
        # Our TSA signs SHA-256 imprints only, as its certificate says.
        self.override_md = "sha256"
        return super().request_tsa_response(req)


class _RecordingTimeStamper(TimeStamper):
    """Wraps a timestamper for one signature, to record the token's time."""

    def __init__(self, inner: TimeStamper) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # pyHanko's __init__ is unannotated
        self.inner = inner
        self.gen_time: dt.datetime | None = None

    async def async_timestamp(self, message_digest: bytes, md_algorithm: str) -> Any:
        token = await self.inner.async_timestamp(message_digest, md_algorithm)
        tst_info = token["content"]["encap_content_info"]["content"].parsed
        self.gen_time = tst_info["gen_time"].native
        return token

    async def async_dummy_response(self, md_algorithm: str) -> Any:
        return await self.inner.async_dummy_response(md_algorithm)

    async def validation_paths(self, validation_context: Any) -> Any:  # pragma: no cover
        async for path in self.inner.validation_paths(validation_context):
            yield path


_timestampers: dict[str, TimeStamper] = {}


def get_timestamper() -> TimeStamper:
    """HTTP TSA if settings.ARML_TSA_URL is set, else the platform's local authority."""
    url = getattr(settings, "ARML_TSA_URL", "")
    if url:
        key = f"url:{url}"
        if key not in _timestampers:
            _timestampers[key] = HTTPTimeStamper(url, timeout=10)
        return _timestampers[key]
    credential = pki.tsa()
    key = f"local:{credential.fingerprint}"
    if key not in _timestampers:
        _timestampers[key] = LocalTimeStamper(credential, [pki.ca().certificate])
    return _timestampers[key]


def reset_caches() -> None:
    """Forget signer backends, timestampers and keys held in memory (tests; after `pki
    rekey` or a token change in a long-running process)."""
    from documents import keys

    with _cache_lock:
        _backends.clear()
        _timestampers.clear()
    keys.forget()
    hsm.reset()


def bytes_reserved() -> int:
    configured = getattr(settings, "ARML_SIGNATURE_BYTES_RESERVED", None)
    if configured:
        return int(configured)
    return REMOTE_BYTES_RESERVED if getattr(settings, "ARML_TSA_URL", "") else LOCAL_BYTES_RESERVED


# PDF operations -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SignedPdf:
    content: bytes
    field: str
    fingerprint: str
    signed_at: dt.datetime
    timestamped_at: dt.datetime | None


@dataclass(frozen=True)
class FieldPlacement:
    field: str
    label: str = ""
    page: int = 0
    rect: tuple[int, int, int, int] | None = None


def prepare_and_sign(
    content: bytes,
    *,
    placements: Iterable[FieldPlacement],
    sign_field: str | None = None,
    person: Any = None,
    capacity: Capacity | None = None,
    reason: str = "",
    on_behalf: DelegationEvidence | None = None,
) -> tuple[bytes, SignedPdf | None]:
    """Add every signature field in one incremental update and, optionally, fill the first.

    All fields exist from the first version, so later signers fill their own field and
    earlier signatures see only form filling (PAdES modification level FORM_FILLING).
    """
    writer = _writer(content)
    for placement in placements:
        pdf_fields.append_signature_field(
            writer,
            pdf_fields.SigFieldSpec(
                sig_field_name=placement.field,
                on_page=placement.page,
                box=placement.rect,
                readable_field_name=placement.label or None,
            ),
        )
    if sign_field is None:
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue(), None
    if capacity is None:
        raise SigningFailed(_("A signature needs the signer's capacity."))
    signed = _sign(
        writer,
        field=sign_field,
        person=person,
        capacity=capacity,
        reason=reason,
        on_behalf=on_behalf,
    )
    return signed.content, signed


def sign(
    content: bytes,
    *,
    field: str,
    person: Any,
    capacity: Capacity,
    reason: str = "",
    on_behalf: DelegationEvidence | None = None,
) -> SignedPdf:
    """Fill an existing empty signature field; the result extends `content` byte for byte."""
    return _sign(
        _writer(content),
        field=field,
        person=person,
        capacity=capacity,
        reason=reason,
        on_behalf=on_behalf,
    )


def _writer(content: bytes) -> IncrementalPdfFileWriter:
    try:
        return IncrementalPdfFileWriter(io.BytesIO(content), strict=False)
    except Exception as exc:
        raise SigningFailed(_("The PDF cannot be read: %(error)s") % {"error": exc}) from exc


def _sign(
    writer: IncrementalPdfFileWriter,
    *,
    field: str,
    person: Any,
    capacity: Capacity,
    reason: str,
    on_behalf: DelegationEvidence | None,
) -> SignedPdf:
    identity = get_signer().identity(person=person, capacity=capacity)
    timestamper = _RecordingTimeStamper(get_timestamper())
    if on_behalf is not None:
        reason = " — ".join(filter(None, [reason, appearance.delegation_line(on_behalf)]))
    meta = PdfSignatureMetadata(
        field_name=field,
        md_algorithm="sha256",
        subfilter=pdf_fields.SigSeedSubFilter.PADES,
        name=str(person),
        reason=reason or None,
        location=None,
    )
    pdf_signer = PdfSigner(
        meta, identity.cms_signer, timestamper=timestamper, stamp_style=appearance.stamp_style()
    )
    signed_at = timezone.now()
    text = appearance.text(
        name=str(person), capacity=capacity, signed_at=signed_at, on_behalf=on_behalf
    )
    try:
        output = pdf_signer.sign_pdf(
            writer,
            existing_fields_only=True,
            bytes_reserved=bytes_reserved(),
            appearance_text_params={"appearance": text},
        )
    except (CertificateError, KeyUnavailable):
        raise
    except Exception as exc:
        raise SigningFailed(
            _("The signature could not be produced: %(error)s") % {"error": exc}
        ) from exc
    return SignedPdf(
        output.getvalue(), field, identity.fingerprint, signed_at, timestamper.gen_time
    )


def signed_fields(content: bytes) -> Mapping[str, bool]:
    """Signature field names → filled or not."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(content), strict=False)
    return {
        name: value is not None for name, value, _ref in pdf_fields.enumerate_sig_fields(reader)
    }
