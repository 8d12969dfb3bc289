"""Three-party acceptance: Split → ARML president ∥ State ∥ Region accept → Join → concluded."""

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


class AcceptanceCircuit(flow.Flow):
    process_class = Circuit
    process_title = _("Acceptance by the three parties")
    lock_impl = select_for_update_lock  # see CountersignCircuit: the Join needs the row lock

    start = flow.StartHandle(this.start_circuit).Next(this.split)
    split = (
        flow.Split().Next(this.president_accept).Next(this.state_accept).Next(this.region_accept)
    )
    president_accept = (
        flow.View(not_mounted)
        .Annotation(title=_("Acceptance by the ARML president"))
        .Next(this.join)
    )
    state_accept = (
        flow.View(not_mounted).Annotation(title=_("Acceptance by the State")).Next(this.join)
    )
    region_accept = (
        flow.View(not_mounted).Annotation(title=_("Acceptance by the Region")).Next(this.join)
    )
    join = flow.Join().Next(this.conclude)
    conclude = flow.Function(this.run_automatic_step).Next(this.end)
    end = flow.End()

    STEPS = {
        "president_accept": ("accept", {Role.PRESIDENT}, ("contest",)),
        "state_accept": ("accept", {Role.STATE_OFFICER}, ()),
        "region_accept": ("accept", {Role.REGION_OFFICER}, ()),
    }
    AUTOMATIC = {"conclude": "conclude"}

    def start_circuit(self, activation: Any, obj: Any) -> Any:
        return attach(activation, obj)

    def run_automatic_step(self, activation: Any) -> None:
        run_automatic(activation, self.AUTOMATIC[activation.flow_task.name])


register_flow("acceptance", AcceptanceCircuit)
