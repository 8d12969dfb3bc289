"""Attachments on any lifecycle object (issue 14.1): type read from the bytes, size capped,
listed on the page and the API, ledgered, never edited, superseded with a reason, required by a
transition where declared, carried by the audit export and checked offline by hash."""

import hashlib
import io
import json
import zipfile

import pytest
from django.test import Client

from audit import offline
from audit.models import AuditEvent
from documents.attachments import check, sniff
from documents.exceptions import AppendOnlyError
from documents.models import Attachment
from governance.organisations.models import Role
from tests.conventions.conftest import World
from tests.factories import person_with_role
from workflows.engine import perform

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64 + b"This program"


def office(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return out.getvalue()


DOCX = office({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = office({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT = office({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})
ODS = office({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"})


@pytest.mark.parametrize(
    "content, expected",
    [
        (PDF, "pdf"),
        (DOCX, "docx"),
        (XLSX, "xlsx"),
        (ODT, "odt"),
        (ODS, "ods"),
        (EXE, None),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 20, None),
        (office({"evil.exe": EXE}), None),
        (b"PK\x03\x04 not really a zip", None),
    ],
)
def test_the_format_is_read_from_the_bytes(content, expected):
    assert sniff(content) == expected


def test_too_large_and_empty_files_are_refused(settings):
    from documents.attachments import AttachmentRefused

    settings.ARML_ATTACHMENT_MAX_MB = 1
    with pytest.raises(AttachmentRefused) as too_large:
        check(PDF + b"0" * (1024 * 1024))
    assert too_large.value.code == "attachment_too_large"
    assert "1 Mo" in too_large.value.message or "1 MB" in too_large.value.message
    with pytest.raises(AttachmentRefused) as empty:
        check(b"")
    assert empty.value.code == "attachment_empty"


def upload(client, url, content, name, kind="other", **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        url, {"file": SimpleUploadedFile(name, content), "kind": kind, **extra}, format="multipart"
    )


@pytest.fixture
def world(db):
    return World()


def logged(person):
    client = Client()
    client.force_login(person)
    return client


def test_a_renamed_executable_is_refused_and_the_refusal_ledgered(world):
    conv = world.convention()
    url = f"/api/v1/conventions/{conv.pk}/attachments/"
    response = upload(logged(world.director), url, EXE, "deliberation.pdf")
    assert response.status_code == 400
    assert response.json()["code"] == "attachment_type_refused"
    assert "PDF" in response.json()["detail"]
    assert not Attachment.objects.exists()
    refusal = AuditEvent.objects.filter(action="convention.refused_attempt").last()
    assert refusal.data["refusal"]["code"] == "attachment_type_refused"


def test_attached_listed_ledgered_and_superseded_with_a_reason(world):
    conv = world.convention()
    url = f"/api/v1/conventions/{conv.pk}/attachments/"
    client = logged(world.director)
    first = upload(client, url, PDF, "compte-rendu.PDF", kind="auditor_report", title="Rapport")
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert body["filename"] == "compte-rendu.pdf" and body["format"] == "pdf"
    event = AuditEvent.objects.get(action="convention.attachment_added")
    assert event.data["attachment"]["sha256"] == body["sha256"]
    # Superseding needs a reason; then both stay listed, the first flagged.
    no_reason = upload(client, url, DOCX, "rapport.docx", supersedes=body["id"])
    assert no_reason.status_code == 400 and no_reason.json()["code"] == "reason_required"
    second = upload(
        client, url, DOCX, "rapport.docx", supersedes=body["id"], reason="Version signée"
    )
    assert second.status_code == 201, second.content
    listed = client.get(url).json()
    assert [(a["id"], a["superseded"]) for a in listed] == [
        (body["id"], True),
        (second.json()["id"], False),
    ]
    again = upload(client, url, PDF, "x.pdf", supersedes=body["id"], reason="encore")
    assert again.status_code == 409 and again.json()["code"] == "attachment_superseded"
    # The file downloads with its bytes; the page lists both.
    content = client.get(listed[0]["content_url"])
    assert b"".join(content.streaming_content) == PDF
    page = client.get(conv.get_absolute_url()).content.decode()
    assert "Rapport" in page and "Version signée" in page
    # Never edited nor deleted.
    row = Attachment.objects.get(pk=body["id"])
    with pytest.raises(AppendOnlyError):
        row.delete()


def test_only_those_who_may_act_attach(world):
    conv = world.convention()
    outsider = person_with_role(Role.AUDITOR, world.arml)
    response = upload(logged(outsider), f"/api/v1/conventions/{conv.pk}/attachments/", PDF, "a.pdf")
    assert response.status_code in (403, 404)
    assert not Attachment.objects.exists()


def test_the_page_form_attaches_and_refuses_with_a_french_message(world):
    conv = world.convention()
    client = logged(world.director)
    url = f"/pieces-jointes/governance.convention/{conv.pk}/ajouter/"
    refused = upload(client, url, EXE, "arrete.pdf", kind="delegation_order")
    assert refused.status_code == 302
    page = client.get(conv.get_absolute_url()).content.decode()
    assert "pas un document accepté" in page or "not an accepted document" in page
    done = upload(client, url, ODT, "arrete.odt", kind="delegation_order", title="Arrêté")
    assert done.status_code == 302
    assert Attachment.objects.get().kind == "delegation_order"


def test_the_region_countersigns_only_with_its_deliberation_when_the_rules_say_so(world):
    world.arml.countersign_evidence_required = True
    world.arml.save()
    conv = world.awaiting()
    perform(world.fresh(conv), "countersign", actor=world.state_officer)
    api = logged(world.region_officer)
    refused = api.post(f"/api/v1/conventions/{conv.pk}/transitions/countersign/", {})
    assert refused.status_code == 409
    assert refused.json()["code"] == "attachment_required"
    assert "commission permanente" in refused.json()["detail"]
    options = api.get(f"/api/v1/conventions/{conv.pk}/transitions/").json()
    countersign = next(o for o in options if o["name"] == "countersign")
    assert not countersign["allowed"] and "commission permanente" in " ".join(
        countersign["reasons"]
    )
    attached = upload(
        api, f"/api/v1/conventions/{conv.pk}/attachments/", PDF, "cp.pdf", kind="cp_deliberation"
    )
    assert attached.status_code == 201, attached.content
    done = api.post(f"/api/v1/conventions/{conv.pk}/transitions/countersign/", {})
    assert done.status_code == 200, done.content
    assert world.fresh(conv).state == "in_force"


def test_the_export_carries_the_file_and_the_offline_verifier_checks_its_hash(
    world, tmp_path, capsys, settings
):
    from audit.export import export_bundle
    from tests.audit.test_export import rewrite

    settings.ARML_CHECKPOINT_EVERY = 0
    conv = world.convention()
    client = logged(world.director)
    made = upload(client, f"/api/v1/conventions/{conv.pk}/attachments/", PDF, "cr.pdf").json()
    path = tmp_path / "bundle.zip"
    manifest = export_bundle(arml=world.arml, out=path)
    assert manifest["attachments"] == 1
    name = f"attachments/{made['id']}-cr.pdf"
    with zipfile.ZipFile(path) as z:
        assert z.read(name) == PDF
        assert json.loads(z.read(offline.ATTACHMENTS))[0]["sha256"] == made["sha256"]
    assert offline.main([str(path)]) == 0
    assert "1 attachments verified" in capsys.readouterr().out
    forged = rewrite(path, tmp_path, name, lambda data: data + b"%forged")
    assert offline.main([str(forged)]) == 1
    assert f"attachment {made['id']}: file does not match its SHA-256" in capsys.readouterr().err


def test_audit_verify_checks_the_stored_file(world, settings):
    from audit.verification import verify_ledger
    from documents import storage

    conv = world.convention()
    made = upload(
        logged(world.director), f"/api/v1/conventions/{conv.pk}/attachments/", PDF, "cr.pdf"
    ).json()
    report = verify_ledger()
    assert report.ok, report.failures
    assert report.attachments == 1
    key = Attachment.objects.get(pk=made["id"]).storage_key
    with storage.document_storage().open(key, "wb") as handle:
        handle.write(PDF + b"altered")
    report = verify_ledger()
    assert not report.ok
    assert any(f"attachment {made['id']}" in str(f) for f in report.failures)


def test_a_delegate_countersigns_only_once_the_arrete_is_attached(world):
    import datetime as dt

    from django.utils import timezone

    from permissions.models import Delegation
    from tests.factories import PersonFactory, give_mandate
    from workflows import errors

    world.arml.countersign_evidence_required = True
    world.arml.save()
    deputy = PersonFactory(first_name="Jean", last_name="Adjoint")
    give_mandate(deputy, Role.AUDITOR, world.arml)
    today = timezone.localdate()
    Delegation.objects.create(
        principal=world.state_officer,
        delegate=deputy,
        arml=world.arml,
        transitions=["convention.countersign"],
        start=today - dt.timedelta(days=2),
        end=today + dt.timedelta(days=2),
        reason="Intérim du préfet",
    )
    conv = world.awaiting()
    with pytest.raises(errors.AttachmentRequired) as refused:
        perform(world.fresh(conv), "countersign", actor=deputy)
    assert refused.value.code == "attachment_required" and "arrêté" in refused.value.message
    attached = upload(
        logged(world.state_officer),
        f"/api/v1/conventions/{conv.pk}/attachments/",
        PDF,
        "arrete-delegation.pdf",
        kind="delegation_order",
    )
    assert attached.status_code == 201, attached.content
    outcome = perform(world.fresh(conv), "countersign", actor=deputy)
    assert outcome.event.principal_id == world.state_officer.pk
