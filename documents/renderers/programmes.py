"""PRA documents: the programme (actions by function, budgets by funder) and its evaluation."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from documents.renderers.base import (
    CONTENT_WIDTH,
    Renderer,
    Styles,
    as_decimal,
    format_amount,
    heading,
    paragraph,
    table,
)


def _period(facts: dict[str, Any]) -> str:
    period = facts.get("period") or {}
    if period.get("start_year") and period.get("end_year"):
        return _("Programme %(start)s – %(end)s") % {
            "start": period["start_year"],
            "end": period["end_year"],
        }
    return ""


def _hash_line(facts: dict[str, Any], styles: Styles) -> list[Flowable]:
    if not facts.get("content_sha256"):
        return []
    return [
        paragraph(
            _("Version deliberated on (content SHA-256): %(hash)s")
            % {"hash": facts["content_sha256"]},
            styles,
        )
    ]


class ProgrammeRenderer(Renderer):
    """The regional programme (PRA): one section per function, one block per action."""

    kind = "programme"
    filename_prefix = "programme-regional"

    @classmethod
    def sample_facts(cls) -> dict[str, Any]:
        return SAMPLES[cls.kind]

    def kind_label(self) -> str:
        return _("Regional programme")

    def subtitle(self, facts: dict[str, Any]) -> str:
        stage = {
            "consultation": _("Submitted to the regional steering committee"),
            "validated": _("Validated programme"),
        }.get(facts.get("stage", ""), "")
        return " — ".join(part for part in (_period(facts), stage) if part)

    def content(self, facts: dict[str, Any], styles: Styles) -> list[Flowable]:
        flow: list[Flowable] = _hash_line(facts, styles)
        for function in facts.get("functions") or []:
            flow.append(heading(str(function.get("label", "")), styles))
            for i, action in enumerate(function.get("actions") or [], 1):
                flow += self._action(i, action, styles)
            flow.append(
                paragraph(
                    _("Total for the function: %(amount)s")
                    % {"amount": format_amount(function.get("total", "0"))},
                    styles,
                )
            )
        flow += self._summary(facts, styles)
        return flow

    def _action(self, i: int, action: dict[str, Any], styles: Styles) -> list[Flowable]:
        flow: list[Flowable] = [
            paragraph(
                _("Action %(n)s — %(title)s") % {"n": i, "title": action.get("title")}, styles
            ),
            paragraph(_("Objective: %(text)s") % {"text": action.get("objective", "")}, styles),
            paragraph(_("Lead: %(lead)s") % {"lead": action.get("lead", "")}, styles),
        ]
        if action.get("partners"):
            flow.append(paragraph(_("Partners: %(p)s") % {"p": action["partners"]}, styles))
        targets = action.get("targets") or []
        if targets:
            rows = [[_("Indicator"), _("Target")]]
            rows += [
                [t["indicator"], f"{t['target']} {t.get('unit', '')}".strip()] for t in targets
            ]
            flow.append(
                table(rows, styles, widths=[CONTENT_WIDTH - 40 * mm, 40 * mm], numeric_from=1)
            )
        budget = action.get("budget") or []
        if budget:
            rows = [[_("Funder"), _("Amount")]]
            rows += [[b["funder"], format_amount(b["amount"])] for b in budget]
            rows.append([_("Total"), format_amount(action.get("total", "0"))])
            flow.append(
                table(
                    rows,
                    styles,
                    widths=[CONTENT_WIDTH - 40 * mm, 40 * mm],
                    numeric_from=1,
                    bold_last_row=True,
                )
            )
        return flow

    def _summary(self, facts: dict[str, Any], styles: Styles) -> list[Flowable]:
        totals = facts.get("funder_totals") or []
        if not totals:
            return []
        rows = [[_("Funder"), _("Amount")]]
        rows += [[t["funder"], format_amount(t["amount"])] for t in totals]
        grand = sum((as_decimal(t["amount"]) for t in totals), Decimal(0))
        rows.append([_("Total"), format_amount(facts.get("total", grand))])
        return [
            heading(_("Budget by funder"), styles),
            table(
                rows,
                styles,
                widths=[CONTENT_WIDTH - 40 * mm, 40 * mm],
                numeric_from=1,
                bold_last_row=True,
            ),
        ]


class EvaluationRenderer(Renderer):
    """The programme's evaluation report, presented to the regional steering committee."""

    kind = "evaluation"
    filename_prefix = "rapport-evaluation"

    @classmethod
    def sample_facts(cls) -> dict[str, Any]:
        return SAMPLES[cls.kind]

    def kind_label(self) -> str:
        return _("Evaluation report")

    def subtitle(self, facts: dict[str, Any]) -> str:
        return _period(facts)

    def content(self, facts: dict[str, Any], styles: Styles) -> list[Flowable]:
        flow: list[Flowable] = _hash_line(facts, styles)
        if facts.get("programme_reference"):
            flow.append(
                paragraph(_("Programme: %(ref)s") % {"ref": facts["programme_reference"]}, styles)
            )
        if facts.get("summary"):
            flow += [heading(_("Assessment"), styles), paragraph(facts["summary"], styles)]
        actions = facts.get("actions") or []
        if actions:
            rows = [[_("Function"), _("Action"), _("Status"), _("Done (%)"), _("Budget")]]
            for a in actions:
                rows.append(
                    [
                        f"F{a.get('function', '')}",
                        a.get("title", ""),
                        a.get("status", ""),
                        f"{a.get('percent_done', 0)} %",
                        format_amount(a.get("budget", "0")),
                    ]
                )
            flow += [
                heading(_("Actions"), styles),
                table(
                    rows,
                    styles,
                    numeric_from=3,
                    widths=[18 * mm, CONTENT_WIDTH - 106 * mm, 35 * mm, 18 * mm, 35 * mm],
                ),
            ]
            measured = [
                [a.get("title", ""), i["indicator"], i["target"], i.get("value") or "—"]
                for a in actions
                for i in a.get("indicators") or []
            ]
            if measured:
                rows = [[_("Action"), _("Indicator"), _("Target"), _("Measured")], *measured]
                flow += [
                    heading(_("Indicators: targets and measurements"), styles),
                    table(
                        rows,
                        styles,
                        numeric_from=2,
                        widths=[CONTENT_WIDTH - 100 * mm, 40 * mm, 30 * mm, 30 * mm],
                    ),
                ]
        flow.append(paragraph(_("Report presented to the regional steering committee."), styles))
        return flow


SAMPLES: dict[str, dict[str, Any]] = {
    "programme": {
        "title": "Programme régional d'animation 2026-2028",
        "stage": "validated",
        "period": {"start_year": 2026, "end_year": 2028},
        "content_sha256": "a" * 64,
        "functions": [
            {
                "label": "1. Accompagnement des Missions Locales",
                "total": "25000.50",
                "actions": [
                    {
                        "title": "Animer le réseau des référents CEJ",
                        "objective": "Réunir les référents chaque trimestre.",
                        "lead": "ARML",
                        "partners": "DREETS, Pôle emploi",
                        "targets": [
                            {
                                "indicator": "ARML-F1-01 — ML accompagnées",
                                "target": "12",
                                "unit": "ML",
                            }
                        ],
                        "budget": [
                            {"funder": "État", "amount": "15000.50"},
                            {"funder": "Région", "amount": "10000"},
                        ],
                        "total": "25000.50",
                    }
                ],
            },
        ],
        "funder_totals": [
            {"funder": "État", "amount": "15000.50"},
            {"funder": "Région", "amount": "10000"},
        ],
        "total": "25000.50",
    },
    "evaluation": {
        "title": "Rapport d'évaluation — PRA 2026-2028",
        "period": {"start_year": 2026, "end_year": 2028},
        "programme_reference": "PRA-2026-2028-001",
        "summary": "Objectifs atteints à 80 % ; présenté au comité de pilotage régional.",
        "actions": [
            {
                "function": 1,
                "title": "Animer le réseau des référents CEJ",
                "status": "Réalisée",
                "percent_done": 100,
                "quarter": "2027 T4",
                "budget": "25000.50",
                "indicators": [{"indicator": "ARML-F1-01", "target": "12", "value": "11"}],
            }
        ],
        "total": "25000.50",
    },
}
