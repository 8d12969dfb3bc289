"""Rules of the CPOM (no ORM): who drafts, and the funding table with its totals."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from governance.organisations.models import Function, Funder, Role
from permissions.authorization import act

#: The ARML's team drafts conventions and amendments (the director submits and freezes them).
DRAFTERS = frozenset({Role.ARML_DIRECTOR, Role.ARML_STAFF})
DRAFT = act("convention.draft", label=_("Draft a convention or an amendment"), roles=DRAFTERS)


@dataclass
class FundingTable:
    """Amounts by year × funder (rows) and function (columns), with the totals."""

    years: list[int]
    funders: list[Funder]
    cells: dict[tuple[int, int, int], Decimal]
    amended_years: dict[int, int] = field(default_factory=dict)  # year → amendment number

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
