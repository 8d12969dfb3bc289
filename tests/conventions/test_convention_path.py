import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from audit.verification import verify_ledger
from documents.models import Document
from documents.verification import verify
from governance.conventions.models import ConventionState
from governance.conventions.selectors import effective_funding, funding_table
from governance.conventions.services import convention_save_content
from governance.organisations.models import Role
from permissions.models import Delegation
from tests.decisions import board_adopts
from workflows import errors
from workflows.circuits import active_circuit, pending_tasks
from workflows.documents import current_document
from workflows.engine import perform

pytestmark = pytest.mark.django_db


def convention_pdf(conv):
    return current_document(conv, "convention").versions.order_by("-n").first()


def test_the_full_path_to_in_force_with_three_valid_signatures(world):
    conv = world.awaiting()
    assert conv.state == ConventionState.AWAITING_COUNTERSIGNATURES
    perform(world.fresh(conv), "countersign", actor=world.region_officer)
    assert world.fresh(conv).state == ConventionState.AWAITING_COUNTERSIGNATURES
    perform(world.fresh(conv), "countersign", actor=world.state_officer)
    conv = world.fresh(conv)
    assert conv.state == ConventionState.IN_FORCE
    assert active_circuit(conv) is None  # the process ended
    version = convention_pdf(conv)
    report = verify(version)
    assert report.ok, report.reasons
    assert len(report.signatures) == 3
    assert all(s.intact and s.valid and s.trusted for s in report.signatures)
    assert verify_ledger().ok


@pytest.mark.parametrize("first,second", [("state", "region"), ("region", "state")])
def test_countersigning_in_either_order(world, first, second):
    conv = world.awaiting()
    officers = {"state": world.state_officer, "region": world.region_officer}
    perform(world.fresh(conv), "countersign", actor=officers[first])
    perform(world.fresh(conv), "countersign", actor=officers[second])
    conv = world.fresh(conv)
    assert conv.state == ConventionState.IN_FORCE
    versions = list(current_document(conv, "convention").versions.order_by("n"))
    assert [v.n for v in versions] == [1, 2, 3]
    from documents.services import read_verified

    for parent, child in zip(versions, versions[1:], strict=False):
        assert read_verified(child).startswith(read_verified(parent))


def test_adoption_needs_a_board_deliberation_on_this_frozen_version(world):
    conv = world.frozen()
    with pytest.raises(errors.ConditionsUnmet):
        perform(conv, "adopt", actor=world.president)
    board_adopts(conv, fingerprint="0" * 64)  # a deliberation on another version
    with pytest.raises(errors.ConditionsUnmet):
        perform(world.fresh(conv), "adopt", actor=world.president)
    board_adopts(conv)
    assert (
        perform(world.fresh(conv), "adopt", actor=world.president).obj.state
        == ConventionState.ADOPTED
    )


def test_circuit_steps_happen_only_through_their_tasks(world):
    conv = world.adopted()
    assert [t.flow_task.name for t in pending_tasks(conv)] == ["president_sign"]
    with pytest.raises(errors.CircuitTaskRequired):
        perform(conv, "countersign", actor=world.state_officer)  # not yet their turn
    conv = perform(conv, "sign", actor=world.president).obj
    assert sorted(t.flow_task.name for t in pending_tasks(conv)) == [
        "region_countersign",
        "state_countersign",
    ]


def test_content_is_frozen_after_freeze_and_every_edit_is_a_new_version(world):
    conv = world.convention()
    first = conv.content.sha256
    version = convention_save_content(
        actor=world.director, convention=conv, content=world.content(title="CPOM révisé")
    )
    assert version.n == 2 and version.sha256 != first
    conv = world.frozen()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        convention_save_content(
            actor=world.director, convention=conv, content=world.content(title="Trop tard")
        )
    assert conv.frozen_hash == conv.content.sha256


def test_refusal_supersedes_the_signed_version_and_a_second_cycle_reaches_in_force(world):
    conv = world.awaiting()
    perform(world.fresh(conv), "countersign", actor=world.state_officer)
    with pytest.raises(errors.CommentRequired):
        perform(world.fresh(conv), "refuse", actor=world.region_officer)
    perform(
        world.fresh(conv), "refuse", actor=world.region_officer, comment="Montants région à revoir."
    )
    conv = world.fresh(conv)
    assert conv.state == ConventionState.IN_RENEGOTIATION
    assert active_circuit(conv) is None and conv.frozen_hash == ""
    superseded = Document.objects.get(
        kind="convention", object_id=str(conv.pk), supersession__isnull=False
    )
    assert superseded.is_superseded
    old_pdf = superseded.versions.order_by("-n").first()
    assert verify(old_pdf).ok  # its signatures stay verifiable
    assert conv.content.n == 2 and conv.content.origin == "reopened"
    assert conv.content.note == "Montants région à revoir."

    # Second cycle: the funders agree on v2, the board adopts v2 (its deliberation on v1 no
    # longer counts: the hash covers the version number)
    conv = perform(conv, "request_agreement", actor=world.director).obj
    perform(world.fresh(conv), "agree", actor=world.state_officer)
    perform(world.fresh(conv), "agree", actor=world.region_officer)
    conv = world.fresh(conv)
    assert conv.state == ConventionState.FROZEN and conv.frozen_version == 2
    with pytest.raises(errors.DeliberationRequired):
        perform(conv, "adopt", actor=world.president)
    board_adopts(conv)
    conv = perform(conv, "adopt", actor=world.president).obj
    conv = perform(conv, "sign", actor=world.president).obj
    perform(world.fresh(conv), "countersign", actor=world.region_officer)
    perform(world.fresh(conv), "countersign", actor=world.state_officer)
    conv = world.fresh(conv)
    assert conv.state == ConventionState.IN_FORCE
    assert verify(convention_pdf(conv)).ok
    assert verify_ledger().ok


def test_a_state_officer_cannot_sign_the_regions_field(world):
    conv = world.awaiting()
    perform(world.fresh(conv), "countersign", actor=world.state_officer)
    with pytest.raises(errors.CircuitTaskRequired):
        perform(world.fresh(conv), "countersign", actor=world.state_officer)
    assert world.fresh(conv).state == ConventionState.AWAITING_COUNTERSIGNATURES


def test_an_officer_of_another_region_can_neither_see_nor_countersign(world, client):
    conv = world.awaiting()
    with pytest.raises((errors.Forbidden, errors.CircuitTaskRequired)):
        perform(world.fresh(conv), "countersign", actor=world.other_region_officer)
    client.force_login(world.other_region_officer)
    assert client.get(conv.get_absolute_url()).status_code == 404
    assert client.get(f"/api/v1/conventions/{conv.pk}/").status_code == 404


def test_a_delegate_countersigns_within_dates_and_both_are_named(world):
    from tests.factories import PersonFactory, give_mandate

    deputy = PersonFactory(first_name="Jean", last_name="Adjoint")
    give_mandate(deputy, Role.AUDITOR, world.arml)  # in scope, but no signing role of their own
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
    outcome = perform(world.fresh(conv), "countersign", actor=deputy)
    assert (
        outcome.event.actor_id == deputy.pk and outcome.event.principal_id == world.state_officer.pk
    )
    assert outcome.document.signature.signer == deputy
    assert outcome.document.signature.on_behalf_of == world.state_officer


def test_an_expired_delegation_does_not_let_the_delegate_countersign(world):
    from tests.factories import PersonFactory, give_mandate

    deputy = PersonFactory()
    give_mandate(deputy, Role.AUDITOR, world.arml)
    today = timezone.localdate()
    Delegation.objects.create(
        principal=world.state_officer,
        delegate=deputy,
        arml=world.arml,
        transitions=["convention.countersign"],
        start=today - dt.timedelta(days=20),
        end=today - dt.timedelta(days=1),
        reason="Passée",
    )
    conv = world.awaiting()
    with pytest.raises((errors.Forbidden, errors.CircuitTaskRequired)):
        perform(world.fresh(conv), "countersign", actor=deputy)


def test_funding_totals_are_exact_decimals(world):
    conv = world.convention()
    table = funding_table(conv.content)
    assert table.total_for_year(2026) == Decimal("255000.75")
    assert table.total_for_funder(world.state.pk) == Decimal("495001.50")
    assert table.total_for_funder(world.region.pk) == Decimal("270000.75")
    assert table.total == Decimal("765002.25")
    assert all(isinstance(v, Decimal) for v in table.cells.values())
    assert table.function_totals()[2] == Decimal("135001.50")


def test_the_lifecycle_closes_with_an_evaluation_report(world):
    conv = world.awaiting()
    perform(world.fresh(conv), "countersign", actor=world.state_officer)
    perform(world.fresh(conv), "countersign", actor=world.region_officer)
    conv = perform(world.fresh(conv), "start_final_evaluation", actor=world.director).obj
    with pytest.raises(errors.CommentRequired):
        perform(conv, "close", actor=world.president)
    conv = perform(conv, "close", actor=world.president, comment="Objectifs atteints à 92 %.").obj
    assert conv.state == ConventionState.CLOSED


def test_effective_funding_without_amendment_is_the_frozen_table(world):
    conv = world.frozen()
    assert effective_funding(conv).total == funding_table(conv.content).total


def test_a_delegate_without_a_mandate_sees_and_countersigns_exactly_what_is_delegated(
    world, client
):
    from audit.models import AuditEvent
    from permissions.delegations import delegation_create
    from tests.factories import PersonFactory

    deputy = PersonFactory(first_name="Jean", last_name="Adjoint")  # no mandate at all
    today = timezone.localdate()
    world.state_officer.mandates.update(title="Préfète de la région Bretagne")
    delegation_create(
        actor=world.state_officer,
        principal=world.state_officer,
        delegate=deputy,
        arml=world.arml,
        transitions=["convention.countersign"],
        start=today,
        end=today + dt.timedelta(days=30),
        reason="Intérim du préfet",
        act_reference="Arrêté préfectoral n° 2026-014",
        act_date=today - dt.timedelta(days=3),
    )
    conv = world.awaiting()
    client.force_login(deputy)
    assert client.get(conv.get_absolute_url()).status_code == 200
    assert client.get(f"/api/v1/conventions/{conv.pk}/").status_code == 200
    assert client.get("/api/v1/action-plans/").json()["count"] == 0  # not delegated: not seen
    response = client.post(
        f"/api/v1/conventions/{conv.pk}/transitions/countersign/",
        {},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    event = AuditEvent.objects.get(seq=response.json()["event_seq"])
    assert event.actor_id == deputy.pk and event.principal_id == world.state_officer.pk
    assert event.data["delegation"]["act"].startswith("Arrêté préfectoral n° 2026-014")
    from documents.models import DocumentVersion
    from documents.verification import verify

    signed = DocumentVersion.objects.get(pk=response.json()["document_version"])
    mine = [s for s in verify(signed).signatures if s.on_behalf_of][-1]
    assert mine.on_behalf_of == str(world.state_officer)
    assert mine.delegation_text.startswith(
        f"Pour Préfète de la région Bretagne ({world.state_officer}) et par délégation "
        f"(Arrêté préfectoral n° 2026-014 du "
    )
