import json
import zipfile

import pytest
from django.core.management import call_command

from audit import offline
from audit.checkpoints import checkpoint_create
from audit.services import append

pytestmark = pytest.mark.django_db


@pytest.fixture
def bundle(arml, other_arml, tmp_path, settings):
    settings.ARML_CHECKPOINT_EVERY = 0
    for i in range(1, 40):
        append(
            action="action_plan.approved",
            arml=arml if i % 3 else other_arml,
            comment=f"n°{i} — réunion",
            data={"i": i},
        )
        if i in (7, 20):
            checkpoint_create()
    path = tmp_path / "bundle.zip"
    call_command("audit", "export", "--arml", arml.short_name, "--out", str(path))
    return path


def rewrite(path, tmp_path, name, change):
    out = tmp_path / "altered.zip"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.namelist():
            data = src.read(item)
            dst.writestr(item, change(data) if item == name else data)
    return out


def edit_events(edit):
    def change(data):
        lines = [json.loads(line) for line in data.splitlines()]
        return b"\n".join(json.dumps(line).encode() for line in edit(lines))

    return change


def test_the_bundle_verifies_offline(bundle, arml, capsys):
    assert offline.main([str(bundle)]) == 0
    out = capsys.readouterr().out
    assert "OK: 39 events (26 in full), 3 checkpoints" in out
    with zipfile.ZipFile(bundle) as z:
        assert {offline.README, offline.TRUST_CA, offline.TRUST_SEAL} <= set(z.namelist())
        events = [json.loads(line) for line in z.read(offline.EVENTS).splitlines()]
    assert events[2] == {"seq": 3, "hash": events[2]["hash"], "redacted": True}
    assert events[0]["comment"] == "n°1 — réunion" and events[0]["arml_id"] == arml.pk


def check_fails(path, capsys, expected):
    assert offline.main([str(path)]) == 1
    assert expected in capsys.readouterr().err


def test_it_catches_a_changed_event(bundle, tmp_path, capsys):
    def change(lines):
        lines[4]["comment"] = "forged"
        return lines

    check_fails(
        rewrite(bundle, tmp_path, offline.EVENTS, edit_events(change)),
        capsys,
        "seq 5: event content does not match its hash",
    )


def test_it_catches_a_removed_event(bundle, tmp_path, capsys):
    check_fails(
        rewrite(bundle, tmp_path, offline.EVENTS, edit_events(lambda ls: ls[:9] + ls[10:])),
        capsys,
        "seq 11: expected event 10",
    )


def test_it_catches_a_rehashed_event_by_the_signed_root(bundle, tmp_path, capsys):
    from audit.canonical import FIELDS, record_hash

    def change(lines):
        lines[-2]["comment"] = "forged"
        lines[-2]["hash"] = record_hash({k: lines[-2][k] for k in FIELDS})
        return lines

    check_fails(
        rewrite(bundle, tmp_path, offline.EVENTS, edit_events(change)),
        capsys,
        "checkpoint 39: Merkle root does not match",
    )


def test_it_catches_a_bad_checkpoint_signature(bundle, tmp_path, capsys):
    def change(data):
        lines = [json.loads(line) for line in data.splitlines()]
        lines[0]["time"] = "2001-01-01T00:00:00.000000+00:00"
        return b"\n".join(json.dumps(line).encode() for line in lines)

    check_fails(rewrite(bundle, tmp_path, offline.CHECKPOINTS, change), capsys, "bad signature")


def test_it_catches_a_foreign_trust_root(bundle, tmp_path, capsys):
    from cryptography.hazmat.primitives import serialization

    from tests.audit.test_export_helpers import self_signed

    ca = tmp_path / "ca.pem"
    ca.write_bytes(self_signed().public_bytes(serialization.Encoding.PEM))
    assert offline.main([str(bundle), "--ca", str(ca)]) == 1
    assert "not issued by a trusted root" in capsys.readouterr().err


def a_document_version(arml, content):
    import hashlib

    from django.contrib.contenttypes.models import ContentType

    from documents import storage
    from documents.models import Document, DocumentVersion

    document = Document.objects.create(
        kind="test",
        content_type=ContentType.objects.get_for_model(arml),
        object_id=str(arml.pk),
        arml=arml,
        title="Convention",
        facts_sha256="0" * 64,
    )
    return DocumentVersion.objects.create(
        document=document,
        n=1,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        storage_key=storage.write("test", content),
        filename="convention.pdf",
    )


def test_it_catches_altered_document_bytes(arml, tmp_path, capsys, settings):
    from audit.export import export_bundle

    settings.ARML_CHECKPOINT_EVERY = 0
    version = a_document_version(arml, b"%PDF-1.7 a signed convention")
    append(action="convention.signed", arml=arml, obj=arml, documents=[version])
    path = tmp_path / "bundle.zip"
    export_bundle(arml=arml, out=path)
    assert offline.main([str(path)]) == 0
    name = f"documents/{version.pk}-convention.pdf"
    check_fails(
        rewrite(path, tmp_path, name, lambda data: data + b"%%forged"),
        capsys,
        f"document version {version.pk}: file does not match its SHA-256",
    )


def test_it_catches_a_document_left_out(arml, tmp_path, capsys, settings):
    from audit.export import export_bundle

    settings.ARML_CHECKPOINT_EVERY = 0
    append(action="document.issued", arml=arml, documents=[{"version_id": 999, "sha256": "a" * 64}])
    path = tmp_path / "bundle.zip"
    export_bundle(arml=arml, out=path)
    check_fails(path, capsys, "seq 1: document version 999 missing or different")


def test_the_bundle_carries_time_stamps_and_witness_records(bundle, capsys):
    assert offline.main([str(bundle)]) == 0
    assert "3 checkpoints, 3 time-stamps" in capsys.readouterr().out
    with zipfile.ZipFile(bundle) as z:
        names = [n for n in z.namelist() if n.startswith(offline.WITNESS)]
        assert names == [f"witness/checkpoint-{n:012d}.json" for n in (7, 20, 39)]
        lines = [json.loads(line) for line in z.read(offline.CHECKPOINTS).splitlines()]
        assert all(line["timestamp_token"] for line in lines)


def test_it_catches_a_time_stamp_of_other_bytes(bundle, tmp_path, capsys):
    def change(data):
        lines = [json.loads(line) for line in data.splitlines()]
        lines[1]["timestamp_token"] = lines[0]["timestamp_token"]
        return b"\n".join(json.dumps(line).encode() for line in lines)

    check_fails(
        rewrite(bundle, tmp_path, offline.CHECKPOINTS, change),
        capsys,
        "checkpoint 20: time-stamp: the time-stamp token is for other bytes",
    )


def test_it_catches_a_witness_record_that_differs(bundle, tmp_path, capsys):
    def change(data):
        record = json.loads(data)
        record["root_hash"] = "0" * 64
        return json.dumps(record).encode()

    check_fails(
        rewrite(bundle, tmp_path, "witness/checkpoint-000000000007.json", change),
        capsys,
        "witness/checkpoint-000000000007.json does not match the bundle's checkpoint 7",
    )


def test_export_to_an_unwritable_place_is_a_clear_error(arml, tmp_path, settings):
    from django.core.management.base import CommandError

    settings.ARML_CHECKPOINT_EVERY = 0
    append(action="x.done", arml=arml)
    with pytest.raises(CommandError, match="Cannot write"):
        call_command(
            "audit",
            "export",
            "--arml",
            str(arml.pk),
            "--out",
            str(tmp_path / "no" / "such" / "dir" / "b.zip"),
        )
    with pytest.raises(CommandError, match="No ARML"):
        call_command("audit", "export", "--arml", "nope", "--out", str(tmp_path / "b.zip"))
