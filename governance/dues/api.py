"""API of the dues: schedules (the GA's rule), calls per Mission Locale and their payments, in
the uniform lifecycle shape (transitions, history)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from governance.dues import selectors, services
from governance.dues.models import DuesCall, DuesPayment, DuesSchedule
from governance.organisations import limits
from governance.organisations.models import Arml
from permissions.scope import ScopedModelSerializer, ScopedPrimaryKeyRelatedField
from permissions.selectors import armls_for
from workflows.acts import REFUSALS
from workflows.api import LifecycleViewSetMixin, not_found, refusal_response, whole_param
from workflows.web import request_info

MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal("0")}


class DuesScheduleSerializer(ScopedModelSerializer):
    reference = serializers.CharField(read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    rule = serializers.CharField(source="rule_sentence", read_only=True)
    fingerprint = serializers.CharField(source="compute_hash", read_only=True)

    class Meta:
        model = DuesSchedule
        fields = [
            "id",
            "reference",
            "arml",
            "year",
            "base_amount",
            "per_young_amount",
            "due_on",
            "notes",
            "rule",
            "fingerprint",
            "adopted_hash",
            "state",
            "state_label",
            "version",
        ]
        read_only_fields = ["adopted_hash", "state", "version"]


class ScheduleInputSerializer(serializers.Serializer):
    arml = ScopedPrimaryKeyRelatedField(queryset=Arml.objects.all())
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    base_amount = serializers.DecimalField(**MONEY)
    per_young_amount = serializers.DecimalField(**MONEY, required=False, default=Decimal("0"))
    due_on = serializers.DateField()
    notes = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=limits.TEXT
    )


class ScheduleChangeSerializer(ScheduleInputSerializer):
    arml = None  # type: ignore[assignment]
    year = None  # type: ignore[assignment]


class PrepareCallsSerializer(serializers.Serializer):
    young_people = serializers.DictField(
        child=serializers.IntegerField(min_value=0),
        required=False,
        default=dict,
        help_text="Nombre de jeunes accompagnés par Mission Locale (id → nombre).",
    )


class DuesPaymentSerializer(ScopedModelSerializer):
    recorded_by = serializers.StringRelatedField()

    class Meta:
        model = DuesPayment
        fields = [
            "id",
            "amount",
            "paid_on",
            "reference",
            "recorded_by",
            "created_at",
            "reverses",
            "reason",
            "corrected_by",
        ]

    corrected_by = serializers.SerializerMethodField()

    def get_corrected_by(self, payment: DuesPayment) -> list[int]:
        """The correcting entries recorded against this payment (ids)."""
        return [c.pk for c in payment.corrections.all()]


class DuesCorrectionInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=limits.TEXT)
    amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        required=False,
        allow_null=True,
        default=None,
        help_text="Montant repris (tout le paiement si absent).",
    )


class DuesPaymentInputSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    paid_on = serializers.DateField(required=False, allow_null=True, default=None)
    reference = serializers.CharField(required=False, allow_blank=True, default="", max_length=120)


class DuesCallSerializer(ScopedModelSerializer):
    reference = serializers.CharField(read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    mission_locale_name = serializers.CharField(source="mission_locale.name", read_only=True)
    paid = serializers.SerializerMethodField()
    left_to_pay = serializers.SerializerMethodField()
    in_arrears = serializers.BooleanField(read_only=True)

    class Meta:
        model = DuesCall
        fields = [
            "id",
            "reference",
            "arml",
            "schedule",
            "year",
            "mission_locale",
            "mission_locale_name",
            "young_people",
            "amount",
            "due_on",
            "paid",
            "left_to_pay",
            "in_arrears",
            "state",
            "state_label",
            "version",
        ]
        read_only_fields = fields

    def get_paid(self, call: DuesCall) -> str:
        return str(call.paid())

    def get_left_to_pay(self, call: DuesCall) -> str:
        return str(call.left_to_pay())


class DuesScheduleViewSet(
    LifecycleViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """The year's dues as the general assembly sets them. The director drafts; the president
    adopts (transition `adopt`) once the AG deliberated on this exact rule."""

    serializer_class = DuesScheduleSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.schedules_for(self.request.user)

    @extend_schema(request=ScheduleInputSerializer, responses={201: DuesScheduleSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = ScheduleInputSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        if not armls_for(request.user).filter(pk=data["arml"].pk).exists():
            return not_found()
        try:
            schedule = services.dues_schedule_create(
                actor=request.user, request_info=request_info(request), **data
            )
        except REFUSALS as exc:
            return refusal_response(exc)
        return Response(DuesScheduleSerializer(schedule).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ScheduleChangeSerializer, responses=DuesScheduleSerializer)
    @action(detail=True, methods=["post"], url_path="change")
    def change(self, request: Request, pk: Any = None) -> Response:
        payload = ScheduleChangeSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        try:
            schedule = services.dues_schedule_update(
                actor=request.user,
                schedule=self.get_object(),
                request_info=request_info(request),
                **payload.validated_data,
            )
        except REFUSALS as exc:
            return refusal_response(exc)
        return Response(DuesScheduleSerializer(schedule).data)

    @extend_schema(
        methods=["POST"],
        request=PrepareCallsSerializer,
        responses={201: DuesCallSerializer(many=True)},
    )
    @extend_schema(methods=["GET"], responses=DuesCallSerializer(many=True))
    @action(detail=True, methods=["get", "post"], url_path="calls")
    def calls(self, request: Request, pk: Any = None) -> Response:
        schedule = self.get_object()
        if request.method == "POST":
            payload = PrepareCallsSerializer(data=request.data, context={"request": request})
            payload.is_valid(raise_exception=True)
            try:
                services.dues_calls_prepare(
                    actor=request.user,
                    schedule=schedule,
                    young_people=payload.validated_data["young_people"],
                    request_info=request_info(request),
                )
            except REFUSALS as exc:
                return refusal_response(exc)
        calls = selectors.calls_for(request.user).filter(schedule=schedule)
        code = status.HTTP_201_CREATED if request.method == "POST" else status.HTTP_200_OK
        return Response(DuesCallSerializer(calls, many=True).data, status=code)


class DuesCallViewSet(LifecycleViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """One call per Mission Locale and year: issued (signed) by the president, paid in one or
    several payments recorded by the director or the treasurer; `in_arrears` once its due date
    passed with something left to pay."""

    serializer_class = DuesCallSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int, description="Année des cotisations"),
            OpenApiParameter("arml", int, description="ARML"),
            OpenApiParameter("in_arrears", bool, description="Seulement les appels en retard"),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        calls = list(self.get_queryset())
        if request.query_params.get("in_arrears") in {"1", "true", "True"}:
            calls = [c for c in calls if c.in_arrears]
        page = self.paginate_queryset(calls)
        return self.get_paginated_response(DuesCallSerializer(page, many=True).data)

    def get_queryset(self):  # type: ignore[no-untyped-def]
        qs = selectors.calls_for(self.request.user)
        for name in ("year", "arml"):
            value = whole_param(self.request.query_params.get(name))
            if value is not None:
                qs = qs.filter(**{name: value})
        return qs

    @extend_schema(
        methods=["POST"], request=DuesPaymentInputSerializer, responses={201: DuesPaymentSerializer}
    )
    @extend_schema(methods=["GET"], responses=DuesPaymentSerializer(many=True))
    @action(detail=True, methods=["get", "post"], url_path="payments")
    def payments(self, request: Request, pk: Any = None) -> Response:
        call = self.get_object()
        if request.method == "POST":
            payload = DuesPaymentInputSerializer(data=request.data, context={"request": request})
            payload.is_valid(raise_exception=True)
            try:
                payment = services.dues_payment_record(
                    actor=request.user,
                    call=call,
                    request_info=request_info(request),
                    **payload.validated_data,
                )
            except REFUSALS as exc:
                return refusal_response(exc)
            return Response(DuesPaymentSerializer(payment).data, status=status.HTTP_201_CREATED)
        rows = call.payments.select_related("recorded_by").prefetch_related("corrections")
        return Response(DuesPaymentSerializer(rows, many=True).data)

    @extend_schema(
        request=DuesCorrectionInputSerializer,
        responses={201: DuesPaymentSerializer},
        parameters=[OpenApiParameter("payment", int, OpenApiParameter.PATH)],
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"payments/(?P<payment>[0-9]{1,18})/correction",
    )
    def correct_payment(self, request: Request, pk: Any = None, payment: Any = None) -> Response:
        """A correcting entry against one of the call's payments (never an edit of it)."""
        call = self.get_object()
        original = DuesPayment.objects.filter(call=call, pk=payment).first()
        if original is None:
            return not_found()
        payload = DuesCorrectionInputSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        try:
            correction = services.dues_payment_correct(
                actor=request.user,
                payment=original,
                request_info=request_info(request),
                **payload.validated_data,
            )
        except REFUSALS as exc:
            return refusal_response(exc)
        return Response(DuesPaymentSerializer(correction).data, status=status.HTTP_201_CREATED)


def register(router: BaseRouter) -> None:
    router.register("dues-schedules", DuesScheduleViewSet, basename="dues-schedule")
    router.register("dues-calls", DuesCallViewSet, basename="dues-call")
