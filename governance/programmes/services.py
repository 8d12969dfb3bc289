"""Writes on the PRA (programme régional d'animation) outside transitions.

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
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.organisations.models import (
    Arml,
    Function,
    Funder,
    Indicator,
    MissionLocale,
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
    ProgrammeState,
    ProgressStatus,
)
from governance.programmes.rules import CENT, DRAFT, REPORT
from governance.programmes.selectors import officer_funders
from permissions.selectors import armls_for
from workflows import errors
from workflows.acts import record, refusals_ledgered, require


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


def _locked(programme: Programme) -> Programme:
    return (
        Programme.objects.select_related("arml")
        .select_for_update(of=("self",))
        .get(pk=programme.pk)
    )


@refusals_ledgered("create", lambda kw: kw["arml"])
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
    if not armls_for(actor).filter(pk=arml.pk).exists():
        raise PermissionDenied(_("This ARML is outside your scope."))
    require(actor, arml, DRAFT)
    _validate_header(title, start_year, end_year)
    programme = Programme.objects.create(
        arml=arml, title=title.strip(), start_year=start_year, end_year=end_year
    )
    for item in actions:
        _write_action(programme, ProgrammeAction(programme=programme), item)
    record(
        programme,
        "created",
        actor=actor,
        created=True,
        data={"title": programme.title, "content_sha256": programme.compute_hash()},
    )
    return programme


@refusals_ledgered("update", lambda kw: kw["programme"])
@transaction.atomic
def programme_update(
    *, actor: Person, programme: Programme, title: str, start_year: int, end_year: int
) -> Programme:
    programme = _locked(programme)
    require(actor, programme, DRAFT)
    _check_draft(programme)
    _validate_header(title, start_year, end_year)
    programme.title, programme.start_year, programme.end_year = title.strip(), start_year, end_year
    programme.save(update_fields=["title", "start_year", "end_year", "updated_at"])
    record(
        programme, "content_saved", actor=actor, data={"content_sha256": programme.compute_hash()}
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


@refusals_ledgered("action_save", lambda kw: kw["programme"])
@transaction.atomic
def programme_action_save(
    *,
    actor: Person,
    programme: Programme,
    item: ActionInput,
    action: ProgrammeAction | None = None,
) -> ProgrammeAction:
    programme = _locked(programme)
    require(actor, programme, DRAFT)
    _check_draft(programme)
    if action is not None and action.programme_id != programme.pk:
        raise PermissionDenied(_("This action belongs to another programme."))
    target = action or ProgrammeAction(programme=programme)
    _write_action(programme, target, item)
    record(
        programme,
        "action_saved",
        actor=actor,
        data={
            "programme_action": target.pk,
            "title": target.title,
            "function": target.function,
            "content_sha256": programme.compute_hash(),
        },
    )
    return target


@refusals_ledgered("action_delete", lambda kw: kw["action"].programme)
@transaction.atomic
def programme_action_delete(*, actor: Person, action: ProgrammeAction) -> None:
    programme = _locked(action.programme)
    require(actor, programme, DRAFT)
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
    record(
        programme,
        "action_deleted",
        actor=actor,
        data={"programme_action": pk, "title": title, "content_sha256": programme.compute_hash()},
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


@refusals_ledgered("opinion_add", lambda kw: kw["action"].programme)
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
    record(
        programme,
        "funder_commented",
        actor=actor,
        data={"programme_action": action.pk, "funder": funder.pk, "funder_name": str(funder)},
        comment=opinion.text,
        request_info=request_info,
    )
    return opinion


@refusals_ledgered("mark_set", lambda kw: kw["action"].programme)
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
    record(
        programme,
        "funding_marked",
        actor=actor,
        data={
            "programme_action": action.pk,
            "funder": funder.pk,
            "funder_name": str(funder),
            "funds": funds,
        },
        request_info=request_info,
    )
    return mark


# -- writes: execution (quarterly progress) -----------------------------------------------


@refusals_ledgered("record", lambda kw: kw["action"].programme)
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
    require(actor, programme, REPORT)
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
    record(
        programme,
        "progress_recorded",
        actor=actor,
        data={
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
