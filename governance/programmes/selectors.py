"""Reads of the PRA: programmes in scope, the funders an officer speaks for, what a programme
can be attached to, and the programme page's view of actions, budgets, marks and progress."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from governance.action_plans.models import ActionPlan
from governance.conventions.models import Amendment, AmendmentState, Convention, ConventionState
from governance.organisations.models import (
    Arml,
    Function,
    Funder,
    Mandate,
    Person,
)
from governance.programmes.models import (
    ActionBudgetLine,
    ActionProgress,
    ActionTarget,
    FunderOpinion,
    FundingMark,
    Programme,
    ProgrammeAction,
)
from governance.programmes.rules import OFFICERS, ZERO
from permissions.selectors import armls_for


def programmes_for(user: Person) -> QuerySet[Programme]:
    return (
        Programme.objects.filter(arml__in=armls_for(user, "programme"))
        .select_related("arml", "convention", "amendment")
        .order_by("-start_year", "-created_at")
    )


def officer_funders(user: Person, arml: Arml) -> list[Funder]:
    """Funders `user` represents today in this ARML (their mandate's funder is of its region)."""
    if not user.is_authenticated:
        return []
    ids = (
        Mandate.objects.active()
        .filter(person=user, arml=arml, role__in=OFFICERS, funder__region_id=arml.region_id)
        .values_list("funder_id", flat=True)
    )
    return list(Funder.objects.filter(pk__in=ids).order_by("kind", "name"))


def contract_target(
    programme: Programme, *, convention: Any = None, amendment: Any = None
) -> tuple[Convention, Amendment | None]:
    """The convention (or amendment) in force of the same ARML that the programme is attached
    to. Without a choice, the ARML's only convention in force."""
    in_force = Convention.objects.filter(arml_id=programme.arml_id, state=ConventionState.IN_FORCE)
    if amendment not in (None, ""):
        found = (
            Amendment.objects.filter(
                pk=_int(amendment, "amendment"),
                arml_id=programme.arml_id,
                state=AmendmentState.IN_FORCE,
            )
            .select_related("convention")
            .first()
        )
        if found is None:
            raise ValidationError(
                {"amendment": _("Choose an amendment in force of this ARML's convention.")}
            )
        return found.convention, found
    if convention not in (None, ""):
        chosen = in_force.filter(pk=_int(convention, "convention")).first()
        if chosen is None:
            raise ValidationError({"convention": _("Choose a convention in force of this ARML.")})
        return chosen, None
    conventions = list(in_force[:2])
    if len(conventions) != 1:
        raise ValidationError(
            {
                "convention": _("The ARML has no convention in force to attach the programme to.")
                if not conventions
                else _("Choose the convention in force to attach the programme to.")
            }
        )
    return conventions[0], None


def _int(value: Any, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError({name: _("Not a valid identifier.")}) from None


def contract_choices(programme: Programme) -> dict[str, Any]:
    return {
        "conventions": list(
            Convention.objects.filter(arml_id=programme.arml_id, state=ConventionState.IN_FORCE)
        ),
        "amendments": list(
            Amendment.objects.filter(
                arml_id=programme.arml_id, state=AmendmentState.IN_FORCE
            ).select_related("convention")
        ),
    }


def programme_actions(programme: Programme, user: Person | None = None) -> list[ProgrammeAction]:
    """The actions with everything the page shows, in a constant number of queries."""
    plans = ActionPlan.objects.select_related("mission_locale").order_by("created_at")
    if user is not None:
        plans = plans.filter(arml__in=armls_for(user))
    return list(
        programme.actions.select_related("lead_ml")
        .prefetch_related(
            Prefetch("targets", queryset=ActionTarget.objects.select_related("indicator")),
            Prefetch("budget_lines", queryset=ActionBudgetLine.objects.select_related("funder")),
            Prefetch(
                "opinions",
                queryset=FunderOpinion.objects.select_related("funder", "author"),
            ),
            Prefetch(
                "funding_marks",
                queryset=FundingMark.objects.select_related("funder", "author"),
            ),
            Prefetch("progress", queryset=ActionProgress.objects.select_related("recorded_by")),
            Prefetch("action_plans", queryset=plans),
        )
        .order_by("function", "pk")
    )


def current_marks(action: ProgrammeAction) -> dict[int, FundingMark]:
    """The latest mark of each funder on the action (from the prefetch)."""
    latest: dict[int, FundingMark] = {}
    for mark in sorted(action.funding_marks.all(), key=lambda m: (m.created_at, m.pk)):
        latest[mark.funder_id] = mark
    return latest


@dataclass
class ProgrammeView:
    """What the programme page prints: actions grouped by function, with every total."""

    functions: list[dict[str, Any]]
    funders: list[Funder]
    matrix: list[dict[str, Any]]
    funder_totals: list[tuple[Funder, Decimal]]
    total: Decimal


def programme_view(programme: Programme, user: Person | None = None) -> ProgrammeView:
    actions = programme_actions(programme, user)
    funders = sorted(
        {line.funder for a in actions for line in a.budget_lines.all()}
        | set(Funder.objects.filter(region_id=programme.arml.region_id)),
        key=lambda f: (f.kind, f.name),
    )
    cells: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    groups = []
    for function in Function:
        mine = [a for a in actions if a.function == function.value]
        for action in mine:
            action.marks = current_marks(action)
            action.latest_progress = next(iter(action.progress.all()), None)
            action.budget_rows = [
                {
                    "funder": line.funder,
                    "amount": line.amount,
                    "mark": action.marks.get(line.funder_id),
                }
                for line in action.budget_lines.all()
            ]
            action.unbudgeted_marks = [
                m
                for fid, m in action.marks.items()
                if fid not in {line.funder_id for line in action.budget_lines.all()}
            ]
            for line in action.budget_lines.all():
                cells[(function.value, line.funder_id)] += line.amount
        groups.append(
            {
                "function": function,
                "actions": mine,
                "total": sum((a.budget_total for a in mine), ZERO),
            }
        )
    used = [f for f in funders if any(cells.get((n, f.pk)) for n in Function.values)]
    matrix = [
        {
            "function": function,
            "amounts": [cells.get((function.value, f.pk), ZERO) for f in used],
            "total": sum((cells.get((function.value, f.pk), ZERO) for f in used), ZERO),
        }
        for function in Function
    ]
    funder_totals = [
        (f, sum((cells.get((n, f.pk), ZERO) for n in Function.values), ZERO)) for f in used
    ]
    return ProgrammeView(
        functions=groups,
        funders=used,
        matrix=matrix,
        funder_totals=funder_totals,
        total=sum((t for _f, t in funder_totals), ZERO),
    )
