"""The facts the financial report (CRF) prints (documents/renderers/finances.py)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import override

from governance.finances.rules import Row, format_money
from workflows.lifecycle import TransitionContext


def _row(row: Row) -> dict[str, str]:
    return {
        "label": row.label,
        "budgeted": str(row.budgeted),
        "actual": str(row.actual),
        "gap": str(row.gap),
    }


def report_facts(report: Any, name: str, ctx: TransitionContext) -> dict[str, Any]:
    from governance.finances.selectors import report_table

    with override(settings.LANGUAGE_CODE):
        table = report_table(report)
        arml = report.arml
        convention = report.convention
        identification = [
            [_("Association"), arml.name],
            [_("SIRET"), arml.siret or "—"],
            [_("Address"), arml.address or "—"],
            [_("Funder"), str(report.funder)],
            [_("Agreement"), convention.reference()],
            [_("Year"), str(report.year)],
            [_("Subsidy granted"), f"{format_money(table.subsidy.budgeted)} €"],
            [_("Subsidy received"), f"{format_money(table.subsidy.actual)} €"],
        ]
        return {
            "title": _("Financial report %(year)s — %(funder)s")
            % {"year": report.year, "funder": report.funder},
            "identification": identification,
            "action_summary": report.action_summary,
            "results": report.results,
            "charges": [_row(r) for r in table.charges],
            "charges_total": _row(table.total(table.charges)),
            "income": [_row(r) for r in table.income_rows],
            "income_total": _row(table.total(table.income_rows)),
            "subsidy_share": str(table.subsidy_share),
            "gaps": report.gaps,
            "attestation": _(
                "I, the undersigned, legal representative of the association, certify that "
                "this report is accurate and that the subsidy was used for the action it was "
                "granted for."
            ),
            "parties": [
                {"name": arml.name, "description": _("Association receiving the subsidy")},
                {"name": str(report.funder), "description": _("Funder")},
            ],
        }
