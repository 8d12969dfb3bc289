"""The call for dues a Mission Locale receives from its ARML (signed by the president)."""

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
    format_date,
    heading,
    paragraph,
    table,
)


class DuesCallRenderer(Renderer):
    kind = "dues_call"
    filename_prefix = "appel-de-cotisation"

    @classmethod
    def sample_facts(cls) -> dict[str, Any]:
        return {
            "title": "Appel de cotisation 2027",
            "dues": {
                "year": 2027,
                "mission_locale": "Mission Locale de Rennes",
                "rule": "1 500,00 € par Mission Locale plus 2,00 € par jeune accompagné",
                "lines": [
                    ["Montant par Mission Locale", "", "1500.00"],
                    ["Montant par jeune accompagné", "1200", "2400.00"],
                ],
                "amount": "3900.00",
                "due_on": "2027-03-31",
                "schedule": "COT-2027-001",
                "schedule_sha256": "0" * 64,
            },
        }

    def kind_label(self) -> str:
        return _("Call for dues")

    def content(self, facts: dict[str, Any], styles: Styles) -> list[Flowable]:
        dues = facts.get("dues") or {}
        if not dues:
            return []
        rows: list[list[Any]] = [[_("Item"), _("Quantity"), _("Amount")]]
        rows += [[label, qty, format_amount(value)] for label, qty, value in dues.get("lines", [])]
        rows.append([_("Total due"), "", format_amount(dues.get("amount", "0"))])
        return [
            paragraph(
                _(
                    "In accordance with the deliberation of the general assembly setting the dues "
                    "for %(year)s (%(rule)s), %(ml)s is asked to pay the amount below."
                )
                % {
                    "year": dues.get("year", ""),
                    "rule": dues.get("rule", ""),
                    "ml": dues.get("mission_locale", ""),
                },
                styles,
            ),
            heading(_("Amount due"), styles),
            table(
                rows,
                styles,
                numeric_from=1,
                widths=[CONTENT_WIDTH - 70 * mm, 30 * mm, 40 * mm],
            ),
            paragraph(
                _("To be paid by %(date)s at the latest.")
                % {"date": format_date(dues.get("due_on"))},
                styles,
            ),
            paragraph(
                _("Dues schedule %(ref)s, SHA-256 fingerprint of the rule adopted: %(fp)s.")
                % {"ref": dues.get("schedule", ""), "fp": dues.get("schedule_sha256", "")},
                styles,
            ),
        ]
