"""Documents of the management dialogue: the dialogue file and the record of conclusions."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from documents.renderers.base import CONTENT_WIDTH, Renderer, Styles, heading, paragraph, table
from documents.renderers.kinds import FundingTableMixin


def _measurements(rows: list[dict[str, Any]], styles: Styles, title: str) -> list[Flowable]:
    if not rows:
        return []
    data = [[_("Indicator"), _("Year"), _("Value")]]
    data += [[r.get("indicator", ""), r.get("year", ""), r.get("value", "")] for r in rows]
    return [
        heading(title, styles),
        table(data, styles, numeric_from=2, widths=[CONTENT_WIDTH - 60 * mm, 25 * mm, 35 * mm]),
    ]


class DialogueFileRenderer(Renderer):
    """The file the ARML transmits before the management dialogue."""

    kind = "dialogue_file"
    filename_prefix = "dossier-dialogue-de-gestion"

    @classmethod
    def sample_facts(cls) -> dict[str, Any]:
        return {
            "title": "Dialogue de gestion 2027",
            "measurements": [
                {"indicator": "ARML-F2-01 — Salariés formés", "year": 2026, "value": "412"}
            ],
            "financial_report": "Comptes 2026 certifiés.",
            "actions_report": "Plan régional de formation réalisé à 95 %.",
        }

    def kind_label(self) -> str:
        return _("Management dialogue file")

    def content(self, facts: dict[str, Any], styles: Styles) -> list[Flowable]:
        flow = _measurements(facts.get("measurements") or [], styles, _("Last year's indicators"))
        for key, title in (
            ("financial_report", _("Financial report")),
            ("actions_report", _("Actions carried out")),
        ):
            if facts.get(key):
                flow += [heading(title, styles), paragraph(facts[key], styles)]
        return flow


class ConclusionsRenderer(FundingTableMixin, Renderer):
    """The record of conclusions every party signs (relevé de conclusions)."""

    kind = "conclusions"
    filename_prefix = "releve-de-conclusions"

    @classmethod
    def sample_facts(cls) -> dict[str, Any]:
        return {
            "title": "Relevé de conclusions 2027",
            "objectives": "Renforcer l'observation régionale.",
            "targets": [
                {"indicator": "ARML-F2-01 — Salariés formés", "year": 2027, "value": "450"}
            ],
            "funding": [
                {"year": 2027, "funder": "État", "function": 1, "amount": "130000.00"},
                {"year": 2027, "funder": "Région", "function": 2, "amount": "85000.50"},
            ],
        }

    def kind_label(self) -> str:
        return _("Record of conclusions")

    def content(self, facts: dict[str, Any], styles: Styles) -> list[Flowable]:
        flow: list[Flowable] = []
        if facts.get("objectives"):
            flow += [heading(_("Objectives"), styles), paragraph(facts["objectives"], styles)]
        flow += _measurements(facts.get("targets") or [], styles, _("Targets"))
        return flow + self.funding_table(facts.get("funding") or [], styles)
