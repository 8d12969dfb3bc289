"""Every (role × transition) cell of the action plan lifecycle, through perform()."""

import pytest

from audit.models import AuditEvent
from governance.organisations.models import Role
from workflows import errors
from workflows.engine import perform

pytestmark = pytest.mark.django_db

# transition → (source state, roles that may perform it, needs data)
MATRIX = {
    "propose": ("draft", {Role.ML_DIRECTOR}),
    "start_review": ("proposed", {Role.ARML_STAFF, Role.ARML_DIRECTOR}),
    "give_opinion": ("under_review", {Role.COMMITTEE_CHAIR}),
    "approve": ("opinion_given", {Role.PRESIDENT}),
    "reject": ("opinion_given", {Role.PRESIDENT}),
    "postpone": ("opinion_given", {Role.PRESIDENT}),
    "resume": ("postponed", {Role.ARML_DIRECTOR}),
    "start": ("approved", {Role.ML_DIRECTOR, Role.ARML_DIRECTOR}),
    "deliver": ("in_progress", {Role.ML_DIRECTOR, Role.ARML_DIRECTOR}),
    "evaluate": ("delivered", {Role.ARML_DIRECTOR, Role.COMMITTEE_CHAIR}),
    "abandon": ("draft", {Role.ML_DIRECTOR, Role.ARML_DIRECTOR}),
}
CELLS = [(name, role) for name in MATRIX for role in Role]


@pytest.mark.parametrize("name,role", CELLS, ids=[f"{n}-{r}" for n, r in CELLS])
def test_role_transition_cell(world, name, role):
    source, allowed = MATRIX[name]
    plan = world.plan(source)
    actor = world.people[role]
    data = {"opinion": "favourable"} if name == "give_opinion" else {}

    if role in allowed:
        outcome = perform(plan, name, actor=actor, comment="Motif indiqué.", data=data)
        plan.refresh_from_db()
        assert plan.state == outcome.spec.target != source
        assert outcome.event.action == f"action_plan.{outcome.spec.done}"
        assert outcome.document.signature.signer == actor
    else:
        with pytest.raises(errors.Forbidden):
            perform(plan, name, actor=actor, comment="Motif indiqué.", data=data)
        plan.refresh_from_db()
        assert plan.state == source
        refusal = AuditEvent.objects.order_by("-seq").first()
        assert refusal.action == "action_plan.refused_attempt"
        assert refusal.actor_id == actor.pk
        assert refusal.data["refusal"]["transition"] == name
