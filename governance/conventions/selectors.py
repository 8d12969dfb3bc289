"""Reads of the CPOM: conventions and amendments in scope, funding as signed and as amended."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from governance.conventions.models import Amendment, AmendmentState, Convention, ConventionVersion
from governance.conventions.rules import FundingTable
from governance.organisations.models import Person
from permissions.selectors import armls_for


def conventions_for(user: Person) -> QuerySet[Convention]:
    return (
        Convention.objects.filter(arml__in=armls_for(user, "convention"))
        .select_related("arml")
        .order_by("-created_at")
    )


def amendments_for(user: Person) -> QuerySet[Amendment]:
    return Amendment.objects.filter(arml__in=armls_for(user, "amendment")).select_related(
        "arml", "convention"
    )


def funding_table(version: ConventionVersion) -> FundingTable:
    lines = list(version.funding_lines.select_related("funder"))
    funders = sorted(
        {line.funder for line in lines} | set(version.parties.all()), key=lambda f: (f.kind, f.name)
    )
    cells = {(line.year, line.funder_id, line.function): line.amount for line in lines}
    return FundingTable(version.years, funders, cells)


def effective_funding(convention: Convention) -> FundingTable:
    """The table as amended: an amendment in force replaces the lines of its year."""
    table = funding_table(convention.content)
    amendments = (
        convention.amendments.filter(state=AmendmentState.IN_FORCE)
        .prefetch_related("lines__funder")
        .order_by("number")
    )
    for amendment in amendments:  # later amendments win
        table.cells = {k: v for k, v in table.cells.items() if k[0] != amendment.year}
        for line in amendment.lines.all():
            table.cells[(amendment.year, line.funder_id, line.function)] = line.amount
            if line.funder not in table.funders:
                table.funders.append(line.funder)
        table.amended_years[amendment.year] = amendment.number
    return table


def amount_history(convention: Convention) -> list[dict[str, Any]]:
    """For every amended year × funder: the original total and each amendment's total."""
    original = funding_table(convention.content)
    history = []
    for amendment in convention.amendments.filter(state=AmendmentState.IN_FORCE).order_by("number"):
        per_funder: dict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
        for line in amendment.lines.all():
            per_funder[line.funder_id] += line.amount
        for funder in original.funders:
            history.append(
                {
                    "year": amendment.year,
                    "funder": funder,
                    "amendment": amendment,
                    "before": original.total_for_year_and_funder(amendment.year, funder.pk),
                    "after": per_funder.get(funder.pk, Decimal("0.00")),
                }
            )
    return history
