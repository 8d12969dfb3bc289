"""Convention (CPOM) and amendment pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from governance.conventions import selectors, services
from governance.conventions.forms import (
    CommentForm,
    HeaderForm,
    content_from,
    grid_context,
    grid_values,
    initial_from,
    parse_grids,
)
from governance.conventions.rules import COMMENT, DRAFT
from governance.organisations.models import Arml, Function, Funder, FunderKind
from permissions.authorization import armls_allowed, may
from permissions.scope import scope_form
from workflows.acts import require
from workflows.selectors import signature_panel
from workflows.web import act_post, lifecycle_context


def convention_list(request: HttpRequest) -> HttpResponse:
    conventions = selectors.conventions_for(request.user).prefetch_related("versions")
    return render(
        request,
        "governance/conventions/convention_list.html",
        {
            "conventions": conventions,
            "can_draft": bool(armls_allowed(request.user, DRAFT)),
        },
    )


def _save(
    request: HttpRequest, arml: Arml, convention: Any = None
) -> tuple[Any, HeaderForm, list[str]]:
    header = scope_form(HeaderForm(request.POST, arml=arml), request.user)
    problems: list[str] = []
    if not header.is_valid():
        return None, header, problems
    data = header.cleaned_data
    years = list(range(data["start_year"], data["end_year"] + 1))
    lines, targets, problems = parse_grids(request.POST, years=years, parties=list(data["parties"]))
    if problems:
        return None, header, problems
    content = content_from(header, lines, targets)
    try:
        if convention is None:
            return (
                services.convention_create(actor=request.user, arml=arml, content=content),
                header,
                [],
            )
        services.convention_save_content(actor=request.user, convention=convention, content=content)
        return convention, header, []
    except ValidationError as exc:
        return None, header, exc.messages


def convention_create(request: HttpRequest) -> HttpResponse:
    armls = armls_allowed(request.user, DRAFT)
    if not armls:
        raise PermissionDenied(_("Only the ARML's director or staff draft a convention."))
    arml = armls[0]
    problems: list[str] = []
    if request.method == "POST":
        convention, header, problems = _save(request, arml)
        if convention is not None:
            messages.success(request, _("Convention drafted: content version 1 recorded."))
            return HttpResponseRedirect(convention.get_absolute_url())
        years = _years(header)
        parties = (
            list(header.cleaned_data.get("parties") or [])
            if hasattr(header, "cleaned_data")
            else []
        )
        values = dict(request.POST.items())
    else:
        start = timezone.localdate().year
        parties = list(
            Funder.objects.filter(
                region=arml.region_id, kind__in=[FunderKind.STATE, FunderKind.REGION]
            )
        )
        header = scope_form(
            HeaderForm(
                arml=arml, initial={"start_year": start, "end_year": start + 2, "parties": parties}
            ),
            request.user,
        )
        years, values = list(range(start, start + 3)), {}
    context = {"header": header, "arml": arml, "problems": problems, "creating": True}
    context.update(grid_context(years, parties, values))
    return render(request, "governance/conventions/convention_form.html", context)


def _years(header: HeaderForm) -> list[int]:
    data = getattr(header, "cleaned_data", {}) or {}
    start, end = data.get("start_year"), data.get("end_year")
    return list(range(start, end + 1)) if start and end and 0 <= end - start <= 9 else []


def convention_edit(request: HttpRequest, pk: int) -> HttpResponse:
    convention = get_object_or_404(selectors.conventions_for(request.user), pk=pk)
    require(request.user, convention, DRAFT)
    problems: list[str] = []
    version = convention.content
    if request.method == "POST":
        saved, header, problems = _save(request, convention.arml, convention)
        if saved is not None:
            messages.success(request, _("Content saved as a new version with its hash."))
            return HttpResponseRedirect(convention.get_absolute_url())
        years, values = _years(header) or version.years, dict(request.POST.items())
        parties = (
            list(header.cleaned_data.get("parties") or [])
            if hasattr(header, "cleaned_data")
            else []
        )
    else:
        header = scope_form(
            HeaderForm(arml=convention.arml, initial=initial_from(version)), request.user
        )
        years, values, parties = version.years, grid_values(version), list(version.parties.all())
    context = {
        "header": header,
        "convention": convention,
        "arml": convention.arml,
        "problems": problems,
    }
    context.update(grid_context(years, parties, values))
    return render(request, "governance/conventions/convention_form.html", context)


def convention_detail(request: HttpRequest, pk: int) -> HttpResponse:
    convention = get_object_or_404(selectors.conventions_for(request.user), pk=pk)
    version = convention.content
    table = selectors.effective_funding(convention)
    versions = list(convention.versions.select_related("created_by").order_by("n"))
    numbers = [v.n for v in versions]
    comparison = selectors.compare(
        versions,  # read just above: the page reads the versions once
        request.GET.get("from"),
        request.GET.get("to"),
        default=selectors.default_pair(numbers),
    )
    lines = selectors.negotiation_lines(convention)
    can_comment = convention.is_negotiating and may(request.user, convention, COMMENT)
    context = {
        "convention": convention,
        "version": version,
        "versions": versions,
        "comparison": comparison,
        "table": table,
        "functions": list(Function),
        "history_of_amounts": selectors.amount_history(convention),
        "renegotiations": selectors.renegotiations(convention),
        "targets": version.targets.select_related("indicator").order_by("indicator__code", "year"),
        "amendments": convention.amendments.prefetch_related("versions").order_by("number"),
        "agreements": convention.agreements.select_related("funder", "principal", "version"),
        "negotiation_lines": lines
        if convention.is_negotiating or any(r.comments for r in lines)
        else [],
        "comment_form": CommentForm(lines=_line_choices(lines)) if can_comment else None,
        "can_edit": convention.is_editable and may(request.user, convention, DRAFT),
        "can_amend": convention.is_in_force and may(request.user, convention, DRAFT),
        "signature_panel": signature_panel(convention, "convention"),
        "action_url_prefix": f"{convention.get_absolute_url()}transitions/",
        **lifecycle_context(request, convention),
    }
    return render(request, "governance/conventions/convention_detail.html", context)


def _line_choices(lines: list[Any]) -> list[tuple[str, str]]:
    return [(row.line.key, str(row.line.label)) for row in lines if row.line.key != "general"] + [
        ("general", _("General comment"))
    ]


@require_POST
def convention_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """A funder's officer comments a line of the current version (POST-redirect-GET)."""
    convention = get_object_or_404(selectors.conventions_for(request.user), pk=pk)
    return act_post(
        request,
        convention,
        lambda: services.convention_comment(
            actor=request.user,
            convention=convention,
            line=request.POST.get("line", ""),
            text=request.POST.get("text", ""),
        ),
        _("Comment recorded on %(v)s.") % {"v": convention.content.label},
        "#h-negotiation",
    )


# -- amendments ---------------------------------------------------------------------------


def _amendment_lines(
    request: HttpRequest, parties: list[Funder]
) -> tuple[list[dict[str, Any]], list[str]]:
    lines, _targets, problems = parse_grids(request.POST, years=[0], parties=parties)
    return [
        {"funder": li.funder, "function": li.function, "amount": li.amount} for li in lines
    ], problems


def amendment_create(request: HttpRequest, pk: int) -> HttpResponse:
    convention = get_object_or_404(selectors.conventions_for(request.user), pk=pk)
    parties = list(convention.content.parties.all())
    problems: list[str] = []
    if request.method == "POST":
        lines, problems = _amendment_lines(request, parties)
        try:
            year = int(request.POST.get("year", ""))
        except ValueError:
            problems.append(_("Choose the year amended."))
        if not problems:
            try:
                amendment = services.amendment_create(
                    actor=request.user,
                    convention=convention,
                    year=year,
                    changes=request.POST.get("changes", ""),
                    lines=lines,
                )
            except (ValidationError, PermissionDenied) as exc:
                problems = getattr(exc, "messages", [str(exc)])
            else:
                messages.success(request, _("Amendment drafted."))
                return HttpResponseRedirect(amendment.get_absolute_url())
        values = dict(request.POST.items())
    else:
        values = {}
    context = {
        "convention": convention,
        "problems": problems,
        "years": convention.content.years,
        "values": values,
        "year": request.POST.get("year", ""),
    }
    context.update(grid_context([0], parties, values))
    return render(request, "governance/conventions/amendment_form.html", context)


def amendment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Revise a draft amendment: each save is its next version (after a refusal, v2 against the
    refused v1)."""
    amendment = get_object_or_404(selectors.amendments_for(request.user), pk=pk)
    require(request.user, amendment, DRAFT)
    convention = amendment.convention
    parties = list(convention.content.parties.all())
    problems: list[str] = []
    if request.method == "POST":
        lines, problems = _amendment_lines(request, parties)
        if not problems:
            try:
                version = services.amendment_revise(
                    actor=request.user,
                    amendment=amendment,
                    changes=request.POST.get("changes", ""),
                    lines=lines,
                )
            except (ValidationError, PermissionDenied) as exc:
                problems = getattr(exc, "messages", [str(exc)])
            else:
                messages.success(
                    request, _("Amendment saved as version %(v)s.") % {"v": version.label}
                )
                return HttpResponseRedirect(amendment.get_absolute_url())
        values = dict(request.POST.items())
    else:
        values = {
            f"amount-0-{li.funder_id}-{li.function}": f"{li.amount:.2f}" for li in amendment.lines
        }
        values["changes"] = amendment.changes
    context = {
        "convention": convention,
        "amendment": amendment,
        "problems": problems,
        "years": [amendment.year],
        "values": values,
        "year": str(amendment.year),
    }
    context.update(grid_context([0], parties, values))
    return render(request, "governance/conventions/amendment_form.html", context)


def amendment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    amendment = get_object_or_404(selectors.amendments_for(request.user), pk=pk)
    versions = list(amendment.versions.select_related("created_by").order_by("n"))
    refused = amendment.refused_version
    comparison = selectors.compare(
        amendment.versions.all(),
        request.GET.get("from"),
        request.GET.get("to"),
        default=selectors.default_pair([v.n for v in versions], refused),
    )
    context = {
        "amendment": amendment,
        "version": amendment.content,
        "versions": versions,
        "refused_version": refused,
        "comparison": comparison,
        "lines": amendment.lines.select_related("funder"),
        "functions": list(Function),
        "can_revise": amendment.state == "draft" and may(request.user, amendment, DRAFT),
        "signature_panel": signature_panel(amendment, "amendment"),
        "action_url_prefix": f"{amendment.get_absolute_url()}transitions/",
        **lifecycle_context(request, amendment),
    }
    return render(request, "governance/conventions/amendment_detail.html", context)
