"""Reads of the CPOM: conventions and amendments in scope, funding as signed and as amended,
their versions, the differences between two versions and the funders' comments."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from config.request_cache import memo
from governance.conventions.models import (
    Amendment,
    AmendmentState,
    AmendmentVersion,
    Convention,
    ConventionVersion,
    LineComment,
)
from governance.conventions.models.amendments import PENDING
from governance.conventions.rules import SECTIONS, FundingTable
from governance.organisations.models import Person
from permissions.selectors import armls_for
from workflows.versions import Diff, Line, VersionedContent, diff_versions, parse_pair


def conventions_for(user: Person) -> QuerySet[Convention]:
    return (
        Convention.objects.filter(arml__in=armls_for(user, "convention"))
        .select_related("arml")
        .order_by("-created_at")
    )


def amendments_for(user: Person) -> QuerySet[Amendment]:
    return (
        Amendment.objects.filter(arml__in=armls_for(user, "amendment"))
        .select_related("arml", "convention")
        .prefetch_related("versions")
    )


def _with_lines(queryset: QuerySet[Amendment]) -> QuerySet[Amendment]:
    versions = AmendmentVersion.objects.prefetch_related("lines__funder")
    return queryset.prefetch_related(Prefetch("versions", queryset=versions))


def funding_table(version: ConventionVersion) -> FundingTable:
    """The version's table; read once per page (config.request_cache), each caller getting
    its own copy to amend."""
    return memo(("funding_table", version.pk), lambda: _funding_table(version)).copy()


def _funding_table(version: ConventionVersion) -> FundingTable:
    lines = list(version.funding_lines.select_related("funder"))
    funders = sorted(
        {line.funder for line in lines} | set(version.parties.all()), key=lambda f: (f.kind, f.name)
    )
    cells = {(line.year, line.funder_id, line.function): line.amount for line in lines}
    return FundingTable(version.years, funders, cells)


def effective_funding(convention: Convention) -> FundingTable:
    """The table as amended: an amendment in force replaces the lines of its year. The
    convention page, its money summary and the dashboard each ask: read once per page."""
    key = ("effective_funding", convention.pk)
    return memo(key, lambda: _effective_funding(convention)).copy()


def _effective_funding(convention: Convention) -> FundingTable:
    table = funding_table(convention.content)
    amendments = _with_lines(convention.amendments.filter(state=AmendmentState.IN_FORCE)).order_by(
        "number"
    )
    for amendment in amendments:  # later amendments win
        table.cells = {k: v for k, v in table.cells.items() if k[0] != amendment.year}
        for line in amendment.lines.all():
            table.cells[(amendment.year, line.funder_id, line.function)] = line.amount
            if line.funder not in table.funders:
                table.funders.append(line.funder)
        table.amended_years[amendment.year] = amendment.number
    table.renegotiating = {a.year: a.number for a in renegotiations(convention)}
    return table


def renegotiations(convention: Convention) -> list[Amendment]:
    """Amendments refused and being revised (draft, adopted or signed again after a refusal):
    their year is "avenant en renégociation" on the convention's page and the dashboard
    (read once per page)."""
    return list(memo(("renegotiations", convention.pk), lambda: _renegotiations(convention)))


def _renegotiations(convention: Convention) -> list[Amendment]:
    pending = convention.amendments.filter(state__in=PENDING).prefetch_related("versions")
    return [a for a in pending.order_by("number") if a.in_renegotiation]


def amount_history(convention: Convention) -> list[dict[str, Any]]:
    """For every amended year × funder: the original total and each amendment's total."""
    original = funding_table(convention.content)
    history = []
    in_force = _with_lines(convention.amendments.filter(state=AmendmentState.IN_FORCE))
    for amendment in in_force.order_by("number"):
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


# -- versions, differences, comments -----------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """What a page or the API shows of two versions: the diff, or why it could not be made."""

    numbers: list[int]
    before: int | None
    after: int | None
    diff: Diff | None
    problem: str = ""


def compare(
    versions: Iterable[Any],
    raw_from: Any = None,
    raw_to: Any = None,
    *,
    default: tuple[int, int] | None = None,
) -> Comparison:
    """The diff between two versions named by the request (`?from=1&to=3`), or `default`."""
    found: dict[int, VersionedContent] = {v.n: v for v in versions}
    numbers = sorted(found)
    try:
        a, b = parse_pair(raw_from, raw_to, numbers, default=default)
    except ValueError as exc:
        return Comparison(numbers, None, None, None, str(exc))
    return Comparison(numbers, a, b, diff_versions(found[a], found[b], SECTIONS))


def default_pair(numbers: list[int], refused: int | None = None) -> tuple[int, int] | None:
    """Compare the current version with the refused one, else with the one before."""
    if len(numbers) < 2:
        return None
    return (refused if refused in numbers else numbers[-2], numbers[-1])


def comments_by_line(convention: Convention) -> Mapping[str, list[LineComment]]:
    """Every comment on the convention's versions, by line key (a line keeps its key from one
    version to the next), oldest first."""
    found: dict[str, list[LineComment]] = defaultdict(list)
    comments = LineComment.objects.filter(version__convention=convention).select_related(
        "version", "author", "funder"
    )
    for comment in comments:
        found[comment.line].append(comment)
    return found


@dataclass(frozen=True)
class CommentedLine:
    line: Line
    comments: list[LineComment]


def negotiation_lines(convention: Convention) -> list[CommentedLine]:
    """The current version's lines, each with the comments made on it (any version)."""
    comments = comments_by_line(convention)
    rows = [
        CommentedLine(line, comments.get(line.key, [])) for line in convention.content.diff_lines()
    ]
    if comments.get("general"):
        rows.append(CommentedLine(GENERAL, comments["general"]))
    return rows


GENERAL = Line("general", "general", _("General comment"), "")
