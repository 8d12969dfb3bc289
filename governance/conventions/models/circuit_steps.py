"""The three steps every countersigned lifecycle shares (conventions, amendments): the
president signs, the State and Region officers countersign in any order, the object then enters
into force by itself (workflows/flows/countersign.py routes them).

A factory, not a shared mixin: django-fsm binds each transition function to one model's field,
so every model needs its own functions.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_fsm import transition

from governance.organisations.models import Role
from permissions.rules import is_a_party_officer
from workflows.lifecycle import TransitionContext
from workflows.specs import Attached, Slot, condition, step

SIGNERS = (
    Slot("president", Role.PRESIDENT, _("For the ARML, its president")),
    Slot("state", Role.STATE_OFFICER, _("For the State, the regional prefect or delegate")),
    Slot("region", Role.REGION_OFFICER, _("For the Region, its president or delegate")),
)
OFFICERS = {Role.STATE_OFFICER, Role.REGION_OFFICER}
#: Where the ARML's rules ask for it (Arml.countersign_evidence_required), the Region
#: countersigns on its commission permanente's deliberation, and a delegate under the order
#: (arrêté) that delegates the signature: both attached to the object first (issue 14.1).
EVIDENCE = (
    Attached(
        "cp_deliberation",
        roles=frozenset({Role.REGION_OFFICER}),
        applies=lambda obj: obj.arml.countersign_evidence_required,
        message=_(
            "The ARML's rules ask for the deliberation of the Region's commission permanente "
            "authorising the signature: attach it first."
        ),
    ),
    Attached(
        "delegation_order",
        delegated=True,
        applies=lambda obj: obj.arml.countersign_evidence_required,
        message=_(
            "A countersignature by delegation needs the order (arrêté) delegating the signature: "
            "attach it first."
        ),
    ),
)


def countersigned_steps(*, kind: str, sign_label: str | Promise) -> type[models.Model]:
    """An abstract model with sign → countersign (×2) → enter_into_force on a `state` field
    whose values include adopted, awaiting_countersignatures and in_force; `kind` is the
    document every party signs."""

    @condition(_("Both the State and the Region must have countersigned."))
    def all_countersigned(obj: Any) -> bool:
        from workflows.documents import current_document, open_slot

        document = current_document(obj, kind)
        return document is not None and open_slot(document, frozenset(Role.values)) is None

    class CountersignedSteps(models.Model):
        circuit_document = kind
        circuit_flow = "countersign"

        class Meta:
            abstract = True

        @transition(
            field="state",
            source="adopted",
            target="awaiting_countersignatures",
            custom=step(
                label=sign_label,
                done="signed",
                roles={Role.PRESIDENT},
                document=kind,
                signers=SIGNERS,
                circuit=True,
            ),
        )
        def sign(self, ctx: TransitionContext) -> None:
            pass

        @transition(
            field="state",
            source="awaiting_countersignatures",
            target="awaiting_countersignatures",
            custom=step(
                label=_("Countersign"),
                done="countersigned",
                roles=OFFICERS,
                rules=[is_a_party_officer],
                countersign=kind,
                circuit=True,
                attachments=EVIDENCE,
            ),
        )
        def countersign(self, ctx: TransitionContext) -> None:
            pass

        @transition(
            field="state",
            source="awaiting_countersignatures",
            target="in_force",
            conditions=[all_countersigned],
            custom=step(
                label=_("Enter into force"),
                done="entered_into_force",
                roles=OFFICERS,
                circuit=True,
                automatic=True,
            ),
        )
        def enter_into_force(self, ctx: TransitionContext) -> None:
            pass

    return CountersignedSteps
