import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from documents import pki
from documents.exceptions import AppendOnlyError
from documents.models import Certificate, Document, DocumentVersion, Signature

pytestmark = pytest.mark.django_db


def test_platform_sign_verifies_with_the_platform_certificate(db):
    signature = pki.platform_sign(b"ledger entry")
    certificate = x509.load_pem_x509_certificate(pki.platform_certificate_pem())
    certificate.public_key().verify(signature, b"ledger entry", ec.ECDSA(hashes.SHA256()))
    root = x509.load_pem_x509_certificate(pki.trust_roots_pem())
    certificate.verify_directly_issued_by(root)
    assert pki.platform_sign(b"x") and pki.platform_verify(b"x", pki.platform_sign(b"x"))


def test_pki_is_created_once(db):
    first = pki.init()
    assert pki.init() == first
    assert Certificate.objects.count() == 3


def test_private_keys_are_encrypted_at_rest(db, settings):
    record = pki.seal().record
    blob = bytes(record.encrypted_key)
    key = pki.seal().key
    assert key.private_numbers().private_value.to_bytes(32, "big") not in blob
    pki._keys.clear()
    settings.ARML_KEY_ENCRYPTION_KEY = "another key"
    with pytest.raises(Exception):  # noqa: B017 - cryptography's InvalidTag
        pki._decrypt_key(Certificate.objects.get(pk=record.pk))
    settings.ARML_KEY_ENCRYPTION_KEY = ""
    assert pki._decrypt_key(record).private_numbers() == key.private_numbers()


def test_pki_command(convention, capsys):
    call_command("pki", "init")
    call_command("pki", "issue", convention.state.username)
    call_command("pki", "revoke", convention.state.username, "--reason", "left")
    call_command("pki", "show")
    out = capsys.readouterr().out
    assert "revoked 1 certificate(s)" in out and "Jérôme Müller" in out
    assert "PRIVATE" not in out


def test_documents_cannot_be_edited_or_deleted(convention):
    version = convention.issue()
    signature = Signature.objects.get(version=version)
    for row in (version.document, version, signature):
        with pytest.raises(AppendOnlyError):
            row.save()
        with pytest.raises(AppendOnlyError):
            row.delete()
    with pytest.raises(AppendOnlyError):
        DocumentVersion.objects.update(size=1)
    with pytest.raises(AppendOnlyError):
        Document.objects.all().delete()


def test_the_database_refuses_updates(convention):
    version = convention.issue()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE documents_documentversion SET size = 1 WHERE id = %s", [version.pk])
