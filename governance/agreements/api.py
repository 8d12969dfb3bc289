"""API of the regulated agreements: the register's entries (list, declare) and the yearly
registers in the uniform lifecycle shape (the auditor's report, the assembly's ruling)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from governance.agreements import selectors, services
from governance.agreements.models import AgreementRegister, RegulatedAgreement
from governance.organisations.models import Arml, MissionLocale, Person
from permissions.scope import ScopedModelSerializer, ScopedPrimaryKeyRelatedField
from permissions.selectors import armls_for
from workflows.acts import REFUSALS
from workflows.api import LifecycleViewSetMixin, not_found, refusal_response, whole_param
from workflows.web import request_info


class RegulatedAgreementSerializer(ScopedModelSerializer):
    year = serializers.IntegerField(source="register.year", read_only=True)
    origin_label = serializers.CharField(source="get_origin_display", read_only=True)

    class Meta:
        model = RegulatedAgreement
        fields = [
            "id",
            "arml",
            "register",
            "year",
            "counterparty",
            "counterparty_ml",
            "administrator",
            "administrator_name",
            "capacity",
            "subject",
            "amount",
            "concluded_on",
            "origin",
            "origin_label",
            "source_label",
            "created_at",
        ]
        read_only_fields = fields


class DeclareSerializer(serializers.Serializer):
    arml = ScopedPrimaryKeyRelatedField(queryset=Arml.objects.all())
    counterparty = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    counterparty_ml = ScopedPrimaryKeyRelatedField(
        queryset=MissionLocale.objects.all(), required=False, allow_null=True, default=None
    )
    administrator = ScopedPrimaryKeyRelatedField(
        queryset=Person.objects.all(), required=False, allow_null=True, default=None
    )
    administrator_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    capacity = serializers.CharField(max_length=200)
    subject = serializers.CharField(max_length=300)
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, default=None
    )
    concluded_on = serializers.DateField()


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("year", int, description="Exercice"),
            OpenApiParameter("arml", int, description="ARML"),
        ]
    )
)
class RegulatedAgreementViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The register of regulated agreements of the ARMLs in my scope: flagged by the
    application or declared by the director or the president."""

    serializer_class = RegulatedAgreementSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        qs = selectors.agreements_for(self.request.user)
        year = whole_param(self.request.query_params.get("year"))
        if year is not None:
            qs = qs.filter(register__year=year)
        arml = whole_param(self.request.query_params.get("arml"))
        if arml is not None:
            qs = qs.filter(arml_id=arml)
        return qs

    @extend_schema(request=DeclareSerializer, responses={201: RegulatedAgreementSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = DeclareSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        if not armls_for(request.user).filter(pk=data["arml"].pk).exists():
            return not_found()
        try:
            entry = services.regulated_agreement_declare(
                actor=request.user, request_info=request_info(request), **data
            )
        except REFUSALS as exc:
            return refusal_response(exc)
        return Response(RegulatedAgreementSerializer(entry).data, status=status.HTTP_201_CREATED)


class AgreementRegisterSerializer(ScopedModelSerializer):
    reference = serializers.CharField(read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    fingerprint = serializers.CharField(source="compute_hash", read_only=True)
    entries = RegulatedAgreementSerializer(many=True, read_only=True)

    class Meta:
        model = AgreementRegister
        fields = [
            "id",
            "reference",
            "arml",
            "year",
            "fingerprint",
            "entries",
            "state",
            "state_label",
            "version",
        ]
        read_only_fields = fields


class AgreementRegisterViewSet(LifecycleViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """One register per ARML and financial year: offered on the general assembly's agenda, the
    statutory auditor reports on it (`report`), the assembly rules (`approve`)."""

    serializer_class = AgreementRegisterSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.registers_for(self.request.user).prefetch_related("entries")


def register(router: BaseRouter) -> None:
    router.register(
        "regulated-agreements", RegulatedAgreementViewSet, basename="regulated-agreement"
    )
    router.register("agreement-registers", AgreementRegisterViewSet, basename="agreement-register")
