"""Action plan services and selectors (STYLE.md: writes in services, reads in selectors)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from governance.action_plans.models import ActionPlan
from governance.organisations.models import Mandate, MissionLocale, Person, Role
from permissions.selectors import armls_for


def plans_for(user: Person) -> QuerySet[ActionPlan]:
    return (
        ActionPlan.objects.filter(arml__in=armls_for(user))
        .select_related("arml", "mission_locale", "submitted_by")
        .order_by("-created_at")
    )


def directed_mls(user: Person) -> QuerySet[MissionLocale]:
    """Missions Locales the user directs today: where they may draft action plans."""
    ids = (
        Mandate.objects.active()
        .filter(person=user, role=Role.ML_DIRECTOR)
        .values("mission_locale_id")
    )
    return MissionLocale.objects.filter(pk__in=ids).select_related("arml")


@transaction.atomic
def action_plan_create(
    *, actor: Person, mission_locale: MissionLocale, beneficiaries: Any = (), **fields: Any
) -> ActionPlan:
    """A director's draft; ledgered as created. Submitting it is the `propose` transition."""
    from audit.services import append

    if not directed_mls(actor).filter(pk=mission_locale.pk).exists():
        raise PermissionDenied(_("Only the director of this Mission Locale can draft its plans."))
    plan = ActionPlan(
        arml=mission_locale.arml, mission_locale=mission_locale, submitted_by=actor, **fields
    )
    plan.full_clean()
    plan.save()
    plan.beneficiaries.set(beneficiaries)
    append(
        action="action_plan.created",
        actor=actor,
        principal=actor,
        obj=plan,
        arml=plan.arml,
        to_state=plan.state,
        data={"budget": str(plan.budget), "title": plan.title},
    )
    return plan
