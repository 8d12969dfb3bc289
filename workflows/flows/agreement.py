"""Two-party agreement: Split → State ∥ Region agree on one exact version → Join → the
object's automatic step (a convention's draft is frozen: issue 14.2).

The same shape as the three-party acceptance (workflows/flows/acceptance.py); each human task
performs the object's `agree` transition through the engine, and a step outside the circuit
that makes the agreements moot (a new version) cancels it (workflows.circuits.cancel_active).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.lock import select_for_update_lock

from governance.organisations.models import Role
from workflows.circuits import attach, register_flow
from workflows.engine import run_automatic
from workflows.flows.countersign import not_mounted
from workflows.models import Circuit


class AgreementCircuit(flow.Flow):
    process_class = Circuit
    process_title = _("Agreement of the State and the Region")
    lock_impl = select_for_update_lock  # see CountersignCircuit: the Join needs the row lock

    start = flow.StartHandle(this.start_circuit).Next(this.split)
    split = flow.Split().Next(this.state_agree).Next(this.region_agree)
    state_agree = (
        flow.View(not_mounted)
        .Annotation(title=_("Technical agreement of the State"))
        .Next(this.join)
    )
    region_agree = (
        flow.View(not_mounted)
        .Annotation(title=_("Technical agreement of the Region"))
        .Next(this.join)
    )
    join = flow.Join().Next(this.agreed)
    agreed = flow.Function(this.run_automatic_step).Next(this.end)
    end = flow.End()

    STEPS = {
        "state_agree": ("agree", {Role.STATE_OFFICER}, ()),
        "region_agree": ("agree", {Role.REGION_OFFICER}, ()),
    }
    AUTOMATIC = {"agreed": "freeze_on_agreement"}

    def start_circuit(self, activation: Any, obj: Any) -> Any:
        return attach(activation, obj)

    def run_automatic_step(self, activation: Any) -> None:
        run_automatic(activation, self.AUTOMATIC[activation.flow_task.name])


register_flow("agreement", AgreementCircuit)
