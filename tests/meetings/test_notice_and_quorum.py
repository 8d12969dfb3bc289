"""Notice period (jours francs) and quorum edge cases, proxies and the second convocation."""

import datetime as dt

import pytest
from django.utils import timezone

from documents.models import Document
from documents.verification import verify
from governance.meetings import services
from governance.meetings.models import Meeting, Presence
from workflows import errors

pytestmark = pytest.mark.django_db


def test_convening_with_too_few_days_is_refused_with_the_dates(board):
    meeting = board.plan(days_ahead=15)  # 15 days ahead leaves only 14 clear days
    with pytest.raises(errors.ConditionsUnmet) as caught:
        board.step(meeting, "convene")
    assert caught.value.code == "notice_too_short"
    today = timezone.localdate()
    message = caught.value.message
    assert today.strftime("%d/%m/%Y") in message
    assert (today + dt.timedelta(days=16)).strftime("%d/%m/%Y") in message
    assert (today + dt.timedelta(days=15)).strftime("%d/%m/%Y") in message
    meeting.refresh_from_db()
    assert meeting.state == "planned" and not meeting.invitations.exists()


def test_convening_exactly_at_the_minimum_notice_passes(board):
    meeting = board.step(board.plan(days_ahead=16), "convene")
    assert meeting.state == "convened"
    assert meeting.invitations.count() == 8
    assert meeting.invitations.filter(received_at__isnull=True).count() == 8
    document = Document.objects.get(object_id=str(meeting.pk), kind="convocation")
    assert document.facts["agenda"] == ["Budget prévisionnel 2027"]
    assert len(document.facts["invitees"]) == 8
    assert verify(document.versions.get()).ok


def test_only_the_president_convenes(board):
    with pytest.raises(errors.Forbidden) as caught:
        board.step(board.plan(), "convene", actor=board.secretary)
    assert caught.value.code == "role_required"


def test_an_empty_agenda_cannot_be_convened(board):
    with pytest.raises(errors.ConditionsUnmet) as caught:
        board.step(board.plan(items=[]), "convene")
    assert caught.value.code == "agenda_empty"


def opened(board) -> Meeting:
    return board.step(board.step(board.plan(), "convene"), "open")


def test_quorum_exactly_at_the_threshold_starts_the_session(board):
    meeting = opened(board)
    board.attend(meeting, board.members[:4])  # 4 of 8, quorum ½
    board.attend(meeting, board.members[4:], Presence.ABSENT)
    quorum = meeting.quorum()
    assert (quorum.members, quorum.counted, quorum.required, quorum.met) == (8, 4, 4, True)
    meeting = board.step(meeting, "start_session")
    assert meeting.state == "in_session" and meeting.quorum_present == 4


def test_one_short_of_the_quorum_lapses_with_a_signed_record(board):
    meeting = opened(board)
    board.attend(meeting, board.members[:3])
    board.complete_sheet(meeting)
    with pytest.raises(errors.ConditionsUnmet) as caught:
        board.step(meeting, "start_session")
    assert caught.value.code == "quorum_not_met"
    meeting = board.step(meeting, "lapse")
    assert meeting.state == "lapsed"
    record = Document.objects.get(object_id=str(meeting.pk), kind="minutes")
    assert meeting.quorum_present == 3 and record.facts["quorum"].startswith("3 ")
    assert verify(record.versions.get()).ok


def test_a_meeting_with_its_quorum_cannot_lapse(board):
    meeting = opened(board)
    board.attend(meeting, board.members[:5])
    board.complete_sheet(meeting)
    with pytest.raises(errors.ConditionsUnmet) as caught:
        board.step(meeting, "lapse")
    assert caught.value.code == "quorum_reached"


def test_proxies_count_towards_the_quorum(board):
    meeting = opened(board)
    board.attend(meeting, board.members[:3])
    services.proxy_record(
        meeting=meeting, actor=board.secretary, giver=board.board[5], holder=board.board[0]
    )
    quorum = meeting.quorum()
    assert (quorum.present, quorum.represented, quorum.met) == (3, 1, True)
    assert meeting.presence()[board.board[5].pk] == Presence.REPRESENTED
    board.complete_sheet(meeting)
    assert board.step(meeting, "start_session").state == "in_session"


def test_a_proxy_whose_holder_is_absent_does_not_count(board):
    meeting = opened(board)
    board.attend(meeting, board.members[:3])
    services.proxy_record(
        meeting=meeting, actor=board.secretary, giver=board.board[5], holder=board.board[4]
    )
    assert meeting.quorum().represented == 0


def test_the_proxy_cap_per_holder_is_enforced(board):
    meeting = opened(board)
    services.proxy_record(
        meeting=meeting, actor=board.secretary, giver=board.board[4], holder=board.board[0]
    )
    with pytest.raises(errors.InvalidData) as caught:
        services.proxy_record(
            meeting=meeting, actor=board.secretary, giver=board.board[5], holder=board.board[0]
        )
    assert "1" in caught.value.message
    board.rules(max_proxies_per_holder=2)
    meeting = Meeting.objects.get(pk=meeting.pk)
    services.proxy_record(
        meeting=meeting, actor=board.secretary, giver=board.board[5], holder=board.board[0]
    )
    assert meeting.proxies.filter(holder=board.board[0]).count() == 2


def test_a_member_cannot_both_attend_and_give_a_proxy(board):
    meeting = opened(board)
    board.attend(meeting, [board.board[1]])
    with pytest.raises(errors.InvalidData):
        services.proxy_record(
            meeting=meeting, actor=board.secretary, giver=board.board[1], holder=board.board[0]
        )
    services.proxy_record(
        meeting=meeting, actor=board.secretary, giver=board.board[2], holder=board.board[0]
    )
    with pytest.raises(errors.InvalidData):
        board.attend(meeting, [board.board[2]])


def test_a_proxy_to_a_non_member_is_refused(board):
    meeting = opened(board)
    with pytest.raises(errors.InvalidData):
        services.proxy_record(
            meeting=meeting, actor=board.secretary, giver=board.board[1], holder=board.staff
        )
    with pytest.raises(errors.InvalidData):
        services.attendance_record(
            meeting=meeting, actor=board.secretary, person=board.staff, status="present"
        )


def test_only_the_secretary_or_the_president_keeps_the_sheet(board):
    meeting = opened(board)
    with pytest.raises(errors.Forbidden):
        services.attendance_record(
            meeting=meeting, actor=board.board[0], person=board.board[0], status="present"
        )


def test_the_sheet_is_frozen_once_the_session_starts(board):
    meeting = board.in_session(present=board.members[:5])
    with pytest.raises(errors.InvalidState):
        board.attend(meeting, [board.board[5]])


def lapsed(board) -> Meeting:
    """Lapsed, its minutes signed by the chair and countersigned by the secretary."""
    meeting = opened(board)
    board.attend(meeting, board.members[:1])
    board.complete_sheet(meeting)
    board.step(meeting, "lapse")
    return board.step(meeting, "sign_lapse", actor=board.secretary)


def test_second_convocation_without_quorum_requirement_sits_with_few_members(board):
    first = lapsed(board)
    second = services.meeting_second_convocation(
        meeting=first,
        actor=board.president,
        starts_at=first.starts_at + dt.timedelta(days=20),
    )
    assert second.convocation == 2 and second.previous == first
    assert [i.title for i in second.items.all()] == [i.title for i in first.items.all()]
    second = board.step(board.step(second, "convene"), "open")
    board.attend(second, board.members[:2])
    board.complete_sheet(second)
    quorum = second.quorum()
    assert quorum.required == 0 and quorum.met
    assert board.step(second, "start_session").state == "in_session"
    with pytest.raises(errors.InvalidState) as caught:
        services.meeting_second_convocation(
            meeting=first, actor=board.president, starts_at=first.starts_at + dt.timedelta(days=30)
        )
    assert caught.value.code == "second_exists"


def test_second_convocation_with_nobody_present_still_lapses(board):
    first = lapsed(board)
    second = services.meeting_second_convocation(
        meeting=first, actor=board.president, starts_at=first.starts_at + dt.timedelta(days=20)
    )
    second = board.step(board.step(second, "convene"), "open")
    assert not second.quorum().met
    board.complete_sheet(second)
    assert board.step(second, "lapse").state == "lapsed"
    second = board.step(second, "sign_lapse", actor=board.secretary)
    with pytest.raises(errors.InvalidState) as caught:
        services.meeting_second_convocation(
            meeting=second,
            actor=board.president,
            starts_at=second.starts_at + dt.timedelta(days=20),
        )
    assert caught.value.code == "already_second"


def test_a_second_convocation_with_its_own_quorum_rule(board):
    board.rules(second_quorum_numerator=1, second_quorum_denominator=4)
    first = lapsed(board)
    second = services.meeting_second_convocation(
        meeting=first, actor=board.president, starts_at=first.starts_at + dt.timedelta(days=20)
    )
    second = board.step(board.step(second, "convene"), "open")
    board.attend(second, board.members[:1])
    assert second.quorum().required == 2 and not second.quorum().met
    board.attend(second, board.members[1:2])
    assert second.quorum().met
