"""A whole meeting, from convocation to certified extract, every document and the ledger verified."""

import pytest

from audit.models import AuditEvent
from audit.verification import verify_ledger
from documents.models import Document, DocumentVersion
from documents.verification import verify
from governance.meetings import services
from governance.meetings.models import Deliberation, ExtractRequest, Invitation, ItemKind
from governance.meetings.selectors import adopted_deliberation_for
from governance.meetings.services import extract_request_create
from governance.organisations.models import BodyKind
from workflows.engine import perform

pytestmark = pytest.mark.django_db


def test_a_meeting_from_convocation_to_certified_extract(board):
    meeting = board.plan(
        items=[
            {"title": "Budget prévisionnel 2027", "description": "Budget de 1 250 000 €."},
            {"title": "Point sur le réseau", "kind": ItemKind.INFORMATION},
        ]
    )
    meeting = board.step(meeting, "convene")
    assert meeting.state == "convened" and meeting.chair == board.president
    assert Invitation.objects.filter(meeting=meeting).count() == 8
    invitation = Invitation.objects.get(meeting=meeting, person=board.board[0])
    services.invitation_receive(invitation=invitation, actor=board.board[0])

    meeting = board.step(meeting, "open")
    board.attend(meeting, board.members[:6])
    services.proxy_record(
        meeting=meeting, actor=board.secretary, giver=board.board[4], holder=board.board[0]
    )
    board.complete_sheet(meeting)
    meeting = board.step(meeting, "start_session")
    assert (meeting.quorum_present, meeting.quorum_represented) == (6, 1)

    item = meeting.items.get(order=1)
    choices = {p: "for" for p in board.members[:5]} | {
        board.board[3]: "against",
        board.board[4]: "abstain",
    }
    board.vote_all(meeting, choices, item)
    vote = item.votes.get(voter=board.board[4])
    assert vote.cast_by == board.board[0]  # the proxy's voice, cast by its holder

    meeting = board.step(meeting, "close")
    deliberation = Deliberation.objects.get(item=item)
    assert deliberation.adopted and deliberation.number.endswith("-CA-001")
    assert (deliberation.votes_for, deliberation.votes_against, deliberation.abstentions) == (
        5,
        1,
        1,
    )
    assert not deliberation.is_final

    meeting = board.step(meeting, "sign_minutes", actor=board.secretary)
    assert meeting.state == "minutes_signed"
    deliberation.refresh_from_db()
    assert deliberation.is_final

    minutes = Document.objects.get(object_id=str(meeting.pk), kind="minutes")
    versions = list(minutes.versions.order_by("n"))
    assert len(versions) == 2
    assert [v.signature.field for v in versions] == ["chair", "secretary"]
    assert [v.signature.role for v in versions] == ["president", "secretary"]

    request = extract_request_create(deliberation=deliberation, actor=board.staff)
    outcome = perform(request, "issue", actor=board.president)
    assert outcome.obj.state == "issued" and outcome.document.document.kind == "extract"
    assert ExtractRequest.objects.get().state == "issued"

    for version in DocumentVersion.objects.all():
        report = verify(version)
        assert report.ok, (version.document.kind, report)
    kinds = set(Document.objects.values_list("kind", flat=True))
    assert {"convocation", "minutes", "extract", "act"} <= kinds
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "meeting.planned",
        "meeting.convened",
        "meeting.invitation_received",
        "meeting.attendance_recorded",
        "meeting.proxy_recorded",
        "meeting.session_started",
        "meeting.vote_recorded",
        "meeting.closed",
        "meeting.minutes_signed",
        "extract_request.requested",
        "extract_request.issued",
    } <= actions
    assert (
        adopted_deliberation_for(meeting.items.get(order=1).meeting, body_kinds={BodyKind.CA})
        is None
    )
    report = verify_ledger()
    assert report.ok, report.failures
