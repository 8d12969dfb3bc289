"""Votes: majorities, ties and the casting vote, proxies, interests, and no change after close."""

import pytest

from governance.meetings import services
from governance.meetings.models import Deliberation
from workflows import errors

pytestmark = pytest.mark.django_db

FOR, AGAINST, ABSTAIN = "for", "against", "abstain"


def tie(board):
    """President and three members for, four against."""
    return {
        board.president: FOR,
        **{p: FOR for p in board.board[:3]},
        board.secretary: AGAINST,
        **{p: AGAINST for p in board.board[3:]},
    }


def test_a_tie_in_session_with_the_casting_vote_is_adopted(board):
    meeting = board.in_session()
    board.vote_all(meeting, tie(board))
    meeting = board.step(meeting, "close")
    deliberation = Deliberation.objects.get(meeting=meeting)
    assert deliberation.adopted and deliberation.casting_vote and deliberation.number


def test_a_tie_in_session_without_the_casting_vote_is_rejected(board):
    board.rules(chair_casting_vote=False)
    meeting = board.in_session()
    board.vote_all(meeting, tie(board))
    meeting = board.step(meeting, "close")
    deliberation = Deliberation.objects.get(meeting=meeting)
    assert not deliberation.adopted and deliberation.number == "" and deliberation.sequence is None


def test_an_interested_member_is_excluded_from_the_vote_and_the_count(board):
    board.rules(majority="absolute")
    meeting = board.plan()
    item = meeting.items.get()
    services.interest_declare(
        item=item,
        actor=board.board[0],
        person=board.board[0],
        reason="Administrateur de la ML bénéficiaire",
    )
    meeting = board.in_session(meeting)
    with pytest.raises(errors.InvalidData) as caught:
        services.vote_record(item=item, actor=board.secretary, voter=board.board[0], choice=FOR)
    assert caught.value.code == "conflict_of_interest"
    assert board.board[0].pk not in meeting.voices(item)
    # 4 for out of the 7 members entitled: an absolute majority only because the interested one is out
    in_favour = [board.president, board.secretary, board.board[1], board.board[2]]
    board.vote_all(meeting, {p: FOR for p in in_favour} | {p: AGAINST for p in board.board[3:]})
    result = meeting.result(item)
    assert (result.votes_for, result.entitled, result.adopted) == (4, 7, True)


def test_an_interest_cannot_be_declared_after_voting(board):
    meeting = board.in_session()
    item = meeting.items.get()
    board.vote_all(meeting, {board.board[1]: FOR})
    with pytest.raises(errors.InvalidData) as caught:
        services.interest_declare(item=item, actor=board.secretary, person=board.board[1])
    assert caught.value.code == "already_voted"


def test_a_proxys_voice_is_cast_by_its_holder_and_may_differ(board):
    meeting = board.step(board.step(board.plan(), "convene"), "open")
    board.attend(meeting, board.members[:5])
    services.proxy_record(
        meeting=meeting, actor=board.secretary, giver=board.board[5], holder=board.board[0]
    )
    board.complete_sheet(meeting)
    meeting = board.step(meeting, "start_session")
    item = meeting.items.get()
    board.vote_all(meeting, {board.board[0]: FOR, board.board[5]: AGAINST})
    vote = item.votes.get(voter=board.board[5])
    assert vote.cast_by == board.board[0] and vote.choice == AGAINST
    with pytest.raises(errors.InvalidData) as caught:  # absent, no proxy: no voice
        services.vote_record(item=item, actor=board.secretary, voter=board.board[4], choice=FOR)
    assert caught.value.code == "no_voice"


def test_votes_may_be_corrected_in_session_but_not_after_close(board):
    meeting = board.in_session()
    item = meeting.items.get()
    board.vote_all(meeting, {p: FOR for p in board.members})
    board.vote_all(meeting, {board.board[0]: AGAINST})
    assert item.votes.get(voter=board.board[0]).choice == AGAINST
    meeting = board.step(meeting, "close")
    with pytest.raises(services.MeetingClosed) as caught:
        services.vote_record(item=item, actor=board.secretary, voter=board.board[0], choice=FOR)
    assert caught.value.status == 409 and caught.value.code == "meeting_closed"
    with pytest.raises(services.MeetingClosed):
        services.interest_declare(item=item, actor=board.secretary, person=board.board[1])
    with pytest.raises(services.MeetingClosed):
        services.attendance_record(
            meeting=meeting, actor=board.secretary, person=board.board[1], status="absent"
        )
    assert item.votes.get(voter=board.board[0]).choice == AGAINST


def test_votes_are_recorded_only_in_session(board):
    meeting = board.step(board.plan(), "convene")
    with pytest.raises(errors.InvalidState) as caught:
        services.vote_record(
            item=meeting.items.get(), actor=board.secretary, voter=board.president, choice=FOR
        )
    assert caught.value.code == "not_in_session"


def test_a_meeting_closes_only_once_every_item_is_voted(board):
    meeting = board.in_session(
        board.plan(items=[{"title": "Budget"}, {"title": "Rapport", "kind": "information"}])
    )
    with pytest.raises(errors.ConditionsUnmet) as caught:
        board.step(meeting, "close")
    assert caught.value.code == "votes_incomplete"
    board.vote_all(meeting, {p: FOR for p in board.members})
    assert board.step(meeting, "close").state == "closed"
    assert Deliberation.objects.filter(meeting=meeting).count() == 1  # information: no deliberation
