"""Writes on action plans outside transitions: a director drafts a plan."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from governance.action_plans.models import ActionPlan
from governance.action_plans.selectors import directed_mls
from governance.organisations.models import MissionLocale, Person
from workflows.acts import record


@transaction.atomic
def action_plan_create(
    *, actor: Person, mission_locale: MissionLocale, beneficiaries: Any = (), **fields: Any
) -> ActionPlan:
    """A director's draft; ledgered as created. Submitting it is the `propose` transition."""
    if not directed_mls(actor).filter(pk=mission_locale.pk).exists():
        raise PermissionDenied(_("Only the director of this Mission Locale can draft its plans."))
    plan = ActionPlan(
        arml=mission_locale.arml, mission_locale=mission_locale, submitted_by=actor, **fields
    )
    plan.full_clean()
    plan.save()
    plan.beneficiaries.set(beneficiaries)
    record(
        plan,
        "created",
        actor=actor,
        created=True,
        data={"budget": str(plan.budget), "title": plan.title},
    )
    return plan
