"""Keys in a PKCS#11 token (an HSM; SoftHSM2 in tests), through python-pkcs11 and pyHanko.

Settings (from the environment, config/settings.py):
- `ARML_PKCS11_MODULE`: path to the PKCS#11 module (.so). Empty: no token, keys in the database.
- `ARML_PKCS11_TOKEN_LABEL`: the token's label.
- `ARML_PKCS11_PIN`, or `ARML_PKCS11_PIN_FILE` (a file holding the PIN): the user PIN.
- `ARML_PKCS11_SIGNER_KEYS`: 1 to create signers' keys in the token too (default: only the
  platform's CA, seal and timestamp authority keys).

Keys are generated inside the token (EC P-256, CKA_SENSITIVE, not CKA_EXTRACTABLE) and found by
their CKA_ID, which the certificate row keeps (`key_reference`); certificates stay in the
database. One logged-in session per process (a token allows one login per application);
python-pkcs11 serialises operations on it. Signing uses the raw CKM_ECDSA mechanism over a
SHA-256 digest computed here, which every token (SoftHSM2 included) supports.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.utils.translation import gettext as _

from documents.exceptions import KeyUnavailable
from documents.keys import KeyHandle
from documents.models import Certificate, KeyStore

_lock = threading.RLock()
_libs: dict[str, Any] = {}  # one pkcs11.lib per module and process: C_Initialize runs once
_token: Token | None = None
# A PIN the token refused, per configuration: not tried again by this process (each wrong try
# counts towards locking the token's PIN) until the settings change, reset() or a restart.
_refused: dict[TokenSettings, KeyUnavailable] = {}
_PIN_ERRORS = ("PinIncorrect", "PinInvalid", "PinLenRange", "PinLocked", "PinExpired")


@dataclass(frozen=True)
class TokenSettings:
    module: str
    label: str
    pin: str

    @classmethod
    def from_settings(cls) -> TokenSettings | None:
        module = getattr(settings, "ARML_PKCS11_MODULE", "") or ""
        if not module:
            return None
        return cls(
            module=module,
            label=getattr(settings, "ARML_PKCS11_TOKEN_LABEL", "") or "",
            pin=read_pin(),
        )


def read_pin() -> str:
    pin = getattr(settings, "ARML_PKCS11_PIN", "") or ""
    pin_file = getattr(settings, "ARML_PKCS11_PIN_FILE", "") or ""
    if not pin and pin_file:
        try:
            pin = Path(pin_file).read_text().strip()
        except OSError:
            return ""
    return pin


def configured() -> bool:
    return bool(getattr(settings, "ARML_PKCS11_MODULE", ""))


def holds_signer_keys() -> bool:
    return configured() and bool(getattr(settings, "ARML_PKCS11_SIGNER_KEYS", False))


class Token:
    """The logged-in session on the configured token."""

    def __init__(self, config: TokenSettings) -> None:
        import pkcs11

        self.config = config
        self.pid = os.getpid()
        try:
            lib = _libs.get(config.module)
            if lib is None:
                lib = _libs[config.module] = pkcs11.lib(config.module)
            else:
                lib.reinitialize()  # after a fork, or to see a token created since
            token = lib.get_token(token_label=config.label)
            self.session = token.open(rw=True, user_pin=config.pin or None)
        except Exception as exc:  # noqa: BLE001 - any PKCS#11 failure is a configuration fault
            error = KeyUnavailable(
                _("The PKCS#11 token %(label)s cannot be opened (%(module)s): %(error)s")
                % {"label": config.label or "?", "module": config.module, "error": _describe(exc)}
            )
            if type(exc).__name__ in _PIN_ERRORS:
                _refused[config] = error
            raise error from exc
        self._keys: dict[bytes, Any] = {}

    def close(self) -> None:
        try:
            self.session.close()
        except Exception:  # noqa: BLE001, S110 - closing a dead session is harmless
            pass

    def generate(self, *, label: str) -> str:
        """A new non-extractable P-256 key pair in the token; returns its CKA_ID (hex)."""
        from pkcs11 import Attribute, KeyType
        from pkcs11.util.ec import encode_named_curve_parameters

        key_id = os.urandom(16)
        try:
            parameters = self.session.create_domain_parameters(
                KeyType.EC,
                {Attribute.EC_PARAMS: encode_named_curve_parameters("secp256r1")},
                local=True,
            )
            parameters.generate_keypair(
                store=True,
                id=key_id,
                label=label[:64],
                private_template={
                    Attribute.SENSITIVE: True,
                    Attribute.EXTRACTABLE: False,
                    Attribute.PRIVATE: True,
                },
            )
        except Exception as exc:  # noqa: BLE001
            raise KeyUnavailable(
                _("The PKCS#11 token cannot create a key: %(error)s") % {"error": _describe(exc)}
            ) from exc
        return key_id.hex()

    def private_key(self, reference: str) -> Any:
        from pkcs11 import ObjectClass

        key_id = bytes.fromhex(reference)
        key = self._keys.get(key_id)
        if key is None:
            try:
                key = self.session.get_key(object_class=ObjectClass.PRIVATE_KEY, id=key_id)
            except Exception as exc:  # noqa: BLE001
                raise KeyUnavailable(
                    _("The private key %(id)s is not in the PKCS#11 token %(label)s: %(error)s")
                    % {"id": reference, "label": self.config.label, "error": _describe(exc)}
                ) from exc
            self._keys[key_id] = key
        return key

    def public_key(self, reference: str) -> ec.EllipticCurvePublicKey:
        from cryptography.hazmat.primitives.serialization import load_der_public_key
        from pkcs11 import ObjectClass
        from pkcs11.util.ec import encode_ec_public_key

        public = self.session.get_key(
            object_class=ObjectClass.PUBLIC_KEY, id=bytes.fromhex(reference)
        )
        key = load_der_public_key(encode_ec_public_key(public))  # type: ignore[arg-type]
        assert isinstance(key, ec.EllipticCurvePublicKey)
        return key

    def sign(self, reference: str, data: bytes) -> bytes:
        from pkcs11 import Mechanism
        from pkcs11.util.ec import encode_ecdsa_signature

        key = self.private_key(reference)
        try:
            raw = key.sign(hashlib.sha256(data).digest(), mechanism=Mechanism.ECDSA)
        except Exception as exc:  # noqa: BLE001
            raise KeyUnavailable(
                _("The PKCS#11 token refused to sign: %(error)s") % {"error": _describe(exc)}
            ) from exc
        return encode_ecdsa_signature(raw)

    def attributes(self, reference: str) -> dict[str, bool]:
        """Security attributes of the private key (what `pki show` and the tests check)."""
        from pkcs11 import Attribute

        key = self.private_key(reference)
        return {
            "sensitive": bool(key[Attribute.SENSITIVE]),
            "extractable": bool(key[Attribute.EXTRACTABLE]),
            "token": bool(key[Attribute.TOKEN]),
        }

    def pyhanko_signer(self, reference: str, certificate: Any, chain: list[Any]) -> Any:
        """pyHanko's PKCS11Signer on this session, for PAdES signatures."""
        from pyhanko.sign.pkcs11 import PKCS11Signer

        return PKCS11Signer(
            self.session,
            key_id=bytes.fromhex(reference),
            signing_cert=certificate,
            ca_chain=chain,
            other_certs_to_pull=(),
            use_raw_mechanism=True,
        )


def token() -> Token:
    """The process's session on the configured token, opened on first use (and after fork)."""
    global _token
    config = TokenSettings.from_settings()
    if config is None:
        raise KeyUnavailable(_("A key is in a PKCS#11 token but ARML_PKCS11_MODULE is not set."))
    current = _token
    if current is not None and current.pid == os.getpid() and current.config == config:
        return current
    with _lock:
        if config in _refused:
            raise KeyUnavailable(str(_refused[config]))
        if _token is not None and (_token.pid != os.getpid() or _token.config != config):
            if _token.pid == os.getpid():
                _token.close()
            _token = None
        if _token is None:
            _token = Token(config)
        return _token


def reset() -> None:
    """Close the session (tests, or after the token was changed)."""
    global _token
    with _lock:
        if _token is not None and _token.pid == os.getpid():
            _token.close()
        _token = None
        _refused.clear()


class TokenKey(KeyHandle):
    """A private key inside the token, known by its CKA_ID."""

    store = KeyStore.PKCS11

    def __init__(self, reference: str) -> None:
        self.reference = reference

    def sign(self, data: bytes) -> bytes:
        return token().sign(self.reference, data)

    def public_key(self) -> ec.EllipticCurvePublicKey:
        return token().public_key(self.reference)


def describe_location(record: Certificate) -> str:
    """Where this certificate's key is, for `pki show` (never the key itself)."""
    if record.key_store != KeyStore.PKCS11:
        from documents.keys import kek_matches

        state = "KEK ok" if kek_matches(record) else "KEK DOES NOT MATCH"
        return f"database (AES-256-GCM, {state})"
    label = getattr(settings, "ARML_PKCS11_TOKEN_LABEL", "") or "?"
    try:
        attrs = token().attributes(record.key_reference)
    except KeyUnavailable as exc:
        return f"pkcs11 token {label!r} id={record.key_reference} (UNAVAILABLE: {exc})"
    flags = "non-extractable" if not attrs["extractable"] else "EXTRACTABLE"
    return f"pkcs11 token {label!r} id={record.key_reference} ({flags})"


def _describe(exc: Exception) -> str:
    return str(exc) or type(exc).__name__
