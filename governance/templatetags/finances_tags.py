"""`{% money_summary convention %}`: the committed, scheduled, paid and justified amounts on the
convention's page, without the conventions room importing the finances room (which reads it)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("governance/finances/_money_summary.html")
def money_summary(convention: Any) -> dict[str, Any]:
    from governance.finances.selectors import grand_total, money_rows

    rows = (
        money_rows(convention)
        if convention.is_in_force
        or convention.state
        in {
            "in_evaluation",
            "closed",
            "terminated",
        }
        else []
    )
    return {"rows": rows, "total": grand_total(rows)}
