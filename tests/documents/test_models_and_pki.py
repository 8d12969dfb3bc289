import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from documents import keys, pki
from documents.capacity import Capacity
from documents.exceptions import AppendOnlyError, KeyUnavailable
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
    key = pki.seal().key.private_key
    assert record.key_store == "database"
    assert key.private_numbers().private_value.to_bytes(32, "big") not in blob
    settings.ARML_KEY_ENCRYPTION_KEY = "another key"
    with pytest.raises(KeyUnavailable, match="clé de chiffrement des clés ne correspond pas"):
        keys.decrypt(blob, record.fingerprint)
    settings.ARML_KEY_ENCRYPTION_KEY = ""
    assert keys.decrypt(blob, record.fingerprint).private_numbers() == key.private_numbers()


def test_pki_command(convention, capsys):
    call_command("pki", "init")
    call_command(
        "pki",
        "issue",
        convention.state.username,
        "--role",
        "state_officer",
        "--capacity",
        "Représentante de l'État",
        "--organisation",
        "Préfecture",
    )
    call_command("pki", "revoke", convention.state.username, "--reason", "left")
    assert "revoked 1 certificate(s)" in capsys.readouterr().out
    call_command("pki", "show")
    out = capsys.readouterr().out
    assert "Jérôme Müller" in out and "revoked" in out
    assert "Représentante de l'État" in out and "O=Préfecture" in out
    assert out.count("key: database (AES-256-GCM, KEK ok)") == 4
    assert "PRIVATE" not in out


def test_pki_issue_renews_every_role_in_the_same_capacity(convention, capsys):
    capacity = Capacity("state_officer", "Représentante de l'État", "Préfecture de région")
    first = pki.issue_signer_certificate(convention.state, capacity=capacity)
    pki.revoke(convention.state)
    call_command("pki", "issue", convention.state.username)
    renewed = Certificate.objects.exclude(pk=first.pk).get(person=convention.state)
    assert pki.capacity_of(renewed) == capacity and renewed.revoked_at is None


def test_pki_issue_without_role_or_certificate_is_a_clear_error(convention):
    with pytest.raises(CommandError, match="pass --role"):
        call_command("pki", "issue", convention.region.username)
    with pytest.raises(CommandError, match="No person"):
        call_command("pki", "issue", "nobody", "--role", "president")


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


def test_the_database_refuses_updates_of_signatures_after_migration_0003(convention):
    """SQLite rebuilds a table to add a column, dropping its triggers: 0003 restores it."""
    signature = Signature.objects.get(version=convention.issue())
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE documents_signature SET role = 'x' WHERE id = %s", [signature.pk])
