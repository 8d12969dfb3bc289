"""Visible signatures (issue 15): each signature box shows who signed, in which capacity, when,
and for whom; verification names each signature's PAdES level and any delegation."""

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields as pdf_fields
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner

from documents import pki, services, signing, storage
from documents.capacity import Capacity, DelegationEvidence
from documents.models import Signature
from documents.verification import verify, verify_bytes
from governance.organisations.models import Role
from permissions.models import Delegation
from tests.documents.pdftext import appearance_text
from tests.workflows.conftest import World
from workflows.engine import perform

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def paris(moment: dt.datetime) -> str:
    local = moment.astimezone(PARIS)
    return f"le {local:%d/%m/%Y} à {local:%H:%M:%S} (heure de Paris)"


def test_each_signature_shows_name_capacity_organisation_and_paris_time(convention):
    versions = [convention.issue()]
    versions.append(convention.countersign(versions[-1], "state"))
    versions.append(convention.countersign(versions[-1], "region"))
    content = storage.read(versions[-1].storage_key)

    expected = {
        "president": ("Hélène Lefèvre", "Président·e de l'ARML", convention.arml.name),
        "state": (
            "Jérôme Müller",
            "Représentant·e de l'État",
            convention.state.mandates.get().funder.name,
        ),
        "region": (
            "Françoise Œuvray",
            "Représentant·e de la Région",
            convention.region.mandates.get().funder.name,
        ),
    }
    for field, (name, capacity, organisation) in expected.items():
        signed_at = Signature.objects.get(
            version__document=versions[0].document, field=field
        ).signed_at
        assert appearance_text(content, field).splitlines() == [
            f"Signé par {name}",
            capacity,
            organisation,
            paris(signed_at),
        ]

    for parent, child in zip(versions, versions[1:], strict=False):
        assert storage.read(child.storage_key).startswith(storage.read(parent.storage_key))
    report = verify(versions[-1])
    assert report.ok, report.reasons
    assert [s.level for s in report.signatures] == ["PAdES-B-T"] * 3
    assert [s.modification_level for s in report.signatures[:2]] == ["FORM_FILLING"] * 2
    assert report.signatures[-1].coverage == "ENTIRE_FILE"
    assert all(
        s.intact and s.valid and s.trusted and s.timestamp_trusted for s in report.signatures
    )


def test_the_appearance_embeds_a_font_with_every_glyph_it_draws(convention):
    organisation = "Préfecture de région (DREETS) [test] — 12 345,00 € œ ß"
    version = convention.issue(capacity=Capacity(Role.PRESIDENT, "Présidente", organisation))
    text = appearance_text(storage.read(version.storage_key), "president")
    assert organisation in text.splitlines()
    assert "\ufffd" not in text


def test_a_signature_by_delegation_says_for_whom_and_under_which_delegation(client):
    world = World()
    president, delegate = world.people[Role.PRESIDENT], world.people[Role.BOARD_MEMBER]
    today = timezone.localdate()
    delegation = Delegation.objects.create(
        principal=president,
        delegate=delegate,
        arml=world.arml,
        transitions=["action_plan.approve"],
        start=today - dt.timedelta(days=1),
        end=today + dt.timedelta(days=10),
        reason="Congés de la présidente",
    )
    outcome = perform(world.plan("opinion_given"), "approve", actor=delegate, comment="Accord")
    version = outcome.document
    line = (
        f"Pour {president} et par délégation (délégation n° {delegation.pk}, "
        f"à compter du {delegation.start:%d/%m/%Y})"
    )

    lines = appearance_text(storage.read(version.storage_key), "signature_1").splitlines()
    assert lines[0] == f"Signé par {delegate}"
    assert lines[1:3] == ["Président·e de l'ARML", world.arml.name]
    assert lines[-1] == line

    [signature] = verify(version).signatures
    assert signature.level == "PAdES-B-T" and signature.ok
    assert signature.on_behalf_of == str(president)
    assert signature.delegation["reference"] == f"délégation n° {delegation.pk}"
    assert signature.delegation["start"] == delegation.start.isoformat()
    assert signature.delegation_text == line

    client.force_login(president)
    html = client.get(reverse("documents:version_detail", args=[version.pk])).content.decode()
    assert "PAdES-B-T" in html and line in html and "Congés de la présidente" in html
    api = client.get(f"/api/v1/document-versions/{version.pk}/verify/").json()
    [row] = api["signatures"]
    assert row["level"] == "PAdES-B-T" and row["capacity"] == "Président·e de l'ARML"
    assert row["on_behalf_of"] == str(president) and row["delegation_text"] == line
    assert row["delegation"]["reason"] == "Congés de la présidente"


def test_on_behalf_without_delegation_details_still_names_the_principal(convention):
    deputy = convention.state
    version = services.issue(
        obj=convention.arml,
        arml=convention.arml,
        kind="act",
        facts={"title": "Acte", "reference": "A-1"},
        actor=deputy,
        on_behalf_of=convention.president,
        role=Role.PRESIDENT,
        signer_slots=[{"field": "president", "role": Role.PRESIDENT, "label": "Président"}],
        sign_field="president",
    )
    text = appearance_text(storage.read(version.storage_key), "president")
    assert text.splitlines()[-1] == f"Pour {convention.president} et par délégation"
    assert verify(version).signatures[0].on_behalf_of == str(convention.president)


def test_a_signature_without_timestamp_is_reported_as_b_b(convention):
    rendered = convention.issue(sign_field=None)
    writer = IncrementalPdfFileWriter(io.BytesIO(storage.read(rendered.storage_key)), strict=False)
    credential = pki.signer_credential(convention.president, capacity=Capacity(Role.PRESIDENT))
    cms = signing.CachedKeySigner(credential.key, credential.certificate, [pki.ca().certificate])
    meta = PdfSignatureMetadata(
        field_name="president", md_algorithm="sha256", subfilter=pdf_fields.SigSeedSubFilter.PADES
    )
    content = PdfSigner(meta, cms).sign_pdf(writer, existing_fields_only=True).getvalue()
    [report] = verify_bytes(content)
    assert report.level == "PAdES-B-B" and report.valid and report.intact
    assert any("horodatée" in p for p in report.problems)


def test_the_capacity_must_match_the_role(convention):
    from documents.exceptions import DocumentError

    with pytest.raises(DocumentError, match="rôle"):
        convention.issue(capacity=Capacity(Role.STATE_OFFICER))


def test_delegation_evidence_round_trips_through_json():
    evidence = DelegationEvidence(
        "Hélène Lefèvre", "délégation n° 3", dt.date(2026, 3, 1), dt.date(2026, 3, 31), "Congés"
    )
    assert DelegationEvidence.from_dict(evidence.as_dict()) == evidence
    assert re.fullmatch(r"\{.*\}", str(evidence.as_dict()))
