import datetime as dt
import hashlib

import pytest
from django.utils import timezone

from documents import pki, services, storage
from documents.capacity import Capacity
from documents.exceptions import (
    CertificateExpired,
    CertificateRevoked,
    CountersignRefused,
)
from documents.models import Certificate, CertificateKind, Signature
from documents.verification import verify
from governance.organisations.models import Role
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("order", [("state", "region"), ("region", "state")])
def test_three_signatures_in_either_order_are_valid_and_trusted(convention, order):
    versions = [convention.issue()]
    for field in order:
        versions.append(convention.countersign(versions[-1], field))

    for parent, child in zip(versions, versions[1:], strict=False):
        assert storage.read(child.storage_key).startswith(storage.read(parent.storage_key))
    report = verify(versions[-1])
    assert report.ok, report.reasons
    assert [s.field for s in report.signatures] == ["president", *order]
    assert all(
        s.intact and s.valid and s.trusted and s.timestamp_trusted for s in report.signatures
    )
    assert report.signatures[-1].coverage == "ENTIRE_FILE"
    assert {s.modification_level for s in report.signatures[:-1]} == {"FORM_FILLING"}
    assert [v.n for v in versions] == [1, 2, 3]
    for version in versions:
        assert verify(version).ok


def test_rows_record_signer_role_certificate_and_times(convention):
    version = convention.issue()
    signature = Signature.objects.get(version=version)
    certificate = Certificate.objects.get(fingerprint=signature.certificate_fingerprint)
    assert (signature.signer, signature.role, signature.field) == (
        convention.president,
        Role.PRESIDENT,
        "president",
    )
    assert certificate.person == convention.president
    assert signature.timestamped_at is not None
    content = storage.read(version.storage_key)
    assert version.sha256 == hashlib.sha256(content).hexdigest() and version.size == len(content)


def test_signing_on_behalf_of_someone_is_recorded(convention):
    deputy = PersonFactory()
    version = services.issue(
        obj=convention.arml,
        kind="act",
        facts={"title": "Acte", "reference": "A-1"},
        actor=deputy,
        on_behalf_of=convention.president,
        role=Role.PRESIDENT,
        signer_slots=[{"field": "president", "role": Role.PRESIDENT, "label": "Président"}],
        sign_field="president",
    )
    assert version.signature.on_behalf_of == convention.president
    assert version.signature.signer == deputy


def test_a_signer_without_a_certificate_gets_one(convention):
    assert not Certificate.objects.filter(person=convention.state).exists()
    convention.countersign(convention.issue(), "state")
    certificate = Certificate.objects.get(person=convention.state)
    assert certificate.kind == CertificateKind.SIGNER
    assert "Jérôme Müller" in pki._load_pem(certificate.certificate_pem).subject.rfc4514_string()
    mandate = convention.state.mandates.get()
    assert certificate.organisation == mandate.funder.name
    assert certificate.role == Role.STATE_OFFICER


def test_a_revoked_certificate_cannot_sign(convention):
    version = convention.issue()
    pki.signer_credential(convention.state, capacity=Capacity(Role.STATE_OFFICER))
    pki.revoke(convention.state, reason="lost")
    with pytest.raises(CertificateRevoked, match="révoqué"):
        convention.countersign(version, "state")
    assert version.document.versions.count() == 1


def test_an_expired_certificate_cannot_sign(convention):
    version = convention.issue()
    pki.issue_signer_certificate(
        convention.region,
        capacity=Capacity(Role.REGION_OFFICER),
        years=1,
        not_before=timezone.now() - dt.timedelta(days=800),
    )
    with pytest.raises(CertificateExpired, match="expiré"):
        convention.countersign(version, "region")


def test_a_new_certificate_after_revocation_signs_again(convention):
    version = convention.issue()
    pki.signer_credential(convention.state, capacity=Capacity(Role.STATE_OFFICER))
    pki.revoke(convention.state)
    pki.issue_signer_certificate(convention.state, capacity=Capacity(Role.STATE_OFFICER))
    assert verify(convention.countersign(version, "state")).ok


def test_only_the_latest_version_can_be_countersigned(convention):
    first = convention.issue()
    convention.countersign(first, "state")
    with pytest.raises(CountersignRefused):
        convention.countersign(first, "region")


def test_a_field_is_signed_once_and_by_its_role(convention):
    version = convention.issue()
    with pytest.raises(CountersignRefused):
        services.countersign(
            version=version, field="president", actor=convention.president, role=Role.PRESIDENT
        )
    with pytest.raises(CountersignRefused):
        services.countersign(
            version=version, field="state", actor=convention.region, role=Role.REGION_OFFICER
        )
    with pytest.raises(CountersignRefused):
        services.countersign(
            version=version, field="nope", actor=convention.state, role=Role.STATE_OFFICER
        )


def test_a_superseded_document_cannot_be_countersigned(convention):
    version = convention.issue()
    services.supersede(document=version.document, reason="Erreur de montant")
    with pytest.raises(CountersignRefused):
        convention.countersign(version, "state")
    assert version.is_superseded


def test_issue_without_signing_creates_all_empty_fields(convention):
    from documents.signing import signed_fields

    version = convention.issue(sign_field=None)
    assert signed_fields(storage.read(version.storage_key)) == {
        "president": False,
        "state": False,
        "region": False,
    }
    later = convention.countersign(version, "region")
    assert verify(later).ok
