"""Deadlines of the finances room (notifications/deadlines.py): the financial report (CRF) of
each subsidy, due on 30 June of the following year (ARML_CRF_DUE); reminders 30, 7 and 1 days
before, then overdue. Each run of `deadlines run` also opens the reports of the years ended."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from django.utils.translation import gettext_lazy as _

from governance.finances.models import FinancialReport, ReportState
from governance.finances.rules import BOOKKEEPERS
from governance.finances.services import reports_open
from governance.organisations.models import Role
from notifications.deadlines import Due, deadline, every_run, in_armls, people_with_roles

#: Who the report awaits in each open state.
AWAITED = {
    ReportState.DUE: BOOKKEEPERS,
    ReportState.RETURNED: BOOKKEEPERS,
    ReportState.SIGNED: frozenset({Role.PRESIDENT}),
}


@deadline("financial_report.due", label=_("Financial report (CRF) due"))
def financial_report_due(today: dt.date, armls: Sequence[int] | None) -> Iterator[Due]:
    reports = in_armls(
        FinancialReport.objects.filter(state__in=list(AWAITED)).select_related("funder", "arml"),
        armls,
    )
    for report in reports:
        roles = AWAITED[report.state]
        yield Due(
            report,
            report.due_on,
            what=str(report.year),
            people=lambda arml=report.arml_id, roles=roles: people_with_roles(arml, roles),
        )


every_run("financial_reports_opened")(reports_open)
