"""Convention (CPOM) and amendment pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.conventions import selectors, services
from governance.conventions.forms import (
    HeaderForm,
    content_from,
    grid_context,
    grid_values,
    initial_from,
    parse_grids,
)
from governance.conventions.rules import DRAFT
from governance.organisations.models import Arml, Function, Funder, FunderKind
from permissions.authorization import armls_allowed, may
from workflows.acts import require
from workflows.selectors import signature_panel
from workflows.web import lifecycle_context


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
    header = HeaderForm(request.POST, arml=arml)
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
        header = HeaderForm(
            arml=arml, initial={"start_year": start, "end_year": start + 2, "parties": parties}
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
        header = HeaderForm(arml=convention.arml, initial=initial_from(version))
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
    context = {
        "convention": convention,
        "version": version,
        "table": table,
        "functions": list(Function),
        "history_of_amounts": selectors.amount_history(convention),
        "targets": version.targets.select_related("indicator").order_by("indicator__code", "year"),
        "amendments": convention.amendments.order_by("number"),
        "can_edit": convention.is_editable and may(request.user, convention, DRAFT),
        "can_amend": convention.state == "in_force" and may(request.user, convention, DRAFT),
        "signature_panel": signature_panel(convention, "convention"),
        "action_url_prefix": f"{convention.get_absolute_url()}transitions/",
        **lifecycle_context(request, convention),
    }
    return render(request, "governance/conventions/convention_detail.html", context)


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


def amendment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    amendment = get_object_or_404(selectors.amendments_for(request.user), pk=pk)
    context = {
        "amendment": amendment,
        "lines": amendment.lines.select_related("funder"),
        "functions": list(Function),
        "signature_panel": signature_panel(amendment, "amendment"),
        "action_url_prefix": f"{amendment.get_absolute_url()}transitions/",
        **lifecycle_context(request, amendment),
    }
    return render(request, "governance/conventions/amendment_detail.html", context)
