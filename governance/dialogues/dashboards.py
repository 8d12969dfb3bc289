"""The ARML dashboard: targets vs measurements, funding by funder and by function per year."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from governance.conventions.models import (
    IN_FORCE_STATES,
    Amendment,
    Convention,
    ConventionState,
    IndicatorTarget,
)
from governance.conventions.selectors import effective_funding, renegotiations
from governance.dialogues.models import Measurement
from governance.exports import safe_row
from governance.organisations.models import Arml, Function
from permissions.selectors import armls_for


@dataclass
class Table:
    name: str
    title: str
    header: list[str]
    rows: list[list[Any]]


def dashboard_armls(user: Any) -> QuerySet[Arml]:
    return armls_for(user).select_related("region").order_by("short_name")


def convention_in_force(arml: Arml) -> Convention | None:
    """In force, in its final evaluation, or terminated with effect at a later date."""
    states = [*IN_FORCE_STATES, ConventionState.IN_EVALUATION]
    return Convention.objects.filter(arml=arml, state__in=states).order_by("-created_at").first()


def renegotiated_years(convention: Convention | None) -> dict[int, Amendment]:
    """Years whose amendment was refused and is being revised: "avenant en renégociation"."""
    return {a.year: a for a in renegotiations(convention)} if convention else {}


def indicators_table(arml: Arml, convention: Convention | None) -> Table:
    targets: dict[tuple[str, int], Decimal] = {}
    labels: dict[str, str] = {}
    if convention is not None:
        for t in IndicatorTarget.objects.filter(version=convention.content).select_related(
            "indicator"
        ):
            targets[(t.indicator.code, t.year)] = t.target
            labels[t.indicator.code] = t.indicator.label
    measured: dict[tuple[str, int], Decimal] = {}
    for m in Measurement.objects.filter(arml=arml).select_related("indicator"):
        measured[(m.indicator.code, m.year)] = m.value
        labels[m.indicator.code] = m.indicator.label
    keys = sorted(set(targets) | set(measured))
    rows = []
    for code, year in keys:
        target, value = targets.get((code, year)), measured.get((code, year))
        rate = f"{(value / target * 100):.0f} %" if target and value is not None else ""
        rows.append(
            [
                code,
                labels[code],
                year,
                target if target is not None else "",
                value if value is not None else "",
                rate,
            ]
        )
    return Table(
        "indicateurs",
        _("Targets and measurements of the national indicators"),
        [_("Code"), _("Indicator"), _("Year"), _("Target"), _("Measurement"), _("Achievement")],
        rows,
    )


def funding_tables(convention: Convention | None) -> tuple[Table, Table]:
    if convention is None:
        empty_f = Table("financeurs", _("Funding by funder and year (€)"), [_("Year")], [])
        return empty_f, Table("fonctions", _("Funding by function and year (€)"), [_("Year")], [])
    table = effective_funding(convention)
    by_funder = Table(
        "financeurs",
        _("Funding by funder and year (€)"),
        [_("Year"), *[str(f) for f in table.funders], _("Total")],
        [
            [
                year,
                *[table.total_for_year_and_funder(year, f.pk) for f in table.funders],
                table.total_for_year(year),
            ]
            for year in table.years
        ],
    )
    by_function = Table(
        "fonctions",
        _("Funding by function and year (€)"),
        [_("Year"), *[str(f.label) for f in Function], _("Total")],
        [
            [
                year,
                *[
                    sum(
                        (v for (y, _f, n), v in table.cells.items() if y == year and n == fn),
                        Decimal("0.00"),
                    )
                    for fn in Function.values
                ],
                table.total_for_year(year),
            ]
            for year in table.years
        ],
    )
    return by_funder, by_function


def money_table(arml: Arml, convention: Convention | None) -> Table:
    """Committed, scheduled, paid and justified per year and funder (governance/finances)."""
    from governance.finances.selectors import arml_money

    return Table(
        "versements",
        _("Committed, scheduled, paid and justified per year and funder (€)"),
        [_("Year"), _("Funder"), _("Committed"), _("Scheduled"), _("Paid"), _("Justified")],
        [
            [
                r.year,
                str(r.funder),
                r.totals.committed,
                r.totals.scheduled,
                r.totals.paid,
                r.totals.justified,
            ]
            for r in arml_money(arml, convention)
        ],
    )


def dues_table(arml: Arml) -> Table:
    """The ARML's own resources: the Missions Locales' dues per year (called, received, left,
    who is in arrears). Not a party to the CPOM, so beside the funders' table, not in it."""
    from governance.dues.selectors import dues_years

    return Table(
        "cotisations",
        _("Own resources: Missions Locales' dues per year (€)"),
        [_("Year"), _("Called"), _("Received"), _("Left to pay"), _("In arrears")],
        [[y.year, y.called, y.paid, y.left, ", ".join(y.in_arrears)] for y in dues_years(arml)],
    )


def tables_for(arml: Arml) -> dict[str, Table]:
    convention = convention_in_force(arml)
    by_funder, by_function = funding_tables(convention)
    tables = [
        indicators_table(arml, convention),
        by_funder,
        by_function,
        money_table(arml, convention),
        dues_table(arml),
    ]
    return {t.name: t for t in tables}


def as_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(safe_row(table.header))
    for row in table.rows:
        writer.writerow([_cell(v) for v in safe_row(row)])
    return ("\ufeff" + out.getvalue()).encode()  # BOM: spreadsheet programs read UTF-8


def as_xlsx(table: Table) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = table.name[:31]
    sheet.append(safe_row(table.header))
    for row in table.rows:
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in safe_row(row)])
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, float):
                cell.number_format = "#,##0.00"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value: Any) -> str:
    return f"{value:.2f}".replace(".", ",") if isinstance(value, Decimal) else str(value)
