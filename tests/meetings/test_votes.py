"""Votes: majorities, ties and the casting vote, proxies, interests, and no change after close."""

import pytest

from governance.meetings import services
from governance.meetings.models import Deliberation, decide
from governance.organisations.models import BodyRules
from workflows import errors

pytestmark = pytest.mark.django_db

FOR, AGAINST, ABSTAIN = "for", "against", "abstain"


def rules(**values) -> BodyRules:
    return BodyRules(**{"majority": "cast", "chair_casting_vote": True, **values})


@pytest.mark.parametrize(
    ("votes", "majority", "entitled", "adopted"),
    [
        ((5, 4, 3), "cast", 12, True),  # abstentions are not votes cast
        ((4, 4, 0), "two_thirds", 8, False),
        ((6, 3, 0), "two_thirds", 9, True),  # exactly two thirds of the votes cast
        ((5, 3, 0), "two_thirds", 8, False),
        ((5, 0, 3), "absolute", 10, False),  # half of the members is not a majority of them
        ((6, 0, 0), "absolute", 10, True),
    ],
)
def test_majority_rules(votes, majority, entitled, adopted):
    result = decide(*votes, entitled=entitled, rules=rules(majority=majority), chair_choice=None)
    assert result.adopted is adopted and not result.casting_vote


def test_a_tie_is_settled_by_the_chairs_casting_vote_when_the_rules_say_so():
    assert decide(3, 3, 1, entitled=8, rules=rules(), chair_choice=FOR).adopted
    assert decide(3, 3, 1, entitled=8, rules=rules(), chair_choice=FOR).casting_vote
    assert not decide(3, 3, 1, entitled=8, rules=rules(), chair_choice=AGAINST).adopted
    assert not decide(3, 3, 1, entitled=8, rules=rules(), chair_choice=ABSTAIN).adopted
    assert not decide(
        3, 3, 1, entitled=8, rules=rules(chair_casting_vote=False), chair_choice=FOR
    ).adopted
    assert not decide(0, 0, 5, entitled=8, rules=rules(), chair_choice=ABSTAIN).adopted


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
    with pytest.raises(errors.InvalidData):
        services.vote_record(item=item, actor=board.secretary, voter=board.board[0], choice=FOR)
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
    with pytest.raises(errors.InvalidData):
        services.interest_declare(item=item, actor=board.secretary, person=board.board[1])


def test_a_proxys_voice_is_cast_by_its_holder_and_may_differ(board):
    meeting = board.step(board.step(board.plan(), "convene"), "open")
    board.attend(meeting, board.members[:5])
    services.proxy_record(
        meeting=meeting, actor=board.secretary, giver=board.board[5], holder=board.board[0]
    )
    meeting = board.step(meeting, "start_session")
    item = meeting.items.get()
    board.vote_all(meeting, {board.board[0]: FOR, board.board[5]: AGAINST})
    vote = item.votes.get(voter=board.board[5])
    assert vote.cast_by == board.board[0] and vote.choice == AGAINST
    with pytest.raises(errors.InvalidData):  # absent, no proxy: no voice
        services.vote_record(item=item, actor=board.secretary, voter=board.board[4], choice=FOR)


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
    with pytest.raises(errors.InvalidState):
        services.vote_record(
            item=meeting.items.get(), actor=board.secretary, voter=board.president, choice=FOR
        )


def test_a_meeting_closes_only_once_every_item_is_voted(board):
    meeting = board.in_session(
        board.plan(items=[{"title": "Budget"}, {"title": "Rapport", "kind": "information"}])
    )
    with pytest.raises(errors.ConditionsUnmet):
        board.step(meeting, "close")
    board.vote_all(meeting, {board.president: FOR})
    assert board.step(meeting, "close").state == "closed"
    assert Deliberation.objects.filter(meeting=meeting).count() == 1  # information: no deliberation
