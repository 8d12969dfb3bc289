"""Rules of the CPOM (no ORM): who drafts and who comments, the funding table with its totals,
the lines two versions are compared by, and the notice period of a termination."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from governance.organisations.models import Function, Funder, Role
from permissions.authorization import act
from permissions.rules import Refusal, is_a_party_officer
from workflows.versions import Line

#: The ARML's team drafts conventions and amendments (the director submits and freezes them).
DRAFTERS = frozenset({Role.ARML_DIRECTOR, Role.ARML_STAFF})
DRAFT = act("convention.draft", label=_("Draft a convention or an amendment"), roles=DRAFTERS)
#: During consultation and negotiation, the officers of a funder that is a party comment the
#: versions line by line (issue 14.2).
OFFICERS = frozenset({Role.STATE_OFFICER, Role.REGION_OFFICER, Role.OTHER_FUNDER})
COMMENT = act(
    "convention.comment",
    label=_("Comment a line of a negotiated version"),
    roles=OFFICERS,
    rules=[is_a_party_officer],
)


@dataclass
class FundingTable:
    """Amounts by year × funder (rows) and function (columns), with the totals."""

    years: list[int]
    funders: list[Funder]
    cells: dict[tuple[int, int, int], Decimal]
    amended_years: dict[int, int] = field(default_factory=dict)  # year → amendment number
    #: year → number of an amendment refused and being revised ("avenant en renégociation")
    renegotiating: dict[int, int] = field(default_factory=dict)

    def copy(self) -> FundingTable:
        """A table of its own: amending it (effective_funding) leaves this one as it was."""
        return FundingTable(
            list(self.years),
            list(self.funders),
            dict(self.cells),
            dict(self.amended_years),
            dict(self.renegotiating),
        )

    def amount(self, year: int, funder_id: int, function: int) -> Decimal:
        return self.cells.get((year, funder_id, function), Decimal("0.00"))

    def total_for_year(self, year: int) -> Decimal:
        return sum((v for (y, _f, _n), v in self.cells.items() if y == year), Decimal("0.00"))

    def total_for_funder(self, funder_id: int) -> Decimal:
        return sum((v for (_y, f, _n), v in self.cells.items() if f == funder_id), Decimal("0.00"))

    def total_for_year_and_funder(self, year: int, funder_id: int) -> Decimal:
        return sum(
            (v for (y, f, _n), v in self.cells.items() if y == year and f == funder_id),
            Decimal("0.00"),
        )

    @property
    def total(self) -> Decimal:
        return sum(self.cells.values(), Decimal("0.00"))

    def rows(self) -> list[dict[str, Any]]:
        """One row per year × funder with an amount per function: what templates print."""
        out = []
        for year in self.years:
            for funder in self.funders:
                amounts = [self.amount(year, funder.pk, f) for f in Function.values]
                out.append(
                    {
                        "year": year,
                        "funder": funder,
                        "amounts": amounts,
                        "total": sum(amounts, Decimal("0.00")),
                        "amended": self.amended_years.get(year),
                        "renegotiating": self.renegotiating.get(year),
                    }
                )
        return out

    def summary(self) -> dict[str, Any]:
        """Every total a page prints: by year, by funder, by function, overall."""
        return {
            "by_year": [(year, self.total_for_year(year)) for year in self.years],
            "by_funder": [(funder, self.total_for_funder(funder.pk)) for funder in self.funders],
            "by_function": self.function_totals(),
            "total": self.total,
        }

    def function_totals(self) -> list[Decimal]:
        return [
            sum((v for (_y, _f, n), v in self.cells.items() if n == function), Decimal("0.00"))
            for function in Function.values
        ]


# -- the lines two versions are compared by (workflows.versions.diff) ----------------------

#: Sections of a convention's or an amendment's content, in the order pages print them.
SECTIONS = (
    ("general", _("General provisions")),
    ("changes", _("Changes")),
    ("objectives", _("Objectives by function")),
    ("funding", _("Funding plan")),
    ("targets", _("Indicator targets")),
)


def amount_text(value: Decimal) -> str:
    return f"{Decimal(value):.2f}"


def general_lines(
    *, title: str, start_year: int, end_year: int, parties: Iterable[str], notice_months: int
) -> list[Line]:
    return [
        Line("title", "general", gettext("Title"), title),
        Line("period", "general", gettext("Period"), f"{start_year}–{end_year}"),
        Line("parties", "general", gettext("Funders party to the convention"), ", ".join(parties)),
        Line(
            "notice",
            "general",
            gettext("Notice period of a termination (months)"),
            str(notice_months),
        ),
    ]


def objective_lines(objectives: Mapping[str, str]) -> list[Line]:
    return [
        Line(
            f"objective:{key}",
            "objectives",
            str(Function(int(key)).label),
            text,
            {"function": int(key)},
        )
        for key, text in sorted(objectives.items(), key=lambda kv: int(kv[0]))
        if text
    ]


def funding_lines(rows: Iterable[tuple[int, int, str, int, Decimal]]) -> list[Line]:
    """Funding lines by (year, funder, function): rows of (year, funder id, funder name,
    function, amount)."""
    return [
        Line(
            f"funding:{year}:{funder_id}:{function}",
            "funding",
            gettext("%(year)s — %(funder)s — function %(n)s")
            % {"year": year, "funder": funder, "n": function},
            amount_text(amount),
            {"year": year, "funder": funder_id, "function": function},
            numeric=True,
        )
        for year, funder_id, funder, function, amount in sorted(rows, key=lambda r: r[:2] + r[3:4])
    ]


def target_lines(rows: Iterable[tuple[str, str, int, Decimal]]) -> list[Line]:
    """Indicator targets by (indicator, year): rows of (code, label, year, target)."""
    return [
        Line(
            f"target:{code}:{year}",
            "targets",
            f"{code} — {label} ({year})",
            amount_text(target),
            {"indicator": code, "year": year},
            numeric=True,
        )
        for code, label, year, target in sorted(rows, key=lambda r: (r[0], r[2]))
    ]


def changes_line(changes: str) -> list[Line]:
    return (
        [Line("changes", "changes", gettext("Statement of the changes"), changes)]
        if changes
        else []
    )


# -- termination (issue 13.15) ---------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it is shorter: 30 Nov + 3 → 28
    or 29 Feb)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def notice_refusal(
    *, notified_on: dt.date, months: int, effective_on: dt.date, period_end: dt.date
) -> Refusal | None:
    """A termination takes effect no earlier than the notice period after its notification
    (the convention's clause), and within the convention's period."""
    earliest = add_months(notified_on, months)
    if effective_on < earliest:
        return Refusal(
            "notice_period",
            gettext(
                "Notice period of %(months)s months: notified on %(notified)s, the termination "
                "can take effect on %(earliest)s at the earliest (date asked: %(asked)s)."
            )
            % {
                "months": months,
                "notified": notified_on.strftime("%d/%m/%Y"),
                "earliest": earliest.strftime("%d/%m/%Y"),
                "asked": effective_on.strftime("%d/%m/%Y"),
            },
        )
    if effective_on > period_end:
        return Refusal(
            "after_period",
            gettext(
                "The convention ends on %(end)s by itself: a termination takes effect before "
                "(date asked: %(asked)s)."
            )
            % {"end": period_end.strftime("%d/%m/%Y"), "asked": effective_on.strftime("%d/%m/%Y")},
        )
    return None
