"""API of the finances room.

GET  /api/v1/money/{convention}/            committed, scheduled, paid, justified per year and
                                            funder, the schedule and the payments
POST /api/v1/money/{convention}/payments/   multipart: funder, year, part, amount, received_on,
                                            reference, file (the funder's notice)
POST …/payments/{payment}/correction/       {reason, amount?}: a correcting entry (negative,
                                            pointing at the original; all of it by default)
/api/v1/financial-reports/                  the uniform lifecycle endpoints, plus
POST …/{id}/content/                        {action_summary, results, charges, income, gaps}
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from governance.finances import selectors, services
from governance.finances.models import FinancialReport, Payment
from governance.finances.rules import Part, Row, Totals, rows_from
from governance.organisations import limits
from governance.organisations.models import Funder
from permissions.scope import ScopedModelSerializer, ScopedPrimaryKeyRelatedField
from workflows import errors
from workflows.api import LifecycleViewSetMixin, not_found
from workflows.attachments import as_json, attachments_of
from workflows.web import request_info

MONEY = {"max_digits": 14, "decimal_places": 2}


def totals_json(totals: Totals) -> dict[str, str]:
    return {
        "committed": str(totals.committed),
        "scheduled": str(totals.scheduled),
        "paid": str(totals.paid),
        "justified": str(totals.justified),
    }


def payment_json(payment: Any) -> dict[str, Any]:
    return {
        "id": payment.pk,
        "funder": payment.funder_id,
        "year": payment.year,
        "part": payment.part,
        "amount": str(payment.amount),
        "received_on": payment.received_on.isoformat(),
        "reference": payment.reference,
        "recorded_by": str(payment.recorded_by),
        "evidence": [as_json(a) for a in attachments_of(payment)],
        "reverses": payment.reverses_id,
        "reason": payment.reason,
        "corrected_by": [c.pk for c in payment.corrections.all()],
    }


def money_json(convention: Any) -> dict[str, Any]:
    rows = selectors.money_rows(convention)
    return {
        "convention": convention.pk,
        "reference": convention.reference(),
        "totals": totals_json(selectors.grand_total(rows)),
        "rows": [
            {
                "year": r.year,
                "funder": r.funder.pk,
                "funder_name": str(r.funder),
                **totals_json(r.totals),
                "schedule": [
                    {
                        "part": i.instalment.part,
                        "amount": str(i.instalment.amount),
                        "due_on": i.instalment.due_on.isoformat(),
                        "condition": i.instalment.condition,
                        "condition_met": i.condition_met,
                        "paid": str(i.paid),
                        "status": i.status,
                    }
                    for i in r.instalments
                ],
                "payments": [payment_json(p) for p in r.payments],
                "financial_report": (
                    {"id": r.report.pk, "state": r.report.state, "due_on": str(r.report.due_on)}
                    if r.report
                    else None
                ),
            }
            for r in rows
        ],
    }


class PaymentInputSerializer(serializers.Serializer):
    funder = ScopedPrimaryKeyRelatedField(queryset=Funder.objects.all())
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    part = serializers.ChoiceField(choices=Part.CHOICES)
    amount = serializers.DecimalField(**MONEY)
    received_on = serializers.DateField()
    reference = serializers.CharField(max_length=100)
    file = serializers.FileField()


class CorrectionInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=limits.TEXT)
    amount = serializers.DecimalField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Montant repris (tout le versement si absent).",
        **MONEY,
    )


class MoneyViewSet(viewsets.GenericViewSet):
    """The money of the conventions in my scope (by convention id)."""

    serializer_class = PaymentInputSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.conventions_for(self.request.user)

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def retrieve(self, request: Request, pk: Any = None) -> Response:
        return Response(money_json(self.get_object()))

    @extend_schema(request={"multipart/form-data": PaymentInputSerializer}, responses={201: None})
    @action(detail=True, methods=["post"], url_path="payments")
    def payments(self, request: Request, pk: Any = None) -> Response:
        convention = self.get_object()
        payload = PaymentInputSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            payment = services.payment_record(
                actor=request.user,
                convention=convention,
                item=services.PaymentInput(
                    funder=data["funder"],
                    year=data["year"],
                    part=data["part"],
                    amount=data["amount"],
                    received_on=data["received_on"],
                    reference=data["reference"],
                    filename=data["file"].name,
                    content=data["file"].read(),
                ),
                request_info=request_info(request),
            )
        except errors.TransitionError as exc:
            return Response(exc.as_dict(), status=exc.status)
        return Response(payment_json(payment), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=CorrectionInputSerializer,
        responses={201: OpenApiTypes.OBJECT},
        parameters=[OpenApiParameter("payment", int, OpenApiParameter.PATH)],
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"payments/(?P<payment>[0-9]{1,18})/correction",
    )
    def correct_payment(self, request: Request, pk: Any = None, payment: Any = None) -> Response:
        """A correcting entry against a payment recorded by mistake (never an edit of it)."""
        convention = self.get_object()
        original = Payment.objects.filter(convention=convention, pk=payment).first()
        if original is None:
            return not_found()
        payload = CorrectionInputSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        try:
            correction = services.payment_correct(
                actor=request.user,
                payment=original,
                request_info=request_info(request),
                **payload.validated_data,
            )
        except errors.TransitionError as exc:
            return Response(exc.as_dict(), status=exc.status)
        return Response(payment_json(correction), status=status.HTTP_201_CREATED)


class RowSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=200)
    budgeted = serializers.DecimalField(min_value=Decimal(0), **MONEY)
    actual = serializers.DecimalField(min_value=Decimal(0), **MONEY)


class ReportContentSerializer(serializers.Serializer):
    action_summary = serializers.CharField(max_length=limits.REPORT)
    results = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=limits.REPORT
    )
    charges = RowSerializer(many=True)
    income = RowSerializer(many=True, required=False, default=list)
    gaps = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=limits.REPORT
    )


class FinancialReportSerializer(ScopedModelSerializer):
    reference = serializers.CharField(read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    late = serializers.BooleanField(source="is_late", read_only=True)
    table = serializers.SerializerMethodField()

    class Meta:
        model = FinancialReport
        fields = [
            "id",
            "reference",
            "arml",
            "convention",
            "funder",
            "year",
            "due_on",
            "state",
            "state_label",
            "late",
            "version",
            "action_summary",
            "results",
            "charges",
            "income",
            "gaps",
            "table",
        ]

    def get_table(self, report: FinancialReport) -> dict[str, Any]:
        table = selectors.report_table(report)
        return {
            "subsidy": table.subsidy.as_dict(),
            "charges_total": table.total(table.charges).as_dict(),
            "income_total": table.total(table.income_rows).as_dict(),
            "subsidy_share": str(table.subsidy_share),
        }


class FinancialReportViewSet(LifecycleViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Financial reports (CRF) in my scope."""

    serializer_class = FinancialReportSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.reports_for(self.request.user).order_by("-year", "funder__name", "pk")

    @extend_schema(request=ReportContentSerializer, responses=FinancialReportSerializer)
    @action(detail=True, methods=["post"], url_path="content")
    def content(self, request: Request, pk: Any = None) -> Response:
        report = self.get_object()
        payload = ReportContentSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        data = payload.validated_data

        def rows(items: list[dict[str, Any]]) -> list[Row]:
            return rows_from(items)

        try:
            report = services.financial_report_save(
                actor=request.user,
                report=report,
                content=services.ReportContent(
                    action_summary=data["action_summary"],
                    results=data["results"],
                    charges=rows(data["charges"]),
                    income=rows(data["income"]),
                    gaps=data["gaps"],
                ),
                request_info=request_info(request),
            )
        except errors.TransitionError as exc:
            return Response(exc.as_dict(), status=exc.status)
        return Response(FinancialReportSerializer(report).data)


def register(router: BaseRouter) -> None:
    router.register("money", MoneyViewSet, basename="money")
    router.register("financial-reports", FinancialReportViewSet, basename="financial-report")
