"""Writes on conventions (CPOM) and amendments outside transitions.

Content is never edited in place: each save is a new ConventionVersion with its hash, ledgered.
Amounts are Decimals end to end (no float ever touches money).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from governance.conventions.models import (
    Amendment,
    AmendmentLine,
    Convention,
    ConventionState,
    ConventionVersion,
    FundingLine,
    IndicatorTarget,
)
from governance.conventions.rules import DRAFT
from governance.organisations.models import Arml, Function, Funder, Indicator, Person
from workflows.acts import record, refusals_ledgered, require


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


# -- writes -------------------------------------------------------------------------------


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


@refusals_ledgered("create", lambda kw: kw["arml"])
@transaction.atomic
def convention_create(*, actor: Person, arml: Arml, content: Content) -> Convention:
    require(actor, arml, DRAFT)
    _validate(content, arml)
    convention = Convention.objects.create(arml=arml)
    version = _write_version(convention, content, actor)
    record(
        convention,
        "created",
        actor=actor,
        created=True,
        data={"content_version": version.n, "content_sha256": version.sha256},
    )
    return convention


@refusals_ledgered("save_content", lambda kw: kw["convention"])
@transaction.atomic
def convention_save_content(
    *, actor: Person, convention: Convention, content: Content
) -> ConventionVersion:
    convention = Convention.objects.select_for_update().get(pk=convention.pk)
    require(actor, convention, DRAFT)
    if not convention.is_editable:
        raise ValidationError(
            _("The content can only change in draft or in renegotiation (now: %(state)s).")
            % {"state": convention.get_state_display()}
        )
    _validate(content, convention.arml)
    version = _write_version(convention, content, actor)
    record(
        convention,
        "content_saved",
        actor=actor,
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


@refusals_ledgered("create_amendment", lambda kw: kw["convention"])
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
    require(actor, convention, DRAFT)
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
    record(
        amendment,
        "created",
        actor=actor,
        created=True,
        data={"year": year, "content_sha256": amendment.content_hash(), **(data or {})},
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
