"""Issue 11.9: a refused amendment is revised into a new version of the same amendment (n°1 v2),
with a diff of its lines against the refused version, adopted again by the board on its new
hash, then signed again."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from documents.models import Document
from documents.services import read_verified
from documents.verification import verify
from governance.conventions.models import Amendment, AmendmentState
from governance.conventions.selectors import compare, effective_funding, renegotiations
from governance.conventions.services import amendment_revise
from tests.conventions.test_amendments import in_force, signed_amendment
from tests.decisions import board_adopts
from tests.documents.pdftext import extract_text
from workflows import errors
from workflows.circuits import active_circuit, pending_tasks
from workflows.documents import current_document
from workflows.engine import perform

pytestmark = pytest.mark.django_db

REASON = "Crédits État non disponibles pour 2027."


def refused(world):
    conv = in_force(world)
    amendment = signed_amendment(world, conv)
    perform(amendment, "countersign", actor=world.region_officer)
    perform(
        Amendment.objects.get(pk=amendment.pk), "refuse", actor=world.state_officer, comment=REASON
    )
    return conv, Amendment.objects.get(pk=amendment.pk)


def last(action):
    return AuditEvent.objects.filter(action=action).order_by("-seq").first()


def revise(world, amendment, amount="140000.00"):
    return amendment_revise(
        actor=world.director,
        amendment=amendment,
        changes="Hausse ramenée à 140 000 €.",
        lines=[
            {"funder": world.state, "function": 1, "amount": Decimal(amount)},
            {"funder": world.region, "function": 5, "amount": Decimal("5000.00")},
        ],
    )


def test_a_refusal_sends_the_same_amendment_back_to_draft_as_its_next_version(world):
    conv, amendment = refused(world)
    assert amendment.state == AmendmentState.DRAFT
    assert Amendment.objects.filter(convention=conv).count() == 1  # no amendment n°2
    assert amendment.number == 1
    assert [(v.n, v.origin) for v in amendment.versions.order_by("n")] == [
        (1, "drafted"),
        (2, "reopened"),
    ]
    v1, v2 = amendment.versions.order_by("n")
    assert v2.note == REASON and v2.sha256 != v1.sha256  # same lines, a new hash
    assert amendment.refused_version == 1 and amendment.in_renegotiation
    event = last("amendment.refused")
    assert event.data["content_version"] == 2 and event.data["refused_version"] == 1
    assert event.data["content_sha256"] == v2.sha256
    assert event.to_state == "draft" and event.comment == REASON
    assert active_circuit(amendment) is None


def test_the_refused_versions_pdf_is_superseded_and_its_signatures_still_verify(world):
    _conv, amendment = refused(world)
    assert current_document(amendment, "amendment") is None
    old = Document.objects.get(kind="amendment", object_id=str(amendment.pk))
    assert old.is_superseded and old.facts["version"] == "v1"
    latest = old.versions.order_by("-n").first()
    report = verify(latest)
    assert report.ok, report.reasons
    assert len(report.signatures) == 2  # the president's and the Region's


def test_the_earlier_deliberation_no_longer_counts_and_the_new_version_goes_round_again(world):
    conv, amendment = refused(world)
    with pytest.raises(errors.DeliberationRequired):
        perform(amendment, "adopt", actor=world.president)
    version = revise(world, amendment)
    assert version.n == 3 and version.origin == "revised"
    board_adopts(amendment)  # fingerprint: the hash of v3
    assert amendment.deliberation_fingerprint() == version.sha256
    amendment = perform(amendment, "adopt", actor=world.president).obj
    amendment = perform(amendment, "sign", actor=world.president).obj
    assert sorted(t.flow_task.name for t in pending_tasks(amendment)) == [
        "region_countersign",
        "state_countersign",
    ]
    document = current_document(amendment, "amendment")
    assert document.facts["version"] == "v3" and "v3" in document.title
    assert document.facts["content_sha256"] == version.sha256
    text = extract_text(read_verified(document.versions.get(n=1)))
    assert "Version v3" in text and "v3" in document.facts["title"]
    assert "révisée après le refus de la v1" in document.facts["body"][0]
    perform(amendment, "countersign", actor=world.state_officer)
    perform(Amendment.objects.get(pk=amendment.pk), "countersign", actor=world.region_officer)
    amendment = Amendment.objects.get(pk=amendment.pk)
    assert amendment.state == AmendmentState.IN_FORCE and not amendment.in_renegotiation
    assert last("amendment.entered_into_force").data["content_version"] == 3
    table = effective_funding(conv)
    assert table.amount(2027, world.state.pk, 1) == Decimal("140000.00")
    assert table.amount(2027, world.region.pk, 5) == Decimal("5000.00")
    assert table.amount(2027, world.region.pk, 2) == Decimal("0.00")  # dropped in v3
    assert table.renegotiating == {}


def test_the_diff_against_the_refused_version_lists_lines_added_removed_and_changed(world):
    _conv, amendment = refused(world)
    revise(world, amendment)
    result = compare(amendment.versions.all(), "1", "3").diff
    changes = {c.key: c for c in result.changes}
    state_line = f"funding:2027:{world.state.pk}:1"
    assert (changes[state_line].kind, changes[state_line].before, changes[state_line].after) == (
        "changed",
        "150000.10",
        "140000.00",
    )
    assert changes[state_line].delta == Decimal("-10000.10")
    assert changes[f"funding:2027:{world.region.pk}:5"].kind == "added"
    assert changes[f"funding:2027:{world.region.pk}:2"].kind == "removed"
    assert changes["changes"].kind == "changed"
    assert result.counts() == {"added": 1, "removed": 1, "changed": 2}
    assert compare(amendment.versions.all(), "1", "2").diff.is_empty  # v2 copies v1
    saved = last("amendment.content_saved")
    assert saved.data["content_version"] == 3 and saved.data["previous_version"] == 2


def test_only_a_draft_amendment_is_revised_and_the_refusal_is_ledgered(world):
    conv = in_force(world)
    amendment = signed_amendment(world, conv)
    with pytest.raises(ValidationError) as refused_:
        revise(world, amendment)
    assert refused_.value.code == "not_editable"
    attempt = last("amendment.refused_attempt")
    assert attempt.data["refusal"]["code"] == "not_editable"
    assert amendment.versions.count() == 1


def test_the_convention_page_and_the_dashboard_mark_the_year_under_renegotiation(world, client):
    conv, amendment = refused(world)
    assert [a.pk for a in renegotiations(conv)] == [amendment.pk]
    assert effective_funding(conv).renegotiating == {2027: 1}
    client.force_login(world.director)
    page = client.get(conv.get_absolute_url()).content.decode()
    assert "avenant en renégociation" in page
    assert "Avenant n° 1</a> (2027) en renégociation" in page
    dashboard = client.get(f"/tableau-de-bord/{world.arml.pk}/").content.decode()
    assert "avenant en renégociation" in dashboard
    amendment = perform(amendment, "withdraw", actor=world.president, comment="Abandonné.").obj
    assert amendment.state == AmendmentState.SUPERSEDED
    assert "avenant en renégociation" not in client.get(conv.get_absolute_url()).content.decode()


def test_the_amendment_page_shows_its_versions_and_the_diff_and_revises(world, client):
    _conv, amendment = refused(world)
    client.force_login(world.director)
    page = client.get(amendment.get_absolute_url()).content.decode()
    assert "v2" in page and "Différences de v1 à v2" in page and "v1 a été refusée" in page
    response = client.post(
        f"/avenants/{amendment.pk}/modifier/",
        {
            "changes": "Révisé.",
            f"amount-0-{world.state.pk}-1": "140000",
            f"amount-0-{world.region.pk}-2": "80000,25",
        },
    )
    assert response.status_code == 302
    assert amendment.versions.count() == 3
    page = client.get(amendment.get_absolute_url()).content.decode()
    assert "Différences de v1 à v3" in page and "150\xa0000,10" in page and "140\xa0000,00" in page
    bad = client.get(amendment.get_absolute_url() + "?from=1&to=9")
    assert bad.status_code == 200 and "pas de version v9" in bad.content.decode()


def test_the_api_gives_versions_and_a_uniform_diff(world, client):
    _conv, amendment = refused(world)
    revise(world, amendment)
    client.force_login(world.auditor)
    data = client.get(f"/api/v1/amendments/{amendment.pk}/").json()
    assert data["content_version"] == 3 and data["content_version_label"] == "v3"
    assert data["refused_version"] == 1 and data["in_renegotiation"] is True
    versions = client.get(f"/api/v1/amendments/{amendment.pk}/versions/").json()
    assert [v["label"] for v in versions] == ["v1", "v2", "v3"]
    diff = client.get(f"/api/v1/amendments/{amendment.pk}/diff/?from=1&to=3").json()
    assert diff["from"] == 1 and diff["to"] == 3 and diff["to_label"] == "v3"
    funding = next(s for s in diff["sections"] if s["name"] == "funding")
    changed = next(c for c in funding["changes"] if c["kind"] == "changed")
    assert changed["before"] == "150000.10" and changed["after"] == "140000.00"
    assert changed["delta"] == "-10000.10"
    assert changed["fields"] == {"year": 2027, "funder": world.state.pk, "function": 1}
    bad = client.get(f"/api/v1/amendments/{amendment.pk}/diff/?from=1&to=7")
    assert bad.status_code == 400 and bad.json()["code"] == "unknown_version"
    assert "v7" in bad.json()["detail"]
    missing = client.get(f"/api/v1/amendments/{amendment.pk}/diff/?from=abc&to=1")
    assert missing.status_code == 400 and missing.json()["code"] == "unknown_version"
    none = client.get(f"/api/v1/amendments/{amendment.pk}/diff/")
    assert none.status_code == 400 and none.json()["code"] == "versions_required"


def test_the_api_revises_a_draft_and_refuses_with_a_code_otherwise(world, client):
    conv, amendment = refused(world)
    client.force_login(world.director)
    payload = {
        "changes": "x",
        "lines": [{"funder": world.state.pk, "function": 1, "amount": "1.00"}],
    }
    created = client.post(
        f"/api/v1/amendments/{amendment.pk}/content/", payload, content_type="application/json"
    )
    assert created.status_code == 201 and created.json()["label"] == "v3"
    client.force_login(world.state_officer)
    refused_ = client.post(
        f"/api/v1/amendments/{amendment.pk}/content/", payload, content_type="application/json"
    )
    assert refused_.status_code == 403 and refused_.json()["code"] == "role_required"
