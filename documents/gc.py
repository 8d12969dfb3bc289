"""Garbage collection of stored files that no row refers to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.core.files.storage import Storage
from django.utils import timezone

from documents.models import Attachment, DocumentVersion
from documents.storage import document_storage


def _walk(store: Storage, path: str = "") -> Iterator[str]:
    directories, files = store.listdir(path)
    for name in files:
        yield f"{path}/{name}" if path else name
    for name in directories:
        yield from _walk(store, f"{path}/{name}" if path else name)


def orphans(*, grace: dt.timedelta = dt.timedelta(hours=1)) -> list[str]:
    """Keys in storage with no DocumentVersion nor Attachment, older than `grace`."""
    store = document_storage()
    try:
        keys = list(_walk(store))
    except FileNotFoundError:
        return []
    known: set[str] = set()
    for start in range(0, len(keys), 500):
        for model in (DocumentVersion, Attachment):
            known.update(
                model.objects.filter(storage_key__in=keys[start : start + 500]).values_list(
                    "storage_key", flat=True
                )
            )
    cutoff = timezone.now() - grace
    return sorted(k for k in keys if k not in known and store.get_modified_time(k) < cutoff)


def collect(*, apply: bool = False, grace: dt.timedelta = dt.timedelta(hours=1)) -> list[str]:
    """The orphan keys; deleted when `apply` is true."""
    found = orphans(grace=grace)
    if apply:
        store = document_storage()
        for key in found:
            store.delete(key)
    return found
