"""Which agreements are regulated: an administrator of the ARML who presides or directs the
counterparty (pure rule)."""

from governance.agreements.rules import Interest, interested_administrators


def test_a_board_member_presiding_the_counterparty_is_flagged():
    board = [(1, "board_member"), (2, "president"), (3, "arml_director"), (4, "secretary")]
    mls = [
        (1, 10, "ml_president"),  # board member, presides ML 10
        (2, 11, "ml_director"),  # the president directs ML 11
        (3, 10, "ml_director"),  # the ARML's director is not an administrator
        (4, 12, "ml_president"),  # presides an ML that is not a party
        (5, 10, "ml_president"),  # presides ML 10 but is not on the board
    ]
    assert interested_administrators(board, mls, {10, 11}) == [
        Interest(1, 10, "ml_president"),
        Interest(2, 11, "ml_director"),
    ]


def test_nothing_without_both_mandates():
    assert interested_administrators([(1, "board_member")], [], {10}) == []
    assert interested_administrators([], [(1, 10, "ml_president")], {10}) == []
    assert interested_administrators([(1, "board_member")], [(1, 10, "ml_president")], set()) == []


def test_other_roles_at_the_ml_do_not_count():
    assert interested_administrators([(1, "board_member")], [(1, 10, "auditor")], {10}) == []
