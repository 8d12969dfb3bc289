"""President signs → Split → State officer ∥ Region officer countersign → Join → in force.

Human nodes are flow.View nodes whose view is never mounted: our pages complete them through
workflows.circuits.run_task(), which performs the domain transition through the engine.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.lock import select_for_update_lock

from governance.organisations.models import Role
from workflows.circuits import attach, register_flow
from workflows.engine import run_automatic
from workflows.models import Circuit


def not_mounted(request: Any, *args: Any, **kwargs: Any) -> Any:  # pragma: no cover
    raise ImproperlyConfigured("viewflow task views are not mounted: use the object's page.")


class CountersignCircuit(flow.Flow):
    """Signature circuit of a convention or an amendment."""

    process_class = Circuit
    process_title = _("Signature circuit")
    # The default no_lock leaves parallel branches stuck at the Join (measured).
    lock_impl = select_for_update_lock

    start = flow.StartHandle(this.start_circuit).Next(this.president_sign)
    president_sign = (
        flow.View(not_mounted).Annotation(title=_("Signature by the president")).Next(this.split)
    )
    split = flow.Split().Next(this.state_countersign).Next(this.region_countersign)
    state_countersign = (
        flow.View(not_mounted).Annotation(title=_("Countersignature by the State")).Next(this.join)
    )
    region_countersign = (
        flow.View(not_mounted).Annotation(title=_("Countersignature by the Region")).Next(this.join)
    )
    join = flow.Join().Next(this.enter_into_force)
    enter_into_force = flow.Function(this.run_automatic_step).Next(this.end)
    end = flow.End()

    #: human node → (the transition it performs, the roles it awaits, the exits it also offers)
    STEPS = {
        "president_sign": ("sign", {Role.PRESIDENT}, ()),
        "state_countersign": ("countersign", {Role.STATE_OFFICER}, ("refuse",)),
        "region_countersign": ("countersign", {Role.REGION_OFFICER}, ("refuse",)),
    }
    AUTOMATIC = {"enter_into_force": "enter_into_force"}

    def start_circuit(self, activation: Any, obj: Any) -> Any:
        return attach(activation, obj)

    def run_automatic_step(self, activation: Any) -> None:
        run_automatic(activation, self.AUTOMATIC[activation.flow_task.name])


register_flow("countersign", CountersignCircuit)
