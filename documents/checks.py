"""System checks of the signing keys' configuration (`manage.py check`, `check --deploy`).

documents.E001 refuses production (DEBUG off) without a key-encryption key of its own: keys
encrypted under a key derived from SECRET_KEY are readable by whoever holds a database dump and
the (often shared, sometimes committed) SECRET_KEY, and rotating SECRET_KEY would lock them all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks

from documents import hsm
from documents.keys import MIN_KEK_LENGTH

HINT_KEK = (
    'Generate one with `python -c "import secrets; print(secrets.token_urlsafe(48))"`, '
    "keep it apart from the database and its backups, and set ARML_KEY_ENCRYPTION_KEY. "
    "Existing keys: `manage.py pki rekey` (README § Signing keys)."
)


@checks.register(checks.Tags.security)
def key_encryption_key(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if settings.DEBUG:
        return []
    kek = getattr(settings, "ARML_KEY_ENCRYPTION_KEY", "") or ""
    if not kek:
        if hsm.holds_signer_keys():
            return []  # every new key is created in the token; none is encrypted at rest
        return [
            checks.Error(
                "ARML_KEY_ENCRYPTION_KEY is not set while DEBUG is off: private keys would be "
                "encrypted under a key derived from SECRET_KEY.",
                hint=HINT_KEK,
                id="documents.E001",
            )
        ]
    if kek == settings.SECRET_KEY:
        return [
            checks.Error(
                "ARML_KEY_ENCRYPTION_KEY must differ from SECRET_KEY.",
                hint=HINT_KEK,
                id="documents.E002",
            )
        ]
    if len(kek) < MIN_KEK_LENGTH:
        return [
            checks.Warning(
                f"ARML_KEY_ENCRYPTION_KEY is shorter than {MIN_KEK_LENGTH} characters.",
                hint=HINT_KEK,
                id="documents.W001",
            )
        ]
    return []


@checks.register(checks.Tags.security)
def pkcs11_token(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    module = getattr(settings, "ARML_PKCS11_MODULE", "") or ""
    if not module:
        return []
    found: list[checks.CheckMessage] = []
    if not Path(module).is_file():
        found.append(
            checks.Error(
                f"ARML_PKCS11_MODULE={module!r} is not a file.",
                hint="The token vendor's PKCS#11 library, e.g. /usr/lib/softhsm/libsofthsm2.so.",
                id="documents.E010",
            )
        )
    if not getattr(settings, "ARML_PKCS11_TOKEN_LABEL", ""):
        found.append(
            checks.Error(
                "ARML_PKCS11_TOKEN_LABEL is not set.",
                hint="The label given to the token when it was initialised.",
                id="documents.E011",
            )
        )
    if not hsm.read_pin():
        found.append(
            checks.Error(
                "No PIN for the PKCS#11 token: set ARML_PKCS11_PIN or ARML_PKCS11_PIN_FILE (a "
                "readable file).",
                id="documents.E012",
            )
        )
    return found
