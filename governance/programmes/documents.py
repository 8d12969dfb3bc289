"""The facts the PRA's PDFs print: the signed programme and the evaluation report."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from governance.programmes.models import (
    Programme,
)
from governance.programmes.selectors import programme_view


def programme_facts(programme: Programme) -> dict[str, Any]:
    """What the signed programme prints (copied: the document never changes after issue)."""
    view = programme_view(programme)
    return {
        "title": programme.title,
        "period": {"start_year": programme.start_year, "end_year": programme.end_year},
        "content_sha256": programme.frozen_hash or programme.compute_hash(),
        "functions": [
            {
                "label": str(group["function"].label),
                "total": str(group["total"]),
                "actions": [
                    {
                        "title": a.title,
                        "objective": a.objective,
                        "lead": a.lead,
                        "partners": a.partners,
                        "targets": [
                            {
                                "indicator": f"{t.indicator.code} — {t.indicator.label}",
                                "target": str(t.target),
                                "unit": t.indicator.unit,
                            }
                            for t in a.targets.all()
                        ],
                        "budget": [
                            {"funder": str(line.funder), "amount": str(line.amount)}
                            for line in a.budget_lines.all()
                        ],
                        "total": str(a.budget_total),
                    }
                    for a in group["actions"]
                ],
            }
            for group in view.functions
            if group["actions"]
        ],
        "funder_totals": [{"funder": str(f), "amount": str(t)} for f, t in view.funder_totals],
        "total": str(view.total),
    }


def evaluation_facts(programme: Programme, *, summary: str) -> dict[str, Any]:
    view = programme_view(programme)
    rows = []
    for group in view.functions:
        for a in group["actions"]:
            latest = a.latest_progress
            values = latest.measurements if latest else {}
            rows.append(
                {
                    "function": group["function"].value,
                    "title": a.title,
                    "status": latest.get_status_display() if latest else str(_("No progress")),
                    "percent_done": latest.percent_done if latest else 0,
                    "quarter": f"{latest.year} T{latest.quarter}" if latest else "",
                    "budget": str(a.budget_total),
                    "indicators": [
                        {
                            "indicator": t.indicator.code,
                            "target": str(t.target),
                            "value": values.get(t.indicator.code, ""),
                        }
                        for t in a.targets.all()
                    ],
                }
            )
    return {
        "title": str(_("Evaluation report — %(title)s") % {"title": programme.title}),
        "period": {"start_year": programme.start_year, "end_year": programme.end_year},
        "programme_reference": programme.reference(),
        "content_sha256": programme.frozen_hash,
        "summary": summary,
        "actions": rows,
        "total": str(view.total),
    }


# -- writes: content (draft only) ---------------------------------------------------------
