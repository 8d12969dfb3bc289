"""Keys at rest (issue 13.2): a wrong key-encryption key fails cleanly, `pki rekey`, the checks."""

import io

import pytest
from django.core import checks
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from documents import keys, pki, signing
from documents.checks import key_encryption_key, pkcs11_token
from documents.exceptions import KeyUnavailable
from documents.models import Certificate, DocumentVersion
from documents.verification import verify
from governance.organisations.models import Role
from tests.workflows.conftest import World
from workflows import errors
from workflows.engine import perform

pytestmark = pytest.mark.django_db

OLD = "the-old-key-encryption-key-0123456789-abcdef"
NEW = "the-new-key-encryption-key-9876543210-fedcba"


@pytest.fixture
def kek(settings):
    """Start from a known KEK and from nothing decrypted in memory; leave nothing behind."""
    settings.ARML_KEY_ENCRYPTION_KEY = OLD
    signing.reset_caches()
    yield settings
    signing.reset_caches()


def restart_with(settings, secret: str) -> None:
    """What a restart with another ARML_KEY_ENCRYPTION_KEY amounts to."""
    settings.ARML_KEY_ENCRYPTION_KEY = secret
    signing.reset_caches()


def test_a_wrong_key_encryption_key_fails_with_its_cause_not_invalid_tag(kek, convention):
    convention.issue()
    restart_with(kek, NEW)
    with pytest.raises(KeyUnavailable, match="clé de chiffrement des clés ne correspond pas"):
        convention.issue()


def test_the_engine_answers_503_naming_the_cause_and_changes_nothing(kek, client):
    world = World()
    plan = world.plan("opinion_given")
    perform(world.plan("opinion_given"), "approve", actor=world.people[Role.PRESIDENT])
    restart_with(kek, NEW)
    events, versions = AuditEvent.objects.count(), DocumentVersion.objects.count()

    with pytest.raises(errors.DocumentFailed, match="clé de chiffrement des clés ne correspond"):
        perform(plan, "approve", actor=world.people[Role.PRESIDENT])

    client.force_login(world.people[Role.PRESIDENT])
    response = client.post(
        f"/api/v1/action-plans/{plan.pk}/transitions/approve/",
        {"comment": "Accord"},
        content_type="application/json",
    )
    assert response.status_code == 503
    assert response.json()["code"] == "document_failed"
    assert "clé de chiffrement des clés ne correspond pas" in response.json()["detail"]
    plan.refresh_from_db()
    assert plan.state == "opinion_given"
    assert (AuditEvent.objects.count(), DocumentVersion.objects.count()) == (events, versions)


def test_rekey_reencrypts_every_key_and_signing_follows_the_new_key(
    kek, convention, capsys, monkeypatch
):
    first = convention.countersign(convention.issue(), "state")
    blobs = dict(Certificate.objects.values_list("pk", "encrypted_key"))
    assert len(blobs) == 5  # CA, seal, TSA, president, state

    monkeypatch.setenv("ARML_NEW_KEY_ENCRYPTION_KEY", NEW)
    call_command("pki", "rekey")
    assert "5 key(s) re-encrypted under the new key-encryption key, 0 already" in (
        capsys.readouterr().out
    )
    after = dict(Certificate.objects.values_list("pk", "encrypted_key"))
    assert all(bytes(after[pk]) != bytes(blobs[pk]) for pk in blobs)

    restart_with(kek, NEW)
    assert verify(convention.countersign(first, "region")).ok
    assert pki.platform_verify(b"checkpoint", pki.platform_sign(b"checkpoint"))

    restart_with(kek, OLD)
    with pytest.raises(KeyUnavailable, match="ne correspond pas"):
        convention.issue()


def test_rekey_is_idempotent_and_reads_stdin(kek, convention, capsys, monkeypatch):
    convention.issue()
    monkeypatch.setattr("sys.stdin", io.StringIO(NEW + "\n"))
    call_command("pki", "rekey", "--stdin")
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO(NEW + "\n"))
    call_command("pki", "rekey", "--stdin")  # settings not switched yet: run again
    assert "0 key(s) re-encrypted under the new key-encryption key, 4 already under it" in (
        capsys.readouterr().out
    )
    restart_with(kek, NEW)
    assert verify(convention.issue()).ok


def test_rekey_is_all_or_nothing(kek, convention):
    convention.issue()
    before = dict(Certificate.objects.values_list("pk", "encrypted_key"))
    stranger = Certificate.objects.get(person=convention.president)
    stranger.encrypted_key = keys.encrypt(
        pki.ca().key.private_key, stranger.fingerprint, "a key nobody knows any more, 0123456789"
    )
    stranger.save(update_fields=["encrypted_key"])
    before[stranger.pk] = stranger.encrypted_key

    with pytest.raises(KeyUnavailable, match="ni avec la clé de chiffrement des clés actuelle"):
        keys.rekey(NEW)
    after = dict(Certificate.objects.values_list("pk", "encrypted_key"))
    assert {pk: bytes(b) for pk, b in after.items()} == {pk: bytes(b) for pk, b in before.items()}


@pytest.mark.parametrize(
    "new,message",
    [
        ("", "No new key-encryption key"),
        ("short", "au moins 32 caractères"),
        (OLD, "identique à l'actuelle"),
    ],
)
def test_rekey_refuses_a_missing_short_or_unchanged_key(kek, convention, monkeypatch, new, message):
    convention.issue()
    monkeypatch.setenv("ARML_NEW_KEY_ENCRYPTION_KEY", new)
    with pytest.raises(CommandError, match=message):
        call_command("pki", "rekey")


def test_production_refuses_a_missing_or_shared_key_encryption_key(settings):
    settings.DEBUG = False
    settings.ARML_PKCS11_MODULE = ""
    settings.ARML_KEY_ENCRYPTION_KEY = ""
    assert [m.id for m in key_encryption_key()] == ["documents.E001"]
    assert all(m.level == checks.ERROR for m in key_encryption_key())
    settings.ARML_KEY_ENCRYPTION_KEY = settings.SECRET_KEY
    assert [m.id for m in key_encryption_key()] == ["documents.E002"]
    settings.ARML_KEY_ENCRYPTION_KEY = "short"
    assert [m.id for m in key_encryption_key()] == ["documents.W001"]
    settings.ARML_KEY_ENCRYPTION_KEY = NEW
    assert key_encryption_key() == []
    settings.DEBUG = True
    settings.ARML_KEY_ENCRYPTION_KEY = ""
    assert key_encryption_key() == []


def test_check_deploy_reports_the_missing_key_encryption_key(settings):
    settings.DEBUG = False
    settings.ARML_KEY_ENCRYPTION_KEY = ""
    settings.ARML_PKCS11_MODULE = ""
    with pytest.raises(CommandError) as raised:
        call_command("check", "--deploy", "--fail-level", "ERROR")
    assert "documents.E001" in str(raised.value)


def test_a_misconfigured_token_is_reported(settings, tmp_path):
    settings.ARML_PKCS11_MODULE = str(tmp_path / "missing.so")
    settings.ARML_PKCS11_TOKEN_LABEL = ""
    settings.ARML_PKCS11_PIN = ""
    settings.ARML_PKCS11_PIN_FILE = str(tmp_path / "no-pin")
    assert [m.id for m in pkcs11_token()] == ["documents.E010", "documents.E011", "documents.E012"]
    (tmp_path / "pin").write_text("1234\n")
    settings.ARML_PKCS11_PIN_FILE = str(tmp_path / "pin")
    settings.ARML_PKCS11_TOKEN_LABEL = "arml"
    assert [m.id for m in pkcs11_token()] == ["documents.E010"]


def test_pki_show_tells_when_the_key_encryption_key_does_not_match(kek, convention, capsys):
    convention.issue()
    restart_with(kek, NEW)
    call_command("pki", "show")
    out = capsys.readouterr().out
    assert out.count("KEK DOES NOT MATCH") == 4 and "KEK ok" not in out
