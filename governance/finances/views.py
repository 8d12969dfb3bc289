"""Pages of the finances room: a convention's money (schedule, payments, reports), the
financial reports (list, detail with the lifecycle panel, content)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from governance.finances import selectors, services
from governance.finances.models import FinancialReport, Payment
from governance.finances.rules import (
    DRAFT_REPORT,
    RECORD_PAYMENT,
    Part,
    parse_rows,
    rows_from,
    rows_text,
)
from governance.organisations.models import Funder
from permissions.authorization import may
from workflows import errors
from workflows.attachments import attachments_of
from workflows.web import act_post, lifecycle_context, request_info


def convention_money(request: HttpRequest, pk: int) -> HttpResponse:
    convention = get_object_or_404(selectors.conventions_for(request.user), pk=pk)
    rows = selectors.money_rows(convention)
    funders = {r.funder.pk: r.funder for r in rows}
    for row in rows:
        for payment in row.payments:
            payment.evidence = attachments_of(payment)  # the funder's notice, to open
    return render(
        request,
        "governance/finances/convention_money.html",
        {
            "convention": convention,
            "rows": rows,
            "total": selectors.grand_total(rows),
            "may_record": may(request.user, convention, RECORD_PAYMENT),
            "funders": list(funders.values()),
            "years": sorted({r.year for r in rows}),
            "parts": Part.CHOICES,
        },
    )


@require_POST
def payment_create(request: HttpRequest, pk: int) -> HttpResponse:
    convention = get_object_or_404(selectors.conventions_for(request.user), pk=pk)
    post = request.POST

    def call() -> None:
        try:
            funder = Funder.objects.get(pk=int(post.get("funder", "")))
            year = int(post.get("year", ""))
            amount = Decimal(post.get("amount", "").replace(" ", "").replace(",", "."))
            received_on = dt.date.fromisoformat(post.get("received_on", ""))
        except (ValueError, InvalidOperation, Funder.DoesNotExist):
            raise errors.InvalidData(
                _("Give the funder, the year, the amount and the date received."),
                code="invalid_data",
            ) from None
        upload = request.FILES.get("file")
        services.payment_record(
            actor=request.user,
            convention=convention,
            item=services.PaymentInput(
                funder=funder,
                year=year,
                part=post.get("part", ""),
                amount=amount,
                received_on=received_on,
                reference=post.get("reference", ""),
                filename=upload.name if upload else "",
                content=upload.read() if upload else b"",
            ),
            request_info=request_info(request),
        )

    url = reverse("governance:convention_money", args=[convention.pk])
    return act_post(request, url, call, _("Payment recorded with its evidence."), "#h-payments")


@require_POST
def payment_correct(request: HttpRequest, pk: int, payment_pk: int) -> HttpResponse:
    convention = get_object_or_404(selectors.conventions_for(request.user), pk=pk)
    payment = get_object_or_404(Payment.objects.filter(convention=convention), pk=payment_pk)
    post = request.POST

    def call() -> None:
        raw = post.get("amount", "").replace(" ", "").replace(",", ".")
        try:
            amount = Decimal(raw) if raw else None
            if amount is not None and not amount.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            raise errors.InvalidData(
                _("Enter the amount taken back in euros, or leave it empty."),
                code="invalid_data",
            ) from None
        services.payment_correct(
            actor=request.user,
            payment=payment,
            reason=post.get("reason", ""),
            amount=amount,
            request_info=request_info(request),
        )

    url = reverse("governance:convention_money", args=[convention.pk])
    return act_post(request, url, call, _("Correcting entry recorded."), "#h-payments")


def report_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "governance/finances/report_list.html",
        {"reports": selectors.reports_for(request.user).order_by("-year", "funder__name")},
    )


def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(selectors.reports_for(request.user), pk=pk)
    context = {
        "report": report,
        "table": selectors.report_table(report),
        "may_draft": report.is_editable and may(request.user, report, DRAFT_REPORT),
        "charges_text": rows_text(rows_from(report.charges)),
        "income_text": rows_text(rows_from(report.income)),
        **lifecycle_context(request, report),
    }
    context["action_url_prefix"] = f"{report.get_absolute_url()}transitions/"
    return render(request, "governance/finances/report_detail.html", context)


@require_POST
def report_content(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(selectors.reports_for(request.user), pk=pk)
    post = request.POST

    def call() -> FinancialReport:
        try:
            charges = parse_rows(post.get("charges", ""))
            income = parse_rows(post.get("income", ""))
        except ValueError as exc:
            raise errors.InvalidData(str(exc), code="invalid_data") from None
        return services.financial_report_save(
            actor=request.user,
            report=report,
            content=services.ReportContent(
                action_summary=post.get("action_summary", ""),
                results=post.get("results", ""),
                charges=charges,
                income=income,
                gaps=post.get("gaps", ""),
            ),
            request_info=request_info(request),
        )

    return act_post(request, report, call, _("Financial report saved."))
