"""Acts outside transitions: one authorisation (roles, delegations, rules) and one ledger, with
every refusal ledgered under its rule's code — as transitions are."""

import datetime as dt

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from governance.meetings import services
from governance.meetings.models import Presence
from permissions.authorization import ACTS
from permissions.delegations import delegable_actions, delegation_create
from workflows import errors

pytestmark = pytest.mark.django_db


def last_event() -> AuditEvent:
    return AuditEvent.objects.order_by("-seq").first()


def test_a_third_proxy_is_refused_and_ledgered_with_its_code(board):
    meeting = board.step(board.plan(), "convene")
    meeting = board.step(meeting, "open")
    holder = board.board[0]
    services.proxy_record(
        meeting=meeting, actor=board.secretary, giver=board.board[1], holder=holder
    )
    before = AuditEvent.objects.count()
    with pytest.raises(errors.InvalidData) as refused:
        services.proxy_record(
            meeting=meeting, actor=board.secretary, giver=board.board[2], holder=holder
        )
    assert refused.value.code == "proxy_cap"
    assert AuditEvent.objects.count() == before + 1
    event = last_event()
    assert event.action == "meeting.refused_attempt"
    assert event.data["refusal"]["code"] == "proxy_cap"
    assert event.data["refusal"]["transition"] == "record_proxy"
    assert event.actor_id == board.secretary.pk


def test_a_vote_by_an_interested_member_is_refused_and_ledgered(board):
    meeting = board.in_session()
    item = meeting.items.get(order=1)
    services.interest_declare(item=item, actor=board.board[0], person=board.board[0])
    with pytest.raises(errors.InvalidData) as refused:
        services.vote_record(item=item, actor=board.secretary, voter=board.board[0], choice="for")
    assert refused.value.code == "conflict_of_interest"
    assert last_event().data["refusal"]["code"] == "conflict_of_interest"


def test_a_change_of_attendance_after_the_session_started_is_ledgered(board):
    meeting = board.in_session()
    with pytest.raises(errors.InvalidState):
        services.attendance_record(
            meeting=meeting, actor=board.secretary, person=board.board[0], status=Presence.ABSENT
        )
    refusal = last_event().data["refusal"]
    assert refusal["code"] == "sheet_frozen" and refusal["transition"] == "record_attendance"


def test_someone_without_the_role_is_refused_with_role_required(board):
    meeting = board.step(board.plan(), "convene")
    meeting = board.step(meeting, "open")
    with pytest.raises(errors.Forbidden) as refused:
        services.attendance_record(
            meeting=meeting, actor=board.board[3], person=board.board[0], status=Presence.PRESENT
        )
    assert refused.value.code == "role_required" and refused.value.status == 403
    assert last_event().data["refusal"]["code"] == "role_required"


def test_a_delegation_lets_its_delegate_record_and_the_ledger_names_the_principal(board):
    meeting = board.step(board.plan(), "convene")
    meeting = board.step(meeting, "open")
    today = timezone.localdate()
    delegation_create(
        actor=board.secretary,
        principal=board.secretary,
        delegate=board.staff,
        arml=board.arml,
        transitions=["meeting.record"],
        start=today,
        end=today + dt.timedelta(days=30),
        reason="Congé de la secrétaire",
    )
    services.attendance_record(
        meeting=meeting, actor=board.staff, person=board.board[0], status=Presence.PRESENT
    )
    event = last_event()
    assert event.action == "meeting.attendance_recorded"
    assert event.actor_id == board.staff.pk and event.principal_id == board.secretary.pk


def test_every_declared_act_can_be_delegated():
    names = {name for name, _label in delegable_actions()}
    assert ACTS and set(ACTS) <= names
