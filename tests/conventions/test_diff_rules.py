"""The pure diff (workflows.versions.diff) over the CPOM's lines (governance.conventions.rules):
funding by (year, funder, function), objectives by function, targets by (indicator, year)."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from governance.conventions import rules
from workflows.versions import diff, parse_pair


def content(funding=(), objectives=None, targets=(), notice=3):
    return [
        *rules.general_lines(
            title="CPOM",
            start_year=2026,
            end_year=2028,
            parties=["État", "Région"],
            notice_months=notice,
        ),
        *rules.objective_lines(objectives or {}),
        *rules.funding_lines(funding),
        *rules.target_lines(targets),
    ]


def test_added_removed_and_changed_lines_by_section_in_order():
    before = content(
        funding=[(2026, 1, "État", 1, Decimal("100.00")), (2026, 2, "Région", 2, Decimal("50.00"))],
        objectives={"1": "Accompagner.", "3": "Observer."},
        targets=[("ICN-01", "Jeunes", 2026, Decimal("15000"))],
    )
    after = content(
        funding=[(2026, 1, "État", 1, Decimal("120.50")), (2027, 2, "Région", 2, Decimal("60.00"))],
        objectives={"1": "Accompagner.", "3": "Observer et publier."},
        targets=[("ICN-01", "Jeunes", 2026, Decimal("15500"))],
        notice=6,
    )
    result = diff(before, after, sections=rules.SECTIONS, numbers=(1, 3))
    assert [s.name for s in result.sections] == ["general", "objectives", "funding", "targets"]
    kinds = {c.key: (c.kind, c.before, c.after) for c in result.changes}
    assert kinds == {
        "notice": ("changed", "3", "6"),
        "objective:3": ("changed", "Observer.", "Observer et publier."),
        "funding:2026:1:1": ("changed", "100.00", "120.50"),
        "funding:2027:2:2": ("added", None, "60.00"),
        "funding:2026:2:2": ("removed", "50.00", None),
        "target:ICN-01:2026": ("changed", "15000.00", "15500.00"),
    }
    funding = next(s for s in result.sections if s.name == "funding")
    assert [c.key for c in funding.changes] == [
        "funding:2026:1:1",
        "funding:2027:2:2",
        "funding:2026:2:2",
    ]
    assert funding.changes[0].delta == Decimal("20.50") and funding.changes[1].delta is None
    assert result.counts() == {"added": 1, "removed": 1, "changed": 4}


def test_the_same_content_has_no_difference_and_amounts_compare_as_decimals():
    a = content(funding=[(2026, 1, "État", 1, Decimal("100"))])
    b = content(funding=[(2026, 1, "État", 1, Decimal("100.00"))])
    assert diff(a, b).is_empty


amounts = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
cells = st.dictionaries(
    st.tuples(st.integers(2026, 2028), st.integers(1, 3), st.integers(1, 5)), amounts, max_size=12
)


@given(cells, cells)
def test_a_diff_accounts_for_every_line_exactly_once(old, new):
    def lines(cells):
        return rules.funding_lines((y, f, f"F{f}", n, a) for (y, f, n), a in cells.items())

    result = diff(lines(old), lines(new))
    keys = [c.key for c in result.changes]
    assert len(keys) == len(set(keys))
    expected = {
        f"funding:{y}:{f}:{n}"
        for (y, f, n) in set(old) | set(new)
        if old.get((y, f, n)) is None
        or new.get((y, f, n)) is None
        or old[(y, f, n)] != new[(y, f, n)]
    }
    assert set(keys) == expected
    assert diff(lines(old), lines(old)).is_empty


def test_two_version_numbers_are_parsed_or_refused_with_a_sentence():
    assert parse_pair("1", "3", [1, 2, 3]) == (1, 3)
    assert parse_pair(None, None, [1, 2], default=(1, 2)) == (1, 2)
    with pytest.raises(ValueError, match="v9"):
        parse_pair("1", "9", [1, 2, 3])
    with pytest.raises(ValueError):
        parse_pair("un", "2", [1, 2])


@pytest.mark.parametrize(
    "notified,months,earliest",
    [
        (dt.date(2026, 3, 10), 3, dt.date(2026, 6, 10)),
        (dt.date(2026, 11, 30), 3, dt.date(2027, 2, 28)),  # the month's last day
        (dt.date(2027, 11, 30), 3, dt.date(2028, 2, 29)),  # a leap year
        (dt.date(2026, 1, 31), 0, dt.date(2026, 1, 31)),
    ],
)
def test_the_notice_period_in_months(notified, months, earliest):
    assert rules.add_months(notified, months) == earliest
    end = dt.date(2030, 12, 31)
    assert (
        rules.notice_refusal(
            notified_on=notified, months=months, effective_on=earliest, period_end=end
        )
        is None
    )
    early = rules.notice_refusal(
        notified_on=notified,
        months=months,
        effective_on=earliest - dt.timedelta(days=1),
        period_end=end,
    )
    assert early.code == "notice_period"
    assert (
        earliest.strftime("%d/%m/%Y") in early.message
        and notified.strftime("%d/%m/%Y") in early.message
    )


def test_a_termination_after_the_convention_ends_is_refused():
    refusal = rules.notice_refusal(
        notified_on=dt.date(2028, 11, 1),
        months=3,
        effective_on=dt.date(2029, 2, 1),
        period_end=dt.date(2028, 12, 31),
    )
    assert refusal.code == "after_period"
