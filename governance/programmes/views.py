"""PRA pages: list, draft and edit (in draft), detail with the actions by function, the
funders' opinions and marks, quarterly progress, linked action plans and the lifecycle panel."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from governance.organisations.models import Funder
from governance.programmes import selectors, services
from governance.programmes.forms import ActionForm, ProgrammeForm, ProgressForm, action_initial
from governance.programmes.models import ProgrammeAction, ProgrammeState
from governance.programmes.rules import DRAFT, REPORT
from permissions.authorization import armls_allowed, may
from permissions.scope import scope_form
from permissions.selectors import armls_for
from workflows import errors
from workflows.web import act_post, lifecycle_context, problems_of, request_info


def programme_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "governance/programmes/programme_list.html",
        {
            "programmes": selectors.programmes_for(request.user),
            "can_draft": bool(armls_allowed(request.user, DRAFT)),
        },
    )


def programme_create(request: HttpRequest) -> HttpResponse:
    armls = armls_allowed(request.user, DRAFT)
    if not armls:
        raise PermissionDenied(_("Only the ARML's director or staff draft the programme."))
    arml = armls[0]
    start = timezone.localdate().year
    form = ProgrammeForm(request.POST or None, initial={"start_year": start, "end_year": start + 2})
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(
                actor=request.user, arml=arml, **form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as exc:
            problems = problems_of(exc)
        else:
            messages.success(
                request, _("Programme drafted: add its actions, function by function.")
            )
            return HttpResponseRedirect(programme.get_absolute_url())
    return render(
        request,
        "governance/programmes/programme_form.html",
        {"form": form, "arml": arml, "creating": True, "problems": problems},
    )


def _programme(request: HttpRequest, pk: int) -> Any:
    return get_object_or_404(selectors.programmes_for(request.user), pk=pk)


def _can_draft(request: HttpRequest, programme: Any) -> bool:
    return programme.is_editable and may(request.user, programme, DRAFT)


def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    if not _can_draft(request, programme):
        raise PermissionDenied(_("The programme can only change in draft, by the ARML's team."))
    form = ProgrammeForm(
        request.POST or None,
        initial={
            "title": programme.title,
            "start_year": programme.start_year,
            "end_year": programme.end_year,
        },
    )
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_update(actor=request.user, programme=programme, **form.cleaned_data)
        except (ValidationError, PermissionDenied, errors.TransitionError) as exc:
            problems = problems_of(exc)
        else:
            messages.success(request, _("Programme saved."))
            return HttpResponseRedirect(programme.get_absolute_url())
    return render(
        request,
        "governance/programmes/programme_form.html",
        {"form": form, "arml": programme.arml, "programme": programme, "problems": problems},
    )


def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    view = selectors.programme_view(programme, request.user)
    lifecycle = lifecycle_context(request, programme)
    my_funders = selectors.officer_funders(request.user, programme.arml)
    consulting = programme.state == ProgrammeState.IN_CONSULTATION and bool(my_funders)
    reporting = programme.state == ProgrammeState.IN_EXECUTION and may(
        request.user, programme, REPORT
    )
    if reporting:
        for group in view.functions:
            for action in group["actions"]:
                action.progress_form = ProgressForm(action=action)
    context = {
        "programme": programme,
        "view": view,
        "can_edit": _can_draft(request, programme),
        "consulting": consulting,
        "my_funders": my_funders,
        "reporting": reporting,
        "can_contract": any(o.name == "contract" and o.allowed for o in lifecycle["options"]),
        "contract": selectors.contract_choices(programme)
        if programme.state == ProgrammeState.VALIDATED
        else {},
        "action_url_prefix": f"{programme.get_absolute_url()}transitions/",
        **lifecycle,
    }
    return render(request, "governance/programmes/programme_detail.html", context)


def _action_form_page(
    request: HttpRequest, programme: Any, action: ProgrammeAction | None
) -> HttpResponse:
    if not _can_draft(request, programme):
        raise PermissionDenied(_("The programme can only change in draft, by the ARML's team."))
    if request.method == "POST":
        form = scope_form(ActionForm(request.POST, programme=programme), request.user)
    elif action is not None:
        form = scope_form(
            ActionForm(programme=programme, initial=action_initial(action)), request.user
        )
    else:
        form = scope_form(
            ActionForm(programme=programme, initial={"function": request.GET.get("fonction")}),
            request.user,
        )
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.programme_action_save(
                actor=request.user, programme=programme, item=form.to_input(), action=action
            )
        except (ValidationError, PermissionDenied, errors.TransitionError) as exc:
            problems = problems_of(exc)
        else:
            messages.success(request, _("Action saved."))
            return HttpResponseRedirect(f"{programme.get_absolute_url()}#action-{saved.pk}")
    return render(
        request,
        "governance/programmes/programme_action_form.html",
        {"form": form, "programme": programme, "action": action, "problems": problems},
    )


def programme_action_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _action_form_page(request, _programme(request, pk), None)


def _action(request: HttpRequest, pk: int) -> ProgrammeAction:
    return get_object_or_404(
        ProgrammeAction.objects.select_related("programme__arml").filter(
            programme__arml__in=armls_for(request.user)
        ),
        pk=pk,
    )


def programme_action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(request, pk)
    return _action_form_page(request, action.programme, action)


def _at(action: ProgrammeAction) -> str:
    """The programme page at the action (where its forms are)."""
    return f"{action.programme.get_absolute_url()}#action-{action.pk}"


@require_POST
def programme_action_delete(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(request, pk)
    return act_post(
        request,
        _at(action),
        lambda: services.programme_action_delete(actor=request.user, action=action),
        _("Action deleted."),
    )


def _posted_funder(request: HttpRequest) -> Funder | None:
    raw = request.POST.get("funder", "")
    return Funder.objects.filter(pk=raw).first() if raw.isdigit() else None


@require_POST
def programme_opinion(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(request, pk)
    return act_post(
        request,
        _at(action),
        lambda: services.funder_opinion_add(
            actor=request.user,
            action=action,
            text=request.POST.get("text", ""),
            funder=_posted_funder(request),
            request_info=request_info(request),
        ),
        _("Comment recorded."),
    )


@require_POST
def programme_mark(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(request, pk)
    funds = request.POST.get("funds")
    if funds not in {"yes", "no"}:
        messages.error(request, _("Say whether the funder funds this action."))
        return HttpResponseRedirect(f"{action.programme.get_absolute_url()}#action-{action.pk}")
    return act_post(
        request,
        _at(action),
        lambda: services.funding_mark_set(
            actor=request.user,
            action=action,
            funds=funds == "yes",
            funder=_posted_funder(request),
            request_info=request_info(request),
        ),
        _("Funding mark recorded."),
    )


@require_POST
def programme_progress(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(request, pk)
    form = ProgressForm(request.POST, action=action)
    if not form.is_valid():
        for field, problems in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for problem in problems:
                messages.error(request, f"{label} : {problem}" if label else problem)
        return HttpResponseRedirect(f"{action.programme.get_absolute_url()}#action-{action.pk}")
    data = form.cleaned_data
    return act_post(
        request,
        _at(action),
        lambda: services.progress_record(
            actor=request.user,
            action=action,
            year=data["year"],
            quarter=data["quarter"],
            status=data["status"],
            percent_done=data["percent_done"],
            measurements=form.measurements(),
            comment=data.get("comment", ""),
            request_info=request_info(request),
        ),
        _("Progress recorded."),
    )
