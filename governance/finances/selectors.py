"""Reads of the money of a CPOM: the schedule per year and funder with what was paid and
justified, the payments and financial reports in scope, and the table a report prints."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.conventions.models import Convention
from governance.conventions.selectors import effective_funding
from governance.finances.models import (
    FinancialReport,
    Payment,
    PaymentTerms,
    ReportState,
)
from governance.finances.rules import (
    ZERO,
    Instalment,
    ReportTable,
    Row,
    Terms,
    Totals,
    condition_met,
    rows_from,
    schedule,
    totals,
)
from governance.organisations.models import Funder, Person
from permissions.selectors import armls_for


def reports_for(user: Person) -> QuerySet[FinancialReport]:
    return FinancialReport.objects.filter(
        arml__in=armls_for(user, "financial_report")
    ).select_related("arml", "convention", "funder")


def conventions_for(user: Person) -> QuerySet[Convention]:
    return Convention.objects.filter(arml__in=armls_for(user)).select_related("arml")


def terms_of(convention: Convention) -> dict[int, Terms]:
    return {t.funder_id: t.as_terms() for t in PaymentTerms.objects.filter(convention=convention)}


@dataclass
class InstalmentView:
    instalment: Instalment
    paid: Decimal
    condition_met: bool
    called: bool

    @property
    def status(self) -> str:
        if self.paid >= self.instalment.amount:
            return "paid"
        return "partly_paid" if self.paid > 0 else "unpaid"


@dataclass
class YearFunder:
    """One year and funder of a convention: the schedule, the payments, the report, the
    four amounts."""

    year: int
    funder: Funder
    totals: Totals
    instalments: list[InstalmentView]
    payments: list[Payment] = field(default_factory=list)
    report: FinancialReport | None = None


def money_rows(convention: Convention, today: dt.date | None = None) -> list[YearFunder]:
    """Every year × funder with an amount committed in the convention as amended."""
    today = today or timezone.localdate()
    table = effective_funding(convention)
    terms = terms_of(convention)
    payments: dict[tuple[int, int], list[Payment]] = defaultdict(list)
    ordered = (
        Payment.objects.filter(convention=convention)
        .select_related("funder", "recorded_by")
        .prefetch_related("corrections")
        .order_by("received_on", "pk")
    )
    for payment in ordered:
        payments[(payment.year, payment.funder_id)].append(payment)
    reports = {
        (r.year, r.funder_id): r
        for r in FinancialReport.objects.filter(convention=convention).select_related("funder")
    }
    accepted: dict[int, set[int]] = defaultdict(set)
    for (year, funder_id), report in reports.items():
        if report.state == ReportState.ACCEPTED:
            accepted[funder_id].add(year)
    first_year = min(table.years) if table.years else 0
    rows = []
    for year in table.years:
        for funder in table.funders:
            committed = table.total_for_year_and_funder(year, funder.pk)
            if committed <= 0:
                continue
            plan = schedule(year, funder.pk, committed, terms.get(funder.pk, Terms()))
            paid_list = payments[(year, funder.pk)]
            report = reports.get((year, funder.pk))
            views = []
            for line in plan:
                paid = sum((p.amount for p in paid_list if p.part == line.part), ZERO)
                met = condition_met(line, first_year=first_year, accepted=accepted[funder.pk])
                views.append(InstalmentView(line, paid, met, met and line.due_on <= today))
            rows.append(
                YearFunder(
                    year,
                    funder,
                    totals(
                        committed=committed,
                        instalments=plan,
                        payments=[p.amount for p in paid_list],
                        report_accepted=report is not None and report.state == ReportState.ACCEPTED,
                        today=today,
                        first_year=first_year,
                        accepted=accepted[funder.pk],
                    ),
                    views,
                    paid_list,
                    report,
                )
            )
    return rows


def grand_total(rows: list[YearFunder]) -> Totals:
    return sum((r.totals for r in rows), Totals())


def committed_for(convention: Convention, year: int, funder_id: int) -> Decimal:
    return effective_funding(convention).total_for_year_and_funder(year, funder_id)


def instalment_amount(
    convention: Convention, year: int, funder_id: int, part: str
) -> Decimal | None:
    committed = committed_for(convention, year, funder_id)
    terms = terms_of(convention).get(funder_id, Terms())
    return next(
        (i.amount for i in schedule(year, funder_id, committed, terms) if i.part == part), None
    )


def paid_for(convention: Convention, year: int, funder_id: int) -> Decimal:
    return sum(
        (
            p.amount
            for p in Payment.objects.filter(convention=convention, year=year, funder_id=funder_id)
        ),
        ZERO,
    )


def report_table(report: FinancialReport) -> ReportTable:
    """The Cerfa's table: the charges and other income entered, and this subsidy (budgeted: the
    amount committed; actual: the amount received)."""
    subsidy = Row(
        _("Subsidy: %(funder)s") % {"funder": report.funder},
        committed_for(report.convention, report.year, report.funder_id),
        paid_for(report.convention, report.year, report.funder_id),
    )
    return ReportTable(rows_from(report.charges), rows_from(report.income), subsidy)


def arml_money(arml: Any, convention: Convention | None) -> list[YearFunder]:
    """What the dashboard shows: the convention in force's rows (none without one)."""
    return money_rows(convention) if convention is not None else []
