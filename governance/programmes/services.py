"""PRA (programme régional d'animation) services and selectors.

Content changes only in draft (director or staff), each change ledgered with the new content
hash. Funders' opinions and funding marks happen only in consultation, by the officers of a
funder of the ARML's region; quarterly progress only in execution. Amounts are Decimals.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, ProtectedError, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.action_plans.models import ActionPlan
from governance.conventions.models import Amendment, AmendmentState, Convention, ConventionState
from governance.organisations.models import (
    Arml,
    Function,
    Funder,
    Indicator,
    Mandate,
    MissionLocale,
    Person,
    Role,
)
from governance.programmes.models import (
    ActionBudgetLine,
    ActionProgress,
    ActionTarget,
    FunderOpinion,
    FundingMark,
    Programme,
    ProgrammeAction,
    ProgrammeState,
    ProgressStatus,
)
from permissions.selectors import armls_for, roles_in
from workflows import errors

DRAFTERS = {Role.ARML_DIRECTOR, Role.ARML_STAFF}
REPORTERS = {Role.ARML_DIRECTOR, Role.ARML_STAFF}
OFFICERS = {Role.STATE_OFFICER, Role.REGION_OFFICER, Role.OTHER_FUNDER}
ZERO = Decimal("0.00")
CENT = Decimal("0.01")


@dataclass
class ActionInput:
    function: int
    title: str
    objective: str
    lead_ml: MissionLocale | None = None
    lead_text: str = ""
    partners: str = ""
    targets: list[tuple[Indicator, Decimal]] = field(default_factory=list)
    budget: list[tuple[Funder, Decimal]] = field(default_factory=list)


# -- reads --------------------------------------------------------------------------------


def programmes_for(user: Person) -> QuerySet[Programme]:
    return (
        Programme.objects.filter(arml__in=armls_for(user))
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


def programme_facts(programme: Programme) -> dict[str, Any]:
    """What the signed programme prints (copied: the document never changes after issue)."""
    view = programme_view(programme)
    return {
        "title": programme.title,
        "period": {"start_year": programme.start_year, "end_year": programme.end_year},
        "content_sha256": programme.frozen_hash or programme.compute_hash(),
        "functions": [
            {
                "label": str(group["function"].label),
                "total": str(group["total"]),
                "actions": [
                    {
                        "title": a.title,
                        "objective": a.objective,
                        "lead": a.lead,
                        "partners": a.partners,
                        "targets": [
                            {
                                "indicator": f"{t.indicator.code} — {t.indicator.label}",
                                "target": str(t.target),
                                "unit": t.indicator.unit,
                            }
                            for t in a.targets.all()
                        ],
                        "budget": [
                            {"funder": str(line.funder), "amount": str(line.amount)}
                            for line in a.budget_lines.all()
                        ],
                        "total": str(a.budget_total),
                    }
                    for a in group["actions"]
                ],
            }
            for group in view.functions
            if group["actions"]
        ],
        "funder_totals": [{"funder": str(f), "amount": str(t)} for f, t in view.funder_totals],
        "total": str(view.total),
    }


def evaluation_facts(programme: Programme, *, summary: str) -> dict[str, Any]:
    view = programme_view(programme)
    rows = []
    for group in view.functions:
        for a in group["actions"]:
            latest = a.latest_progress
            values = latest.measurements if latest else {}
            rows.append(
                {
                    "function": group["function"].value,
                    "title": a.title,
                    "status": latest.get_status_display() if latest else str(_("No progress")),
                    "percent_done": latest.percent_done if latest else 0,
                    "quarter": f"{latest.year} T{latest.quarter}" if latest else "",
                    "budget": str(a.budget_total),
                    "indicators": [
                        {
                            "indicator": t.indicator.code,
                            "target": str(t.target),
                            "value": values.get(t.indicator.code, ""),
                        }
                        for t in a.targets.all()
                    ],
                }
            )
    return {
        "title": str(_("Evaluation report — %(title)s") % {"title": programme.title}),
        "period": {"start_year": programme.start_year, "end_year": programme.end_year},
        "programme_reference": programme.reference(),
        "content_sha256": programme.frozen_hash,
        "summary": summary,
        "actions": rows,
        "total": str(view.total),
    }


# -- writes: content (draft only) ---------------------------------------------------------


def _check_role(actor: Person, arml: Arml, roles: set[str], message: str) -> None:
    if actor.is_superuser:
        return
    if not roles_in(actor, arml) & roles:
        raise PermissionDenied(message)


def _check_drafter(actor: Person, arml: Arml) -> None:
    _check_role(actor, arml, DRAFTERS, _("Only the ARML's director or staff draft the programme."))


def _check_draft(programme: Programme) -> None:
    if not programme.is_editable:
        raise errors.InvalidState(
            _("The programme can only change in draft (now: %(state)s).")
            % {"state": programme.get_state_display()}
        )


def _validate_header(title: str, start_year: int, end_year: int) -> None:
    problems: dict[str, list[str]] = {}
    if not title.strip():
        problems["title"] = [_("Give the programme a title.")]
    if end_year < start_year:
        problems["end_year"] = [_("The last year cannot be before the first year.")]
    elif end_year - start_year > 9:
        problems["end_year"] = [_("A programme lasts ten years at most.")]
    if problems:
        raise ValidationError(problems)


def _ledger(
    action: str, actor: Person, programme: Programme, data: Mapping[str, Any], **kwargs: Any
) -> None:
    from audit.services import append

    append(
        action=action,
        actor=actor,
        obj=programme,
        arml=programme.arml,
        from_state=programme.state,
        to_state=programme.state,
        data=dict(data),
        **kwargs,
    )


def _locked(programme: Programme) -> Programme:
    return (
        Programme.objects.select_related("arml")
        .select_for_update(of=("self",))
        .get(pk=programme.pk)
    )


@transaction.atomic
def programme_create(
    *,
    actor: Person,
    arml: Arml,
    title: str,
    start_year: int,
    end_year: int,
    actions: Iterable[ActionInput] = (),
) -> Programme:
    from audit.services import append

    if not armls_for(actor).filter(pk=arml.pk).exists():
        raise PermissionDenied(_("This ARML is outside your scope."))
    _check_drafter(actor, arml)
    _validate_header(title, start_year, end_year)
    programme = Programme.objects.create(
        arml=arml, title=title.strip(), start_year=start_year, end_year=end_year
    )
    for item in actions:
        _write_action(programme, ProgrammeAction(programme=programme), item)
    append(
        action="programme.created",
        actor=actor,
        obj=programme,
        arml=arml,
        to_state=programme.state,
        data={"title": programme.title, "content_sha256": programme.compute_hash()},
    )
    return programme


@transaction.atomic
def programme_update(
    *, actor: Person, programme: Programme, title: str, start_year: int, end_year: int
) -> Programme:
    programme = _locked(programme)
    _check_drafter(actor, programme.arml)
    _check_draft(programme)
    _validate_header(title, start_year, end_year)
    programme.title, programme.start_year, programme.end_year = title.strip(), start_year, end_year
    programme.save(update_fields=["title", "start_year", "end_year", "updated_at"])
    _ledger(
        "programme.content_saved", actor, programme, {"content_sha256": programme.compute_hash()}
    )
    return programme


def _validate_action(programme: Programme, item: ActionInput) -> None:
    problems: dict[str, list[str]] = defaultdict(list)
    if item.function not in Function.values:
        problems["function"].append(_("Choose one of the 5 functions."))
    if not item.title.strip():
        problems["title"].append(_("Give the action a title."))
    if not item.objective.strip():
        problems["objective"].append(_("State the action's objective."))
    if item.lead_ml is not None and item.lead_ml.arml_id != programme.arml_id:
        problems["lead_ml"].append(_("This Mission Locale belongs to another ARML."))
    region = programme.arml.region_id
    seen: set[int] = set()
    for funder, amount in item.budget:
        if funder.region_id != region:
            problems["budget"].append(
                _("%(funder)s does not act in the ARML's region.") % {"funder": funder}
            )
        if amount < 0 or amount != amount.quantize(CENT):
            problems["budget"].append(_("Amounts are positive, in euros with two decimals."))
        if funder.pk in seen:
            problems["budget"].append(_("Two budget lines for the same funder."))
        seen.add(funder.pk)
    if len({i.pk for i, _t in item.targets}) != len(item.targets):
        problems["targets"].append(_("Two targets for the same indicator."))
    if problems:
        raise ValidationError({k: sorted(set(v)) for k, v in problems.items()})


def _write_action(programme: Programme, action: ProgrammeAction, item: ActionInput) -> None:
    _validate_action(programme, item)
    action.function = item.function
    action.title = item.title.strip()
    action.objective = item.objective.strip()
    action.lead_ml = item.lead_ml
    action.lead_text = item.lead_text.strip()
    action.partners = item.partners.strip()
    action.save()
    action.targets.all().delete()
    action.budget_lines.all().delete()
    ActionTarget.objects.bulk_create(
        [ActionTarget(action=action, indicator=i, target=t) for i, t in item.targets]
    )
    ActionBudgetLine.objects.bulk_create(
        [
            ActionBudgetLine(action=action, funder=f, amount=a.quantize(CENT))
            for f, a in item.budget
            if a
        ]
    )


@transaction.atomic
def programme_action_save(
    *,
    actor: Person,
    programme: Programme,
    item: ActionInput,
    action: ProgrammeAction | None = None,
) -> ProgrammeAction:
    programme = _locked(programme)
    _check_drafter(actor, programme.arml)
    _check_draft(programme)
    if action is not None and action.programme_id != programme.pk:
        raise PermissionDenied(_("This action belongs to another programme."))
    target = action or ProgrammeAction(programme=programme)
    _write_action(programme, target, item)
    _ledger(
        "programme.action_saved",
        actor,
        programme,
        {
            "programme_action": target.pk,
            "title": target.title,
            "function": target.function,
            "content_sha256": programme.compute_hash(),
        },
    )
    return target


@transaction.atomic
def programme_action_delete(*, actor: Person, action: ProgrammeAction) -> None:
    programme = _locked(action.programme)
    _check_drafter(actor, programme.arml)
    _check_draft(programme)
    title, pk = action.title, action.pk
    try:
        with transaction.atomic():
            action.targets.all().delete()
            action.budget_lines.all().delete()
            action.delete()
    except ProtectedError:
        raise ValidationError(
            _(
                "This action has funders' opinions, marks or linked action plans: "
                "it cannot be deleted; change it instead."
            )
        ) from None
    _ledger(
        "programme.action_deleted",
        actor,
        programme,
        {"programme_action": pk, "title": title, "content_sha256": programme.compute_hash()},
    )


# -- writes: consultation (funders) -------------------------------------------------------


def _funder_for(actor: Person, programme: Programme, funder: Funder | None) -> Funder:
    mine = officer_funders(actor, programme.arml)
    if not mine:
        raise PermissionDenied(
            _("Only the officer of a funder of this ARML's region can give the funder's view.")
        )
    if funder is None:
        if len(mine) > 1:
            raise ValidationError({"funder": _("Choose the funder you speak for.")})
        return mine[0]
    if funder not in mine:
        raise PermissionDenied(_("You do not represent %(funder)s.") % {"funder": funder})
    return funder


def _check_consultation(programme: Programme) -> None:
    if programme.state != ProgrammeState.IN_CONSULTATION:
        raise errors.InvalidState(
            _(
                "Funders comment and mark the actions they fund only while the programme is in "
                "consultation (now: %(state)s)."
            )
            % {"state": programme.get_state_display()}
        )


@transaction.atomic
def funder_opinion_add(
    *,
    actor: Person,
    action: ProgrammeAction,
    text: str,
    funder: Funder | None = None,
    request_info: Mapping[str, str] | None = None,
) -> FunderOpinion:
    programme = _locked(action.programme)
    funder = _funder_for(actor, programme, funder)
    _check_consultation(programme)
    if not text.strip():
        raise ValidationError({"text": _("Write the comment.")})
    opinion = FunderOpinion.objects.create(
        action=action, funder=funder, author=actor, text=text.strip()
    )
    _ledger(
        "programme.funder_commented",
        actor,
        programme,
        {"programme_action": action.pk, "funder": funder.pk, "funder_name": str(funder)},
        comment=opinion.text,
        request_info=request_info,
    )
    return opinion


@transaction.atomic
def funding_mark_set(
    *,
    actor: Person,
    action: ProgrammeAction,
    funds: bool,
    funder: Funder | None = None,
    request_info: Mapping[str, str] | None = None,
) -> FundingMark:
    programme = _locked(action.programme)
    funder = _funder_for(actor, programme, funder)
    _check_consultation(programme)
    mark = FundingMark.objects.create(action=action, funder=funder, author=actor, funds=funds)
    _ledger(
        "programme.funding_marked",
        actor,
        programme,
        {
            "programme_action": action.pk,
            "funder": funder.pk,
            "funder_name": str(funder),
            "funds": funds,
        },
        request_info=request_info,
    )
    return mark


# -- writes: execution (quarterly progress) -----------------------------------------------


@transaction.atomic
def progress_record(
    *,
    actor: Person,
    action: ProgrammeAction,
    year: int,
    quarter: int,
    status: str,
    percent_done: int,
    measurements: Mapping[str, Any] | None = None,
    comment: str = "",
    request_info: Mapping[str, str] | None = None,
) -> ActionProgress:
    programme = _locked(action.programme)
    _check_role(
        actor,
        programme.arml,
        REPORTERS,
        _("Only the ARML's director or staff record the progress of the actions."),
    )
    if programme.state != ProgrammeState.IN_EXECUTION:
        raise errors.InvalidState(
            _("Progress is recorded only while the programme is in execution (now: %(state)s).")
            % {"state": programme.get_state_display()}
        )
    problems: dict[str, list[str]] = defaultdict(list)
    if year not in programme.years:
        problems["year"].append(
            _("The year must lie within the programme's period (%(start)s–%(end)s).")
            % {"start": programme.start_year, "end": programme.end_year}
        )
    if quarter not in (1, 2, 3, 4):
        problems["quarter"].append(_("The quarter is 1, 2, 3 or 4."))
    today = timezone.localdate()
    if (year, quarter) > (today.year, (today.month - 1) // 3 + 1):
        problems["quarter"].append(_("A quarter that has not started yet cannot be reported."))
    if status not in ProgressStatus.values:
        problems["status"].append(_("Choose a status."))
    if not 0 <= percent_done <= 100:
        problems["percent_done"].append(_("The share done is between 0 and 100 %."))
    codes = {t.indicator.code for t in action.targets.select_related("indicator")}
    clean: dict[str, str] = {}
    for code, value in (measurements or {}).items():
        if code not in codes:
            problems["measurements"].append(
                _("%(code)s is not an indicator of this action.") % {"code": code}
            )
            continue
        if value in (None, ""):
            continue
        try:
            number = Decimal(str(value).replace(",", ".").replace(" ", ""))
        except ArithmeticError:
            number = None
        if number is None or not number.is_finite():
            problems["measurements"].append(
                _("%(code)s: “%(value)s” is not a number.") % {"code": code, "value": value}
            )
            continue
        clean[code] = str(number)
    if problems:
        raise ValidationError({k: sorted(set(v)) for k, v in problems.items()})
    progress = ActionProgress.objects.create(
        action=action,
        year=year,
        quarter=quarter,
        status=status,
        percent_done=percent_done,
        measurements=clean,
        comment=comment.strip(),
        recorded_by=actor,
    )
    _ledger(
        "programme.progress_recorded",
        actor,
        programme,
        {
            "programme_action": action.pk,
            "year": year,
            "quarter": quarter,
            "status": status,
            "percent_done": percent_done,
            "measurements": clean,
        },
        comment=progress.comment,
        request_info=request_info,
    )
    return progress
