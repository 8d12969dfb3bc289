"""The dues rules, pure: the amount a rule gives, what is left, when a call is late."""

import datetime as dt
from decimal import Decimal

import pytest

from governance.dues import rules

D = Decimal


@pytest.mark.parametrize(
    ("base", "per_young", "young", "expected"),
    [
        ("1500", "0", 0, "1500.00"),
        ("1500", "0", 900, "1500.00"),
        ("1000", "2.5", 1200, "4000.00"),
        ("0", "0.333", 3, "1.00"),  # to the cent, half up
        ("0", "0.335", 1, "0.34"),
    ],
)
def test_the_rule_is_a_base_plus_an_amount_per_young_person(base, per_young, young, expected):
    assert rules.dues_amount(D(base), D(per_young), young) == D(expected)


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError):
        rules.dues_amount(D("10"), D("1"), -1)


def test_balance_and_payments():
    assert rules.paid_total([D("100"), D("250.5")]) == D("350.50")
    assert rules.balance(D("1000"), D("350.50")) == D("649.50")
    assert rules.balance(D("1000"), D("1000")) == D("0.00")
    assert rules.payment_problem(D("0"), D("10")) != ""
    assert rules.payment_problem(D("-5"), D("10")) != ""
    assert "dépasse" in rules.payment_problem(D("10.01"), D("10"))
    assert rules.payment_problem(D("10"), D("10")) == ""


@pytest.mark.parametrize(
    ("called", "today", "left", "late"),
    [
        (True, dt.date(2027, 4, 1), D("1"), True),
        (True, dt.date(2027, 3, 31), D("1"), False),  # the due date itself is not late
        (True, dt.date(2027, 4, 1), D("0"), False),
        (False, dt.date(2027, 4, 1), D("1"), False),  # prepared, not called
    ],
)
def test_arrears(called, today, left, late):
    due = dt.date(2027, 3, 31)
    assert rules.in_arrears(called=called, due_on=due, left=left, today=today) is late


def test_the_payers_are_the_director_or_the_treasurer():
    assert "arml_director" in rules.PAYERS
