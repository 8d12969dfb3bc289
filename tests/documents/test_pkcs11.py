"""Keys in a PKCS#11 token (issue 13.2), against a fresh SoftHSM2 token (conftest.softhsm)."""

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.management import call_command

from audit.checkpoints import checkpoint_create
from audit.crypto import load_pem_certificates, signature_problem
from audit.verification import verify_ledger
from documents import hsm, pki, signing, storage
from documents.exceptions import KeyUnavailable
from documents.models import Certificate, CertificateKind, KeyStore
from documents.verification import verify
from governance.organisations.models import Role
from tests.workflows.conftest import World
from workflows import errors
from workflows.engine import perform

pytestmark = pytest.mark.django_db


def test_pki_init_creates_the_platform_keys_in_the_token_non_extractable(token_settings, capsys):
    call_command("pki", "init")
    records = list(Certificate.objects.order_by("pk"))
    assert [r.kind for r in records] == ["ca", "seal", "tsa"]
    for record in records:
        assert record.key_store == KeyStore.PKCS11 and bytes(record.encrypted_key) == b""
        assert hsm.token().attributes(record.key_reference) == {
            "sensitive": True,
            "extractable": False,
            "token": True,
        }
    out = capsys.readouterr().out
    assert out.count("key: pkcs11 token 'arml-test'") == 3 and "non-extractable" in out

    call_command("pki", "show")
    out = capsys.readouterr().out
    assert "PKCS#11 token 'arml-test'" in out and out.count("(non-extractable)") == 3
    assert token_settings.ARML_PKCS11_PIN not in out


def test_the_private_key_cannot_be_read_out_of_the_token(token_settings):
    from pkcs11 import Attribute
    from pkcs11.exceptions import AttributeSensitive

    for credential in (pki.ca(), pki.seal(), pki.tsa()):
        key = hsm.token().private_key(credential.record.key_reference)
        assert key[Attribute.EXTRACTABLE] is False and key[Attribute.SENSITIVE] is True
        with pytest.raises(AttributeSensitive):
            key[Attribute.VALUE]  # the EC private value


def test_the_token_ca_issues_certificates_that_chain_and_the_seal_signs(token_settings):
    ca, seal = pki.ca(), pki.seal()
    assert ca.record.key_store == seal.record.key_store == KeyStore.PKCS11
    ca.certificate.verify_directly_issued_by(ca.certificate)  # self-signed through the token
    seal.certificate.verify_directly_issued_by(ca.certificate)
    signature = pki.platform_sign(b"ledger statement")
    seal.certificate.public_key().verify(signature, b"ledger statement", ec.ECDSA(hashes.SHA256()))
    assert x509.load_pem_x509_certificate(pki.platform_certificate_pem()) == seal.certificate


def test_a_document_signed_through_the_token_verifies(token_settings, convention):
    token_settings.ARML_PKCS11_SIGNER_KEYS = True
    version = convention.countersign(convention.countersign(convention.issue(), "state"), "region")
    signers = Certificate.objects.filter(kind=CertificateKind.SIGNER)
    assert signers.count() == 3
    assert set(Certificate.objects.values_list("key_store", flat=True)) == {KeyStore.PKCS11}
    assert all(bytes(c.encrypted_key) == b"" for c in signers)

    report = verify(version)
    assert report.ok, report.reasons
    assert all(
        s.valid and s.intact and s.trusted and s.timestamp_trusted and s.level == "PAdES-B-T"
        for s in report.signatures
    )
    assert [s.signer for s in report.signatures] == [
        "Hélène Lefèvre",
        "Jérôme Müller",
        "Françoise Œuvray",
    ]
    assert storage.read(version.storage_key).startswith(
        storage.read(version.parent.parent.storage_key)
    )


def test_signers_keys_stay_in_the_database_unless_asked(token_settings, convention):
    version = convention.issue()
    signer = Certificate.objects.get(kind=CertificateKind.SIGNER)
    assert signer.key_store == KeyStore.DATABASE and bytes(signer.encrypted_key)
    assert pki.ca().record.key_store == KeyStore.PKCS11
    assert verify(version).ok


def test_a_checkpoint_signed_through_the_token_verifies(token_settings):
    world = World()
    perform(world.plan("opinion_given"), "approve", actor=world.people[Role.PRESIDENT])
    checkpoint = checkpoint_create()
    assert pki.seal().record.key_store == KeyStore.PKCS11
    roots = load_pem_certificates(pki.trust_roots_pem())
    assert (
        signature_problem(
            checkpoint.statement(),
            bytes(checkpoint.signature),
            checkpoint.certificate,
            roots,
            at=checkpoint.time,
        )
        is None
    )
    tampered = bytes(checkpoint.signature)[:-1] + bytes([bytes(checkpoint.signature)[-1] ^ 1])
    assert (
        signature_problem(
            checkpoint.statement(), tampered, checkpoint.certificate, roots, at=checkpoint.time
        )
        is not None
    )
    report = verify_ledger()
    assert report.ok and report.checkpoints == 1, report.failures


def test_a_wrong_pin_is_a_clear_503_not_a_traceback(token_settings):
    world = World()
    pki.init()
    token_settings.ARML_PKCS11_PIN = "wrong-pin"
    signing.reset_caches()
    with pytest.raises(KeyUnavailable, match="Le jeton PKCS#11 arml-test ne peut pas être ouvert"):
        pki.platform_sign(b"x")
    with pytest.raises(errors.DocumentFailed, match="jeton PKCS#11"):
        perform(world.plan("opinion_given"), "approve", actor=world.people[Role.PRESIDENT])


def test_a_refused_pin_is_not_tried_again_by_the_process(token_settings, softhsm, monkeypatch):
    """Each wrong PIN counts towards locking the token: one try per process and setting."""
    pki.init()
    token_settings.ARML_PKCS11_PIN = "wrong-pin"
    signing.reset_caches()
    attempts = []
    real = hsm.Token

    def counting(config):
        attempts.append(config)
        return real(config)

    monkeypatch.setattr(hsm, "Token", counting)
    for _ in range(3):
        with pytest.raises(KeyUnavailable, match="PinIncorrect"):
            pki.platform_sign(b"x")
    assert len(attempts) == 1
    token_settings.ARML_PKCS11_PIN = softhsm.pin
    assert pki.platform_verify(b"x", pki.platform_sign(b"x"))  # a new setting is tried
    assert len(attempts) == 2


def test_pin_from_a_file(token_settings, tmp_path, softhsm):
    (tmp_path / "pin").write_text(softhsm.pin + "\n")
    token_settings.ARML_PKCS11_PIN = ""
    token_settings.ARML_PKCS11_PIN_FILE = str(tmp_path / "pin")
    signing.reset_caches()
    assert pki.platform_verify(b"x", pki.platform_sign(b"x"))
