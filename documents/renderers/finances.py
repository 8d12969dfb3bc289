"""The financial report of a subsidy (compte rendu financier, Cerfa n°15059), in the Cerfa's
parts: identification of the association and of the subsidy, the action carried out and its
results, the table of budgeted and actual charges and income with the subsidy's share, the
explanation of the gaps, and the attestation of the legal representative above the signatures.

The facts arrive computed (governance/finances/documents.py): rows of strings, totals included.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from documents.renderers.base import (
    CONTENT_WIDTH,
    Renderer,
    Styles,
    format_amount,
    heading,
    paragraph,
    table,
)


def _money_rows(title: str, rows: list[dict[str, Any]], total: dict[str, Any]) -> list[list[str]]:
    out = [[title, _("Budgeted"), _("Actual"), _("Gap")]]
    for row in [*rows, total]:
        out.append(
            [
                str(row.get("label", "")),
                format_amount(row.get("budgeted", "0")),
                format_amount(row.get("actual", "0")),
                format_amount(row.get("gap", "0")),
            ]
        )
    return out


class FinancialReportRenderer(Renderer):
    kind = "financial_report"
    filename_prefix = "compte-rendu-financier"

    @classmethod
    def sample_facts(cls) -> dict[str, Any]:
        return {
            "title": "Compte rendu financier 2026 — Préfecture de région (DREETS)",
            "identification": [
                ["Association", "ARML Bretagne"],
                ["Subvention", "CPOM 2026-2028 — 240 000,00 €"],
            ],
            "action_summary": "Animation du réseau des 12 Missions Locales.",
            "results": "Plan de formation réalisé à 95 %.",
            "charges": [
                {
                    "label": "Salaires",
                    "budgeted": "200000.00",
                    "actual": "210000.00",
                    "gap": "10000.00",
                }
            ],
            "charges_total": {
                "label": "Total",
                "budgeted": "200000.00",
                "actual": "210000.00",
                "gap": "10000.00",
            },
            "income": [
                {
                    "label": "Subvention État",
                    "budgeted": "200000.00",
                    "actual": "200000.00",
                    "gap": "0.00",
                }
            ],
            "income_total": {
                "label": "Total",
                "budgeted": "200000.00",
                "actual": "200000.00",
                "gap": "0.00",
            },
            "subsidy_share": "95.24",
            "gaps": "Hausse des salaires.",
            "attestation": "Je soussigné·e certifie exactes les informations ci-dessus.",
        }

    def kind_label(self) -> str:
        return _("Financial report (Cerfa no. 15059)")

    def subtitle(self, facts: dict[str, Any]) -> str:
        return _("Compte rendu financier de subvention — Cerfa n°15059")

    def content(self, facts: dict[str, Any], styles: Styles) -> list[Flowable]:
        widths = [CONTENT_WIDTH - 90 * mm, 30 * mm, 30 * mm, 30 * mm]
        flow: list[Flowable] = [heading(_("1. Identification"), styles)]
        flow.append(
            table(
                [[_("Item"), _("Value")], *facts.get("identification", [])],
                styles,
                widths=[55 * mm, CONTENT_WIDTH - 55 * mm],
            )
        )
        flow += [
            heading(_("2. Action carried out and results"), styles),
            paragraph(facts.get("action_summary") or "—", styles),
            paragraph(facts.get("results") or "—", styles),
            heading(_("3. Charges and income of the action"), styles),
            table(
                _money_rows(_("Charges"), facts.get("charges", []), facts.get("charges_total", {})),
                styles,
                widths=widths,
                bold_last_row=True,
                numeric_from=1,
            ),
            table(
                _money_rows(_("Income"), facts.get("income", []), facts.get("income_total", {})),
                styles,
                widths=widths,
                bold_last_row=True,
                numeric_from=1,
            ),
            paragraph(
                _("Share of the subsidy in the actual charges: %(share)s %%")
                % {"share": facts.get("subsidy_share", "0")},
                styles,
            ),
            heading(_("4. Explanation of the gaps"), styles),
            paragraph(facts.get("gaps") or "—", styles),
            heading(_("5. Attestation"), styles),
            paragraph(facts.get("attestation", ""), styles),
        ]
        return flow
