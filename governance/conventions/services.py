"""Convention (CPOM) and amendment services and selectors.

Content is never edited in place: each save is a new ConventionVersion with its hash, ledgered.
Amounts are Decimals end to end (no float ever touches money).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils.translation import gettext as _

from governance.conventions.models import (
    Amendment,
    AmendmentLine,
    AmendmentState,
    Convention,
    ConventionVersion,
    FundingLine,
    IndicatorTarget,
)
from governance.organisations.models import Arml, Function, Funder, Indicator, Person, Role
from permissions.selectors import armls_for, roles_in

DRAFTERS = {Role.ARML_DIRECTOR, Role.ARML_STAFF}


@dataclass(frozen=True)
class LineInput:
    year: int
    funder: Funder
    function: int
    amount: Decimal


@dataclass(frozen=True)
class TargetInput:
    indicator: Indicator
    year: int
    target: Decimal


@dataclass
class Content:
    title: str
    start_year: int
    end_year: int
    parties: list[Funder]
    objectives: dict[str, str] = field(default_factory=dict)
    lines: list[LineInput] = field(default_factory=list)
    targets: list[TargetInput] = field(default_factory=list)


# -- reads --------------------------------------------------------------------------------


def conventions_for(user: Person) -> QuerySet[Convention]:
    return (
        Convention.objects.filter(arml__in=armls_for(user))
        .select_related("arml")
        .order_by("-created_at")
    )


def amendments_for(user: Person) -> QuerySet[Amendment]:
    return Amendment.objects.filter(arml__in=armls_for(user)).select_related("arml", "convention")


@dataclass
class FundingTable:
    """Amounts by year × funder (rows) and function (columns), with the totals."""

    years: list[int]
    funders: list[Funder]
    cells: dict[tuple[int, int, int], Decimal]
    amended_years: dict[int, int] = field(default_factory=dict)  # year → amendment number

    def amount(self, year: int, funder_id: int, function: int) -> Decimal:
        return self.cells.get((year, funder_id, function), Decimal("0.00"))

    def total_for_year(self, year: int) -> Decimal:
        return sum((v for (y, _f, _n), v in self.cells.items() if y == year), Decimal("0.00"))

    def total_for_funder(self, funder_id: int) -> Decimal:
        return sum((v for (_y, f, _n), v in self.cells.items() if f == funder_id), Decimal("0.00"))

    def total_for_year_and_funder(self, year: int, funder_id: int) -> Decimal:
        return sum(
            (v for (y, f, _n), v in self.cells.items() if y == year and f == funder_id),
            Decimal("0.00"),
        )

    @property
    def total(self) -> Decimal:
        return sum(self.cells.values(), Decimal("0.00"))

    def rows(self) -> list[dict[str, Any]]:
        """One row per year × funder with an amount per function: what templates print."""
        out = []
        for year in self.years:
            for funder in self.funders:
                amounts = [self.amount(year, funder.pk, f) for f in Function.values]
                out.append(
                    {
                        "year": year,
                        "funder": funder,
                        "amounts": amounts,
                        "total": sum(amounts, Decimal("0.00")),
                        "amended": self.amended_years.get(year),
                    }
                )
        return out

    def summary(self) -> dict[str, Any]:
        """Every total a page prints: by year, by funder, by function, overall."""
        return {
            "by_year": [(year, self.total_for_year(year)) for year in self.years],
            "by_funder": [(funder, self.total_for_funder(funder.pk)) for funder in self.funders],
            "by_function": self.function_totals(),
            "total": self.total,
        }

    def function_totals(self) -> list[Decimal]:
        return [
            sum((v for (_y, _f, n), v in self.cells.items() if n == function), Decimal("0.00"))
            for function in Function.values
        ]


def funding_table(version: ConventionVersion) -> FundingTable:
    lines = list(version.funding_lines.select_related("funder"))
    funders = sorted(
        {line.funder for line in lines} | set(version.parties.all()), key=lambda f: (f.kind, f.name)
    )
    cells = {(line.year, line.funder_id, line.function): line.amount for line in lines}
    return FundingTable(version.years, funders, cells)


def effective_funding(convention: Convention) -> FundingTable:
    """The table as amended: an amendment in force replaces the lines of its year."""
    table = funding_table(convention.content)
    amendments = (
        convention.amendments.filter(state=AmendmentState.IN_FORCE)
        .prefetch_related("lines__funder")
        .order_by("number")
    )
    for amendment in amendments:  # later amendments win
        table.cells = {k: v for k, v in table.cells.items() if k[0] != amendment.year}
        for line in amendment.lines.all():
            table.cells[(amendment.year, line.funder_id, line.function)] = line.amount
            if line.funder not in table.funders:
                table.funders.append(line.funder)
        table.amended_years[amendment.year] = amendment.number
    return table


def amount_history(convention: Convention) -> list[dict[str, Any]]:
    """For every amended year × funder: the original total and each amendment's total."""
    original = funding_table(convention.content)
    history = []
    for amendment in convention.amendments.filter(state=AmendmentState.IN_FORCE).order_by("number"):
        per_funder: dict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
        for line in amendment.lines.all():
            per_funder[line.funder_id] += line.amount
        for funder in original.funders:
            history.append(
                {
                    "year": amendment.year,
                    "funder": funder,
                    "amendment": amendment,
                    "before": original.total_for_year_and_funder(amendment.year, funder.pk),
                    "after": per_funder.get(funder.pk, Decimal("0.00")),
                }
            )
    return history


# -- writes -------------------------------------------------------------------------------


def _check_drafter(actor: Person, arml: Arml) -> None:
    if not roles_in(actor, arml) & DRAFTERS and not actor.is_superuser:
        raise PermissionDenied(_("Only the ARML's director or staff draft a convention."))


def _validate(content: Content, arml: Arml) -> None:
    errors: dict[str, list[str]] = defaultdict(list)
    if not content.title.strip():
        errors["title"].append(_("Give the convention a title."))
    if content.end_year < content.start_year:
        errors["end_year"].append(_("The last year cannot be before the first year."))
    elif content.end_year - content.start_year > 9:
        errors["end_year"].append(_("A convention lasts ten years at most."))
    kinds = {f.kind for f in content.parties}
    if not {"state", "region"} <= kinds:
        errors["parties"].append(_("The State and the Region are parties to every CPOM."))
    if any(f.region_id != arml.region_id for f in content.parties):
        errors["parties"].append(_("Every party must act in the ARML's region."))
    years = set(range(content.start_year, content.end_year + 1))
    party_ids = {f.pk for f in content.parties}
    seen = set()
    for line in content.lines:
        key = (line.year, line.funder.pk, line.function)
        if line.year not in years:
            errors["lines"].append(_("Year %(year)s is outside the period.") % {"year": line.year})
        if line.funder.pk not in party_ids:
            errors["lines"].append(_("%(funder)s is not a party.") % {"funder": line.funder})
        if line.function not in Function.values:
            errors["lines"].append(_("Unknown function %(n)s.") % {"n": line.function})
        if line.amount < 0 or line.amount != line.amount.quantize(Decimal("0.01")):
            errors["lines"].append(_("Amounts are positive, in euros with two decimals."))
        if key in seen:
            errors["lines"].append(_("Two lines for the same year, funder and function."))
        seen.add(key)
    for target in content.targets:
        if target.year not in years:
            errors["targets"].append(
                _("Year %(year)s is outside the period.") % {"year": target.year}
            )
    if errors:
        raise ValidationError({k: sorted(set(v)) for k, v in errors.items()})


def _write_version(convention: Convention, content: Content, actor: Person) -> ConventionVersion:
    n = (convention.versions.aggregate(m=Max("n"))["m"] or 0) + 1
    version = ConventionVersion.objects.create(
        convention=convention,
        n=n,
        title=content.title.strip(),
        start_year=content.start_year,
        end_year=content.end_year,
        objectives={str(k): v for k, v in content.objectives.items() if v},
        sha256="",
        created_by=actor,
    )
    version.parties.set(content.parties)
    FundingLine.objects.bulk_create(
        [
            FundingLine(
                version=version,
                year=line.year,
                funder=line.funder,
                function=line.function,
                amount=line.amount,
            )
            for line in content.lines
        ]
    )
    IndicatorTarget.objects.bulk_create(
        [
            IndicatorTarget(version=version, indicator=t.indicator, year=t.year, target=t.target)
            for t in content.targets
        ]
    )
    version.sha256 = version.compute_hash()
    ConventionVersion.objects.filter(pk=version.pk).update(sha256=version.sha256)
    convention._content = version
    return version


@transaction.atomic
def convention_create(*, actor: Person, arml: Arml, content: Content) -> Convention:
    from audit.services import append

    _check_drafter(actor, arml)
    _validate(content, arml)
    convention = Convention.objects.create(arml=arml)
    version = _write_version(convention, content, actor)
    append(
        action="convention.created",
        actor=actor,
        obj=convention,
        arml=arml,
        to_state=convention.state,
        data={"content_version": version.n, "content_sha256": version.sha256},
    )
    return convention


@transaction.atomic
def convention_save_content(
    *, actor: Person, convention: Convention, content: Content
) -> ConventionVersion:
    from audit.services import append

    convention = Convention.objects.select_for_update().get(pk=convention.pk)
    _check_drafter(actor, convention.arml)
    if not convention.is_editable:
        raise ValidationError(
            _("The content can only change in draft or in renegotiation (now: %(state)s).")
            % {"state": convention.get_state_display()}
        )
    _validate(content, convention.arml)
    version = _write_version(convention, content, actor)
    append(
        action="convention.content_saved",
        actor=actor,
        obj=convention,
        arml=convention.arml,
        from_state=convention.state,
        to_state=convention.state,
        data={"content_version": version.n, "content_sha256": version.sha256},
    )
    return version


def content_of(version: ConventionVersion) -> Content:
    return Content(
        title=version.title,
        start_year=version.start_year,
        end_year=version.end_year,
        parties=list(version.parties.all()),
        objectives=dict(version.objectives),
        lines=[
            LineInput(li.year, li.funder, li.function, li.amount)
            for li in version.funding_lines.all()
        ],
        targets=[TargetInput(t.indicator, t.year, t.target) for t in version.targets.all()],
    )


def supersede_current_document(obj: Any, kind: str, *, reason: str) -> None:
    from documents.services import supersede
    from workflows.documents import current_document

    document = current_document(obj, kind)
    if document is not None:
        supersede(document=document, reason=reason)


def reopen_after_refusal(*, convention: Convention, actor: Person, reason: str) -> None:
    """A refusal supersedes the signed version (its signatures stay verifiable) and starts a new
    content version from the refused one, to renegotiate."""
    supersede_current_document(convention, "convention", reason=reason)
    _write_version(convention, content_of(convention.content), actor)
    convention.frozen_hash = ""


@transaction.atomic
def amendment_create(
    *,
    actor: Person,
    convention: Convention,
    year: int,
    changes: str,
    lines: Iterable[Mapping[str, Any]],
) -> Amendment:
    """A drafter's amendment of a convention in force."""
    _check_drafter(actor, convention.arml)
    return amendment_open(
        actor=actor, convention=convention, year=year, changes=changes, lines=lines
    )


@transaction.atomic
def amendment_open(
    *,
    actor: Person,
    convention: Convention,
    year: int,
    changes: str,
    lines: Iterable[Mapping[str, Any]],
    data: Mapping[str, Any] | None = None,
) -> Amendment:
    """Number (under the convention's row lock), create and ledger a draft amendment. Callers
    decide who may: a drafter (amendment_create) or a concluded management dialogue."""
    from audit.services import append
    from governance.conventions.models import ConventionState

    convention = Convention.objects.select_for_update().get(pk=convention.pk)
    if convention.state != ConventionState.IN_FORCE:
        raise ValidationError(_("Only a convention in force can be amended."))
    if year not in convention.content.years:
        raise ValidationError({"year": _("This year is outside the convention's period.")})
    number = (convention.amendments.aggregate(m=Max("number"))["m"] or 0) + 1
    amendment = Amendment.objects.create(
        arml=convention.arml,
        convention=convention,
        number=number,
        year=year,
        changes=changes.strip(),
    )
    _amendment_lines(amendment, lines)
    append(
        action="amendment.created",
        actor=actor,
        obj=amendment,
        arml=amendment.arml,
        to_state=amendment.state,
        data={"year": year, "content_sha256": amendment.content_hash(), **(data or {})},
    )
    return amendment


@transaction.atomic
def amendment_save_lines(
    *, actor: Person, amendment: Amendment, changes: str, lines: Iterable[Mapping[str, Any]]
) -> Amendment:
    from audit.services import append

    amendment = Amendment.objects.select_for_update().get(pk=amendment.pk)
    _check_drafter(actor, amendment.arml)
    if amendment.state != AmendmentState.DRAFT:
        raise ValidationError(_("Only a draft amendment can change."))
    amendment.changes = changes.strip()
    amendment.save(update_fields=["changes", "updated_at"])
    amendment.lines.all().delete()
    _amendment_lines(amendment, lines)
    append(
        action="amendment.content_saved",
        actor=actor,
        obj=amendment,
        arml=amendment.arml,
        from_state=amendment.state,
        to_state=amendment.state,
        data={"content_sha256": amendment.content_hash()},
    )
    return amendment


def party_lines(
    model: type[Any], parties: Iterable[int], lines: Iterable[Mapping[str, Any]], **owner: Any
) -> list[Any]:
    """Unsaved `model` rows (AmendmentLine, DialogueLine…) for funding lines of the parties,
    refused if a funder is not a party or an amount is not positive euros with two decimals."""
    parties = set(parties)
    rows = []
    for line in lines:
        amount = Decimal(str(line["amount"]))
        if line["funder"].pk not in parties:
            raise ValidationError(
                {"lines": _("%(funder)s is not a party.") % {"funder": line["funder"]}}
            )
        if amount < 0 or amount != amount.quantize(Decimal("0.01")):
            raise ValidationError({"lines": _("Amounts are positive, in euros with two decimals.")})
        rows.append(
            model(funder=line["funder"], function=int(line["function"]), amount=amount, **owner)
        )
    return rows


def _amendment_lines(amendment: Amendment, lines: Iterable[Mapping[str, Any]]) -> None:
    parties = amendment.convention.party_funder_ids()
    AmendmentLine.objects.bulk_create(
        party_lines(AmendmentLine, parties, lines, amendment=amendment)
    )
