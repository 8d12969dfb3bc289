"""Minutes signed by the president then the secretary; the register; extracts; the action plan hook."""

import datetime as dt
from decimal import Decimal

import pytest

from documents.models import Document
from documents.verification import verify
from governance.action_plans.models import ActionPlan
from governance.meetings import selectors, services
from governance.meetings.models import Deliberation, ItemKind
from governance.meetings.selectors import adopted_deliberation_for
from governance.meetings.services import extract_request_create
from governance.organisations.models import BodyKind, Role
from tests.factories import BodyFactory, give_mandate
from workflows import errors
from workflows.engine import perform

pytestmark = pytest.mark.django_db


def closed(board, meeting=None, choice="for"):
    return board.close(board.in_session(meeting), choice)


def test_the_secretary_cannot_sign_the_minutes_before_the_president(board):
    meeting = board.in_session()
    board.vote_all(meeting, {p: "for" for p in board.members})
    with pytest.raises(errors.InvalidState):
        board.step(meeting, "sign_minutes", actor=board.secretary)
    with pytest.raises(errors.Forbidden):
        board.step(meeting, "close", actor=board.secretary)
    assert not Document.objects.filter(object_id=str(meeting.pk), kind="minutes").exists()


def test_the_minutes_carry_both_signatures_and_only_then_are_deliberations_final(board):
    meeting = closed(board)
    minutes = Document.objects.get(object_id=str(meeting.pk), kind="minutes")
    assert [s["field"] for s in minutes.signer_slots] == ["chair", "secretary"]
    first = minutes.versions.get()
    assert first.signature.field == "chair" and first.signature.signer == board.president
    deliberation = Deliberation.objects.get(meeting=meeting)
    assert not deliberation.is_final
    with pytest.raises(errors.InvalidState):  # not final: no extract yet
        extract_request_create(deliberation=deliberation, actor=board.staff)
    with pytest.raises(errors.Forbidden):  # the president does not countersign as secretary
        board.step(meeting, "sign_minutes", actor=board.president)

    board.step(meeting, "sign_minutes", actor=board.secretary)
    second = minutes.versions.get(n=2)
    assert second.signature.field == "secretary" and second.signature.signer == board.secretary
    report = verify(second)
    assert report.ok and len(report.signatures) == 2
    deliberation.refresh_from_db()
    assert deliberation.is_final


def test_one_person_holding_both_offices_cannot_sign_twice(board):
    give_mandate(board.president, Role.SECRETARY, board.arml)
    meeting = closed(board)
    with pytest.raises(errors.Forbidden):
        board.step(meeting, "sign_minutes", actor=board.president)


def test_register_numbers_are_gapless_per_body_and_year_and_rejections_are_not_numbered(board):
    items = [{"title": f"Point {i}"} for i in range(3)]
    first = board.in_session(board.plan(items=items))
    board.vote_all(first, {p: "for" for p in board.members}, first.items.get(order=1))
    board.vote_all(first, {p: "against" for p in board.members}, first.items.get(order=2))
    board.vote_all(first, {p: "for" for p in board.members}, first.items.get(order=3))
    board.step(first, "close")
    second = closed(board, board.plan(days_ahead=40))
    bureau = BodyFactory(arml=board.arml, kind=BodyKind.BUREAU)
    give_mandate(board.president, Role.BOARD_MEMBER, board.arml, body=bureau)
    other = services.meeting_plan(
        actor=board.president,
        body=bureau,
        starts_at=second.starts_at + dt.timedelta(days=20),
        place="Rennes",
        items=[{"title": "Bureau"}],
    )
    other = board.step(board.step(other, "convene"), "open")
    board.attend(other, [board.president])
    other = board.step(other, "start_session")
    board.vote_all(other, {board.president: "for"})
    board.step(other, "close")
    adopted = Deliberation.objects.filter(adopted=True).order_by("pk")
    assert adopted.count() == 4
    by_register: dict[tuple, list[int]] = {}
    for d in adopted:
        by_register.setdefault((d.body_kind, d.year), []).append(d.sequence)
        assert d.number == f"{d.year}-{d.body_kind}-{d.sequence:03d}"
    for sequences in by_register.values():
        assert sequences == list(range(1, len(sequences) + 1))
    year = first.day.year
    assert [d.number for d in adopted[:2]] == [f"{year}-CA-001", f"{year}-CA-002"]
    assert adopted.last().number == f"{other.day.year}-BUR-001"
    assert Deliberation.objects.get(item__order=2, meeting=first).number == ""


def test_a_full_extract_is_requested_by_anyone_in_scope_and_issued_by_the_president(board):
    meeting = closed(board)
    board.step(meeting, "sign_minutes", actor=board.secretary)
    deliberation = Deliberation.objects.get(meeting=meeting)
    request = extract_request_create(deliberation=deliberation, actor=board.director)
    with pytest.raises(errors.Forbidden):
        perform(request, "issue", actor=board.director)
    outcome = perform(request, "issue", actor=board.president)
    document = outcome.document.document
    assert (
        document.kind == "extract"
        and document.facts["deliberation"]["number"] == deliberation.number
    )
    assert outcome.document.signature.signer == board.president
    assert verify(outcome.document).ok


# -- the hook the other lifecycles use ---------------------------------------------------------
def plan_above_threshold(board) -> ActionPlan:
    return ActionPlan.objects.create(
        arml=board.arml,
        mission_locale=board.ml,
        title="Plateforme régionale",
        summary="…",
        budget=Decimal("90000.00"),
        submitted_by=board.director,
        state="opinion_given",
    )


def deliberate_on(board, plan, *, choice="for", sign=True, kind=ItemKind.DELIBERATION):
    meeting = closed(
        board,
        board.plan(items=[{"title": "Plan régional", "subject": plan, "kind": kind}]),
        choice=choice,
    )
    if sign:
        board.step(meeting, "sign_minutes", actor=board.secretary)
    return Deliberation.objects.get(meeting=meeting)


def test_an_adopted_final_board_deliberation_lets_the_president_approve_the_plan(board):
    plan = plan_above_threshold(board)
    with pytest.raises(errors.ConditionsUnmet):
        perform(plan, "approve", actor=board.president)
    deliberation = deliberate_on(board, plan)
    assert adopted_deliberation_for(plan, body_kinds={BodyKind.CA}) == deliberation
    assert adopted_deliberation_for(plan, body_kinds={BodyKind.AG}) is None
    plan = ActionPlan.objects.get(pk=plan.pk)
    assert perform(plan, "approve", actor=board.president).obj.state == "approved"


def test_a_deliberation_not_yet_final_or_rejected_does_not_count(board):
    plan = plan_above_threshold(board)
    deliberate_on(board, plan, sign=False)
    assert adopted_deliberation_for(plan, body_kinds={BodyKind.CA}) is None
    deliberate_on(board, plan, choice="against")
    assert adopted_deliberation_for(plan, body_kinds={BodyKind.CA}) is None
    with pytest.raises(errors.ConditionsUnmet):
        perform(ActionPlan.objects.get(pk=plan.pk), "approve", actor=board.president)


def test_the_fingerprint_pins_the_version_decided_on(board):
    plan = plan_above_threshold(board)
    ActionPlan.deliberation_fingerprint = lambda self: f"sha256:{self.budget}"
    try:
        deliberation = deliberate_on(board, plan)
        assert deliberation.item.subject_fingerprint == "sha256:90000.00"
        assert adopted_deliberation_for(
            plan, body_kinds={BodyKind.CA}, fingerprint="sha256:90000.00"
        )
        assert (
            adopted_deliberation_for(plan, body_kinds={BodyKind.CA}, fingerprint="sha256:1") is None
        )
    finally:
        del ActionPlan.deliberation_fingerprint


def test_the_next_meeting_approves_the_signed_minutes_of_the_previous(board):
    previous = closed(board)
    board.step(previous, "sign_minutes", actor=board.secretary)
    fingerprint = previous.deliberation_fingerprint()
    assert len(fingerprint) == 64
    choices = dict(selectors.subject_choices(board.arml.pk))
    assert selectors.subject_key(previous) in choices
    deliberation = deliberate_on(board, previous, kind=ItemKind.MINUTES_APPROVAL)
    assert deliberation.item.subject_fingerprint == fingerprint
    assert adopted_deliberation_for(previous, body_kinds={BodyKind.CA}, fingerprint=fingerprint)
