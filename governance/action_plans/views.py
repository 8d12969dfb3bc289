"""Action plan pages: list (scoped), draft, detail with the lifecycle panel, transitions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from governance.action_plans.forms import ActionPlanForm
from governance.action_plans.models import ActionPlan
from governance.action_plans.selectors import directed_mls, plans_for
from governance.action_plans.services import action_plan_create
from permissions.scope import scope_form
from workflows.web import lifecycle_context


def action_plan_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("etat", "")
    plans = plans_for(request.user)
    if state:
        plans = plans.filter(state=state)
    return render(
        request,
        "governance/action_plans/action_plan_list.html",
        {
            "plans": plans,
            "can_draft": directed_mls(request.user).exists(),
            "state": state,
            "states": ActionPlan._meta.get_field("state").choices,
        },
    )


def action_plan_create_view(request: HttpRequest) -> HttpResponse:
    mls = list(directed_mls(request.user))
    if not mls:
        raise PermissionDenied(_("Only a Mission Locale director can draft an action plan."))
    ml = mls[0]
    form = scope_form(ActionPlanForm(request.POST or None, mission_locale=ml), request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        beneficiaries = data.pop("beneficiaries")
        plan = action_plan_create(
            actor=request.user, mission_locale=ml, beneficiaries=beneficiaries, **data
        )
        messages.success(request, _("Draft saved. Submit it when it is ready."))
        return HttpResponseRedirect(plan.get_absolute_url())
    return render(
        request, "governance/action_plans/action_plan_form.html", {"form": form, "ml": ml}
    )


def action_plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(plans_for(request.user).prefetch_related("beneficiaries"), pk=pk)
    context = {"plan": plan, **lifecycle_context(request, plan)}
    context["action_url_prefix"] = f"{plan.get_absolute_url()}transitions/"
    return render(request, "governance/action_plans/action_plan_detail.html", context)
