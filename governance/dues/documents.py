"""The facts a call for dues prints (documents/renderers/dues.py lays them out)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from governance.dues.models import DuesCall
from governance.dues.rules import CENT


def call_facts(call: DuesCall) -> dict[str, Any]:
    schedule = call.schedule
    lines = [[_("Amount per Mission Locale"), "", str(schedule.base_amount)]]
    if schedule.uses_young_people:
        lines.append(
            [
                _("Amount per young person accompanied"),
                str(call.young_people),
                str((schedule.per_young_amount * call.young_people).quantize(CENT)),
            ]
        )
    return {
        "title": str(_("Call for dues %(year)s") % {"year": call.year}),
        "parties": [
            {"name": str(call.arml), "description": str(_("Regional association"))},
            {"name": str(call.mission_locale), "description": str(_("Member Mission Locale"))},
        ],
        "dues": {
            "year": call.year,
            "mission_locale": str(call.mission_locale),
            "rule": schedule.rule_sentence(),
            "lines": lines,
            "amount": str(call.amount),
            "due_on": call.due_on.isoformat(),
            "schedule": schedule.reference(),
            "schedule_sha256": schedule.adopted_hash,
        },
    }
