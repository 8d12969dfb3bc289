"""Where PDF bytes live: Django's storage API, alias "documents" (filesystem or S3)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages


def document_storage() -> Storage:
    return storages["documents"]


def new_key(kind: str, extension: str = "pdf") -> str:
    today = dt.date.today()
    return f"{kind}/{today:%Y/%m}/{uuid.uuid4().hex}.{extension}"


def write(kind: str, content: bytes, *, extension: str = "pdf") -> str:
    """Write new bytes under a fresh key; returns the key actually used."""
    return document_storage().save(new_key(kind, extension), ContentFile(content))


def read(key: str) -> bytes:
    with document_storage().open(key, "rb") as handle:
        return handle.read()


def discard(key: str) -> None:
    """Best effort: anything left behind is collected by `manage.py documents gc`."""
    try:
        document_storage().delete(key)
    except Exception:  # noqa: BLE001 - the gc is the safety net
        pass
