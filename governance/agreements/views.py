"""Pages of the regulated agreements: the register (per year), a year's register with its
lifecycle panel, and the declaration by hand."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from governance.agreements import rules, selectors, services
from governance.agreements.forms import DeclareForm
from governance.organisations.models import Arml
from permissions.authorization import armls_allowed
from workflows.acts import REFUSALS
from workflows.web import lifecycle_context, problems_of, request_info


def agreement_list(request: HttpRequest) -> HttpResponse:
    allowed = Arml.objects.filter(pk__in=[a.pk for a in armls_allowed(request.user, rules.DECLARE)])
    form = DeclareForm(request.POST or None, armls=allowed)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.regulated_agreement_declare(
                actor=request.user, request_info=request_info(request), **form.cleaned_data
            )
        except REFUSALS as exc:
            for problem in problems_of(exc):
                messages.error(request, problem)
        else:
            messages.success(request, _("Agreement entered in the register."))
            return HttpResponseRedirect(entry.register.get_absolute_url())
    return render(
        request,
        "governance/agreements/agreement_list.html",
        {
            "registers": selectors.registers_for(request.user).prefetch_related("entries"),
            "form": form if allowed.exists() else None,
        },
    )


def register_detail(request: HttpRequest, pk: int) -> HttpResponse:
    register = get_object_or_404(selectors.registers_for(request.user), pk=pk)
    context = {
        "register": register,
        "entries": register.entries.order_by("concluded_on", "pk"),
        **lifecycle_context(request, register),
    }
    context["action_url_prefix"] = f"{register.get_absolute_url()}transitions/"
    return render(request, "governance/agreements/register_detail.html", context)
