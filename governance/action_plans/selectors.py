"""Reads of action plans: the plans in a person's scope, the Missions Locales they direct."""

from __future__ import annotations

from django.db.models import QuerySet

from governance.action_plans.models import ActionPlan
from governance.organisations.models import Mandate, MissionLocale, Person, Role
from permissions.selectors import armls_for


def plans_for(user: Person) -> QuerySet[ActionPlan]:
    return (
        ActionPlan.objects.filter(arml__in=armls_for(user, "action_plan"))
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
