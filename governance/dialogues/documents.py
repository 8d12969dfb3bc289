"""The facts the management dialogue's PDFs print: the dialogue file and the record of conclusions."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from governance.dialogues.models import (
    ManagementDialogue,
    Measurement,
)
from governance.organisations.models import Funder


def dialogue_facts(dialogue: ManagementDialogue, name: str) -> dict[str, Any]:
    """What each of the dialogue's documents prints."""
    facts: dict[str, Any] = {
        "parties": [{"name": str(dialogue.arml), "description": _("Regional association")}]
        + [
            {"name": str(f), "description": f.get_kind_display()}
            for f in Funder.objects.filter(
                pk__in=dialogue.party_funder_ids(), kind__in=["state", "region"]
            )
        ],
    }
    if name == "transmit_file":
        facts["measurements"] = [
            {
                "indicator": f"{m.indicator.code} — {m.indicator.label}",
                "year": m.year,
                "value": str(m.value),
            }
            for m in Measurement.objects.filter(
                arml=dialogue.arml, year=dialogue.year - 1
            ).select_related("indicator")
        ]
        facts["financial_report"] = dialogue.financial_report
        facts["actions_report"] = dialogue.actions_report
        if dialogue.meeting_date:
            facts["body"] = [
                _("Dialogue meeting planned on %(date)s.")
                % {"date": dialogue.meeting_date.strftime("%d/%m/%Y")}
            ]
    elif name in {"accept", "propose_conclusions"}:
        facts["objectives"] = dialogue.objectives
        facts["targets"] = [
            {
                "indicator": f"{t.indicator.code} — {t.indicator.label}",
                "year": dialogue.year,
                "value": str(t.target),
            }
            for t in dialogue.targets.select_related("indicator")
        ]
        facts["funding"] = [
            {
                "year": dialogue.year,
                "funder": str(li.funder),
                "function": li.function,
                "amount": str(li.amount),
            }
            for li in dialogue.lines.select_related("funder")
        ]
        facts["conclusions_sha256"] = dialogue.conclusions_hash()
    elif name == "record_meeting":
        facts["body"] = [
            _("Meeting held on %(date)s at %(place)s.")
            % {
                "date": dialogue.held_on.strftime("%d/%m/%Y") if dialogue.held_on else "",
                "place": dialogue.place or "—",
            },
            _("Participants: %(p)s") % {"p": dialogue.participants},
        ]
    return facts
