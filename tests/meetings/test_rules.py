"""The meetings room's pure rules: notice, opening time, quorum and majorities (no database),
checked on examples and as properties (hypothesis)."""

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from governance.meetings import rules
from governance.meetings.rules import Choice, decide, quorum

FOR, AGAINST, ABSTAIN = Choice.FOR, Choice.AGAINST, Choice.ABSTAIN


def test_clear_days_count_neither_the_day_of_sending_nor_the_meeting_day():
    assert rules.earliest_meeting_date(dt.date(2026, 3, 1), 15) == dt.date(2026, 3, 17)
    assert rules.earliest_meeting_date(dt.date(2026, 12, 31), 0) == dt.date(2027, 1, 1)


def test_a_meeting_opens_no_earlier_than_its_start_less_the_margin():
    start = dt.datetime(2026, 12, 10, 14, 0, tzinfo=dt.UTC)
    assert rules.opens_at(start, 60) == dt.datetime(2026, 12, 10, 13, 0, tzinfo=dt.UTC)
    assert not rules.may_open(start - dt.timedelta(minutes=61), start, 60)
    assert rules.may_open(start - dt.timedelta(minutes=60), start, 60)
    assert not rules.may_open(dt.datetime(2026, 11, 29, 14, 0, tzinfo=dt.UTC), start, 60)


fractions = st.tuples(st.integers(0, 12), st.integers(1, 12)).filter(lambda nd: nd[0] <= nd[1])


@given(members=st.integers(0, 400), rule=fractions)
def test_the_required_count_is_the_ceiling_of_quorum_times_members(members, rule):
    numerator, denominator = rule
    required = rules.required_for(members, numerator, denominator)
    exact = Fraction(members * numerator, denominator)
    assert required >= exact and required - 1 < exact  # ⌈exact⌉, no float rounding
    if exact.denominator == 1:
        assert required == exact  # exactly at the boundary: no extra member needed


@given(
    members=st.integers(1, 60),
    present=st.integers(0, 60),
    extra=st.integers(0, 60),
    represented=st.integers(0, 60),
    rule=fractions,
)
def test_the_quorum_is_monotone_in_attendance(members, present, extra, represented, rule):
    numerator, denominator = rule
    present = min(present, members)
    more = min(present + extra, members)
    represented = min(represented, members - more)
    before = quorum(
        members=members,
        present=present,
        represented=represented,
        numerator=numerator,
        denominator=denominator,
    )
    after = quorum(
        members=members,
        present=more,
        represented=represented,
        numerator=numerator,
        denominator=denominator,
    )
    assert not before.met or after.met


@given(members=st.integers(1, 200), rule=fractions.filter(lambda nd: nd[0] > 0))
def test_the_quorum_is_met_exactly_at_the_ceiling_and_not_one_below(members, rule):
    numerator, denominator = rule
    required = rules.required_for(members, numerator, denominator)
    kw = {"members": members, "numerator": numerator, "denominator": denominator}
    present = max(required, 1)
    assert quorum(present=present, represented=0, **kw).met
    if required >= 2:
        assert not quorum(present=1, represented=required - 2, **kw).met


def test_nobody_attending_is_never_a_quorum_even_when_none_is_required():
    assert not quorum(members=8, present=0, represented=3, numerator=0, denominator=1).met
    assert quorum(members=8, present=1, represented=0, numerator=0, denominator=1).met


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
    result = decide(
        *votes, entitled=entitled, majority=majority, chair_casting_vote=True, chair_choice=None
    )
    assert result.adopted is adopted and not result.casting_vote


def test_members_not_taking_part_are_not_votes_cast():
    result = decide(
        3,
        2,
        0,
        not_voting=4,
        entitled=9,
        majority="cast",
        chair_casting_vote=True,
        chair_choice=None,
    )
    assert result.adopted and result.cast == 5 and result.not_voting == 4


choices = st.sampled_from([FOR, AGAINST, ABSTAIN, Choice.NOT_VOTING, None])


@given(
    n=st.integers(0, 30),
    abstain=st.integers(0, 10),
    casting=st.booleans(),
    chair=choices,
)
def test_a_tie_follows_the_chairs_vote_only_when_the_rules_give_one(n, abstain, casting, chair):
    result = decide(
        n,
        n,
        abstain,
        entitled=2 * n + abstain,
        majority="cast",
        chair_casting_vote=casting,
        chair_choice=chair,
    )
    settled = casting and n > 0 and chair in {FOR, AGAINST}
    assert result.casting_vote is settled
    assert result.adopted is (settled and chair == FOR)


@given(
    votes_for=st.integers(0, 40),
    against=st.integers(0, 40),
    abstain=st.integers(0, 20),
    majority=st.sampled_from(["cast", "absolute", "two_thirds"]),
)
def test_one_more_vote_for_never_turns_adoption_into_rejection(
    votes_for, against, abstain, majority
):
    entitled = votes_for + against + abstain + 1
    kw = {"majority": majority, "chair_casting_vote": False, "chair_choice": None}
    before = decide(votes_for, against, abstain + 1, entitled=entitled, **kw)
    after = decide(votes_for + 1, against, abstain, entitled=entitled, **kw)
    assert not before.adopted or after.adopted


def test_missing_voices_are_those_entitled_without_a_recorded_voice():
    assert rules.missing({1: 1, 2: 2, 3: 1}, [2]) == [1, 3]
    assert rules.missing({1: 1}, [1]) == []
