import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from documents.models import DocumentVersion
from documents.verification import verify
from governance.organisations.models import Role
from permissions.models import Delegation
from tests.factories import give_mandate
from workflows import errors
from workflows.engine import perform

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def advance(world, plan, *steps):
    people = world.people
    who = {
        "propose": world.director,
        "start_review": people[Role.ARML_STAFF],
        "give_opinion": people[Role.COMMITTEE_CHAIR],
        "approve": people[Role.PRESIDENT],
        "start": world.director,
        "deliver": world.director,
        "evaluate": people[Role.ARML_DIRECTOR],
    }
    for name in steps:
        data = {"opinion": "favourable"} if name == "give_opinion" else {}
        plan = perform(plan, name, actor=who[name], comment=f"étape {name}", data=data).obj
    return plan


def test_it_runs_the_full_path_with_a_signed_document_and_an_event_per_step(world):
    plan = world.plan("draft")
    plan = advance(
        world,
        plan,
        "propose",
        "start_review",
        "give_opinion",
        "approve",
        "start",
        "deliver",
        "evaluate",
    )
    assert plan.state == "evaluated" and plan.version == 7
    events = list(AuditEvent.objects.filter(object_id=str(plan.pk)).order_by("seq"))
    assert [e.to_state for e in events] == [
        "proposed",
        "under_review",
        "opinion_given",
        "approved",
        "in_progress",
        "delivered",
        "evaluated",
    ]
    for event in events:
        (doc_hash,) = event.documents
        version = DocumentVersion.objects.get(pk=doc_hash["version_id"])
        assert version.sha256 == doc_hash["sha256"]
        report = verify(version)
        assert report.ok, report


def test_it_refuses_self_approval(world):
    # The proposer is also the ARML president: separation of duties still forbids approval.
    give_mandate(world.director, Role.PRESIDENT, world.arml)
    plan = world.plan("opinion_given")
    with pytest.raises(errors.Forbidden, match="Séparation des tâches"):
        perform(plan, "approve", actor=world.director)
    plan.refresh_from_db()
    assert plan.state == "opinion_given"


def test_the_president_of_a_beneficiary_ml_cannot_approve(world):
    president = world.people[Role.PRESIDENT]
    give_mandate(president, Role.ML_PRESIDENT, world.arml, mission_locale=world.ml2)
    plan = world.plan("opinion_given")
    plan.beneficiaries.set([world.ml2])
    with pytest.raises(errors.Forbidden, match="Conflit d'intérêts"):
        perform(plan, "approve", actor=president)
    plan.beneficiaries.set([world.ml1])
    assert perform(plan, "approve", actor=president).obj.state == "approved"


def test_another_ml_director_cannot_submit_or_start_someone_elses_plan(world):
    plan = world.plan("draft")
    with pytest.raises(errors.Forbidden):
        perform(plan, "propose", actor=world.other_director)
    approved = world.plan("approved")
    with pytest.raises(errors.Forbidden):
        perform(approved, "start", actor=world.other_director)


def test_above_the_threshold_approval_needs_a_board_deliberation(world):
    plan = world.plan("opinion_given", budget="250000.00")
    with pytest.raises(errors.ConditionsUnmet, match="délibération"):
        perform(plan, "approve", actor=world.people[Role.PRESIDENT])
    plan.refresh_from_db()
    assert plan.state == "opinion_given"
    refusal = AuditEvent.objects.order_by("-seq").first()
    assert refusal.action == "action_plan.refused_attempt"
    assert refusal.data["refusal"]["code"] == "deliberation_required"


def test_a_refusal_needs_a_comment_and_the_refused_attempt_is_ledgered(world):
    plan = world.plan("opinion_given")
    president = world.people[Role.PRESIDENT]
    with pytest.raises(errors.CommentRequired):
        perform(plan, "reject", actor=president, comment="   ")
    assert AuditEvent.objects.filter(action="action_plan.refused_attempt").count() == 1
    outcome = perform(plan, "reject", actor=president, comment="Hors du champ du PRA.")
    assert outcome.obj.state == "rejected"
    assert outcome.event.comment == "Hors du champ du PRA."


def test_invalid_opinion_data_is_refused(world):
    plan = world.plan("under_review")
    with pytest.raises(errors.InvalidData):
        perform(
            plan,
            "give_opinion",
            actor=world.people[Role.COMMITTEE_CHAIR],
            comment="x",
            data={"opinion": "peut-être"},
        )


def test_a_stale_copy_gets_a_conflict(world):
    plan = world.plan("opinion_given")
    stale = type(plan).objects.get(pk=plan.pk)
    perform(plan, "approve", actor=world.people[Role.PRESIDENT])
    with pytest.raises(errors.Conflict):
        perform(stale, "postpone", actor=world.people[Role.PRESIDENT], comment="trop tard")


def test_a_delegate_acts_for_the_principal_and_both_are_named(world):
    president = world.people[Role.PRESIDENT]
    delegate = world.people[Role.BOARD_MEMBER]
    Delegation.objects.create(
        principal=president,
        delegate=delegate,
        arml=world.arml,
        transitions=["action_plan.approve"],
        start=TODAY - dt.timedelta(days=1),
        end=TODAY + dt.timedelta(days=10),
        reason="Congés de la présidente",
    )
    plan = world.plan("opinion_given")
    outcome = perform(plan, "approve", actor=delegate)
    assert outcome.principal.person == president
    assert outcome.event.actor_id == delegate.pk and outcome.event.principal_id == president.pk
    signature = outcome.document.signature
    assert signature.signer == delegate and signature.on_behalf_of == president


def test_an_expired_or_out_of_scope_delegation_does_not_apply(world):
    president = world.people[Role.PRESIDENT]
    delegate = world.people[Role.BOARD_MEMBER]
    Delegation.objects.create(
        principal=president,
        delegate=delegate,
        arml=world.arml,
        transitions=["action_plan.approve"],
        start=TODAY - dt.timedelta(days=30),
        end=TODAY - dt.timedelta(days=1),
        reason="Passée",
    )
    Delegation.objects.create(
        principal=president,
        delegate=delegate,
        arml=world.arml,
        transitions=["action_plan.reject"],
        start=TODAY,
        end=TODAY,
        reason="Autre périmètre",
    )
    with pytest.raises(errors.Forbidden):
        perform(world.plan("opinion_given"), "approve", actor=delegate)


def test_budget_is_exact_decimal(world):
    plan = world.plan("draft", budget="0.10")
    plan.refresh_from_db()
    assert plan.budget == Decimal("0.10")


def test_a_committee_chair_who_directs_another_ml_cannot_deliver_someone_elses_plan(world):
    from tests.factories import give_mandate

    chair = world.people[Role.COMMITTEE_CHAIR]
    give_mandate(chair, Role.ML_DIRECTOR, world.arml, mission_locale=world.ml2)
    with pytest.raises(errors.Forbidden):
        perform(world.plan("in_progress"), "deliver", actor=chair, comment="Fait")
