"""Pure rules of the money of a CPOM: the schedule, the totals, the report's table and date."""

import datetime as dt
from decimal import Decimal as D

import pytest

from governance.finances.rules import (
    BalanceCondition,
    Part,
    ReportTable,
    Row,
    Terms,
    is_called,
    parse_rows,
    payment_refusal,
    report_due_on,
    schedule,
    totals,
)


def test_the_schedule_splits_the_amount_committed_into_advance_and_balance():
    lines = schedule(2027, 7, D("240000.00"), Terms())
    assert [(i.part, i.amount, i.due_on) for i in lines] == [
        (Part.ADVANCE, D("120000.00"), dt.date(2027, 3, 31)),
        (Part.BALANCE, D("120000.00"), dt.date(2027, 10, 31)),
    ]
    assert lines[1].condition == BalanceCondition.PREVIOUS_REPORT


def test_rounding_never_loses_a_cent():
    lines = schedule(2027, 1, D("100000.01"), Terms(advance_percent=D("33.33"), advance_month=2))
    assert lines[0].amount == D("33330.00") and lines[0].due_on == dt.date(2027, 2, 28)
    assert sum(i.amount for i in lines) == D("100000.01")


def test_no_advance_or_nothing_committed():
    assert [i.part for i in schedule(2027, 1, D("10"), Terms(advance_percent=D("0")))] == [
        Part.BALANCE
    ]
    assert [i.part for i in schedule(2027, 1, D("10"), Terms(advance_percent=D("100")))] == [
        Part.ADVANCE
    ]
    assert schedule(2027, 1, D("0"), Terms()) == []


def test_the_balance_waits_for_the_previous_years_report_except_the_first_year():
    first, second = (schedule(y, 1, D("1000"), Terms())[1] for y in (2026, 2027))
    autumn = dt.date(2027, 11, 1)
    assert is_called(first, autumn, first_year=2026, accepted=set())
    assert not is_called(second, autumn, first_year=2026, accepted=set())
    assert is_called(second, autumn, first_year=2026, accepted={2026})
    assert not is_called(second, dt.date(2027, 10, 30), first_year=2026, accepted={2026})
    this_year = schedule(2027, 1, D("1000"), Terms(balance_condition="this_report"))[1]
    assert not is_called(this_year, autumn, first_year=2026, accepted={2026})
    assert is_called(this_year, autumn, first_year=2026, accepted={2027})


def test_totals_committed_scheduled_paid_justified():
    plan = schedule(2026, 1, D("240000"), Terms())
    april = totals(
        committed=D("240000"),
        instalments=plan,
        payments=[D("100000"), D("20000")],
        report_accepted=False,
        today=dt.date(2026, 4, 1),
        first_year=2026,
        accepted=set(),
    )
    assert (april.committed, april.scheduled, april.paid, april.justified) == (
        D("240000.00"),
        D("120000.00"),
        D("120000.00"),
        D("0.00"),
    )
    assert april.outstanding == D("120000.00")
    later = totals(
        committed=D("240000"),
        instalments=plan,
        payments=[D("240000")],
        report_accepted=True,
        today=dt.date(2027, 7, 1),
        first_year=2026,
        accepted={2026},
    )
    assert later.scheduled == later.paid == later.justified == D("240000.00")
    assert (april + later).committed == D("480000.00")


def test_payments_are_positive_and_never_above_the_amount_committed():
    ok = payment_refusal(
        amount=D("60000"), committed=D("240000"), already_paid=D("120000"), part_amount=D("1")
    )
    assert ok is None
    code, message = payment_refusal(
        amount=D("120000.01"), committed=D("240000"), already_paid=D("120000"), part_amount=D("1")
    )
    assert code == "overpayment" and "240000.00" in message
    assert (
        payment_refusal(amount=D("0"), committed=D("1"), already_paid=D("0"), part_amount=D("1"))[0]
        == "amount_not_positive"
    )
    assert (
        payment_refusal(amount=D("1"), committed=D("1"), already_paid=D("0"), part_amount=None)[0]
        == "no_instalment"
    )


def test_the_report_is_due_on_30_june_of_the_following_year_or_as_configured():
    assert report_due_on(2026) == dt.date(2027, 6, 30)
    assert report_due_on(2026, "09-15") == dt.date(2027, 9, 15)


def test_report_rows_are_parsed_with_french_decimals_and_errors_name_the_line():
    rows = parse_rows("Salaires ; 200 000,00 ; 210000,5\n\nLoyers;12000;11000")
    assert rows == [
        Row("Salaires", D("200000.00"), D("210000.50")),
        Row("Loyers", D("12000.00"), D("11000.00")),
    ]
    assert rows[0].gap == D("10000.50")
    with pytest.raises(ValueError, match="2"):
        parse_rows("Salaires;1;2\nLoyers;douze;3")
    with pytest.raises(ValueError, match="1"):
        parse_rows("Salaires;1")


def test_the_report_table_gives_totals_and_the_subsidys_share():
    table = ReportTable(
        charges=[Row("Salaires", D("200000"), D("210000")), Row("Loyers", D("40000"), D("30000"))],
        income=[Row("Cotisations", D("0"), D("0"))],
        subsidy=Row("Subvention État", D("240000"), D("240000")),
    )
    assert table.total(table.charges).actual == D("240000")
    assert table.total(table.income_rows).budgeted == D("240000")
    assert table.subsidy_share == D("100.00")
    assert table.balanced
    empty = ReportTable([], [], Row("S", D("1"), D("1")))
    assert empty.subsidy_share == D("0.00")
