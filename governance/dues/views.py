"""Pages of the dues: the schedules and calls in my scope, a schedule (its rule, the calls
prepared from it), a call (its payments, the signed call, the lifecycle panel)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from governance.dues import rules, selectors, services
from governance.dues.forms import CorrectionForm, PaymentForm, ScheduleForm
from governance.dues.models import DuesPayment
from permissions.authorization import armls_allowed, may
from workflows.acts import REFUSALS
from workflows.web import act_post, lifecycle_context, problems_of, request_info


def dues_list(request: HttpRequest) -> HttpResponse:
    armls = armls_allowed(request.user, rules.DRAFT)
    form = ScheduleForm(request.POST or None, armls=_as_qs(armls))
    if request.method == "POST" and form.is_valid():
        try:
            schedule = services.dues_schedule_create(
                actor=request.user, request_info=request_info(request), **form.cleaned_data
            )
        except REFUSALS as exc:
            for problem in problems_of(exc):
                messages.error(request, problem)
        else:
            messages.success(
                request, _("Dues schedule drafted. Put it on the general assembly's agenda.")
            )
            return HttpResponseRedirect(schedule.get_absolute_url())
    calls = list(selectors.calls_for(request.user))
    return render(
        request,
        "governance/dues/dues_list.html",
        {
            "schedules": selectors.schedules_for(request.user),
            "calls": calls,
            "arrears": [c for c in calls if c.in_arrears],
            "form": form if armls else None,
        },
    )


def _as_qs(armls):  # type: ignore[no-untyped-def]
    from governance.organisations.models import Arml

    return Arml.objects.filter(pk__in=[a.pk for a in armls])


def schedule_detail(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = get_object_or_404(selectors.schedules_for(request.user), pk=pk)
    context = {
        "schedule": schedule,
        "calls": selectors.calls_for(request.user).filter(schedule=schedule),
        "can_prepare": schedule.state == "adopted" and may(request.user, schedule, rules.ISSUE),
        "mls": schedule.arml.missions_locales.order_by("name"),
        **lifecycle_context(request, schedule),
    }
    context["action_url_prefix"] = f"{schedule.get_absolute_url()}transitions/"
    return render(request, "governance/dues/schedule_detail.html", context)


@require_POST
def schedule_prepare_calls(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = get_object_or_404(selectors.schedules_for(request.user), pk=pk)
    counts = {
        key.removeprefix("young_"): value
        for key, value in request.POST.items()
        if key.startswith("young_") and value != ""
    }
    return act_post(
        request,
        schedule,
        lambda: services.dues_calls_prepare(
            actor=request.user,
            schedule=schedule,
            young_people=counts,
            request_info=request_info(request),
        ),
        _("Calls for dues prepared: the president issues each one."),
    )


def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(selectors.calls_for(request.user), pk=pk)
    context = {
        "call": call,
        "payments": call.payments.select_related("recorded_by").prefetch_related("corrections"),
        "may_correct": may(request.user, call, rules.PAY),
        "payment_form": PaymentForm()
        if may(request.user, call, rules.PAY) and call.state == "called"
        else None,
        **lifecycle_context(request, call),
    }
    context["action_url_prefix"] = f"{call.get_absolute_url()}transitions/"
    return render(request, "governance/dues/call_detail.html", context)


@require_POST
def call_record_payment(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(selectors.calls_for(request.user), pk=pk)
    form = PaymentForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return HttpResponseRedirect(call.get_absolute_url())
    return act_post(
        request,
        call,
        lambda: services.dues_payment_record(
            actor=request.user, call=call, request_info=request_info(request), **form.cleaned_data
        ),
        _("Payment recorded."),
    )


@require_POST
def call_correct_payment(request: HttpRequest, pk: int, payment_pk: int) -> HttpResponse:
    call = get_object_or_404(selectors.calls_for(request.user), pk=pk)
    payment = get_object_or_404(DuesPayment.objects.filter(call=call), pk=payment_pk)
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return HttpResponseRedirect(call.get_absolute_url())
    return act_post(
        request,
        call,
        lambda: services.dues_payment_correct(
            actor=request.user,
            payment=payment,
            request_info=request_info(request),
            **form.cleaned_data,
        ),
        _("Correcting entry recorded."),
    )
