import datetime as dt
import os
import time

import pytest
from django.core.management import call_command
from django.db import DatabaseError

from documents import gc, services, signing, storage
from documents.exceptions import SigningFailed
from documents.models import Document, DocumentVersion

pytestmark = pytest.mark.django_db


def _stored_keys() -> list[str]:
    return (
        list(gc._walk(storage.document_storage()))
        if os.path.isdir(storage.document_storage().location)
        else []
    )


def _age(key: str, seconds: int) -> None:
    path = storage.document_storage().path(key)
    past = time.time() - seconds
    os.utime(path, (past, past))


def test_signing_failure_after_render_leaves_no_row_and_no_file(convention, monkeypatch):
    def broken_timestamper():
        raise SigningFailed("TSA down")

    monkeypatch.setattr(signing, "get_timestamper", broken_timestamper)
    with pytest.raises(SigningFailed):
        convention.issue()
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()
    assert _stored_keys() == []


def test_database_failure_removes_the_file(convention, monkeypatch):
    def failing_create(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(services, "_create_version", failing_create)
    with pytest.raises(DatabaseError):
        convention.issue()
    assert not Document.objects.exists()
    assert _stored_keys() == []


def test_gc_collects_a_file_left_when_the_cleanup_also_failed(convention, monkeypatch):
    monkeypatch.setattr(
        services, "_create_version", lambda *a, **k: (_ for _ in ()).throw(DatabaseError("down"))
    )
    monkeypatch.setattr(storage, "discard", lambda key: None)  # e.g. storage unreachable
    with pytest.raises(DatabaseError):
        convention.issue()
    [orphan] = _stored_keys()
    _age(orphan, 7200)
    assert gc.collect(apply=True) == [orphan]
    assert _stored_keys() == []


def test_gc_is_a_dry_run_by_default_and_keeps_referenced_and_young_files(convention, capsys):
    kept = convention.issue()
    orphan = storage.write("convention", b"%PDF-orphan")
    young = storage.write("convention", b"%PDF-young")
    _age(orphan, 7200)
    _age(kept.storage_key, 7200)

    call_command("documents", "gc")
    assert "would delete " + orphan in capsys.readouterr().out
    assert set(_stored_keys()) == {kept.storage_key, orphan, young}

    call_command("documents", "gc", "--apply")
    assert set(_stored_keys()) == {kept.storage_key, young}

    call_command("documents", "gc", "--apply", "--grace-minutes", "0")
    assert set(_stored_keys()) == {kept.storage_key}


def test_gc_with_an_empty_storage(db):
    assert gc.orphans(grace=dt.timedelta(0)) == []


def test_countersign_refuses_when_the_stored_file_was_changed(convention):
    from django.core.files.base import ContentFile

    from documents.exceptions import StorageMismatch

    version = convention.issue()
    store = storage.document_storage()
    content = storage.read(version.storage_key)
    store.delete(version.storage_key)
    store.save(version.storage_key, ContentFile(content + b"x"))
    with pytest.raises(StorageMismatch):
        convention.countersign(version, "state")


def test_countersign_refuses_bytes_that_do_not_extend_the_previous_version(convention, monkeypatch):
    from documents.exceptions import CountersignRefused

    version = convention.issue()
    real_sign = signing.sign

    def rewriting_sign(content, **kwargs):
        signed = real_sign(content, **kwargs)
        return signing.SignedPdf(
            b"%PDF-rewritten" + signed.content[14:],
            signed.field,
            signed.fingerprint,
            signed.signed_at,
            signed.timestamped_at,
        )

    monkeypatch.setattr(signing, "sign", rewriting_sign)
    with pytest.raises(CountersignRefused):
        convention.countersign(version, "state")
    assert DocumentVersion.objects.count() == 1
    assert _stored_keys() == [version.storage_key]
